"""The subsidy lists of captured notices become the ``disclosed_subsidies`` dataset through the
platform import, checked like any upload."""

from __future__ import annotations

import datetime

from oversight.analytics import services
from oversight.analytics.disclosed import disclosed_subsidy_rows
from oversight.analytics.models import ImportRun
from oversight.disclosure.models import CatalogueItem, Publication
from oversight.orgs.models import OrgNode

from .conftest import person_id

BODY = """东村2024年3月耕地地力保护补贴发放公示
项目编码：P05
姓名\t身份证号\t金额（元）
张*\t\t500.00
李四\t{pid}\t320.50
王*\t\t不详
"""


def notice(node, area, body, key="2024-03"):
    item = CatalogueItem.objects.create(
        title=f"补贴公示 {area}", category=CatalogueItem.Category.VILLAGE, area=area,
        unit_type=OrgNode.Type.VILLAGE, frequency=CatalogueItem.Frequency.MONTHLY,
    )  # fmt: skip
    return Publication.objects.create(
        node=node, catalogue_item=item, key=key, title="东村耕地地力保护补贴公示",
        published_on=datetime.date(2024, 3, 20), body=body, digest="x",
        source=Publication.Source.ENTERED,
    )  # fmt: skip


def test_a_notice_table_gives_one_row_per_beneficiary(county_a):
    village = county_a.village1a
    pub = notice(village, CatalogueItem.Area.AGRICULTURE, BODY.format(pid=person_id(1)))
    notice(village, CatalogueItem.Area.GENERAL, "姓名\t金额\n赵六\t100")  # not a subsidy item

    rows = disclosed_subsidy_rows()

    assert [(r["name"], r["amount"], r["resident_id"]) for r in rows] == [
        ("张*", "500.00", ""), ("李四", "320.50", person_id(1)), ("王*", "不详", "")
    ]  # fmt: skip
    assert {r["program_code"] for r in rows} == {"P05"}
    assert {r["period"] for r in rows} == {"2024-03"}
    assert {r["village"] for r in rows} == {village.name}
    assert {r["town"] for r in rows} == {county_a.town1.name}
    assert rows[0]["row_id"] == f"{pub.pk}-4" and rows[0]["notice"].startswith(str(pub.pk))


def test_the_platform_import_stages_them_and_reports_the_bad_row(
    county_a, source_of, django_capture_on_commit_callbacks
):
    notice(county_a.village1a, CatalogueItem.Area.WELFARE, BODY.format(pid=person_id(1)))
    source = source_of("village-subsidies", "disclosed_subsidies")

    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_from_platform(source=source, actor=county_a.supervisor)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.STAGED, run.message
    assert (run.accepted_rows, run.rejected_rows) == (2, 1)
    assert "amount" in run.problems_by_column
