"""The benefit models, each against a small hand-made dataset: hits it must find, near-misses not."""

from __future__ import annotations

import datetime

from oversight.analytics.engine import Runner

from .conftest import AS_OF, LIBRARY, PROGRAMS, load, payment, pid, run


def keys(hits):
    """The fingerprint keys of hits, as a set."""
    return {h.fingerprint_key for h in hits}


def test_it_finds_relatives_of_cadres_by_id_then_name_then_pinyin(workspace):
    cadre, by_id, by_name, by_sound, stranger = (pid(n) for n in (1, 2, 3, 4, 5))
    born = {p: datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 1000 * 7) for n, p in
            enumerate((cadre, by_id, by_name, by_sound, stranger), start=1)}  # fmt: skip
    load(workspace, "benefit_programs", PROGRAMS)
    load(workspace, "residents", [
        {"resident_id": by_id, "name": "王芳"},
        {"resident_id": by_name, "name": "李丽"},
        {"resident_id": by_sound, "name": "单伟"},
        {"resident_id": stranger, "name": "赵敏"},
    ])  # fmt: skip
    load(workspace, "cadres", [{"resident_id": cadre, "name": "张强", "unit": "县民政局"}])
    load(workspace, "cadre_relatives", [
        {"cadre_id": cadre, "relative_id": by_id, "relative_name": "王芳", "relation": "配偶"},
        {"cadre_id": cadre, "relative_name": "李丽", "relative_birth_date": born[by_name], "relation": "母亲"},
        # typed with a homophone: 善 and 单 share the reading shan, 威 and 伟 wei
        {"cadre_id": cadre, "relative_name": "善威", "relative_birth_date": born[by_sound], "relation": "兄弟姐妹"},
        # same name as the stranger but another birth date: no candidate
        {"cadre_id": cadre, "relative_name": "赵敏", "relative_birth_date": "1999-01-01", "relation": "子女"},
    ])  # fmt: skip
    load(workspace, "benefit_payments", [
        payment(1, by_id, "P01", "2024-01"),
        payment(2, by_id, "P01", "2024-02"),
        payment(3, by_name, "P01", "2024-01"),
        payment(4, by_sound, "P01", "2024-01"),
        payment(5, stranger, "P01", "2024-01"),
        payment(6, by_id, "P05", "2024-01"),  # not means-tested
    ])  # fmt: skip

    hits = {h.subject_id: h for h in run(workspace, "cadre_relative_benefit")}

    assert set(hits) == {by_id, by_name, by_sound}
    assert hits[by_id].match_method == "resident_id"
    assert hits[by_id].amount == 1000
    assert hits[by_id].period == "2024-01~2024-02"
    assert hits[by_name].match_method == "name+birth_date (candidate)"
    assert hits[by_sound].match_method == "pinyin+birth_date (candidate)"
    assert all(h.candidate for h in (hits[by_name], hits[by_sound]))
    assert "张强的配偶" in hits[by_id].reason_zh
    assert {e.dataset for e in hits[by_id].evidence} == {
        "cadres", "cadre_relatives", "benefit_payments"
    }  # fmt: skip


def test_it_never_grades_a_candidate_red(workspace):
    cadre, relative = pid(1), pid(2)
    born = datetime.date(1950, 1, 1)
    load(workspace, "benefit_programs", PROGRAMS)
    load(workspace, "residents", [{"resident_id": relative, "name": "李丽"}])
    load(workspace, "cadres", [{"resident_id": cadre, "name": "张强", "unit": "县民政局"}])
    load(workspace, "cadre_relatives", [
        {"cadre_id": cadre, "relative_name": "李丽", "relative_birth_date": born, "relation": "母亲"}
    ])  # fmt: skip
    load(workspace, "benefit_payments", [payment(1, relative, "P01", "2024-01", "99999")])

    [hit] = run(workspace, "cadre_relative_benefit")

    assert hit.amount == 99999 and hit.severity == "yellow"


def test_it_finds_payments_after_death_but_not_in_the_month_of_death(workspace):
    dead, late, alive = pid(1), pid(2), pid(3)
    load(workspace, "deaths", [
        {"resident_id": dead, "name": "甲", "death_date": "2024-03-15"},
        {"resident_id": late, "name": "乙", "death_date": "2024-03-31"},
    ])  # fmt: skip
    load(workspace, "benefit_payments", [
        payment(1, dead, "P05", "2024-03"),
        payment(2, dead, "P05", "2024-04", "60"),
        payment(3, dead, "P05", "2024-05", "60"),
        payment(4, late, "P05", "2024-03"),  # the month of death is still due
        payment(5, alive, "P05", "2024-05"),
    ])  # fmt: skip

    [hit] = run(workspace, "deceased_paid")

    assert hit.fingerprint_key == f"{dead}|P05"
    assert hit.amount == 120 and hit.period == "2024-04~2024-05"
    assert hit.detail.startswith("2024-03-15")


def test_it_finds_payroll_people_on_subsistence_allowance_while_employed(workspace):
    employed, left, joined_later, on_pension = pid(1), pid(2), pid(3), pid(4)
    load(workspace, "benefit_programs", PROGRAMS)
    load(workspace, "payroll", [
        {"resident_id": employed, "name": "甲", "unit": "县教育局", "start_date": "2010-09-01"},
        {"resident_id": left, "name": "乙", "unit": "县教育局", "start_date": "2010-09-01", "end_date": "2023-12-31"},
        {"resident_id": joined_later, "name": "丙", "unit": "县教育局", "start_date": "2024-03-01"},
        {"resident_id": on_pension, "name": "丁", "unit": "县教育局", "start_date": "2010-09-01"},
    ])  # fmt: skip
    load(workspace, "benefit_payments", [
        payment(1, employed, "P01", "2024-01"),
        payment(2, left, "P01", "2024-01"),  # left the payroll before
        payment(3, joined_later, "P01", "2024-02"),  # paid before joining
        payment(4, on_pension, "P06", "2024-01"),  # not a subsistence allowance
    ])  # fmt: skip

    hits = run(workspace, "payroll_subsistence")

    assert keys(hits) == {f"{employed}|P01"}
    assert hits[0].unit == "县教育局"


def test_it_finds_mutually_exclusive_programs_in_the_same_month(workspace):
    both, apart, other_group = pid(1), pid(2), pid(3)
    load(workspace, "benefit_programs", PROGRAMS)
    load(workspace, "benefit_payments", [
        payment(1, both, "P01", "2024-01", "520"),
        payment(2, both, "P02", "2024-01", "780"),
        payment(3, apart, "P01", "2024-01"),
        payment(4, apart, "P02", "2024-02"),  # switched programs: not the same month
        payment(5, other_group, "P01", "2024-01"),
        payment(6, other_group, "P06", "2024-01"),  # different groups
    ])  # fmt: skip

    [hit] = run(workspace, "exclusive_programs")

    assert hit.fingerprint_key == f"{both}|subsistence"
    assert hit.amount == 1300 and hit.detail == "P01 / P02"
    assert len(hit.evidence) == 2


def test_it_finds_duplicate_payments_and_reports_the_excess(workspace):
    twice, monthly = pid(1), pid(2)
    load(workspace, "benefit_payments", [
        payment(1, twice, "P01", "2024-01", "500"),
        payment(2, twice, "P01", "2024-01", "500"),
        payment(3, monthly, "P01", "2024-01"),
        payment(4, monthly, "P01", "2024-02"),
        payment(5, monthly, "P02", "2024-02"),
    ])  # fmt: skip

    [hit] = run(workspace, "duplicate_payment")

    assert hit.fingerprint_key == f"{twice}|P01|2024-01"
    assert hit.amount == 500


def test_it_finds_party_members_paid_by_excluded_programs_after_joining(workspace):
    member, newcomer, allowed = pid(1), pid(2), pid(3)
    load(workspace, "benefit_programs", PROGRAMS)
    load(workspace, "party_members", [
        {"resident_id": member, "name": "甲", "branch": "村党支部", "joined_date": "2001-07-01"},
        {"resident_id": newcomer, "name": "乙", "branch": "村党支部", "joined_date": "2024-06-01"},
        {"resident_id": allowed, "name": "丙", "branch": "村党支部", "joined_date": "2001-07-01"},
    ])  # fmt: skip
    load(workspace, "benefit_payments", [
        payment(1, member, "P13", "2024-03"),
        payment(2, newcomer, "P13", "2024-03"),  # paid before joining
        payment(3, allowed, "P05", "2024-03"),  # a program party members may receive
    ])  # fmt: skip

    hits = run(workspace, "party_member_subsidy")

    assert keys(hits) == {f"{member}|P13"}
    assert "脱贫户产业直补" in hits[0].reason_zh


def test_it_finds_recipients_missing_from_the_register(workspace):
    registered, dead, ghost = pid(1), pid(2), pid(3)
    outside, late = pid(4), pid(5)
    register = {"areas": ["城关镇"], "period_from": "2023-01", "period_to": "2024-06",
                "complete": True}  # fmt: skip
    load(workspace, "residents", [{"resident_id": registered, "name": "甲"}], coverage=register)
    load(workspace, "deaths", [{"resident_id": dead, "death_date": "2024-06-01"}])
    load(workspace, "benefit_payments", [
        payment(1, registered, "P05", "2024-01"),
        payment(2, dead, "P05", "2024-01"),
        payment(3, ghost, "P05", "2024-01"),
        {**payment(4, outside, "P05", "2024-01"), "town": "东湖镇"},  # a town the register lacks
        payment(5, late, "P05", "2024-09"),  # a month after the register
    ])  # fmt: skip

    hits = run(workspace, "unregistered_recipient")
    assert keys(hits) == {f"{ghost}|P05"}
    # The reason masks the ID as exports do; no program catalogue: the code stands in.
    assert (
        ghost not in hits[0].reason_zh and f"{ghost[:6]}********{ghost[-4:]}" in hits[0].reason_zh
    )
    assert "“P05”500.00元" in hits[0].reason_zh
    load(workspace, "benefit_programs", PROGRAMS)
    hit = run(workspace, "unregistered_recipient")[0]
    assert "却领取“耕地地力保护补贴”500.00元（2024-01~2024-01）" in hit.reason_zh
    assert "of “耕地地力保护补贴”" in hit.reason_en


def test_a_model_reasoning_from_absence_runs_only_on_a_complete_register(workspace):
    load(workspace, "residents", [{"resident_id": pid(1), "name": "甲"}],
         coverage={"areas": ["城关镇"], "complete": False})  # fmt: skip
    load(workspace, "deaths", [{"resident_id": pid(2), "death_date": "2024-06-01"}])
    load(workspace, "benefit_payments", [payment(1, pid(3), "P05", "2024-01")])
    model = LIBRARY["unregistered_recipient"]
    result = Runner(workspace, threads=1, memory_limit="1GB").run([model], as_of=AS_OF)
    stats = result.models[0]
    assert stats.status == "uncovered" and "residents" in stats.message
    assert result.hits == []


def test_it_finds_dead_people_still_on_the_payroll(workspace):
    kept, removed, removed_late = pid(1), pid(2), pid(3)
    load(workspace, "deaths", [
        {"resident_id": p, "death_date": "2024-01-10"} for p in (kept, removed, removed_late)
    ])  # fmt: skip
    load(workspace, "payroll", [
        {"resident_id": kept, "name": "甲", "unit": "县卫健委", "start_date": "2005-01-01", "monthly_salary": "6000"},
        {"resident_id": removed, "name": "乙", "unit": "县卫健委", "start_date": "2005-01-01", "end_date": "2024-01-31"},
        {"resident_id": removed_late, "name": "丙", "unit": "县卫健委", "start_date": "2005-01-01",
         "end_date": "2024-05-10", "monthly_salary": "5000"},
    ])  # fmt: skip

    hits = {h.subject_id: h for h in run(workspace, "payroll_after_death")}

    assert set(hits) == {kept, removed_late}
    assert hits[removed_late].amount == 20000  # four months' salary
    assert hits[kept].severity == "red"
