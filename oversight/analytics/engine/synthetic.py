"""A synthetic county: every dataset kind at any scale, with planted anomalies listed beside it.

Scale 1.0 is the issue's county: 1 million residents, 30,000 cadres with 150,000 relatives,
20,000 deaths, 60,000 payroll people, 3 million benefit payments over 13 programs, 2.5 million
medical claims, 300,000 expense lines, 50,000 contracts, and the subsidy lists a third of the
villages published for half a year (≈ 500,000 rows, names masked as 张*明). Scale 0.002 is a village-sized sample
for tests. Resident IDs and credit codes are valid, names are common Chinese names, and the
background data is built *clean* for the exact-key models (nobody dead is paid, no recipient is
on the payroll…), so that every hit of those models must be one of the planted cases written to
``planted.csv`` (model id and fingerprint key).

Bulk rows are made in DuckDB from hashes of the row number (deterministic for a seed); check
digits come from ``oversight.lib.resident_id`` and ``stdnum``, computed once per row in Python.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from stdnum.cn import uscc as stdnum_uscc

from oversight.lib import resident_id

from .calendar import calendar_table

__all__ = ["County", "Planted", "generate"]

AREAS = ("320923", "320924", "320925", "320981", "320982")
TOWNS = (
    "城关镇", "东湖镇", "西塘镇", "南港镇", "北沙镇", "三河镇", "新集镇", "永安镇", "白马镇",
    "青山镇", "黄桥乡", "龙门乡", "石桥乡", "长岭乡", "高庄乡", "沙河街道", "人民街道",
    "开发区街道", "临江镇", "太平镇",
)  # fmt: skip
SURNAMES = (
    "王王王王李李李李张张张张刘刘刘陈陈陈杨杨黄黄赵赵吴吴周周徐徐孙孙马马朱朱胡郭何高林罗郑梁"
    "谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦"
    "付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单仇解乐朴查"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆"
    "帅旭宁龙林欣佳怡雪琳晨曦子涵梓轩一诺浩然思远建国建华志强志明海燕秀兰桂兰淑珍文博雨婷"
    "嘉怡晓东晓红春梅冬梅永刚永红德华德明长江金凤银凤翠花朝阳丹乐重行长曾"
)
UNITS = (
    "县民政局", "县财政局", "县人社局", "县卫健委", "县教育局", "县住建局", "县交通局",
    "县农业农村局", "县水利局", "县自然资源局", "县医保局", "县市场监管局", "县公安局",
    "县城管局", "县文旅局", "县应急局", "县人民医院", "县中医院", "县第一中学", "县实验小学",
) + tuple(f"{t}人民政府" for t in TOWNS)  # fmt: skip
PROGRAMS = (
    # code, name, department, category, exclusive group, means tested, party members excluded, monthly
    ("P01", "城乡最低生活保障金", "县民政局", "最低生活保障", "subsistence", True, False, 520),
    ("P02", "特困人员救助供养金", "县民政局", "特困供养", "subsistence", True, False, 780),
    ("P03", "高龄津贴", "县民政局", "高龄津贴", None, False, False, 100),
    ("P04", "困难残疾人生活补贴", "县残联", "残疾人补贴", None, True, False, 90),
    ("P05", "耕地地力保护补贴", "县农业农村局", "农业补贴", None, False, False, 60),
    ("P06", "城乡居民基本养老金", "县人社局", "养老金", "pension", False, False, 180),
    ("P07", "被征地农民养老补贴", "县人社局", "养老金", "pension", False, False, 300),
    ("P08", "临时救助金", "县民政局", "临时救助", None, True, False, 400),
    ("P09", "孤儿基本生活费", "县民政局", "儿童福利", None, True, False, 1200),
    ("P10", "优抚对象抚恤补助", "县退役军人局", "优抚", None, False, False, 650),
    ("P11", "生态公益林补偿", "县林业局", "农业补贴", None, False, False, 40),
    ("P12", "计划生育奖励扶助金", "县卫健委", "计生奖扶", None, False, False, 80),
    ("P13", "脱贫户产业发展直补", "县乡村振兴局", "产业直补", None, True, True, 250),
)
PERIODS = tuple(f"2024-{m:02d}" for m in range(1, 13))
# The villages (by name, in every town) that publish their subsidy lists, each program's every
# month of the first half-year, and how: some mask the names only (and leave the ID out where the
# masked name is unambiguous), the others give the ID beside the masked name; one writes ＊.
PUBLISHING = {"第2村": "*", "第5村": "*", "第8村": "＊", "第11村": "*"}
PUBLISHED_PERIODS = PERIODS[:6]
NAMES_ONLY = ("第2村", "第8村")
INPATIENT_DIAGNOSES = (
    ("K80.2", "胆囊结石"), ("I63.9", "脑梗死"), ("J18.9", "肺炎"), ("S72.0", "股骨颈骨折"),
    ("N18.5", "慢性肾病5期"), ("C34.9", "肺恶性肿瘤"), ("I25.1", "冠心病"), ("K35.8", "急性阑尾炎"),
)  # fmt: skip
OUTPATIENT_DIAGNOSES = (
    ("J06.9", "上呼吸道感染"), ("I10", "高血压"), ("E11.9", "2型糖尿病"), ("K29.7", "胃炎"),
    ("Z00.0", "健康体检"), ("M54.5", "腰痛"),
)  # fmt: skip
HOSPITALS = (
    "县人民医院", "县中医院", "县妇幼保健院", "城关镇卫生院", "东湖镇卫生院", "西塘镇卫生院",
    "仁爱医院", "康宁医院",
)  # fmt: skip
EXPENSE_CATEGORIES = ("办公用品", "差旅", "公务接待", "培训", "印刷", "维修")
HOMOPHONES = {"丽": "莉", "伟": "威", "芳": "方", "静": "靖", "军": "君", "明": "铭", "华": "桦",
              "强": "蔷", "杰": "洁", "红": "宏", "平": "萍", "林": "琳", "涛": "滔", "英": "瑛"}  # fmt: skip


@dataclass(frozen=True)
class Planted:
    """One planted anomaly: the model that must find it and the fingerprint key it must have."""

    model_id: str
    key: str
    note: str = ""


@dataclass
class County:
    """What :func:`generate` wrote: one file per dataset kind, and the planted cases."""

    directory: Path
    files: dict[str, Path]
    planted: list[Planted]
    rows: dict[str, int]


def _counts(scale: float) -> dict[str, int]:
    def n(base: int, low: int) -> int:
        return max(low, round(base * scale))

    return {
        "residents": n(1_000_000, 1500),
        "cadres": n(30_000, 40),
        "relatives_per_cadre": 5,
        "deaths": n(20_000, 40),
        "payroll_others": n(30_000, 40),
        "party_members": n(50_000, 60),
        "recipients": n(250_000, 300),
        "claims": n(2_500_000, 3000),
        "expenses": n(300_000, 400),
        "contracts": n(50_000, 120),
        "vendors": n(3_000, 40),
        "planted": n(40, 2),
    }


def generate(
    directory: str | Path, *, scale: float = 1.0, seed: int = 7, format: str = "csv"
) -> County:
    """Write a synthetic county to ``directory``; return its files and planted anomalies."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    counts = _counts(scale)
    con = duckdb.connect(config={"preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    try:
        builder = _Builder(con, counts, seed)
        builder.build()
        files, rows = builder.write(directory, format)
        planted = builder.planted
    finally:
        con.close()
    with open(directory / "planted.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["model_id", "key", "note"])
        for p in planted:
            writer.writerow([p.model_id, p.key, p.note])
    return County(directory, files, planted, rows)


def _list_sql(values) -> str:
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


class _Builder:
    def __init__(self, con, counts: dict[str, int], seed: int) -> None:
        self.con = con
        self.n = counts
        self.seed = seed
        self.rng = random.Random(seed)
        self.planted: list[Planted] = []
        con.execute(f"CREATE MACRO rnd(i, tag) AS hash(i, tag, {int(seed)})")
        con.execute(
            "CREATE MACRO pick(lst, i, tag) AS lst[1 + CAST(rnd(i, tag) % len(lst) AS INTEGER)]"
        )
        con.execute(f"CREATE TABLE surnames AS SELECT unnest({_list_sql(SURNAMES)}) AS s")
        con.execute(
            "CREATE MACRO surname(i) AS "
            f"{_list_sql(SURNAMES)}[1 + CAST(rnd(i, 'surname') % {len(SURNAMES)} AS INTEGER)]"
        )
        con.execute(
            "CREATE MACRO given(i, tag) AS "
            f"{_list_sql(GIVEN)}[1 + CAST(rnd(i, tag) % {len(GIVEN)} AS INTEGER)]"
        )

    def q(self, sql: str, *params):
        return self.con.execute(sql, list(params) if params else None)

    def plant(self, model_id: str, key: str, note: str = "") -> None:
        self.planted.append(Planted(model_id, key, note))

    def k(self) -> int:
        return self.n["planted"]

    # -- building ----------------------------------------------------------------------------

    def build(self) -> None:
        self._people()
        self._deaths_and_roles()
        self._programs_and_payments()
        self._medical()
        self._vendors_and_contracts()
        self._expenses()
        self._plant_benefits()
        self._plant_procurement()
        self._plant_expenses()
        self._plant_medical()
        # Last: the villages publish what was paid (the other models' cases included).
        self._disclosures()
        self._plant_disclosures()

    def _with_check_digits(self, table: str, first17_column: str, id_column: str) -> None:
        rows = self.q(f"SELECT rowid, {first17_column} FROM {table}").fetchall()
        ids = pa.table(
            {
                "r": pa.array([r[0] for r in rows], pa.int64()),
                "id": pa.array([f + resident_id.check_digit(f) for _, f in rows], pa.string()),
            }
        )
        self.con.register("ids_arrow", ids)
        self.q(
            f"CREATE TABLE {table}_ids AS SELECT t.* EXCLUDE ({first17_column}), "
            f"a.id AS {id_column} FROM {table} t JOIN ids_arrow a ON a.r = t.rowid"
        )
        self.con.unregister("ids_arrow")
        self.q(f"DROP TABLE {table}")
        self.q(f"ALTER TABLE {table}_ids RENAME TO {table}")

    def _people(self) -> None:
        n = self.n["residents"]
        self.q(
            f"""
            CREATE TABLE people0 AS
            SELECT i,
                   pick({_list_sql(AREAS)}, i, 'area') AS area,
                   DATE '1930-01-01' + CAST(rnd(i, 'born') % 31000 AS INTEGER) AS born,
                   CAST(rnd(i, 'seq') % 1000 AS INTEGER) AS seq
            FROM range({n + n // 20}) t(i)
            """
        )
        self.q(
            f"""
            CREATE TABLE people1 AS
            SELECT i, area, born, area || strftime(born, '%Y%m%d') || lpad(CAST(seq AS VARCHAR), 3, '0') AS first17
            FROM (SELECT *, row_number() OVER (PARTITION BY area, born, seq ORDER BY i) AS k FROM people0)
            WHERE k = 1 ORDER BY i LIMIT {n}
            """
        )
        self.q("DROP TABLE people0")
        self._with_check_digits("people1", "first17", "resident_id")
        self.q(
            f"""
            CREATE TABLE residents AS
            SELECT i, resident_id,
                   surname(i) || given(i, 'g1') || CASE WHEN rnd(i, 'len') % 3 = 0 THEN '' ELSE given(i, 'g2') END AS name,
                   CASE WHEN CAST(substr(resident_id, 17, 1) AS INTEGER) % 2 = 1 THEN '男' ELSE '女' END AS gender,
                   born AS birth_date,
                   pick({_list_sql(TOWNS)}, i // 3, 'town') AS town,
                   '第' || CAST(1 + rnd(i // 3, 'village') % 12 AS VARCHAR) || '村' AS village,
                   pick({_list_sql(TOWNS)}, i // 3, 'town') || CAST(1 + rnd(i // 3, 'village') % 12 AS VARCHAR)
                       || '村' || CAST(i // 3 AS VARCHAR) || '号' AS address,
                   '13' || lpad(CAST(i AS VARCHAR), 9, '0') AS phone,
                   'H' || CAST(i // 3 AS VARCHAR) AS household_id
            FROM people1 ORDER BY i
            """
        )
        self.q("DROP TABLE people1")

    def _deaths_and_roles(self) -> None:
        n = self.n
        # Deaths: people born before 1960, dying 2019–2024.
        self.q(
            f"""
            CREATE TABLE deaths AS
            SELECT resident_id, name,
                   DATE '2019-01-01' + CAST(rnd(i, 'death') % 2190 AS INTEGER) AS death_date,
                   '公安户籍注销' AS source, i
            FROM residents WHERE birth_date < DATE '1960-01-01'
            ORDER BY rnd(i, 'dead') LIMIT {n["deaths"]}
            """
        )
        alive_adult = (
            "FROM residents r WHERE r.resident_id NOT IN (SELECT resident_id FROM deaths) "
            "AND r.birth_date BETWEEN DATE '1965-01-01' AND DATE '2000-12-31'"
        )
        units = _list_sql(UNITS)
        self.q(
            f"""
            CREATE TABLE cadres AS
            SELECT r.resident_id, r.name, pick({units}, r.i, 'unit') AS unit,
                   pick(['科员', '副科长', '科长', '副局长', '局长', '副镇长', '镇长'], r.i, 'post') AS post,
                   pick(['一级科员', '四级主任科员', '二级主任科员', '一级调研员'], r.i, 'rank') AS rank,
                   r.town, r.i
            {alive_adult}
            ORDER BY rnd(r.i, 'cadre') LIMIT {n["cadres"]}
            """
        )
        self.q(
            f"""
            CREATE TABLE payroll AS
            SELECT r.resident_id, r.name, c.unit, c.post AS position,
                   DATE '2000-01-01' + CAST(rnd(r.i, 'hired') % 8000 AS INTEGER) AS start_date,
                   CAST(NULL AS DATE) AS end_date,
                   CAST(4000 + rnd(r.i, 'salary') % 8000 AS DECIMAL(18,2)) AS monthly_salary,
                   r.phone, r.address, '6222' || lpad(CAST(r.i AS VARCHAR), 15, '0') AS bank_account, r.i
            FROM cadres c JOIN residents r USING (resident_id)
            UNION ALL
            SELECT * FROM (
                SELECT r.resident_id, r.name, pick({units}, r.i, 'unit2') AS unit,
                       pick(['教师', '医生', '护士', '辅警', '工勤'], r.i, 'job') AS position,
                       DATE '2000-01-01' + CAST(rnd(r.i, 'hired') % 8000 AS INTEGER),
                       CAST(NULL AS DATE),
                       CAST(3500 + rnd(r.i, 'salary') % 6000 AS DECIMAL(18,2)),
                       r.phone, r.address, '6222' || lpad(CAST(r.i AS VARCHAR), 15, '0'), r.i
                {alive_adult} AND r.resident_id NOT IN (SELECT resident_id FROM cadres)
                ORDER BY rnd(r.i, 'payroll') LIMIT {n["payroll_others"]}
            )
            """
        )
        relations = _list_sql(["配偶", "父亲", "母亲", "子女", "兄弟姐妹"])
        self.q(
            f"""
            CREATE TABLE relatives AS
            WITH picks AS (
                SELECT c.resident_id AS cadre_id, k,
                       CAST(rnd(c.i * 10 + k, 'relative') % {n["residents"]} AS BIGINT) AS target,
                       rnd(c.i * 10 + k, 'noid') % 10 = 0 AS without_id
                FROM cadres c CROSS JOIN range({n["relatives_per_cadre"]}) t(k)
            )
            SELECT * EXCLUDE (dup) FROM (
                SELECT p.cadre_id, r.resident_id AS true_id, r.name AS relative_name,
                       r.birth_date AS relative_birth_date,
                       {relations}[1 + CAST(p.k % 5 AS INTEGER)] AS relation,
                       p.without_id,
                       row_number() OVER (PARTITION BY p.cadre_id, r.name ORDER BY p.k) AS dup
                FROM picks p JOIN residents r ON r.i = p.target
                WHERE r.resident_id <> p.cadre_id
            ) WHERE dup = 1
            """
        )
        self.q(
            f"""
            CREATE TABLE party_members AS
            SELECT r.resident_id, r.name,
                   pick(['机关第一党支部', '机关第二党支部', '村党支部', '社区党支部', '离退休党支部'], r.i, 'branch')
                       || '（' || r.town || '）' AS branch,
                   DATE '1985-01-01' + CAST(rnd(r.i, 'joined') % 13000 AS INTEGER) AS joined_date,
                   '正式党员' AS status
            FROM residents r
            WHERE r.resident_id IN (SELECT resident_id FROM cadres)
               OR rnd(r.i, 'party') % 1000 < {1000 * n["party_members"] // n["residents"]}
            """
        )

    def _programs_and_payments(self) -> None:
        rows = ", ".join(
            f"('{c}', '{nm}', '{d}', '{cat}', {repr(g) if g else 'NULL'}, {m}, {p})"
            for c, nm, d, cat, g, m, p, _ in PROGRAMS
        )
        self.q(
            "CREATE TABLE benefit_programs (program_code VARCHAR, name VARCHAR, department VARCHAR, "
            "category VARCHAR, exclusive_group VARCHAR, means_tested BOOLEAN, party_members_excluded BOOLEAN)"
        )
        self.q(f"INSERT INTO benefit_programs VALUES {rows}")
        monthly = "{" + ", ".join(f"'{c}': {amt}" for c, *_, amt in PROGRAMS) + "}"
        self.q(
            f"CREATE TABLE monthly AS SELECT unnest(map_keys(MAP {monthly})) AS program_code, unnest(map_values(MAP {monthly})) AS base"
        )
        # Recipients are drawn from people no exact-key model can flag: alive, not on the
        # payroll, not party members or cadres, not cadres' relatives; one program each.
        self.q(
            f"""
            CREATE TABLE recipients AS
            SELECT r.*, 'P' || lpad(CAST(1 + rnd(r.i, 'program') % 13 AS VARCHAR), 2, '0') AS program_code
            FROM residents r
            WHERE r.resident_id NOT IN (SELECT resident_id FROM deaths)
              AND r.resident_id NOT IN (SELECT resident_id FROM payroll)
              AND r.resident_id NOT IN (SELECT resident_id FROM party_members)
              AND r.resident_id NOT IN (SELECT true_id FROM relatives)
            ORDER BY rnd(r.i, 'recipient') LIMIT {self.n["recipients"]}
            """
        )
        periods = _list_sql(PERIODS)
        self.q(
            f"""
            CREATE TABLE benefit_payments AS
            SELECT 'BP' || lpad(CAST(row_number() OVER (ORDER BY r.i, p.period) AS VARCHAR), 9, '0') AS payment_id,
                   r.program_code, r.resident_id, r.name, p.period,
                   CAST(p.period || '-15' AS DATE) AS pay_date,
                   CAST(m.base + (r.i % 5) * 10 AS DECIMAL(18,2)) AS amount,
                   r.town, r.village, '6217' || lpad(CAST(r.i AS VARCHAR), 15, '0') AS bank_account
            FROM recipients r
            JOIN monthly m USING (program_code)
            CROSS JOIN (SELECT unnest({periods}) AS period) p
            """
        )

    def _medical(self) -> None:
        n = self.n["claims"]
        inpatient = n // 10
        alive = "residents r WHERE r.resident_id NOT IN (SELECT resident_id FROM deaths)"
        inpatient_dx = _list_sql([c for c, _ in INPATIENT_DIAGNOSES])
        inpatient_names = _list_sql([d for _, d in INPATIENT_DIAGNOSES])
        outpatient_dx = _list_sql([c for c, _ in OUTPATIENT_DIAGNOSES])
        outpatient_names = _list_sql([d for _, d in OUTPATIENT_DIAGNOSES])
        hospitals = _list_sql(HOSPITALS)
        # One inpatient stay per person (no overlaps), four days or more (not "short").
        self.q(
            f"""
            CREATE TABLE medical_claims AS
            SELECT 'MC' || lpad(CAST(row_number() OVER (ORDER BY r.i) AS VARCHAR), 9, '0') AS claim_id,
                   r.resident_id, r.name AS patient_name, pick({hospitals}, r.i, 'hosp') AS hospital,
                   '住院' AS claim_type,
                   DATE '2024-01-01' + CAST(rnd(r.i, 'adm') % 340 AS INTEGER) AS admission_date,
                   DATE '2024-01-01' + CAST(rnd(r.i, 'adm') % 340 AS INTEGER) + CAST(4 + rnd(r.i, 'los') % 12 AS INTEGER) AS discharge_date,
                   {inpatient_dx}[1 + CAST(rnd(r.i, 'dx') % {len(INPATIENT_DIAGNOSES)} AS INTEGER)] AS diagnosis_code,
                   {inpatient_names}[1 + CAST(rnd(r.i, 'dx') % {len(INPATIENT_DIAGNOSES)} AS INTEGER)] AS diagnosis_name,
                   CAST(3000 + rnd(r.i, 'cost') % 30000 AS DECIMAL(18,2)) AS total_amount,
                   CAST((3000 + rnd(r.i, 'cost') % 30000) * 0.7 AS DECIMAL(18,2)) AS fund_amount
            FROM {alive} ORDER BY rnd(r.i, 'inpatient') LIMIT {inpatient}
            """
        )
        residents = self.n["residents"]
        self.q(
            f"""
            INSERT INTO medical_claims
            SELECT 'MO' || lpad(CAST(k AS VARCHAR), 9, '0'), r.resident_id, r.name,
                   pick({hospitals}, k, 'ohosp'), '门诊',
                   DATE '2024-01-01' + CAST(rnd(k, 'visit') % 360 AS INTEGER),
                   DATE '2024-01-01' + CAST(rnd(k, 'visit') % 360 AS INTEGER),
                   {outpatient_dx}[1 + CAST(rnd(k, 'odx') % {len(OUTPATIENT_DIAGNOSES)} AS INTEGER)],
                   {outpatient_names}[1 + CAST(rnd(k, 'odx') % {len(OUTPATIENT_DIAGNOSES)} AS INTEGER)],
                   CAST(50 + rnd(k, 'ocost') % 400 AS DECIMAL(18,2)),
                   CAST((50 + rnd(k, 'ocost') % 400) * 0.5 AS DECIMAL(18,2))
            FROM range({(n - inpatient) * 11 // 10}) t(k)
            JOIN residents r ON r.i = CAST(rnd(k, 'patient') % {residents} AS BIGINT)
            WHERE r.resident_id NOT IN (SELECT resident_id FROM deaths)
            ORDER BY k LIMIT {n - inpatient}
            """
        )

    def _vendors_and_contracts(self) -> None:
        n = self.n
        vendors = []
        for j in range(n["vendors"]):
            first17 = f"91{AREAS[j % len(AREAS)]}MA{j:07d}"[:17]
            vendors.append((first17 + stdnum_uscc.calc_check_digit(first17), j))
        self.con.register(
            "vendor_codes",
            pa.table({"uscc": [v[0] for v in vendors], "j": [v[1] for v in vendors]}),
        )
        kinds = _list_sql(
            ["建设工程有限公司", "商贸有限公司", "科技有限公司", "物业服务有限公司", "印务有限公司"]
        )
        # Legal representatives and shareholders are residents not on the payroll.
        self.q(
            f"""
            CREATE TABLE owners AS
            SELECT r.resident_id, r.name, row_number() OVER (ORDER BY rnd(r.i, 'owner')) - 1 AS k
            FROM residents r
            WHERE r.resident_id NOT IN (SELECT resident_id FROM payroll)
              AND r.resident_id NOT IN (SELECT resident_id FROM deaths)
              AND r.birth_date < DATE '1995-01-01'
            ORDER BY rnd(r.i, 'owner') LIMIT {n["vendors"] * 3}
            """
        )
        self.q(
            f"""
            CREATE TABLE vendors AS
            SELECT v.uscc, pick({_list_sql(TOWNS)}, v.j, 'vtown') || pick(['恒通', '宏达', '鑫源', '华泰', '永盛', '金诚', '瑞丰', '嘉禾'], v.j, 'vname')
                       || CAST(v.j AS VARCHAR) || pick({kinds}, v.j, 'vkind') AS name,
                   o.resident_id AS legal_rep_id, o.name AS legal_rep_name,
                   '0523' || lpad(CAST(v.j AS VARCHAR), 8, '0') AS phone,
                   '工业园区' || CAST(v.j AS VARCHAR) || '号' AS address,
                   '3201' || lpad(CAST(v.j AS VARCHAR), 16, '0') AS bank_account,
                   DATE '2005-01-01' + CAST(rnd(v.j, 'founded') % 4000 AS INTEGER) AS registered_date,
                   v.j
            FROM vendor_codes v JOIN owners o ON o.k = v.j * 3
            """
        )
        self.q(
            """
            CREATE TABLE vendor_shareholders AS
            SELECT v.uscc, o.resident_id AS shareholder_id, o.name AS shareholder_name,
                   CAST(CASE WHEN o.k = v.j * 3 THEN 0.6 ELSE 0.2 END AS DECIMAL(9,4)) AS share_ratio
            FROM vendors v JOIN owners o ON o.k BETWEEN v.j * 3 AND v.j * 3 + 2
            """
        )
        # Approvers are cadres of the buying unit (or any cadre when a unit has none).
        self.q(
            """
            CREATE TABLE approvers AS
            SELECT unit, resident_id, name, row_number() OVER (PARTITION BY unit ORDER BY resident_id) - 1 AS k,
                   count(*) OVER (PARTITION BY unit) AS n
            FROM cadres
            """
        )
        units = _list_sql(sorted({u for u in UNITS}))
        methods = _list_sql(["公开招标", "公开招标", "询价", "竞争性磋商", "单一来源"])
        self.q(
            f"""
            CREATE TABLE contracts AS
            WITH base AS (
                SELECT k, pick({units}, k, 'buyer') AS buyer_unit,
                       CAST(rnd(k, 'vendor') % {n["vendors"]} AS BIGINT) AS j,
                       DATE '2023-01-01' + CAST(rnd(k, 'signed') % 700 AS INTEGER) AS signed_date,
                       pick({methods}, k, 'method') AS method
                FROM range({n["contracts"]}) t(k)
            )
            SELECT 'HT' || lpad(CAST(b.k AS VARCHAR), 8, '0') AS contract_id, b.buyer_unit, v.uscc AS vendor_uscc,
                   '采购项目' || CAST(b.k AS VARCHAR) AS title,
                   CAST(CASE WHEN b.method = '公开招标' THEN 1000000 + rnd(b.k, 'amt') % 4000000
                             ELSE 5000 + rnd(b.k, 'amt') % 295000 END AS DECIMAL(18,2)) AS amount,
                   b.signed_date, b.method, a.resident_id AS approver_id, a.name AS approver_name
            FROM base b JOIN vendors v ON v.j = b.j
            JOIN approvers a ON a.unit = b.buyer_unit AND a.k = CAST(rnd(b.k, 'approver') % a.n AS BIGINT)
            """
        )
        self.q(
            """
            CREATE TABLE contract_payments AS
            SELECT contract_id || '-1' AS payment_id, contract_id, signed_date + INTERVAL 10 DAY AS pay_date,
                   CAST(amount * 0.3 AS DECIMAL(18,2)) AS amount
            FROM contracts
            UNION ALL
            SELECT contract_id || '-2', contract_id, signed_date + INTERVAL 60 DAY,
                   CAST(amount * 0.7 AS DECIMAL(18,2)) - 0.01
            FROM contracts
            """
        )

    def _expenses(self) -> None:
        self.con.register("calendar_arrow", calendar_table())
        self.q(
            "CREATE TABLE workdays AS SELECT day, row_number() OVER (ORDER BY day) - 1 AS k FROM calendar_arrow "
            "WHERE is_workday AND day BETWEEN DATE '2023-01-01' AND DATE '2024-12-20'"
        )
        self.con.unregister("calendar_arrow")
        n_workdays = self.q("SELECT count(*) FROM workdays").fetchone()[0]
        self.q(
            "CREATE TABLE claimants AS SELECT resident_id, name, unit, row_number() OVER (ORDER BY resident_id) - 1 AS k FROM payroll"
        )
        n_claimants = self.q("SELECT count(*) FROM claimants").fetchone()[0]
        categories = _list_sql(EXPENSE_CATEGORIES)
        self.q(
            f"""
            CREATE TABLE expenses AS
            WITH lines AS (
                SELECT k, CAST(rnd(k, 'claimant') % {n_claimants} AS BIGINT) AS c,
                       CAST(rnd(k, 'day') % {n_workdays} AS BIGINT) AS d,
                       pick({categories}, k, 'cat') AS category
                FROM range({self.n["expenses"]}) t(k)
            )
            SELECT 'EL' || lpad(CAST(l.k AS VARCHAR), 9, '0') AS line_id,
                   'BX' || lpad(CAST(l.k // 2 AS VARCHAR), 8, '0') AS expense_id,
                   c.resident_id AS claimant_id, c.name AS claimant_name, c.unit, l.category,
                   w.day AS expense_date,
                   CAST(50 + rnd(l.k, 'amount') % 3000 AS DECIMAL(18,2)) AS amount,
                   lpad(CAST(l.k AS VARCHAR), 12, '0') AS invoice_no,
                   w.day AS invoice_date,
                   CASE WHEN l.category = '差旅' THEN pick(['南京', '苏州', '北京', '上海', '杭州'], l.k, 'city') ELSE '本地' END AS invoice_city,
                   CASE WHEN l.category = '差旅' THEN w.day - INTERVAL 1 DAY END AS trip_start,
                   CASE WHEN l.category = '差旅' THEN w.day + INTERVAL 2 DAY END AS trip_end,
                   CASE WHEN l.category = '差旅' THEN pick(['南京', '苏州', '北京', '上海', '杭州'], l.k, 'city') END AS trip_destination,
                   '财务审核' AS approver_name
            FROM lines l JOIN claimants c ON c.k = l.c JOIN workdays w ON w.k = l.d
            """
        )

    # -- planting ----------------------------------------------------------------------------

    def _sample(self, sql: str, k: int | None = None) -> list[tuple]:
        rows = self.q(sql).fetchall()
        self.rng.shuffle(rows)
        return rows[: self.k() if k is None else k]

    def _pay(self, resident, name, program, period, amount, town="城关镇") -> str:
        payment_id = f"BX{len(self.planted):04d}{self.rng.randrange(10**8):08d}"
        self.q(
            "INSERT INTO benefit_payments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            payment_id,
            program,
            resident,
            name,
            period,
            datetime.date(int(period[:4]), int(period[5:]), 15),
            amount,
            town,
            "第1村",
        )
        return payment_id

    def _plant_benefits(self) -> None:
        k = self.k()
        used: set[str] = set()

        def fresh(rows):
            out = [r for r in rows if r[0] not in used]
            used.update(r[0] for r in out)
            return out

        # Relatives of cadres paid a means-tested benefit: by ID, by name + birth date, by pinyin.
        eligible = (
            "SELECT true_id, relative_name, cadre_id FROM relatives "
            "WHERE true_id NOT IN (SELECT resident_id FROM deaths) "
            "AND true_id NOT IN (SELECT resident_id FROM party_members) "
            "AND true_id NOT IN (SELECT resident_id FROM payroll)"
        )
        homophone = "[" + "".join(HOMOPHONES) + "]"
        groups = (
            ("resident_id", fresh(self._sample(eligible))),
            ("name+birth_date (candidate)", fresh(self._sample(eligible))),
            (
                "pinyin+birth_date (candidate)",
                fresh(self._sample(f"{eligible} AND regexp_matches(relative_name, '{homophone}')")),
            ),
        )
        for method, rows in groups:
            for rid, name, cadre in rows:
                self.q(
                    "UPDATE relatives SET without_id = ? WHERE cadre_id = ? AND true_id = ?",
                    method != "resident_id",
                    cadre,
                    rid,
                )
                if method.startswith("pinyin"):
                    # The clerk typed a homophone: only pinyin can propose this person.
                    typed = "".join(HOMOPHONES.get(ch, ch) for ch in name)
                    self.q(
                        "UPDATE relatives SET relative_name = ? WHERE cadre_id = ? AND true_id = ?",
                        typed,
                        cadre,
                        rid,
                    )
                for period in ("2024-03", "2024-04", "2024-05"):
                    self._pay(rid, name, "P01", period, 520)
                self.plant("cadre_relative_benefit", f"{cadre}|{rid}|P01", method)
        # Deceased paid after death (the month of death itself is a near miss).
        for rid, name, died in fresh(
            self._sample(
                "SELECT resident_id, name, death_date FROM deaths "
                "WHERE death_date BETWEEN DATE '2024-01-01' AND DATE '2024-09-30' "
                "AND resident_id NOT IN (SELECT true_id FROM relatives) "
                "AND resident_id NOT IN (SELECT resident_id FROM party_members)"
            )
        ):
            month = died.month
            for m in (month, month + 1, month + 2):
                self._pay(rid, name, "P05", f"2024-{m:02d}", 60)
            self.plant("deceased_paid", f"{rid}|P05")
        # Payroll people on subsistence allowance.
        for rid, name, unit in fresh(
            self._sample(
                "SELECT resident_id, name, unit FROM payroll "
                "WHERE resident_id NOT IN (SELECT true_id FROM relatives)"
            )
        ):
            for period in ("2024-06", "2024-07"):
                self._pay(rid, name, "P01", period, 520)
            self.plant("payroll_subsistence", f"{rid}|P01", unit)
        # Mutually exclusive programs: a P01 recipient also paid P02.
        for rid, name in fresh(
            self._sample("SELECT resident_id, name FROM recipients WHERE program_code = 'P01'")
        ):
            for period in ("2024-02", "2024-03"):
                self._pay(rid, name, "P02", period, 780)
            self.plant("exclusive_programs", f"{rid}|subsistence")
        # Duplicate payments.
        for rid, name, program, period, amount in fresh(
            self._sample(
                "SELECT resident_id, name, program_code, period, amount FROM benefit_payments "
                "WHERE payment_id LIKE 'BP%' AND period = '2024-08'"
            )
        ):
            self._pay(rid, name, program, period, amount)
            self.plant("duplicate_payment", f"{rid}|{program}|{period}")
        # Party members paid a program they are excluded from.
        for rid, name in fresh(
            self._sample(
                "SELECT resident_id, name FROM party_members "
                "WHERE joined_date < DATE '2023-01-01' "
                "AND resident_id NOT IN (SELECT resident_id FROM deaths) "
                "AND resident_id NOT IN (SELECT true_id FROM relatives)"
            )
        ):
            for period in ("2024-09", "2024-10"):
                self._pay(rid, name, "P13", period, 250)
            self.plant("party_member_subsidy", f"{rid}|P13")
        # Recipients who are not in the register at all.
        for index in range(k):
            born = datetime.date(1970, 1, 1) + datetime.timedelta(days=self.rng.randrange(10000))
            rid = resident_id.make(area="110105", born=born, sequence=index)
            for period in ("2024-01", "2024-02"):
                self._pay(rid, "无名氏", "P08", period, 400)
            self.plant("unregistered_recipient", f"{rid}|P08")
        # People who died but stay on the payroll.
        for rid, name, start in fresh(
            self._sample(
                "SELECT resident_id, name, start_date FROM payroll "
                "WHERE resident_id NOT IN (SELECT resident_id FROM cadres) AND start_date < DATE '2023-01-01'"
            )
        ):
            self.q(
                "INSERT INTO deaths VALUES (?, ?, DATE '2024-03-10', '医院死亡证明', -1)", rid, name
            )
            # Nothing else about them may follow their death.
            self.q(
                "DELETE FROM medical_claims WHERE resident_id = ? AND admission_date > DATE '2024-03-10'",
                rid,
            )
            self.plant("payroll_after_death", f"{rid}|{start}")

    def _contract(self, unit, uscc, amount, signed, method, approver_id, approver_name) -> str:
        contract_id = f"HX{self.rng.randrange(10**10):010d}"
        self.q(
            "INSERT INTO contracts VALUES (?, ?, ?, '补充采购', ?, ?, ?, ?, ?)",
            contract_id,
            unit,
            uscc,
            amount,
            signed,
            method,
            approver_id,
            approver_name,
        )
        return contract_id

    def _plant_procurement(self) -> None:
        k = self.k()
        approvers = self.q("SELECT unit, resident_id, name FROM approvers").fetchall()
        by_unit: dict[str, list[tuple[str, str]]] = {}
        for unit, rid, name in approvers:
            by_unit.setdefault(unit, []).append((rid, name))
        vendors = self.q("SELECT uscc FROM vendors ORDER BY j").fetchall()
        vendor_iter = iter(self.rng.sample([v[0] for v in vendors], len(vendors)))
        employees = self._sample(
            "SELECT resident_id, name, unit, phone, bank_account, address FROM payroll "
            "WHERE resident_id NOT IN (SELECT resident_id FROM deaths) "
            # a shared household address would link a second employee, which is not planted
            "AND address NOT IN (SELECT address FROM payroll GROUP BY address HAVING count(*) > 1)",
            k,
        )
        methods = ("phone", "bank_account", "address", "legal_rep", "shareholder")
        for index, (rid, name, unit, phone, account, address) in enumerate(employees):
            uscc = next(vendor_iter)
            method = methods[index % len(methods)]
            if method == "phone":
                self.q("UPDATE vendors SET phone = ? WHERE uscc = ?", phone, uscc)
                label = "phone"
            elif method == "bank_account":
                self.q("UPDATE vendors SET bank_account = ? WHERE uscc = ?", account, uscc)
                label = "bank_account"
            elif method == "address":
                self.q("UPDATE vendors SET address = ? WHERE uscc = ?", address, uscc)
                label = "address"
            elif method == "legal_rep":
                self.q(
                    "UPDATE vendors SET legal_rep_id = ?, legal_rep_name = ? WHERE uscc = ?",
                    rid,
                    name,
                    uscc,
                )
                label = "resident_id (legal representative)"
            else:
                self.q("INSERT INTO vendor_shareholders VALUES (?, ?, ?, 0.1)", uscc, rid, name)
                label = "resident_id (shareholder)"
            approver = by_unit.get(unit, [(None, "局长")])[0]
            self._contract(unit, uscc, 1500000, datetime.date(2024, 5, 6), "公开招标", *approver)
            self.plant("vendor_employee_link", f"{uscc}|{unit}|{rid}|{label}")
        # Split contracts: three inquiries of 400,000 within 60 days, by different approvers.
        units_with_three = [u for u, a in by_unit.items() if len(a) >= 3]
        for _ in range(k):
            unit = self.rng.choice(units_with_three)
            uscc = next(vendor_iter)
            # a random small contract of the same pair could start the series earlier
            self.q(
                "DELETE FROM contract_payments WHERE contract_id IN (SELECT contract_id FROM contracts WHERE buyer_unit = ? AND vendor_uscc = ?)",
                unit,
                uscc,
            )
            self.q("DELETE FROM contracts WHERE buyer_unit = ? AND vendor_uscc = ?", unit, uscc)
            first = None
            for step, (aid, aname) in enumerate(by_unit[unit][:3]):
                contract = self._contract(
                    unit, uscc, 400000, datetime.date(2024, 3, 1) + datetime.timedelta(days=30 * step),
                    "询价", aid, aname,
                )  # fmt: skip
                first = first or contract
            self.plant("contract_splitting", f"{unit}|{uscc}|{first}")
        # One approver, one vendor, four single-source awards in a year, months apart.
        for _ in range(k):
            unit = self.rng.choice(units_with_three)
            aid, aname = by_unit[unit][0]
            uscc = next(vendor_iter)
            for month in (1, 4, 7, 10):
                self._contract(
                    unit, uscc, 50000, datetime.date(2024, month, 8), "单一来源", aid, aname
                )
            self.plant("repeat_awards", f"{aname}|{uscc}|2024")
        # A company founded a month before a large contract.
        for index in range(k):
            first17 = f"91320923NX{index:07d}"[:17]
            uscc = first17 + stdnum_uscc.calc_check_digit(first17)
            self.q(
                "INSERT INTO vendors VALUES (?, ?, NULL, NULL, ?, ?, ?, DATE '2024-04-01', -1)",
                uscc,
                f"新辰{index}商贸有限公司",
                f"0523{90000000 + index}",
                f"新区{index}号",
                f"32019{index:015d}",
            )
            unit = self.rng.choice(units_with_three)
            aid, aname = by_unit[unit][1]
            contract = self._contract(
                unit, uscc, 800000, datetime.date(2024, 5, 1), "公开招标", aid, aname
            )
            self.plant("new_vendor_award", contract)
        # Contracts paid more than they are worth.
        for (contract,) in self._sample(
            "SELECT contract_id FROM contracts WHERE contract_id LIKE 'HT%'"
        ):
            self.q(
                "INSERT INTO contract_payments SELECT contract_id || '-9', contract_id, "
                "signed_date + INTERVAL 90 DAY, CAST(amount * 0.2 AS DECIMAL(18,2)) "
                "FROM contracts WHERE contract_id = ?",
                contract,
            )
            self.plant("contract_overpaid", contract)

    def _plant_expenses(self) -> None:
        k = self.k()
        lines = self._sample(
            "SELECT line_id FROM expenses WHERE category IN ('办公用品', '印刷', '维修')", 3 * k
        )
        holidays = (
            datetime.date(2024, 10, 2),
            datetime.date(2024, 2, 12),
            datetime.date(2024, 6, 15),
        )
        for index, (line,) in enumerate(lines[:k]):
            day = holidays[index % len(holidays)]
            self.q(
                "UPDATE expenses SET category = '公务接待', expense_date = ?, invoice_date = ? WHERE line_id = ?",
                day,
                day,
                line,
            )
            self.plant("holiday_entertainment", line)
        for (line,) in lines[k : 2 * k]:
            self.q(
                "UPDATE expenses SET category = '差旅', trip_start = expense_date, "
                "trip_end = expense_date + INTERVAL 2 DAY, trip_destination = '北京', invoice_city = '北京', "
                "invoice_date = expense_date + INTERVAL 40 DAY WHERE line_id = ?",
                line,
            )
            self.plant("invoice_far_from_trip", line)
        for (line,) in lines[2 * k :]:
            self.q(
                "INSERT INTO expenses SELECT 'EX' || substr(line_id, 3), 'BY' || substr(expense_id, 3), "
                "claimant_id, claimant_name, unit, category, expense_date + INTERVAL 20 DAY, amount, invoice_no, "
                "invoice_date, invoice_city, trip_start, trip_end, trip_destination, approver_name "
                "FROM expenses WHERE line_id = ?",
                line,
            )
            invoice = self.q("SELECT invoice_no FROM expenses WHERE line_id = ?", line).fetchone()[
                0
            ]
            self.plant("duplicate_invoice", invoice)

    def _claim(self, rid, name, hospital, admitted, days, code, diagnosis, amount) -> str:
        claim_id = f"MX{self.rng.randrange(10**10):010d}"
        self.q(
            "INSERT INTO medical_claims VALUES (?, ?, ?, ?, '住院', ?, ?, ?, ?, ?, ?)",
            claim_id,
            rid,
            name,
            hospital,
            admitted,
            admitted + datetime.timedelta(days=days),
            code,
            diagnosis,
            amount,
            round(amount * 0.7, 2),
        )
        return claim_id

    def _plant_medical(self) -> None:
        k = self.k()
        for claim, rid, name, admitted in self._sample(
            "SELECT claim_id, resident_id, patient_name, admission_date FROM medical_claims "
            "WHERE claim_type = '住院' AND admission_date < DATE '2024-11-01'"
        ):
            other = self._claim(
                rid,
                name,
                "康宁医院",
                admitted + datetime.timedelta(days=2),
                6,
                "I25.1",
                "冠心病",
                8000,
            )
            a, b = sorted([claim, other])
            self.plant("overlapping_stays", f"{rid}|{a}|{b}")
        # People with no inpatient stay yet, alive.
        fresh = self._sample(
            "SELECT resident_id, name FROM residents r "
            "WHERE resident_id NOT IN (SELECT resident_id FROM deaths) "
            "AND resident_id NOT IN (SELECT resident_id FROM medical_claims WHERE claim_type = '住院')",
            2 * k,
        )
        for rid, name in fresh[:k]:
            claim = self._claim(
                rid, name, "仁爱医院", datetime.date(2024, 6, 3), 2, "Z00.0", "健康体检", 2600
            )
            self.plant("admission_without_criteria", claim)
        for rid, name in fresh[k:]:
            claims = [
                self._claim(rid, name, h, datetime.date(2024, 7, 1) + datetime.timedelta(days=20 * n), 2, "K80.2", "胆囊结石", 3000)
                for n, h in enumerate(("康宁医院", "仁爱医院", "康宁医院"))
            ]  # fmt: skip
            self.plant("repeated_short_admissions", f"{rid}|{claims[0]}")
        for rid, name, died in self._sample(
            "SELECT resident_id, name, death_date FROM deaths WHERE death_date < DATE '2024-06-01' AND i >= 0"
        ):
            self._claim(
                rid,
                name,
                "县人民医院",
                died + datetime.timedelta(days=40),
                5,
                "I63.9",
                "脑梗死",
                9000,
            )
            self.plant("claims_after_death", rid)

    def _disclosures(self) -> None:
        """The subsidy lists the publishing villages put on their notice boards: every payment
        of the program and month, the name masked (张*明), and the ID beside it, except where a
        village publishes names only and the masked name points to one payee of the list."""
        self.q(
            "CREATE TABLE publishing AS SELECT * FROM (VALUES "
            + ", ".join(f"('{v}', '{star}', {v in NAMES_ONLY})" for v, star in PUBLISHING.items())
            + ") t(village, star, names_only)"
        )
        self.q(
            f"""
            CREATE TABLE disclosed AS
            WITH paid AS (
                SELECT b.*, v.names_only,
                       CASE WHEN length(b.name) <= 2 THEN left(b.name, 1) || v.star
                            ELSE left(b.name, 1) || repeat(v.star, length(b.name) - 2) || right(b.name, 1)
                       END AS masked
                FROM benefit_payments b JOIN publishing v USING (village)
                WHERE b.period IN (SELECT unnest({_list_sql(PUBLISHED_PERIODS)}))
            ),
            sharing AS (
                SELECT village, program_code, period, masked, count(DISTINCT resident_id) AS payees
                FROM paid GROUP BY ALL
            )
            SELECT 'DS' || lpad(CAST(row_number() OVER (ORDER BY p.village, p.program_code, p.period, p.payment_id) AS VARCHAR), 9, '0') AS row_id,
                   p.town || p.village || substr(p.period, 1, 4) || '年' || CAST(CAST(substr(p.period, 6, 2) AS INTEGER) AS VARCHAR)
                       || '月' || g.name || '发放名单公示' AS notice,
                   p.program_code,
                   CASE WHEN p.names_only AND s.payees = 1 THEN NULL ELSE p.resident_id END AS resident_id,
                   p.masked AS name, p.period, p.amount, p.town, p.village,
                   p.resident_id AS payee_id, p.name AS payee_name
            FROM paid p
            JOIN sharing s USING (village, program_code, period, masked)
            JOIN benefit_programs g USING (program_code)
            ORDER BY row_id
            """
        )

    def _plant_disclosures(self) -> None:
        """Each kind of difference the money trail reports, in lists the villages published;
        near-misses beside them (an amount within the tolerance). Only the lists are changed,
        so no other model sees anything new. The other near-misses are in every list: masked
        names that match their payee, and the months the villages published nothing."""
        k = self.k()
        used: set[tuple] = set()
        removed: dict[tuple, int] = {}

        def rows(where: str, tag: str, n: int = 4 * k) -> list[tuple]:
            found = self.q(
                "SELECT row_id, village, program_code, period, payee_id, payee_name, town, listed"
                " FROM (SELECT *, count(*) OVER (PARTITION BY town, village, program_code, period)"
                " AS listed"
                f"  FROM disclosed) WHERE {where} ORDER BY rnd(row_id, '{tag}') LIMIT {n}"
            ).fetchall()
            out = []
            for row in found:
                person = row[1:5]
                if person not in used and len(out) < k:
                    used.add(person)
                    out.append(row)
            return out

        def key(town, village, program, period, who, kind) -> str:
            return f"{program}|{period}|{town or ''}/{village}|{who}|{kind}"

        # Amounts beyond the tolerance, matched by ID or by the masked name alone; and the
        # near-miss, 0.50 apart: within the tolerance of 1 yuan.
        for method, where in (("resident_id", "resident_id IS NOT NULL"),
                              ("masked name (candidate)", "resident_id IS NULL")):  # fmt: skip
            for row_id, village, program, period, payee, _, town, _ in rows(where, "differs"):
                self.q("UPDATE disclosed SET amount = amount + 200 WHERE row_id = ?", row_id)
                self.plant(
                    "subsidy_disclosure_mismatch",
                    key(town, village, program, period, payee, "amount_differs"),
                    method,
                )
            for row_id, *_ in rows(where, "within"):
                self.q("UPDATE disclosed SET amount = amount + 0.50 WHERE row_id = ?", row_id)
        # The same ID published under another person's name.
        for row_id, village, program, period, payee, name, town, _ in rows(
            "resident_id IS NOT NULL", "renamed"
        ):
            other = ("李" if name[0] != "李" else "王") + PUBLISHING[village] * (len(name) - 2)
            other += name[-1] if len(name) > 2 else PUBLISHING[village]
            self.q("UPDATE disclosed SET name = ? WHERE row_id = ?", other, row_id)
            self.plant(
                "subsidy_disclosure_mismatch",
                key(town, village, program, period, payee, "name_mismatch"),
            )
        # Paid but left off a list the village did publish: the list keeps other names of the
        # same town's village (so it is a published list whether villages are told apart by
        # their name alone or by their town too).
        for row_id, village, program, period, payee, _, town, listed in rows(
            "listed >= 2", "left-off"
        ):
            group = (town, village, program, period)
            if listed - removed.get(group, 0) < 2:
                continue
            removed[group] = removed.get(group, 0) + 1
            self.q("DELETE FROM disclosed WHERE row_id = ?", row_id)
            self.plant(
                "subsidy_disclosure_mismatch",
                key(town, village, program, period, payee, "paid_not_disclosed"),
            )
        # Published but never paid: residents paid nothing at all, by ID or by masked name.
        nobody = self.q(
            "SELECT resident_id, name, town FROM residents "
            "WHERE resident_id NOT IN (SELECT resident_id FROM benefit_payments WHERE resident_id IS NOT NULL) "
            f"ORDER BY rnd(i, 'unpaid') LIMIT {4 * k}"
        ).fetchall()
        lists = self.q(
            "SELECT village, program_code, period, min(notice), min(amount) FROM disclosed "
            f"GROUP BY village, program_code, period ORDER BY rnd(village || program_code || period, 'unpaid') LIMIT {2 * k}"
        ).fetchall()
        for index, ((rid, name, town), (village, program, period, notice, amount)) in enumerate(
            zip(nobody, lists, strict=False)
        ):
            star = PUBLISHING[village]
            masked = name[0] + star * max(1, len(name) - 2) + (name[-1] if len(name) > 2 else "")
            pattern = masked.replace(star, "_")
            matches = self.q(
                "SELECT count(*) FROM benefit_payments "
                "WHERE village = ? AND program_code = ? AND period = ? AND name LIKE ?",
                village, program, period, pattern,
            ).fetchone()[0]  # fmt: skip
            by_name = index % 2 == 1 and matches == 0
            self.q(
                "INSERT INTO disclosed VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                f"DSP{index:08d}", notice, program, None if by_name else rid, masked, period,
                amount, town, village,
            )  # fmt: skip
            self.plant(
                "subsidy_disclosure_mismatch",
                key(
                    town,
                    village,
                    program,
                    period,
                    masked if by_name else rid,
                    "disclosed_not_paid",
                ),  # fmt: skip
                "masked name" if by_name else "resident_id",
            )

    # -- output ------------------------------------------------------------------------------

    def write(self, directory: Path, format: str) -> tuple[dict[str, Path], dict[str, int]]:
        selects = {
            "residents": "SELECT resident_id, name, gender, birth_date, town, village, address, phone, household_id FROM residents ORDER BY i",
            "cadres": "SELECT resident_id, name, unit, post, rank, town FROM cadres",
            "cadre_relatives": "SELECT cadre_id, CASE WHEN without_id THEN NULL ELSE true_id END AS relative_id, relative_name, relative_birth_date, relation FROM relatives",
            "deaths": "SELECT resident_id, name, death_date, source FROM deaths",
            "payroll": "SELECT resident_id, name, unit, position, start_date, end_date, monthly_salary, phone, address, bank_account FROM payroll",
            "benefit_programs": "SELECT * FROM benefit_programs",
            "benefit_payments": "SELECT * FROM benefit_payments",
            "party_members": "SELECT * FROM party_members",
            "vendors": "SELECT * EXCLUDE (j) FROM vendors",
            "vendor_shareholders": "SELECT * FROM vendor_shareholders",
            "contracts": "SELECT * FROM contracts",
            "contract_payments": "SELECT * FROM contract_payments",
            "expenses": "SELECT * FROM expenses",
            "medical_claims": "SELECT * FROM medical_claims",
            "disclosed_subsidies": "SELECT * EXCLUDE (payee_id, payee_name) FROM disclosed ORDER BY row_id",
        }  # fmt: skip
        files, rows = {}, {}
        for name, sql in selects.items():
            path = directory / f"{name}.{'parquet' if format == 'parquet' else 'csv'}"
            options = "FORMAT parquet" if format == "parquet" else "FORMAT csv, HEADER true"
            self.q(f"COPY ({sql}) TO '{path}' ({options})")
            files[name] = path
            rows[name] = self.q(f"SELECT count(*) FROM ({sql})").fetchone()[0]
        return files, rows


# The synthetic residents file is the complete register of every town, for every month.
REGISTER_COVERAGE = {"areas": list(TOWNS), "complete": True}


def import_county(workspace, county: County, **options) -> dict[str, object]:
    """Register one source per dataset kind, import and accept every file (the residents as
    the complete register of every town); return the reports."""
    reports = {}
    for kind, path in county.files.items():
        workspace.register_source(kind.replace("_", "-"), kind=kind, label=f"synthetic {kind}")
        report = workspace.stage(kind.replace("_", "-"), path, **options)
        report.accept(coverage=REGISTER_COVERAGE if kind == "residents" else None)
        reports[kind] = report
    return reports


def check_planted(county: County, hits, models) -> dict[str, dict[str, list[str]]]:
    """Compare hits with the planted cases: per model, what was ``missed`` and what is ``extra``.

    ``extra`` hits of models with ``exact_key`` are false hits; for the others they are
    candidates or heuristics an officer reviews.
    """
    found: dict[str, set[str]] = {}
    for hit in hits:
        found.setdefault(hit.model_id, set()).add(hit.fingerprint_key)
    planted: dict[str, set[str]] = {}
    for p in county.planted:
        planted.setdefault(p.model_id, set()).add(p.key)
    report = {}
    for model in models:
        want, got = planted.get(model.id, set()), found.get(model.id, set())
        report[model.id] = {"missed": sorted(want - got), "extra": sorted(got - want)}
    return report


def load_county(directory: str | Path) -> County:
    """Read back a county written by :func:`generate` (files and planted cases)."""
    directory = Path(directory)
    files = {}
    for path in sorted(directory.iterdir()):
        if path.stem != "planted" and path.suffix in {".csv", ".parquet"}:
            files[path.stem] = path
    with open(directory / "planted.csv", encoding="utf-8", newline="") as handle:
        planted = [Planted(r["model_id"], r["key"], r["note"]) for r in csv.DictReader(handle)]
    return County(directory, files, planted, {})
