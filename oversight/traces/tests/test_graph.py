"""The trace graph: assembled from the modules' selectors, flagged paths by pattern, shortest
paths, the page and its JSON, scopes (outsiders get nothing) and the ledger trace of openings."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse

from oversight.analytics.models import Warning
from oversight.conftest import client_for, make_resident_id
from oversight.integrity import services as integrity
from oversight.ledger.models import Leaf
from oversight.traces import selectors

pytestmark = pytest.mark.django_db

BROTHER_IN_LAW = make_resident_id(datetime.date(1975, 4, 9))


def _warning(n, resident_id, name):
    return Warning.objects.create(
        model_id="relatives_vendor",
        fingerprint=f"fp-{n}",
        subject_id=resident_id,
        subject_name=name,
        severity="red",
        reason_zh=f"原因 {n}",
        reason_en=f"reason {n}",
        match_method="id",
    )


@pytest.fixture
def planted(tcounty):
    c = tcounty
    integrity.relative_add(
        actor=c.supervisor,
        person=c.p_town1,
        relation="social",
        name="Brother-in-law",
        resident_id=BROTHER_IN_LAW,
    )
    _warning(1, BROTHER_IN_LAW, "Brother-in-law")
    _warning(2, c.p_town1.resident_id, c.p_town1.name)
    _warning(3, c.p_town1.resident_id, c.p_town1.name)
    return c


def test_it_assembles_the_graph_and_flags_the_paths(planted):
    c = planted
    person, graph, findings = selectors.person_graph(viewer=c.supervisor, pk=c.p_town1.pk)
    kinds = sorted(n["category"] for n in graph.nodes.values())
    assert kinds == ["person", "relative", "unit", "warning", "warning", "warning"]
    by_pattern = {}
    for f in findings:
        by_pattern.setdefault(f.pattern.key, []).append(f)
    relative_path = by_pattern["relative_flagged"][0].path
    assert [h["node"]["category"] for h in relative_path] == ["person", "relative", "warning"]
    assert relative_path[2]["edge"]["origin"].startswith("analytics.warning:")
    assert len(by_pattern["several_problems"]) == 2
    warning = next(
        n for n in graph.nodes if n.startswith("warning:") and "Brother" in graph.nodes[n]["name"]
    )
    assert len(graph.shortest_path(graph.root, warning)) == 3
    assert graph.shortest_path(graph.root, "nowhere") == []


def test_a_clean_person_has_no_flagged_path(tcounty):
    c = tcounty
    _person, graph, findings = selectors.person_graph(viewer=c.supervisor, pk=c.p_town1.pk)
    assert findings == []
    assert sorted(n["category"] for n in graph.nodes.values()) == ["person", "unit"]


def test_someone_outside_the_scope_gets_nothing(planted):
    c = planted
    with pytest.raises(Http404):
        selectors.person_graph(viewer=c.town2_officer, pk=c.p_town1.pk)
    assert c.p_town1 not in selectors.people(viewer=c.town2_officer)
    client = client_for(c.town2_officer)
    assert client.get(reverse("traces:graph_detail", args=[c.p_town1.pk])).status_code == 404
    assert client.get(reverse("traces:graph_json", args=[c.p_town1.pk])).status_code == 404
    listed = client.get(reverse("traces:person_list"))
    assert c.p_town1.name not in listed.content.decode()


def test_nodes_outside_the_viewers_scope_are_left_out(planted):
    """The town officer sees their town's person but not the commission's warnings (no scope
    over the comparison models' warnings): the graph shows none of them."""
    c = planted
    from oversight.analytics.selectors import warning_list

    visible = set(warning_list(viewer=c.town1_officer).values_list("pk", flat=True))
    _person, graph, _findings = selectors.person_graph(viewer=c.town1_officer, pk=c.p_town1.pk)
    shown = {int(n.split(":")[1]) for n in graph.nodes if n.startswith("warning:")}
    assert shown <= visible


def test_the_page_draws_the_graph_and_traces_the_opening(planted):
    c = planted
    client = client_for(c.supervisor)
    page = client.get(reverse("traces:graph_detail", args=[c.p_town1.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "echarts.min.js" in body and 'data-testid="finding"' in body
    leaf = Leaf.objects.get(action="traces.graph.open")
    assert leaf.target_id == str(c.p_town1.pk)
    data = client.get(reverse("traces:graph_json", args=[c.p_town1.pk])).json()
    assert len(data["nodes"]) == 6 and len(data["links"]) == 5


def test_without_the_permission_the_pages_are_refused(tcounty):
    client = client_for(tcounty.cadre)
    assert client.get(reverse("traces:person_list")).status_code == 403


def test_a_flagged_path_becomes_a_work_item_moved_by_the_loop(planted):
    from oversight.loop import services as loop
    from oversight.loop.models import WorkItem

    c = planted
    client = client_for(c.supervisor)
    answer = client.post(reverse("traces:finding_take_up", args=[c.p_town1.pk, 0]))
    item = WorkItem.objects.get(kind="traces.finding")
    assert answer.status_code == 302 and answer["Location"].endswith(f"/{item.pk}/")
    assert item.state == "checking" and item.responsible_node == c.p_town1.org_node
    assert "analytics.warning:" in item.description and "Brother-in-law" in item.description
    loop.item_transition(
        item=item, name="explain", actor=c.town1_officer, comment="a tender by the county"
    )
    item.refresh_from_db()
    assert item.state == "explained"


def test_taking_up_a_path_that_does_not_exist_is_refused(planted):
    c = planted
    client = client_for(c.supervisor)
    answer = client.post(reverse("traces:finding_take_up", args=[c.p_town1.pk, 9]), follow=True)
    body = answer.content.decode()
    assert "No such flagged path." in body or "没有该可疑路径。" in body
    from oversight.loop.models import WorkItem

    assert not WorkItem.objects.filter(kind="traces.finding").exists()
    outsider = client_for(c.town2_officer)
    assert (
        outsider.post(reverse("traces:finding_take_up", args=[c.p_town1.pk, 0])).status_code == 403
    )
