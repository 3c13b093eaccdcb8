"""Field mappings: where each contract field of an import comes from.

A department's file rarely has the contract's columns. A *field mapping* says, for each contract
field, one rule:

``{"column": "身份证号"}``
    the file's column with that header (headers compare after normalisation, so ``金额（元）``
    and ``金额(元)`` or ``身份证 号`` and ``身份证号`` are the same header);
``{"constant": "P06"}``
    the same value on every row (a file that *is* one program);
``{"row": true}``
    the row number in the file (as the officer sees it: the header is row 1);
``{"upload": "program" | "unit" | "period"}``
    a value chosen when the file is uploaded: the program of this file, the unit that sent it,
    the period it covers;
``{"concat": ["姓", "名"], "sep": ""}``
    the columns' texts joined (empty parts left out);
``{"date_part": "year" | "month" | "period", "column": "发放日期"}``
    a part of a date column (``period`` is the month, ``YYYY-MM``);
``{"skip": true}``
    nothing: the field stays empty even if a header would name it (an optional field only).

The older form of a saved mapping, file header → contract field, still reads: each pair is a
column rule. :func:`suggest` proposes rules from the headers (normalised names, the contract's
Chinese labels, and a dictionary of the variants departments write); :func:`check` names every
problem before an import starts (a field left unmapped, a column the file lacks, one column
taken for two fields, an upload value not chosen).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from .contracts import DatasetKind

__all__ = [
    "DATE_PARTS",
    "SYNONYMS",
    "UPLOAD_VALUES",
    "MappingProblem",
    "check",
    "find_header",
    "normalise_header",
    "rules_of",
    "suggest",
]

UPLOAD_VALUES = ("program", "unit", "period")
DATE_PARTS = ("year", "month", "period")
RULE_KINDS = ("column", "constant", "row", "upload", "concat", "date_part", "skip")

# Header variants departments write for a contract field (compared after normalisation). The
# contract's own name and Chinese label need no entry.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "resident_id": (
        "身份证号", "身份证号码", "身份证", "公民身份证号", "公民身份证号码", "证件号码",
        "证件号", "身份号码", "居民身份证号", "居民身份证号码", "身份证件号码",
    ),
    "name": ("姓名", "名字", "户主姓名", "领取人", "领取人姓名", "享受人姓名", "人员姓名",
             "救助对象姓名", "死者姓名", "干部姓名", "党员姓名"),
    "amount": ("金额", "发放金额", "补贴金额", "金额元", "发放金额元", "实发金额", "补助金额",
               "救助金额", "应发金额"),
    "period": ("所属期", "发放月份", "发放年月", "所属月份", "月份", "年月", "所属年月"),
    "pay_date": ("发放日期", "发放时间", "支付日期"),
    "death_date": ("死亡日期", "死亡时间", "去世日期", "死亡年月日"),
    "town": ("乡镇", "乡镇街道", "所属乡镇", "镇街", "乡镇名称", "街道"),
    "village": ("村", "村社区", "村居", "所属村", "村名", "社区"),
    "bank_account": ("账号", "银行账号", "发放账号", "银行卡号", "卡号", "存折号", "一卡通账号"),
    "payment_id": ("流水号", "发放流水号", "序号流水", "支付流水号", "业务流水号"),
    "program_code": ("项目编码", "项目代码", "补贴项目编码"),
    "unit": ("工作单位", "单位", "所在单位", "单位名称", "任职单位"),
    "post": ("职务", "现任职务", "岗位职务"),
    "rank": ("职级", "级别", "职务层次"),
    "cadre_id": ("干部身份证号", "干部身份证号码", "干部身份号码"),
    "relative_id": ("亲属身份证号", "亲属身份证号码", "亲属证件号码"),
    "relative_name": ("亲属姓名", "家属姓名"),
    "relation": ("关系", "称谓", "与本人关系"),
    "start_date": ("入职日期", "参加工作时间", "起始日期"),
    "end_date": ("离职日期", "终止日期", "退休日期"),
    "monthly_salary": ("月工资", "工资", "月薪", "应发工资"),
    "phone": ("电话", "联系电话", "手机", "手机号", "手机号码", "联系方式"),
    "address": ("住址", "家庭住址", "地址", "户籍地址", "居住地址"),
    "gender": ("性别",),
    "birth_date": ("出生日期", "出生年月日", "生日"),
    "household_id": ("户号", "户编号"),
    "branch": ("所在党支部", "党支部", "支部", "所在支部"),
    "joined_date": ("入党日期", "入党时间"),
}  # fmt: skip

_PUNCTUATION = re.compile(r"[\s()\[\]{}<>:;,.·、，。：；（）【】《》“”\"'‘’_\-/\\*#]+")
_UNIT_SUFFIX = re.compile(r"\((元|人民币|yuan|rmb)\)$", re.IGNORECASE)


def normalise_header(text: str | None) -> str:
    """A header as compared: full-width forms folded to half-width (NFKC), spaces and
    punctuation removed, Latin letters lower-cased (``金额（元）`` → ``金额元``)."""
    folded = unicodedata.normalize("NFKC", text or "").strip().lower()
    return _PUNCTUATION.sub("", folded)


@dataclass(frozen=True)
class MappingProblem:
    """One reason a mapping cannot be used: ``code`` names it, ``field`` is the contract field,
    ``detail`` the header, column or value concerned."""

    code: str  # unmapped, unknown_field, no_column, column_twice, no_upload_value, bad_rule
    field: str
    detail: str = ""


def rules_of(mapping: Mapping | None) -> dict[str, dict]:
    """Field → rule, from a mapping in either form (rules, or the older header → field)."""
    rules: dict[str, dict] = {}
    for key, value in (mapping or {}).items():
        if isinstance(value, Mapping):
            rules[str(key)] = dict(value)
        elif value:
            rules.setdefault(str(value), {"column": str(key)})
    return rules


def find_header(headers: list[str], wanted: str) -> str | None:
    """The file's header that ``wanted`` names (exactly, else after normalisation)."""
    if wanted in headers:
        return wanted
    target = normalise_header(wanted)
    matches = [h for h in headers if normalise_header(h) == target]
    return matches[0] if len(matches) == 1 else None


def _names_of(kind: DatasetKind, field: str) -> set[str]:
    column = kind.column(field)
    names = {field, column.label_zh, *SYNONYMS.get(field, ())}
    return {normalise_header(_UNIT_SUFFIX.sub("", n)) for n in names} | {
        normalise_header(n) for n in names
    }


def suggest(kind: DatasetKind, headers: list[str], saved: Mapping | None = None) -> dict:
    """Field → rule proposed for a file with ``headers``: the saved rules whose columns the file
    has, then each remaining field by its name, label or a known variant of its header."""
    rules: dict[str, dict] = {}
    taken: set[str] = set()
    for field, rule in rules_of(saved).items():
        if field not in kind.column_names:
            continue
        if "column" in rule and "date_part" not in rule:
            header = find_header(headers, rule["column"])
            if header is None or header in taken:
                continue
            rules[field] = {"column": header}
            taken.add(header)
        elif "date_part" in rule or "concat" in rule:
            wanted = [rule["column"]] if "date_part" in rule else list(rule["concat"])
            found = [find_header(headers, w) for w in wanted]
            if None in found:
                continue  # the rule does not fit this file; suggest afresh
            if "date_part" in rule:
                rules[field] = {**rule, "column": found[0]}
            else:
                rules[field] = {**rule, "concat": found}
        else:
            rules[field] = rule
    for column in kind.columns:
        if column.name in rules:
            continue
        names = _names_of(kind, column.name)
        for header in headers:
            if header in taken:
                continue
            normal = normalise_header(header)
            if normal in names or normalise_header(_UNIT_SUFFIX.sub("", header)) in names:
                rules[column.name] = {"column": header}
                taken.add(header)
                break
    return rules


def _columns_of(rule: Mapping) -> list[str]:
    if "column" in rule:
        return [str(rule["column"])]
    if "concat" in rule:
        return [str(c) for c in rule["concat"]]
    return []


def check(
    kind: DatasetKind,
    rules: Mapping[str, Mapping],
    headers: list[str] | None = None,
    upload_values: Mapping[str, str] | None = None,
) -> list[MappingProblem]:
    """Every problem of ``rules`` for a file of ``kind`` (with ``headers``, when known, and the
    values chosen on upload, when given); none means the import may start."""
    problems: list[MappingProblem] = []
    used: dict[str, str] = {}
    for field, rule in rules.items():
        if field not in kind.column_names:
            problems.append(MappingProblem("unknown_field", field))
            continue
        if _kind_of(rule) is None or not _rule_is_well_formed(rule):
            problems.append(MappingProblem("bad_rule", field, str(dict(rule))))
            continue
        if "upload" in rule and upload_values is not None:
            if not (upload_values.get(rule["upload"]) or "").strip():
                problems.append(MappingProblem("no_upload_value", field, rule["upload"]))
        for wanted in _columns_of(rule) + ([rule["column"]] if "date_part" in rule else []):
            header = normalise_header(wanted) if headers is None else find_header(headers, wanted)
            if header is None:
                problems.append(MappingProblem("no_column", field, wanted))
            elif "date_part" not in rule and "concat" not in rule:
                if header in used:
                    problems.append(
                        MappingProblem("column_twice", field, header if headers else wanted)
                    )
                else:
                    used[header] = field
    for column in kind.columns:
        if (
            column.required
            and not column.synthetic
            and "skip" in rules.get(column.name, {"skip": 1})
        ):
            problems.append(MappingProblem("unmapped", column.name))
    return problems


def _kind_of(rule: Mapping) -> str | None:
    """The rule's kind; None when it names none or several (a date part names its column)."""
    if "date_part" in rule:
        return "date_part" if not set(rule) & {"constant", "row", "upload", "concat"} else None
    kinds = [k for k in RULE_KINDS if k in rule]
    return kinds[0] if len(kinds) == 1 else None


def _rule_is_well_formed(rule: Mapping) -> bool:
    if "column" in rule and "date_part" not in rule:
        return isinstance(rule["column"], str) and bool(rule["column"].strip())
    if "constant" in rule:
        return isinstance(rule["constant"], str) and bool(rule["constant"].strip())
    if "row" in rule:
        return rule["row"] is True
    if "upload" in rule:
        return rule["upload"] in UPLOAD_VALUES
    if "concat" in rule:
        parts = rule["concat"]
        return (
            isinstance(parts, list)
            and len(parts) >= 2
            and all(isinstance(p, str) and p.strip() for p in parts)
        )
    if "date_part" in rule:
        return rule["date_part"] in DATE_PARTS and isinstance(rule.get("column"), str)
    return rule.get("skip") is True
