"""Dataset kinds and their schema contracts.

A *dataset kind* says what a department's data must look like once imported: its columns, their
types, which are required, which form the row key, and which hold personal data (so the app can
mask them and log who looked). Every source of a kind is imported into exactly this shape, so a
comparison model can be written once against the contract, whatever the department's
spreadsheet looked like.

Column types are few and carry their validation: ``resident_id`` (GB 11643, 15 digits converted to
18), ``uscc`` (unified social credit code), ``date``, ``period`` (a month, ``YYYY-MM``),
``amount`` (yuan, two decimals), ``ratio``, ``integer``, ``boolean``, ``phone`` and ``account``
(digits only, so a phone written ``0523-8888 1234`` matches ``052388881234``), and ``text``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BUILTIN_TABLES",
    "COLUMN_TYPES",
    "DATASET_KINDS",
    "Column",
    "DatasetKind",
    "dataset_kind",
]

# Storage type of each column type, in DuckDB's dialect; Spark reads the same Parquet files.
COLUMN_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "resident_id": "VARCHAR",
    "uscc": "VARCHAR",
    "phone": "VARCHAR",
    "account": "VARCHAR",
    "date": "DATE",
    "period": "VARCHAR",
    "amount": "DECIMAL(18,2)",
    "ratio": "DECIMAL(9,4)",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
}


@dataclass(frozen=True)
class Column:
    """One column of a contract.

    ``personal`` marks personal data (名字, 身份证号, 电话, 住址, 银行账号…). ``pinyin`` asks the
    importer to add ``<name>_pinyin``: every pinyin reading of the name, so models can propose
    candidates for people whose ID is missing. ``synthetic`` marks an identifier the platform
    makes when the file has none (a payment list without payment numbers): from the file's
    digest and the row, so the same file gives the same identifiers; never a rejection.
    """

    name: str
    type: str
    label_zh: str
    required: bool = False
    personal: bool = False
    pinyin: bool = False
    synthetic: bool = False

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"unknown column type {self.type!r} for {self.name}")

    @property
    def sql_type(self) -> str:
        """The DuckDB type the column is stored as."""
        return COLUMN_TYPES[self.type]


@dataclass(frozen=True)
class DatasetKind:
    """A schema contract: the shape every imported source of this kind has."""

    code: str
    name_zh: str
    name_en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str = ""
    # Values filled in when the file leaves them empty: column → SQL over the stored columns.
    fills: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.code}: duplicate column names")
        for key in self.key:
            column = self.column(key)
            if not column.required:
                raise ValueError(f"{self.code}: key column {key} must be required")

    def column(self, name: str) -> Column:
        """Return the column called ``name`` (KeyError if the contract has none)."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.code} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of the contract's columns, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def stored_columns(self) -> tuple[tuple[str, str], ...]:
        """(name, DuckDB type) of every stored column, including added pinyin keys."""
        stored = [(c.name, c.sql_type) for c in self.columns]
        stored += [(f"{c.name}_pinyin", "VARCHAR[]") for c in self.columns if c.pinyin]
        return tuple(stored)

    @property
    def personal_columns(self) -> tuple[str, ...]:
        """Columns holding personal data."""
        return tuple(c.name for c in self.columns if c.personal)

    def key_sql(self, alias: str = "") -> str:
        """SQL for the row key as one string (parts joined with ``|``), for evidence."""
        prefix = f"{alias}." if alias else ""
        parts = [f"CAST({prefix}{k} AS VARCHAR)" for k in self.key]
        return parts[0] if len(parts) == 1 else " || '|' || ".join(parts)


def _c(name: str, type_: str, label: str, **flags: bool) -> Column:
    return Column(name=name, type=type_, label_zh=label, **flags)


_PERSON = dict(required=True, personal=True)
_BIRTH_FROM_ID = "CAST(strptime(substr({id}, 7, 8), '%Y%m%d') AS DATE)"
_GENDER_FROM_ID = "CASE WHEN CAST(substr({id}, 17, 1) AS INTEGER) % 2 = 1 THEN '男' ELSE '女' END"

DATASET_KINDS: dict[str, DatasetKind] = {
    kind.code: kind
    for kind in (
        DatasetKind(
            code="residents",
            name_zh="户籍人口",
            name_en="Registered residents",
            key=("resident_id",),
            fills=(
                ("birth_date", _BIRTH_FROM_ID.format(id="resident_id")),
                ("gender", _GENDER_FROM_ID.format(id="resident_id")),
            ),
            columns=(
                _c("resident_id", "resident_id", "公民身份号码", **_PERSON),
                _c("name", "text", "姓名", pinyin=True, **_PERSON),
                _c("gender", "text", "性别"),
                _c("birth_date", "date", "出生日期", personal=True),
                _c("town", "text", "乡镇（街道）"),
                _c("village", "text", "村（社区）"),
                _c("address", "text", "住址", personal=True),
                _c("phone", "phone", "联系电话", personal=True),
                _c("household_id", "text", "户号"),
            ),
        ),
        DatasetKind(
            code="cadres",
            name_zh="干部名册",
            name_en="Cadres",
            key=("resident_id",),
            columns=(
                _c("resident_id", "resident_id", "公民身份号码", **_PERSON),
                _c("name", "text", "姓名", **_PERSON),
                _c("unit", "text", "工作单位", required=True),
                _c("post", "text", "职务"),
                _c("rank", "text", "职级"),
                _c("town", "text", "乡镇（街道）"),
            ),
        ),
        DatasetKind(
            code="cadre_relatives",
            name_zh="干部亲属",
            name_en="Relatives of cadres",
            key=("cadre_id", "relative_name"),
            fills=(("relative_birth_date", _BIRTH_FROM_ID.format(id="relative_id")),),
            description="Relatives declared by cadres; the relative's ID is often missing.",
            columns=(
                _c("cadre_id", "resident_id", "干部身份号码", **_PERSON),
                _c("relative_id", "resident_id", "亲属身份号码", personal=True),
                _c("relative_name", "text", "亲属姓名", pinyin=True, **_PERSON),
                _c("relative_birth_date", "date", "亲属出生日期", personal=True),
                _c("relation", "text", "关系", required=True),
            ),
        ),
        DatasetKind(
            code="deaths",
            name_zh="死亡人员",
            name_en="Deaths",
            key=("resident_id",),
            columns=(
                _c("resident_id", "resident_id", "公民身份号码", **_PERSON),
                _c("name", "text", "姓名", personal=True),
                _c("death_date", "date", "死亡日期", required=True),
                _c("source", "text", "数据来源"),
            ),
        ),
        DatasetKind(
            code="payroll",
            name_zh="财政供养人员",
            name_en="Public payroll",
            key=("resident_id", "start_date"),
            description="People paid from public funds; also the employees of buying units.",
            columns=(
                _c("resident_id", "resident_id", "公民身份号码", **_PERSON),
                _c("name", "text", "姓名", **_PERSON),
                _c("unit", "text", "工作单位", required=True),
                _c("position", "text", "岗位"),
                _c("start_date", "date", "入职日期", required=True),
                _c("end_date", "date", "离职日期"),
                _c("monthly_salary", "amount", "月工资"),
                _c("phone", "phone", "联系电话", personal=True),
                _c("address", "text", "住址", personal=True),
                _c("bank_account", "account", "工资账号", personal=True),
            ),
        ),
        DatasetKind(
            code="benefit_programs",
            name_zh="惠民惠农补贴项目",
            name_en="Benefit programs",
            key=("program_code",),
            columns=(
                _c("program_code", "text", "项目编码", required=True),
                _c("name", "text", "项目名称", required=True),
                _c("department", "text", "主管部门", required=True),
                _c("category", "text", "类别"),
                _c("exclusive_group", "text", "互斥组"),
                _c("means_tested", "boolean", "需家庭经济状况核查"),
                _c("party_members_excluded", "boolean", "党员不得享受"),
            ),
        ),
        DatasetKind(
            code="benefit_payments",
            name_zh="补贴发放明细",
            name_en="Benefit payments",
            key=("payment_id",),
            columns=(
                _c("payment_id", "text", "发放流水号", required=True, synthetic=True),
                _c("program_code", "text", "项目编码", required=True),
                _c("resident_id", "resident_id", "公民身份号码", **_PERSON),
                _c("name", "text", "姓名", **_PERSON),
                _c("period", "period", "所属期", required=True),
                _c("pay_date", "date", "发放日期"),
                _c("amount", "amount", "金额", required=True),
                _c("town", "text", "乡镇（街道）"),
                _c("village", "text", "村（社区）"),
                _c("bank_account", "account", "发放账号", personal=True),
            ),
        ),
        DatasetKind(
            code="disclosed_subsidies",
            name_zh="村级公示补贴名单",
            name_en="Subsidies disclosed by villages",
            key=("row_id",),
            description="Per-beneficiary amounts a village published in a subsidy notice "
            "(names often masked, such as 张*); compared with the department's payments.",
            columns=(
                _c("row_id", "text", "公示行号", required=True, synthetic=True),
                _c("notice", "text", "公示公告", required=True),
                _c("program_code", "text", "项目编码", required=True),
                _c("resident_id", "resident_id", "公民身份号码", personal=True),
                _c("name", "text", "姓名", required=True, personal=True),
                _c("period", "period", "所属期", required=True),
                _c("amount", "amount", "金额", required=True),
                _c("town", "text", "乡镇（街道）"),
                _c("village", "text", "村（社区）", required=True),
            ),
        ),
        DatasetKind(
            code="party_members",
            name_zh="党员名册",
            name_en="Party members",
            key=("resident_id",),
            columns=(
                _c("resident_id", "resident_id", "公民身份号码", **_PERSON),
                _c("name", "text", "姓名", **_PERSON),
                _c("branch", "text", "所在党支部", required=True),
                _c("joined_date", "date", "入党日期"),
                _c("status", "text", "党员状态"),
            ),
        ),
        DatasetKind(
            code="vendors",
            name_zh="供应商",
            name_en="Vendors",
            key=("uscc",),
            columns=(
                _c("uscc", "uscc", "统一社会信用代码", required=True),
                _c("name", "text", "单位名称", required=True),
                _c("legal_rep_id", "resident_id", "法定代表人身份号码", personal=True),
                _c("legal_rep_name", "text", "法定代表人", personal=True),
                _c("phone", "phone", "联系电话", personal=True),
                _c("address", "text", "地址"),
                _c("bank_account", "account", "银行账号"),
                _c("registered_date", "date", "成立日期"),
            ),
        ),
        DatasetKind(
            code="vendor_shareholders",
            name_zh="供应商股东",
            name_en="Vendor shareholders",
            key=("uscc", "shareholder_name"),
            columns=(
                _c("uscc", "uscc", "统一社会信用代码", required=True),
                _c("shareholder_id", "resident_id", "股东身份号码", personal=True),
                _c("shareholder_name", "text", "股东姓名", **_PERSON),
                _c("share_ratio", "ratio", "持股比例"),
            ),
        ),
        DatasetKind(
            code="contracts",
            name_zh="采购合同",
            name_en="Procurement contracts",
            key=("contract_id",),
            columns=(
                _c("contract_id", "text", "合同编号", required=True),
                _c("buyer_unit", "text", "采购单位", required=True),
                _c("vendor_uscc", "uscc", "供应商信用代码", required=True),
                _c("title", "text", "合同名称"),
                _c("amount", "amount", "合同金额", required=True),
                _c("signed_date", "date", "签订日期", required=True),
                _c("method", "text", "采购方式"),
                _c("approver_id", "resident_id", "审批人身份号码", personal=True),
                _c("approver_name", "text", "审批人", required=True, personal=True),
            ),
        ),
        DatasetKind(
            code="contract_payments",
            name_zh="合同付款",
            name_en="Contract payments",
            key=("payment_id",),
            columns=(
                _c("payment_id", "text", "付款流水号", required=True),
                _c("contract_id", "text", "合同编号", required=True),
                _c("pay_date", "date", "付款日期", required=True),
                _c("amount", "amount", "付款金额", required=True),
            ),
        ),
        DatasetKind(
            code="expenses",
            name_zh="费用报销及发票",
            name_en="Expense reimbursements with invoices",
            key=("line_id",),
            description="One row per invoice of a reimbursement; trip fields for travel.",
            columns=(
                _c("line_id", "text", "明细编号", required=True),
                _c("expense_id", "text", "报销单号", required=True),
                _c("claimant_id", "resident_id", "报销人身份号码", personal=True),
                _c("claimant_name", "text", "报销人", required=True, personal=True),
                _c("unit", "text", "单位", required=True),
                _c("category", "text", "费用类别", required=True),
                _c("expense_date", "date", "费用发生日期", required=True),
                _c("amount", "amount", "金额", required=True),
                _c("invoice_no", "text", "发票号码"),
                _c("invoice_date", "date", "开票日期"),
                _c("invoice_city", "text", "开票地"),
                _c("trip_start", "date", "出差开始"),
                _c("trip_end", "date", "出差结束"),
                _c("trip_destination", "text", "出差目的地"),
                _c("approver_name", "text", "审批人", personal=True),
            ),
        ),
        DatasetKind(
            code="medical_claims",
            name_zh="医保结算",
            name_en="Medical-insurance claims",
            key=("claim_id",),
            columns=(
                _c("claim_id", "text", "结算流水号", required=True),
                _c("resident_id", "resident_id", "公民身份号码", **_PERSON),
                _c("patient_name", "text", "患者姓名", **_PERSON),
                _c("hospital", "text", "医疗机构", required=True),
                _c("claim_type", "text", "就诊类型"),
                _c("admission_date", "date", "入院日期", required=True),
                _c("discharge_date", "date", "出院日期"),
                _c("diagnosis_code", "text", "诊断编码"),
                _c("diagnosis_name", "text", "诊断名称"),
                _c("total_amount", "amount", "总费用", required=True),
                _c("fund_amount", "amount", "统筹支付"),
            ),
        ),
    )
}

# Tables the engine provides to every model without an import.
BUILTIN_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "calendar": (
        ("day", "DATE"),
        ("is_workday", "BOOLEAN"),
        ("is_holiday", "BOOLEAN"),
        ("holiday_name", "VARCHAR"),
    ),
    # What the current data covers: one row per source version and area (an org unit's name as
    # the data writes it), the months covered, and whether it is the area's complete registry.
    # A model that reasons from absence ("not in the register") reads only covered subjects.
    "coverage": (
        ("dataset", "VARCHAR"),
        ("source", "VARCHAR"),
        ("area", "VARCHAR"),
        ("period_from", "VARCHAR"),
        ("period_to", "VARCHAR"),
        ("complete", "BOOLEAN"),
    ),
}


def dataset_kind(code: str) -> DatasetKind:
    """Return the dataset kind called ``code``; ``KeyError`` names the known kinds."""
    try:
        return DATASET_KINDS[code]
    except KeyError:
        raise KeyError(
            f"unknown dataset kind {code!r}; known: {', '.join(DATASET_KINDS)}"
        ) from None
