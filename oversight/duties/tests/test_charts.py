"""The ranking page's charts: the score distribution and the year's progress, hand-counted,
each limited to the viewer's scope."""

import json
from datetime import date
from decimal import Decimal

from oversight.conftest import client_for
from oversight.duties import selectors, services
from oversight.loop import services as loop


def test_distribution_and_progress_by_hand(duties_county, duty_list, today):
    c = duties_county
    town1, _town2 = services.list_issue(
        actor=c.supervisor,
        duty_list=duty_list,
        nodes=[c.town1, c.town2],
        supervising_node=c.commission,
    )
    plan = town1.reports.get(key="2026")
    loop.item_transition(item=plan.item, name="submit", actor=c.town1_officer, comment="Plan")
    services.report_accept(actor=c.supervisor, report=plan, score=Decimal(30))
    today(date(2026, 3, 20))
    rows = selectors.scores(viewer=c.supervisor, duty_list=duty_list)
    # Town 1: 75 % (the 70–80 bar); Town 2: 0 % (the first).
    assert selectors.score_distribution(rows)["values"] == [1, 0, 0, 0, 0, 0, 0, 1, 0, 0]
    # Only the plan (due 10 March) fell due by 20 March: two reports, one made on time and
    # accepted; the quarterly study is due in April.
    assert selectors.progress(viewer=c.supervisor, duty_list=duty_list) == {
        "names": ["2026-01", "2026-02", "2026-03"],
        "due": [0, 0, 2],
        "on_time": [0, 0, 1],
        "scored": [0, 0, 1],
    }
    assert selectors.progress(viewer=c.town2_officer, duty_list=duty_list)["due"] == [0, 0, 1]
    assert selectors.progress(viewer=c.town2_officer, duty_list=duty_list)["scored"] == [0, 0, 0]
    page = client_for(c.supervisor).get(f"/duties/ranking/?list={duty_list.pk}")
    body = page.content.decode()
    assert page.status_code == 200 and "echarts.min.js" in body and "cdn" not in body.lower()
    assert _chart(body)["values"][7] == 1
    own = client_for(c.town2_officer).get(f"/duties/ranking/?list={duty_list.pk}")
    assert _chart(own.content.decode())["values"] == [1] + [0] * 9


def _chart(body: str) -> dict:
    marker = 'id="duty-distribution" type="application/json">'
    start = body.index(marker) + len(marker)
    return json.loads(body[start : body.index("</script>", start)])
