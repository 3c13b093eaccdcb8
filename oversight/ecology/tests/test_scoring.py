"""The score engine on hand-computed examples, and its properties (Hypothesis)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.ecology import scoring
from oversight.ecology.scoring import Node, RuleError, score_all, share


def test_it_scores_all_or_nothing():
    assert share("all_or_nothing", {"target": 3}, 3, 4) == 1.0
    assert share("all_or_nothing", {"target": 3}, 2.9, 4) == 0.0
    assert share("all_or_nothing", {"target": 0, "at_most": True}, 0, 4) == 1.0
    assert share("all_or_nothing", {"target": 0, "at_most": True}, 1, 4) == 0.0


def test_it_scores_per_occurrence_with_a_cap():
    # 0.5 points per occurrence of 2 points: 3 occurrences earn 1.5 (0.75), 5 earn the cap.
    assert share("per_occurrence", {"per": 0.5}, 3, 2) == pytest.approx(0.75)
    assert share("per_occurrence", {"per": 0.5}, 5, 2) == 1.0


def test_it_deducts_per_instance_never_below_zero():
    # 4 points less 1.5 per instance: 2 instances leave 1 point.
    assert share("deduction", {"per": 1.5}, 2, 4) == pytest.approx(0.25)
    assert share("deduction", {"per": 1.5}, 3, 4) == 0.0
    assert share("deduction", {"per": 1.5}, 0, 4) == 1.0


def test_it_scores_threshold_plus_slope():
    # 10 points; up to 5% overdue costs nothing, then 2 points per point above: 7% → 6 points.
    assert share("threshold", {"threshold": 5, "slope": 2}, 7, 10) == pytest.approx(0.6)
    assert share("threshold", {"threshold": 5, "slope": 2}, 5, 10) == 1.0
    assert share("threshold", {"threshold": 5, "slope": 2}, 20, 10) == 0.0


def test_it_scores_linear_between_bounds_either_way():
    assert share("linear", {"zero": 60, "full": 100}, 90, 5) == pytest.approx(0.75)
    assert share("linear", {"zero": 60, "full": 100}, 50, 5) == 0.0
    # Lower is better: 20 days scores nothing, 0 days full; 5 days → 0.75.
    assert share("linear", {"zero": 20, "full": 0}, 5, 5) == pytest.approx(0.75)


def test_it_turns_rank_into_points():
    roots = [Node(1, 100, rule="rank", params={})]
    results = score_all(roots, {"a": {1: 9}, "b": {1: 5}, "c": {1: 1}})
    assert [results[s].total for s in "abc"] == [100, 50, 0]
    lower = [Node(1, 100, rule="rank", params={"higher_is_better": False})]
    results = score_all(lower, {"a": {1: 9}, "b": {1: 5}, "c": {1: 1}})
    assert [results[s].total for s in "abc"] == [0, 50, 100]


def test_it_averages_raters():
    # Ratings 80, 90 and 100 of 6 points: 90% → 5.4 points.
    assert share("average", {}, [80, 90, 100], 6) == pytest.approx(0.9)
    assert share("average", {}, [], 6) == 0.0


def test_a_veto_caps_the_total():
    roots = [
        Node(1, 50, rule="all_or_nothing", params={"target": 1}),
        Node(2, 50, rule="all_or_nothing", params={"target": 1}),
        Node(3, 0.0001, rule="veto", params={"cap": 60}),
    ]
    results = score_all(roots, {"clean": {1: 1, 2: 1, 3: 0}, "vetoed": {1: 1, 2: 1, 3: 1}})
    assert results["clean"].total == pytest.approx(100, abs=0.01)
    assert results["vetoed"].total == 60
    assert results["vetoed"].vetoed_by == [3]


def test_it_evaluates_a_sandboxed_formula():
    params = {"formula": "points - 2 * max(value - base, 0)", "base": 3}
    assert share("expression", params, 4, 10) == pytest.approx(0.8)
    assert share("expression", params, 99, 10) == 0.0
    assert share("expression", {"formula": "value if value < 5 else points"}, 2, 10) == 0.2


@pytest.mark.parametrize(
    "formula",
    [
        "__import__('os').system('true')",
        "value.__class__",
        "open('/etc/passwd')",
        "[1, 2]",
        "lambda: 1",
        "'text'",
        "9 ** 9 ** 9",
        "unknown + 1",
        "",
    ],
)
def test_a_formula_outside_the_sandbox_is_refused(formula):
    with pytest.raises(RuleError) as exc:
        share("expression", {"formula": formula}, 1, 10)
    assert exc.value.code == "formula"


def test_it_rolls_up_a_tree_by_weights():
    # Aspect A (60): A.1 (40) all-or-nothing met, A.2 (20) deduction 1 of 5 per: 15 → A = 55.
    # Aspect B (40): B.1 (40) linear 0→100 at 50 → 20. Total 75.
    roots = [
        Node(
            10,
            60,
            children=[
                Node(11, 40, rule="all_or_nothing", params={"target": 1}),
                Node(12, 20, rule="deduction", params={"per": 5}),
            ],
        ),
        Node(20, 40, children=[Node(21, 40, rule="linear", params={"zero": 0, "full": 100})]),
    ]
    result = score_all(roots, {"u": {11: 1, 12: 1, 21: 50}})["u"]
    assert result.points[10] == pytest.approx(55)
    assert result.points[20] == pytest.approx(20)
    assert result.total == pytest.approx(75)
    assert result.lost(10) == pytest.approx(5)
    assert result.percent(20) == pytest.approx(50)


def test_items_of_other_unit_types_drop_out_and_the_rest_fill_their_place():
    roots = [
        Node(1, 50, rule="all_or_nothing", params={"target": 1}),
        Node(2, 50, rule="all_or_nothing", params={"target": 1}, unit_types=("town",)),
        Node(3, 50, rule="all_or_nothing", params={"target": 1}, unit_types=("unit",)),
    ]
    results = score_all(
        roots, {"t": {1: 1, 2: 0}, "u": {1: 1, 3: 1}}, unit_types={"t": "town", "u": "unit"}
    )
    assert results["t"].total == pytest.approx(50)
    assert results["u"].total == pytest.approx(100)
    assert 3 not in results["t"].points


def test_it_names_weights_that_do_not_add_up():
    roots = [Node(1, 60, children=[Node(2, 50, rule="veto")]), Node(3, 30, rule="veto")]
    assert scoring.weight_problems(roots) == [(None, None, 100, 90), (1, None, 60, 50)]


def test_equal_totals_share_a_rank():
    assert scoring.ranks_of({"a": 90, "b": 80, "c": 90}) == {"a": 1, "c": 1, "b": 3}


# --- properties -------------------------------------------------------------------------------

RULE_PARAMS = st.one_of(
    st.tuples(st.just("all_or_nothing"), st.fixed_dictionaries({"target": st.integers(0, 10)})),
    st.tuples(st.just("per_occurrence"), st.fixed_dictionaries({"per": st.integers(1, 5)})),
    st.tuples(st.just("deduction"), st.fixed_dictionaries({"per": st.integers(1, 5)})),
    st.tuples(
        st.just("threshold"),
        st.fixed_dictionaries({"threshold": st.integers(0, 10), "slope": st.integers(0, 5)}),
    ),
    st.tuples(
        st.just("linear"), st.fixed_dictionaries({"zero": st.just(0), "full": st.integers(1, 50)})
    ),
    st.tuples(st.just("rank"), st.just({})),
)


@st.composite
def trees(draw):
    """A random tree whose weights add up (children split their parent's points)."""
    ids = iter(range(1, 10**6))

    def split(total, depth):
        count = draw(st.integers(1, 3))
        cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1)))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        nodes = []
        for s in shares:
            weight = total * s / 100
            if weight <= 0:
                continue
            if depth < 2 and draw(st.booleans()):
                nodes.append(Node(next(ids), weight, children=split(weight, depth + 1)))
            else:
                rule, params = draw(RULE_PARAMS)
                nodes.append(Node(next(ids), weight, rule=rule, params=params))
        return nodes

    return split(100.0, 0)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees(), st.data())
def test_totals_lie_between_0_and_100_and_equal_the_top_levels_points(roots, data):
    leaves = [n for n in scoring.walk(roots) if n.is_leaf]
    subjects = {s: {n.id: data.draw(st.integers(0, 60)) for n in leaves} for s in range(3)}
    for result in score_all(roots, subjects).values():
        assert -1e-9 <= result.total <= 100 + 1e-9
        assert result.total == pytest.approx(sum(result.points[n.id] for n in roots))
        for n in scoring.walk(roots):
            assert -1e-9 <= result.points[n.id] <= n.weight + 1e-9


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_full_marks_everywhere_make_100(roots):
    # A value meeting every rule in full: targets reached, no deductions, rank alone.
    values = {}
    for n in scoring.walk(roots):
        if not n.is_leaf:
            continue
        values[n.id] = {
            "all_or_nothing": n.params.get("target"),
            "per_occurrence": 10**6,
            "deduction": 0,
            "threshold": 0,
            "linear": n.params.get("full"),
            "rank": 1,
        }[n.rule]
    assert score_all(roots, {"u": values})["u"].total == pytest.approx(100)


@given(st.integers(0, 100), st.integers(0, 100), st.integers(1, 20))
def test_more_instances_never_score_more_under_a_deduction(a, b, per):
    low, high = sorted((a, b))
    assert share("deduction", {"per": per}, high, 10) <= share("deduction", {"per": per}, low, 10)
