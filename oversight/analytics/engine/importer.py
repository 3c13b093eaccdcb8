"""Two-phase import: stage a file (validate everything, keep nothing yet), then accept or discard.

``stage_import`` reads a CSV, Excel or Parquet file, renames its columns with the source's saved
mapping, validates every value against the dataset kind's contract and writes, into a staging
directory, the good rows (typed, normalised) and every rejection (row, column, code, value).
The officer reads the :class:`ImportReport`; :meth:`ImportReport.accept` makes the good rows the
source's next version, :meth:`ImportReport.discard` removes the stage. Any failure while staging
removes the stage, so nothing is ever half-imported.

Validation runs as set operations in DuckDB. Checks that need Python (resident ID via
``oversight.lib.resident_id``, unified social credit code via ``stdnum.cn.uscc``, pinyin keys)
run once per *distinct* value and are joined back, so three million payments of two hundred
thousand people cost two hundred thousand checks.

Row numbers in the report are what the officer sees: for CSV and Excel the header is row 1 and
the first data row is row 2; for Parquet the first record is row 1.
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from stdnum.cn import uscc as stdnum_uscc

from oversight.lib import resident_id

from . import mapping as field_mapping
from .contracts import Column, DatasetKind, dataset_kind
from .names import pinyin_keys

__all__ = [
    "REASONS",
    "ROW_COLUMN",
    "ImportFailed",
    "ImportReport",
    "Rejection",
    "preview",
    "resolve_mapping",
    "stage_import",
]

# The column of a version's data holding each row's number in the file it came from (as the
# officer counts: the header is row 1 of a CSV or Excel file); models never read it.
ROW_COLUMN = "_row"

# Every rejection code with its message in Chinese and English; the app shows these.
REASONS: dict[str, tuple[str, str]] = {
    "required": ("必填项为空", "a required value is empty"),
    "resident_id.format": (
        "身份证号格式错误（应为18位，或旧式15位）",
        "resident ID is not 18 digits (or the old 15)",
    ),
    "resident_id.checksum": ("身份证号校验位错误", "resident ID check digit does not match"),
    "resident_id.birth_date": ("身份证号中的出生日期无效", "resident ID birth date is invalid"),
    "resident_id.area": ("身份证号地区码无效", "resident ID area code is unknown"),
    "uscc.invalid": ("统一社会信用代码无效", "unified social credit code is invalid"),
    "date.format": ("日期无法识别", "date not recognised"),
    "date.range": ("日期超出合理范围（1900—2100年）", "date outside 1900–2100"),
    "period.format": ("所属期应为年月，如 2024-03", "period must be a month such as 2024-03"),
    "amount.format": ("金额不是数字", "amount is not a number"),
    "amount.precision": ("金额超过两位小数", "amount has more than two decimals"),
    "amount.negative": ("金额为负数", "amount is negative"),
    "amount.range": ("金额过大", "amount too large"),
    "ratio.format": ("比例应为 0 到 1 或 0% 到 100%", "ratio must be 0–1 or 0%–100%"),
    "integer.format": ("不是整数", "not a whole number"),
    "boolean.format": ("应为 是/否", "must be yes or no"),
    "phone.format": ("电话号码位数不对", "phone number has the wrong number of digits"),
    "account.format": ("银行账号应为8到30位数字", "bank account must be 8–30 digits"),
    "key.duplicate": ("与前面的行主键重复", "duplicates the key of an earlier row"),
}


class ImportFailed(Exception):
    """The file cannot be imported at all (unreadable, columns missing…); nothing was kept.

    ``str()`` is the reason in English, ``zh`` the same in Chinese (the app shows the one of
    the reader's language; the engine imports no translation machinery)."""

    def __init__(self, message: str, zh: str = "") -> None:
        super().__init__(message)
        self.zh = zh or message


@dataclass(frozen=True)
class Rejection:
    """One problem in one row: the row is rejected, the officer sees why."""

    row: int
    column: str
    code: str
    value: str | None

    @property
    def reason_zh(self) -> str:
        """The reason in Chinese."""
        return REASONS[self.code][0]

    @property
    def reason_en(self) -> str:
        """The reason in English."""
        return REASONS[self.code][1]


@dataclass
class ImportReport:
    """What staging found. Rejections are on disk; read them with :meth:`rejections`."""

    stage_id: str
    source: str
    kind: str
    source_file: str
    source_sha256: str
    mapping: dict[str, str]
    total_rows: int
    accepted_rows: int
    rejected_rows: int
    problems_by_code: dict[str, int]
    problems_by_column: dict[str, int]
    seconds: float
    staged_at: str
    workspace: object = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """JSON-ready form (without the workspace)."""
        data = asdict(self)
        data.pop("workspace")
        return data

    @classmethod
    def from_dict(cls, data: Mapping, *, workspace=None) -> ImportReport:
        """Rebuild a report saved with :meth:`to_dict`."""
        return cls(**data, workspace=workspace)

    @property
    def _dir(self) -> Path:
        return self.workspace.root / "staging" / self.stage_id

    def rejections(self, *, offset: int = 0, limit: int | None = None) -> list[Rejection]:
        """Every rejection (or a page of them), ordered by row then column."""
        return list(self.iter_rejections(offset=offset, limit=limit))

    def iter_rejections(self, *, offset: int = 0, limit: int | None = None) -> Iterator[Rejection]:
        """Stream rejections from the stage without loading them all."""
        table = pq.read_table(self._dir / "errors.parquet")
        end = table.num_rows if limit is None else min(table.num_rows, offset + limit)
        for batch in table.slice(offset, max(0, end - offset)).to_batches(max_chunksize=10000):
            for row in batch.to_pylist():
                yield Rejection(**row)

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return self.rejected_rows == 0

    def accept(self, *, coverage: Mapping | None = None, adds: bool = False):
        """Keep the good rows as the source's next version (covering ``coverage``, see
        :func:`.workspace.clean_coverage`; adding to the source's data with ``adds``);
        returns the :class:`DatasetVersion`."""
        return self.workspace.accept(self.stage_id, coverage=coverage, adds=adds)

    def discard(self) -> None:
        """Throw the staged import away."""
        self.workspace.discard(self.stage_id)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _detect_format(path: Path, format: str | None) -> str:
    if format:
        return format.lower()
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return "csv"
    if suffix in {".xlsx", ".xlsm"}:
        return "excel"
    if suffix == ".parquet":
        return "parquet"
    raise ImportFailed(
        f"cannot tell the format of {path.name}: use .csv, .xlsx or .parquet",
        f"无法识别 {path.name} 的格式：请使用 .csv、.xlsx 或 .parquet 文件",
    )


def _utf8_copy(path: Path, directory: Path, encoding: str | None) -> Path:
    """Return a UTF-8 version of a CSV: the file itself, or a transcoded copy.

    Offices export GBK as often as UTF-8; DuckDB reads only UTF-8 without extensions, which are
    never downloaded, so other encodings are transcoded here first.
    """
    if encoding is None:
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 22), b""):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return path
        except UnicodeDecodeError:
            encoding = "gb18030"
    if encoding.replace("-", "").lower() in {"utf8", "utf8sig"}:
        return path
    target = directory / "source-utf8.csv"
    try:
        with (
            open(path, encoding=encoding, newline="") as src,
            open(target, "w", encoding="utf-8", newline="") as out,
        ):
            shutil.copyfileobj(src, out, 1 << 22)
    except (UnicodeDecodeError, LookupError) as error:
        raise ImportFailed(
            f"cannot read {path.name} as {encoding}: {error}",
            f"无法按 {encoding} 编码读取 {path.name}：{error}",
        ) from None
    return target


def _excel_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _read_excel(path: Path, sheet: str | None) -> pa.Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a bad file
        raise ImportFailed(
            f"cannot open {path.name} as Excel: {error}",
            f"无法作为 Excel 文件打开 {path.name}：{error}",
        ) from None
    try:
        worksheet = book[sheet] if sheet else book.worksheets[0]
        rows = worksheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportFailed(f"{path.name} is empty", f"{path.name} 是空文件")
        names = [_excel_value(h) or f"column{i + 1}" for i, h in enumerate(header)]
        columns: list[list[str | None]] = [[] for _ in names]
        for row in rows:
            for i in range(len(names)):
                columns[i].append(_excel_value(row[i]) if i < len(row) else None)
    finally:
        book.close()
    return pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, columns, strict=True)})


def preview(
    path: str | os.PathLike[str],
    *,
    rows: int = 8,
    format: str | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> tuple[list[str], list[list[str | None]]]:
    """The file's headers and its first ``rows`` rows as text, read without loading the file
    (for the mapping screen). Raises :class:`ImportFailed` when the file cannot be read."""
    path = Path(path)
    fmt = _detect_format(path, format)
    if fmt == "csv":
        return _preview_csv(path, rows, encoding, delimiter)
    if fmt == "excel":
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a bad file
            raise ImportFailed(
                f"cannot open {path.name} as Excel: {error}",
                f"无法作为 Excel 文件打开 {path.name}：{error}",
            ) from None
        try:
            worksheet = book[sheet] if sheet else book.worksheets[0]
            lines = worksheet.iter_rows(values_only=True, max_row=rows + 1)
            header = next(lines, None)
            if header is None:
                raise ImportFailed(f"{path.name} is empty", f"{path.name} 是空文件")
            headers = [_excel_value(h) or f"column{i + 1}" for i, h in enumerate(header)]
            body = [
                [_excel_value(line[i]) if i < len(line) else None for i in range(len(headers))]
                for line in lines
            ]
        finally:
            book.close()
        return headers, body
    try:
        parquet = pq.ParquetFile(path)
        headers = list(parquet.schema_arrow.names)
        batch = next(parquet.iter_batches(batch_size=rows), None)
    except (OSError, pa.ArrowException) as error:
        raise ImportFailed(
            f"cannot read {path.name}: {error}", f"无法读取 {path.name}：{error}"
        ) from None
    records = batch.to_pylist() if batch is not None else []
    body = [[None if r[h] is None else str(r[h]) for h in headers] for r in records]
    return headers, body


def _preview_csv(path: Path, rows: int, encoding: str | None, delimiter: str | None):
    import csv
    import io

    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    for candidate in [encoding] if encoding else ["utf-8-sig", "gb18030"]:
        try:
            text = head.decode(candidate)
            break
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the chunk is not an error.
            if error.start >= len(head) - 4 and len(head) == 1 << 16:
                text = head[: error.start].decode(candidate)
                break
        except LookupError:
            raise ImportFailed(
                f"unknown encoding {candidate!r}", f"未知的文件编码 {candidate!r}"
            ) from None
    else:
        raise ImportFailed(
            f"cannot read {path.name} as UTF-8 or GBK",
            f"无法按 UTF-8 或 GBK 编码读取 {path.name}",
        )
    text = text.lstrip("\ufeff")
    try:
        dialect = delimiter or csv.Sniffer().sniff(text.split("\n", 1)[0], ",\t;|").delimiter
    except csv.Error:
        dialect = ","
    lines = list(csv.reader(io.StringIO(text), delimiter=dialect))
    if not lines:
        raise ImportFailed(f"{path.name} is empty", f"{path.name} 是空文件")
    headers = [h.strip() or f"column{i + 1}" for i, h in enumerate(lines[0])]
    body = [
        [line[i] if i < len(line) and line[i] != "" else None for i in range(len(headers))]
        for line in lines[1 : rows + 1]
    ]
    return headers, body


def _load_raw(con, path: Path, fmt: str, directory: Path, options: Mapping) -> int:
    """Load the file into table ``raw`` (all text, file order); return the first row number."""
    try:
        if fmt == "csv":
            utf8 = _utf8_copy(path, directory, options.get("encoding"))
            delimiter = options.get("delimiter")
            extra = f", delim={_sql_string(delimiter)}" if delimiter else ""
            con.execute(
                "CREATE TABLE raw AS SELECT * FROM read_csv("
                f"{_sql_string(str(utf8))}, header=true, all_varchar=true{extra})"
            )
            return 2
        if fmt == "excel":
            con.register("excel_rows", _read_excel(path, options.get("sheet")))
            con.execute("CREATE TABLE raw AS SELECT * FROM excel_rows")
            con.unregister("excel_rows")
            return 2
        if fmt == "parquet":
            con.execute(
                f"CREATE VIEW raw_parquet AS SELECT * FROM read_parquet({_sql_string(str(path))})"
            )
            columns = [r[0] for r in con.execute("DESCRIBE raw_parquet").fetchall()]
            casts = ", ".join(f"CAST({_ident(c)} AS VARCHAR) AS {_ident(c)}" for c in columns)
            con.execute(f"CREATE TABLE raw AS SELECT {casts} FROM raw_parquet")
            return 1
    except duckdb.Error as error:
        raise ImportFailed(
            f"cannot read {path.name}: {error}", f"无法读取 {path.name}：{error}"
        ) from None
    raise ImportFailed(f"unknown format {fmt!r}", f"未知的文件格式 {fmt!r}")


def _describe(kind: DatasetKind, problem: field_mapping.MappingProblem) -> tuple[str, str]:
    field, detail = problem.field, problem.detail
    try:
        label = f"{kind.column(field).label_zh}（{field}）"
    except KeyError:
        label = field
    if problem.code == "unknown_field":
        return (f"the mapping names {field!r}, not a column of {kind.code}",
                f"映射中的 {field!r} 不是{kind.name_zh}的字段")  # fmt: skip
    if problem.code == "no_column":
        return (f"the file has no column {detail!r} named in the mapping (for {field})",
                f"文件中没有映射指定的列“{detail}”（用于{label}）")  # fmt: skip
    if problem.code == "column_twice":
        return (f"the file's column {detail!r} is mapped to two fields (one is {field})",
                f"文件的列“{detail}”被映射到两个字段（其一为{label}）")  # fmt: skip
    if problem.code == "no_upload_value":
        names = {"program": "本文件的项目", "unit": "报送单位", "period": "所属期"}
        return (f"no {detail} was chosen on upload (for {field})",
                f"上传时未选择{names.get(detail, detail)}（用于{label}）")  # fmt: skip
    return (f"the rule for {field} cannot be used: {detail}",
            f"{label}的映射规则无法使用：{detail}")  # fmt: skip


def resolve_mapping(
    kind: DatasetKind,
    headers: list[str],
    mapping: Mapping | None,
    upload_values: Mapping[str, str] | None = None,
) -> dict[str, dict]:
    """Field → rule for a file with ``headers``: the mapping's rules (in either form), then
    every other field found by its name, label or a known variant of its header. Fails with
    every problem named (a field left unmapped, a column the file lacks…)."""
    rules = field_mapping.rules_of(mapping)
    present = {
        f: r
        for f, r in rules.items()
        if "column" not in r or "date_part" in r or field_mapping.find_header(headers, r["column"])
    }
    resolved = {**field_mapping.suggest(kind, headers, saved=present), **rules}
    problems = field_mapping.check(kind, resolved, headers, dict(upload_values or {}))
    unmapped = [p.field for p in problems if p.code == "unmapped"]
    messages = [_describe(kind, p) for p in problems if p.code != "unmapped"]
    if unmapped:
        labels = ", ".join(f"{m} ({kind.column(m).label_zh})" for m in unmapped)
        labels_zh = "、".join(f"{kind.column(m).label_zh}（{m}）" for m in unmapped)
        messages.append((f"required columns not found in the file or the mapping: {labels}",
                         f"文件和映射中都找不到必填字段：{labels_zh}"))  # fmt: skip
    if messages:
        raise ImportFailed("; ".join(m[0] for m in messages), "；".join(m[1] for m in messages))
    return resolved


# Full-width digits and signs in typed values (amounts, dates, IDs, periods) read as half-width.
_FULL_WIDTH = "０１２３４５６７８９．－／：Ｘｘ，"
_HALF_WIDTH = "0123456789.-/:Xx,"


def _rule_sql(rule: Mapping, headers: list[str], upload_values: Mapping, row: str) -> str:
    """SQL giving the text of a field on each row of ``raw`` by its rule."""
    if "date_part" in rule:
        column = _ident(field_mapping.find_header(headers, rule["column"]))
        date = _date_sql(f"translate(trim({column}), '{_FULL_WIDTH}', '{_HALF_WIDTH}')")
        pattern = {"year": "%Y", "month": "%m", "period": "%Y-%m"}[rule["date_part"]]
        return f"strftime({date}, '{pattern}')"
    if "column" in rule:
        return f"CAST({_ident(field_mapping.find_header(headers, rule['column']))} AS VARCHAR)"
    if "constant" in rule:
        return _sql_string(str(rule["constant"]).strip())
    if "row" in rule:
        return f"CAST({row} AS VARCHAR)"
    if "upload" in rule:
        return _sql_string(str(upload_values.get(rule["upload"]) or "").strip())
    if "skip" in rule:
        return "CAST(NULL AS VARCHAR)"
    if "concat" in rule:
        parts = [
            f"NULLIF(trim(CAST({_ident(field_mapping.find_header(headers, c))} AS VARCHAR)), '')"
            for c in rule["concat"]
        ]
        return f"concat_ws({_sql_string(str(rule.get('sep', '')))}, {', '.join(parts)})"
    raise AssertionError(rule)


def canonical_resident_id_sql(v: str) -> str:
    """SQL that is true when ``v`` is already a valid resident ID in canonical 18-digit form.

    A vectorised fast path only: a million valid IDs are confirmed in SQL, and everything else
    (15 digits, lower-case x, spaces, every invalid value) goes to ``resident_id.normalize``,
    which stays the authority and gives the reason. A property test holds the two together.
    """
    weighted = " + ".join(
        f"TRY_CAST(substr({v}, {i + 1}, 1) AS INTEGER) * {pow(2, 17 - i, 11)}" for i in range(17)
    )
    provinces = "[" + ", ".join(f"'{p}'" for p in sorted(resident_id.PROVINCE_PREFIXES)) + "]"
    born = f"try_strptime(substr({v}, 7, 8), '%Y%m%d')"
    # AND does not short-circuit in DuckDB, hence TRY_CAST and the COALESCE around it all.
    return (
        f"COALESCE(regexp_full_match({v}, '[0-9]{{17}}[0-9X]') "
        f"AND list_contains({provinces}, substr({v}, 1, 2)) "
        f"AND {born} >= TIMESTAMP '{resident_id.EARLIEST_BIRTH_DATE}' "
        f"AND {born} <= current_date "
        f"AND substr('10X98765432', ({weighted}) % 11 + 1, 1) = substr({v}, 18, 1), false)"
    )


def _python_checked(
    con, table: str, column: str, check: Callable[[str], tuple[str | None, str | None]]
) -> str:
    """Check each *distinct* value of ``column`` once; return the name of the result table.

    The result maps every raw value to its normalised value or its rejection code. DuckDB's
    Python UDFs need numpy, which the project does not otherwise depend on, so the values that
    need Python go out as one list and come back as an Arrow table.
    """
    name = f"checked_{column}"
    # Canonical valid resident IDs are confirmed in SQL, once per distinct value.
    fast = canonical_resident_id_sql("raw") if check is _check_resident_id else "false"
    con.execute(
        f"CREATE TABLE distinct_{column} AS SELECT raw, {fast} AS ok FROM "
        f"(SELECT DISTINCT {column} AS raw FROM {table} WHERE {column} IS NOT NULL)"
    )
    con.execute(
        f"CREATE TABLE {name} AS SELECT raw, raw AS value, CAST(NULL AS VARCHAR) AS code "
        f"FROM distinct_{column} WHERE ok"
    )
    values = [
        r[0] for r in con.execute(f"SELECT raw FROM distinct_{column} WHERE NOT ok").fetchall()
    ]
    results = [check(value) for value in values]
    con.register(
        "python_checked",
        pa.table(
            {
                "raw": pa.array(values, pa.string()),
                "value": pa.array([r[0] for r in results], pa.string()),
                "code": pa.array([r[1] for r in results], pa.string()),
            }
        ),
    )
    con.execute(f"INSERT INTO {name} SELECT * FROM python_checked")
    con.unregister("python_checked")
    con.execute(f"DROP TABLE distinct_{column}")
    return name


def _check_resident_id(value: str) -> tuple[str | None, str | None]:
    try:
        return resident_id.normalize(value), None
    except resident_id.InvalidResidentId as error:
        return None, f"resident_id.{error.code}"


def _check_uscc(value: str) -> tuple[str | None, str | None]:
    try:
        return stdnum_uscc.validate(value), None
    except Exception:  # stdnum raises several ValidationError subclasses
        return None, "uscc.invalid"


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
_PERIOD_FORMATS = ("%Y-%m", "%Y%m", "%Y/%m", "%Y.%m", "%Y年%m月")


def _date_sql(v: str) -> str:
    # ISO dates take the fast cast; COALESCE evaluates the other formats only for the rest.
    formats = "[" + ", ".join(f"'{f}'" for f in _DATE_FORMATS) + "]"
    return (
        f"COALESCE(TRY_CAST({v} AS DATE), CAST(try_strptime({v}, {formats}) AS DATE), "
        f"CAST(TRY_CAST({v} AS TIMESTAMP) AS DATE))"
    )


def _column_sql(column: Column, v: str, joined: dict[str, str]) -> tuple[str, str]:
    """(value expression, error-code expression) for one column; ``v`` is the trimmed text."""
    t = column.type
    if t == "text":
        if column.pinyin:
            return f"nfc_normalize({v})", "NULL"
        return v, "NULL"
    if t in {"resident_id", "uscc"}:
        alias = joined[column.name]
        return f"{alias}.value", f"CASE WHEN {v} IS NOT NULL THEN {alias}.code END"
    if t == "date":
        d = _date_sql(v)
        err = (
            f"CASE WHEN {v} IS NULL THEN NULL WHEN {d} IS NULL THEN 'date.format' "
            f"WHEN year({d}) NOT BETWEEN 1900 AND 2100 THEN 'date.range' END"
        )
        return d, err
    if t == "period":
        tries = [f"try_strptime({v}, '{f}')" for f in _PERIOD_FORMATS]
        slow = f"strftime(COALESCE({', '.join(tries)}, {_date_sql(v)}), '%Y-%m')"
        # A period already written YYYY-MM skips the parsers (CASE evaluates lazily).
        p = (
            f"CASE WHEN regexp_full_match({v}, '[12][0-9]{{3}}-(0[1-9]|1[0-2])') "
            f"THEN {v} ELSE {slow} END"
        )
        err = (
            f"CASE WHEN {v} IS NULL THEN NULL WHEN {p} IS NULL THEN 'period.format' "
            f"WHEN CAST(left({p}, 4) AS INTEGER) NOT BETWEEN 1900 AND 2100 THEN 'period.format' END"
        )
        return p, err
    if t == "amount":
        # Plain numbers take the fast cast; currency signs and separators go through a regex.
        s = f"regexp_replace({v}, '[,，¥￥元\\s]', '', 'g')"
        value = f"COALESCE(TRY_CAST({v} AS DECIMAL(18,2)), TRY_CAST({s} AS DECIMAL(18,2)))"
        exact = f"COALESCE(TRY_CAST({v} AS DECIMAL(38,8)), TRY_CAST({s} AS DECIMAL(38,8)))"
        err = (
            f"CASE WHEN {v} IS NULL THEN NULL "
            f"WHEN {value} IS NULL THEN "
            f"CASE WHEN TRY_CAST({s} AS DOUBLE) IS NULL THEN 'amount.format' ELSE 'amount.range' END "
            f"WHEN {exact} <> {value} THEN 'amount.precision' "
            f"WHEN {value} < 0 THEN 'amount.negative' END"
        )
        return value, err
    if t == "ratio":
        percent = f"ends_with({v}, '%')"
        number = f"TRY_CAST(rtrim({v}, '%') AS DOUBLE)"
        scaled = f"CASE WHEN {percent} OR {number} > 1 THEN {number} / 100 ELSE {number} END"
        value = f"CAST({scaled} AS DECIMAL(9,4))"
        err = (
            f"CASE WHEN {v} IS NULL THEN NULL WHEN {number} IS NULL THEN 'ratio.format' "
            f"WHEN {scaled} NOT BETWEEN 0 AND 1 THEN 'ratio.format' END"
        )
        return value, err
    if t == "integer":
        value = f"TRY_CAST({v} AS BIGINT)"
        return value, f"CASE WHEN {v} IS NOT NULL AND {value} IS NULL THEN 'integer.format' END"
    if t == "boolean":
        low = f"lower({v})"
        value = (
            f"CASE WHEN {low} IN ('1', 'true', 't', 'yes', 'y', '是', '√') THEN true "
            f"WHEN {low} IN ('0', 'false', 'f', 'no', 'n', '否', '×') THEN false END"
        )
        return value, f"CASE WHEN {v} IS NOT NULL AND {value} IS NULL THEN 'boolean.format' END"
    if t == "phone":
        digits = f"regexp_replace({v}, '[^0-9]', '', 'g')"
        local = (
            f"CASE WHEN length({digits}) = 13 AND starts_with({digits}, '86') "
            f"THEN substr({digits}, 3) ELSE {digits} END"
        )
        err = f"CASE WHEN {v} IS NOT NULL AND length({local}) NOT BETWEEN 7 AND 12 THEN 'phone.format' END"
        return local, err
    if t == "account":
        digits = f"regexp_replace({v}, '[\\s-]', '', 'g')"
        err = (
            f"CASE WHEN {v} IS NOT NULL AND NOT regexp_full_match({digits}, '[0-9]{{8,30}}') "
            "THEN 'account.format' END"
        )
        return digits, err
    raise AssertionError(t)


def stage_import(
    workspace,
    source: str,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    upload_values: Mapping[str, str] | None = None,
    memory_limit: str = "2GB",
    threads: int | None = None,
) -> ImportReport:
    """Validate ``path`` as a new version of ``source`` and stage it; nothing is kept yet.

    ``mapping`` (field → rule, see :mod:`.mapping`; or the older source header → contract
    column) overrides the source's saved mapping for this import; headers that name a field (its
    name, Chinese label or a known variant) need no mapping. ``upload_values`` are the values
    chosen on upload (``program``, ``unit``, ``period``) that rules may name. Raises
    :class:`ImportFailed` when the file cannot be imported at all; rows with bad values do not
    fail the import but are listed in the report and left out.
    """
    started = time.perf_counter()
    path = Path(path)
    src = workspace.source(source)
    kind = dataset_kind(src.kind)
    if not path.is_file():
        raise ImportFailed(f"no such file: {path.name}", f"文件不存在：{path.name}")
    fmt = _detect_format(path, format)
    stage_id = uuid.uuid4().hex
    directory = workspace.root / "staging" / stage_id
    directory.mkdir(parents=True)
    try:
        report = _stage(
            workspace,
            src,
            kind,
            path,
            fmt,
            directory,
            stage_id,
            dict(src.mapping if mapping is None else mapping),
            {
                "sheet": sheet,
                "encoding": encoding,
                "delimiter": delimiter,
                "upload_values": dict(upload_values or {}),
            },
            memory_limit,
            threads,
        )
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    report.seconds = round(time.perf_counter() - started, 3)
    workspace._write_json(directory / "report.json", report.to_dict())
    return report


def _stage(
    workspace, src, kind, path, fmt, directory, stage_id, mapping, options, memory_limit, threads
):
    config = {
        "memory_limit": memory_limit,
        "temp_directory": str(workspace.root / "tmp"),
    }
    if threads:
        config["threads"] = threads
    con = duckdb.connect(config=config)
    con.execute("SET enable_progress_bar = false")
    try:
        first_row = _load_raw(con, path, fmt, directory, options)
        headers = [r[0] for r in con.execute("DESCRIBE raw").fetchall()]
        upload_values = options.get("upload_values") or {}
        resolved = resolve_mapping(kind, headers, mapping, upload_values)
        digest = _file_sha256(path)

        # Trimmed text of every mapped column, with the row number the officer sees.
        row = f"rowid + {first_row}"
        trimmed = [f"{row} AS _row"]
        for column in kind.columns:
            if column.name in resolved:
                text = _rule_sql(resolved[column.name], headers, upload_values, row)
                if column.type != "text":
                    text = f"translate({text}, '{_FULL_WIDTH}', '{_HALF_WIDTH}')"
                # Plain trim is three times faster than trimming a custom character set; the
                # parsers of typed columns ignore other white space themselves.
                value = f"NULLIF(trim({text}), '')"
            else:
                value = "CAST(NULL AS VARCHAR)"
            if column.synthetic:
                # The file's digest and the row: the same file gives the same identifiers.
                value = f"COALESCE({value}, 'F{digest[:12]}-R' || CAST({row} AS VARCHAR))"
            trimmed.append(f"{value} AS {column.name}")
        con.execute(f"CREATE TABLE src AS SELECT {', '.join(trimmed)} FROM raw")
        con.execute("DROP TABLE raw")

        joins, joined = [], {}
        for column in kind.columns:
            if column.type in {"resident_id", "uscc"} and column.name in resolved:
                check = _check_resident_id if column.type == "resident_id" else _check_uscc
                table = _python_checked(con, "src", column.name, check)
                alias = f"j_{column.name}"
                joined[column.name] = alias
                joins.append(f"LEFT JOIN {table} {alias} ON {alias}.raw = s.{column.name}")

        selects, error_columns = ["s._row"], []
        for column in kind.columns:
            v = f"s.{column.name}"
            if column.name not in resolved and not column.synthetic:
                value, err = "NULL", "NULL"
            else:
                value, err = _column_sql(column, v, joined)
            if column.required:
                err = f"CASE WHEN {v} IS NULL THEN 'required' ELSE {err} END"
            selects.append(f"CAST({value} AS {column.sql_type}) AS {column.name}")
            if err != "NULL":
                selects.append(f"{err} AS _e_{column.name}")
                error_columns.append(column.name)
        con.execute(
            f"CREATE TABLE checked AS SELECT {', '.join(selects)} FROM src s {' '.join(joins)}"
        )

        for column, fill in kind.fills:
            con.execute(f"UPDATE checked SET {column} = {fill} WHERE {column} IS NULL")

        any_error = " OR ".join(f"_e_{c} IS NOT NULL" for c in error_columns) or "false"
        key = ", ".join(kind.key)
        con.execute(
            "CREATE TABLE dup AS SELECT _row FROM ("
            f"SELECT _row, row_number() OVER (PARTITION BY {key} ORDER BY _row) AS n "
            f"FROM checked WHERE NOT ({any_error})) WHERE n > 1"
        )
        parts = [
            f"SELECT _row AS row, '{c}' AS col, _e_{c} AS code "
            f"FROM checked WHERE _e_{c} IS NOT NULL"
            for c in error_columns
        ]
        parts.append(f"SELECT _row, '{kind.key[0]}', 'key.duplicate' FROM dup")
        con.execute("CREATE TABLE errs AS " + " UNION ALL ".join(parts))
        original = " ".join(f"WHEN '{c}' THEN s.{c}" for c in kind.column_names)
        con.execute(
            'COPY (SELECT e.row, e.col AS "column", e.code, '
            f"CAST(CASE e.col {original} END AS VARCHAR) AS value "
            "FROM errs e JOIN src s ON s._row = e.row ORDER BY e.row, e.col) "
            f"TO {_sql_string(str(directory / 'errors.parquet'))} (FORMAT parquet)"
        )
        con.execute("DROP TABLE src")

        pinyin_joins, pinyin_selects = [], []
        for column in kind.columns:
            if column.pinyin:
                table = _pinyin_table(con, column.name)
                pinyin_joins.append(
                    f"LEFT JOIN {table} p_{column.name} ON p_{column.name}.name = c.{column.name}"
                )
                pinyin_selects.append(
                    f"COALESCE(p_{column.name}.keys, CAST([] AS VARCHAR[])) AS {column.name}_pinyin"
                )
        # The file's row number goes with each row, as its provenance (``ROW_COLUMN``).
        columns = ", ".join(
            [f"c.{c}" for c in kind.column_names] + pinyin_selects + [f"c._row AS {ROW_COLUMN}"]
        )
        good = (
            f"SELECT {columns} FROM checked c {' '.join(pinyin_joins)} "
            f"WHERE NOT ({any_error.replace('_e_', 'c._e_')}) "
            "AND c._row NOT IN (SELECT _row FROM dup) ORDER BY c._row"
        )
        con.execute(
            f"COPY ({good}) TO {_sql_string(str(directory / 'data.parquet'))} "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        total = con.execute("SELECT count(*) FROM checked").fetchone()[0]
        rejected = con.execute("SELECT count(DISTINCT row) FROM errs").fetchone()[0]
        by_code = dict(
            con.execute("SELECT code, count(*) FROM errs GROUP BY 1 ORDER BY 1").fetchall()
        )
        by_column = dict(
            con.execute("SELECT col, count(*) FROM errs GROUP BY 1 ORDER BY 1").fetchall()
        )
    except duckdb.Error as error:
        raise ImportFailed(
            f"the import of {path.name} failed: {error}",
            f"{path.name} 导入失败：{error}",
        ) from None
    finally:
        con.close()
    # The staged copy of a transcoded CSV is not needed once validated.
    (directory / "source-utf8.csv").unlink(missing_ok=True)
    return ImportReport(
        stage_id=stage_id,
        source=src.name,
        kind=kind.code,
        source_file=path.name,
        source_sha256=digest,
        mapping=resolved,
        total_rows=total,
        accepted_rows=total - rejected,
        rejected_rows=rejected,
        problems_by_code=by_code,
        problems_by_column=by_column,
        seconds=0.0,
        staged_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        workspace=workspace,
    )


def _pinyin_table(con, column: str) -> str:
    names = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT {column} FROM checked WHERE {column} IS NOT NULL"
        ).fetchall()
    ]
    name = f"pinyin_{column}"
    con.register(
        name,
        pa.table(
            {
                "name": pa.array(names, pa.string()),
                "keys": pa.array([pinyin_keys(n) for n in names], pa.list_(pa.string())),
            }
        ),
    )
    return name
