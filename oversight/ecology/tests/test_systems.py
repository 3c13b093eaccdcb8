"""Indicator systems: the commission's edits, their refusals, weights checked in words, copies
to a new year, the ledger, and who sees them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from oversight.conftest import client_for
from oversight.ecology import selectors, services
from oversight.ecology.models import Indicator, IndicatorSystem
from oversight.ledger.models import Leaf


def codes(exc: ValidationError) -> dict:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_it_builds_a_tree_whose_weights_add_up(system):
    rows = selectors.flat_tree(system=system)
    assert [(b.indicator.code, b.depth) for b in rows] == [
        ("1", 0),
        ("1.1", 1),
        ("1.2", 1),
        ("2", 0),
        ("2.1", 1),
    ]
    assert selectors.weight_problems(system=system) == []


def test_it_says_where_weights_do_not_add_up(system, eco_county):
    duty = system.indicators.get(code="1")
    services.indicator_add(
        actor=eco_county.supervisor,
        system=system,
        parent=duty,
        title="Extra",
        weight=Decimal(5),
        source="manual",
        rater_role="Office",
        rule="average",
    )
    services.indicator_add(
        actor=eco_county.supervisor, system=system, title="Empty aspect", weight=Decimal(3)
    )
    problems = selectors.weight_problems(system=system)
    assert (
        "The indicators under the top level add up to 103 points; they should add up to 100."
        in problems
    )
    assert "The indicators under 1 Duty add up to 65 points; they should add up to 60." in problems
    assert "3 Empty aspect has neither a scoring rule nor indicators under it." in problems


def test_weights_are_checked_for_each_unit_type_an_item_is_limited_to(system, eco_county):
    style = system.indicators.get(code="2")
    services.indicator_add(
        actor=eco_county.supervisor,
        system=system,
        parent=style,
        title="Village affairs",
        weight=Decimal(10),
        source="manual",
        rater_role="Town",
        rule="average",
        unit_types=["village"],
    )
    problems = selectors.weight_problems(system=system)
    assert problems == [
        "For Village / community: The indicators under 2 Style add up to 50 points; they should "
        "add up to 40."
    ]


def test_a_leaf_takes_no_indicators_under_it(system, eco_county):
    leaf = system.indicators.get(code="1.1")
    with pytest.raises(ValidationError) as exc:
        services.indicator_add(
            actor=eco_county.supervisor, system=system, parent=leaf, title="x", weight=Decimal(1)
        )
    assert codes(exc.value) == {"parent": ["leaf_parent"]}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"title": " ", "weight": Decimal(0)}, {"title": ["required"], "weight": ["weight"]}),
        (
            {
                "source": "measure",
                "measure_id": "no.such",
                "rule": "linear",
                "params": {"zero": 0, "full": 1},
            },
            {"measure_id": ["unknown_measure"]},
        ),
        (
            {"source": "measure", "measure_id": "loop.opened", "rule": "deduction", "params": {}},
            {"per": ["param_required"]},
        ),
        (
            {
                "source": "measure",
                "measure_id": "loop.opened",
                "rule": "linear",
                "params": {"zero": 5, "full": 5},
            },
            {"full": ["param_differ"]},
        ),
        ({"source": "manual", "rule": "average"}, {"rater_role": ["required"]}),
        ({"source": "survey", "rule": "average"}, {"survey_aspect": ["required"]}),
        ({"rule": "average"}, {"source": ["required"]}),
        (
            {
                "source": "manual",
                "rater_role": "x",
                "rule": "expression",
                "params": {"formula": "__import__('os')"},
            },
            {"formula": ["formula"]},
        ),
        ({"code": "1"}, {"code": ["exists"]}),
        ({"unit_types": ["castle"]}, {"unit_types": ["invalid"]}),
    ],
)
def test_bad_indicators_are_refused_by_field_and_nothing_is_written(
    system, eco_county, kwargs, expected
):
    before = Indicator.objects.count()
    arguments = {"title": "New", "weight": Decimal(5), **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.indicator_add(actor=eco_county.supervisor, system=system, **arguments)
    assert codes(exc.value) == expected
    assert Indicator.objects.count() == before


def test_every_edit_leaves_a_ledger_leaf(system, eco_county):
    indicator = system.indicators.get(code="2")
    actions = list(Leaf.objects.values_list("action", flat=True))
    assert actions.count("ecology.system.create") == 1
    assert actions.count("ecology.indicator.add") == 5
    services.indicator_delete(actor=eco_county.supervisor, indicator=indicator)
    assert not system.indicators.filter(code__startswith="2").exists()
    assert Leaf.objects.filter(action="ecology.indicator.delete").count() == 2


def test_a_copy_to_a_new_year_changes_apart_from_the_original(system, eco_county):
    copy = services.system_copy(actor=eco_county.supervisor, system=system, year=2027)
    assert copy.year == 2027
    assert [i.code for i in copy.indicators.order_by("code")] == ["1", "1.1", "1.2", "2", "2.1"]
    assert copy.indicators.get(code="1.1").parent == copy.indicators.get(code="1")
    services.indicator_delete(actor=eco_county.supervisor, indicator=copy.indicators.get(code="2"))
    assert system.indicators.count() == 5
    with pytest.raises(ValidationError) as exc:
        services.system_copy(actor=eco_county.supervisor, system=system, year=2027)
    assert codes(exc.value) == {"title": ["exists"]}


def test_only_editors_edit(system, eco_county):
    with pytest.raises(PermissionDenied):
        services.system_create(
            actor=eco_county.town1_officer,
            subject="unit",
            year=2026,
            title="Mine",
            owner_node=eco_county.town1,
        )
    with pytest.raises(ValidationError) as exc:
        services.system_create(
            actor=eco_county.supervisor,
            subject="unit",
            year=1999,
            title="Old",
            owner_node=eco_county.commission,
        )
    assert codes(exc.value) == {"year": ["out_of_range"]}


def test_a_town_sees_no_commission_system(system, eco_county):
    assert list(selectors.system_list(viewer=eco_county.town1_officer)) == []
    with pytest.raises(Http404):
        selectors.system_get(viewer=eco_county.town1_officer, pk=system.pk)
    response = client_for(eco_county.town1_officer).get(
        reverse("ecology:system_detail", args=[system.pk])
    )
    assert response.status_code == 404
    assert (
        system.title
        not in client_for(eco_county.town1_officer)
        .get(reverse("ecology:system_list"))
        .content.decode()
    )


def test_the_pages_create_a_system_and_add_indicators(eco_county):
    client = client_for(eco_county.supervisor)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("ecology:system_create"),
        {
            "subject": "leader",
            "title": "Leaders",
            "year": 2026,
            "owner_node": eco_county.commission.pk,
        },
    )
    system = IndicatorSystem.objects.get(title="Leaders")
    assert response.status_code == 302
    url = reverse("ecology:indicator_add", args=[system.pk])
    assert client.post(url, {"title": "Integrity", "weight": "100"}).status_code == 302
    aspect = system.indicators.get()
    response = client.post(
        url,
        {
            "parent": aspect.pk,
            "title": "Overdue work",
            "weight": "100",
            "source": "measure",
            "measure_id": "loop.opened",
            "rule": "threshold",
            "threshold": "2",
        },
    )
    assert response.status_code == 400
    assert "This rule needs the setting “slope”." in response.content.decode()
    response = client.post(
        url,
        {
            "parent": aspect.pk,
            "title": "Overdue work",
            "weight": "100",
            "source": "measure",
            "measure_id": "loop.opened",
            "rule": "threshold",
            "threshold": "2",
            "slope": "5",
        },
    )
    assert response.status_code == 302
    leaf = system.indicators.get(code="1.1")
    assert leaf.params == {"threshold": 2, "slope": 5}
    page = client.get(reverse("ecology:system_detail", args=[system.pk])).content.decode()
    assert 'data-testid="ready"' in page
