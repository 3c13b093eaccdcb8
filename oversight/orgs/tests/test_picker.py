"""The unit picker: finds by partial name and pinyin, within the viewer's scope, and takes
several units without Ctrl-click."""

from __future__ import annotations

from oversight.conftest import client_for
from oversight.orgs import services
from oversight.orgs.forms import NodeChoiceField, NodeMultipleChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.picker import node_search

T = OrgNode.Type


def _bureaus(county):
    education = services.node_create(
        name="县教育局", code="C-EDU", type=T.UNIT, parent=county.county
    )
    window = services.node_create(
        name="教育局综合受理窗口", code="C-EDU-W", type=T.SERVICE_WINDOW, parent=education
    )
    school = services.node_create(
        name="城关镇中心小学", code="C-T1-S", type=T.UNIT, parent=county.town1
    )
    return education, window, school


def test_it_finds_by_part_of_the_name_and_by_pinyin(county):
    education, window, _school = _bureaus(county)
    assert [n.pk for n in node_search(viewer=county.admin, query="教育")] == [
        education.pk,
        window.pk,
    ]
    assert [n.pk for n in node_search(viewer=county.admin, query="xjyj")] == [education.pk]
    assert [n.pk for n in node_search(viewer=county.admin, query="XJY")] == [education.pk]
    assert education.pk in [n.pk for n in node_search(viewer=county.admin, query="jiaoyu")]
    assert node_search(viewer=county.admin, query="公安") == []


def test_it_finds_nothing_outside_the_viewers_scope(county):
    _education, _window, school = _bureaus(county)
    assert [n.pk for n in node_search(viewer=county.town1_officer, query="xiaoxue")] == [school.pk]
    assert node_search(viewer=county.town2_officer, query="xiaoxue") == []
    assert node_search(viewer=county.town2_officer, query="教育") == []


def test_the_search_answers_a_fragment_with_the_path_above(county):
    _bureaus(county)
    response = client_for(county.admin).get(
        "/orgs/nodes/pick/", {"q": "jyj", "name": "lead_node", "multiple": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="checkbox" name="lead_node"' in html
    assert "县教育局" in html and "County" in html
    assert (
        client_for(county.town2_officer)
        .get("/orgs/nodes/pick/", {"q": "jyj"})
        .content.count(b"unit-option")
        == 0
    )


def test_a_form_takes_several_units_by_ticking(county):
    from django import forms

    education, window, _school = _bureaus(county)

    class Form(forms.Form):
        one = NodeChoiceField(queryset=OrgNode.objects.all())
        several = NodeMultipleChoiceField(queryset=OrgNode.objects.all())

    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data["one"] = str(education.pk)
    data.setlist("several", [str(education.pk), str(window.pk), str(window.pk)])
    form = Form(data)
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["several"]) == {education, window}
    html = str(Form(initial={"several": [education.pk]})["several"])
    assert "data-unit-picker" in html and 'type="checkbox"' in html
    assert "<select" not in html
