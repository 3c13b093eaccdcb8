"""Look-backs (回头看): the sampling rules (high-risk categories, closed just before the deadline,
a random share of the rest), re-verification, and a task found not rectified reopening as a new
task linked to the closed one, whose history stays."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from oversight.conftest import client_for, refusal_codes
from oversight.inspections import services
from oversight.inspections.models import LookBackCheck, Task
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.loop.models import WorkItem

pytestmark = pytest.mark.django_db


def _closed(c, finding, deadline, on, today):
    today(date(2026, 3, 2))
    task = services.task_assign(
        actor=c.supervisor, finding=finding, measure=f"Fix by {deadline}", deadline=deadline
    )
    today(on)
    item = loop.item_transition(
        item=task.item, name="report", actor=c.town1_officer, comment="Done"
    )
    loop.item_transition(item=item, name="verify", actor=c.supervisor)
    task.refresh_from_db()
    return task


@pytest.fixture
def closed_tasks(inspections_county, town1_unit, finding, today):
    c = inspections_county
    other = services.finding_add(
        actor=c.supervisor, unit=town1_unit, category="discipline", description="Banquets"
    )
    early_funds = _closed(c, finding, date(2026, 4, 30), date(2026, 3, 10), today)
    last_minute = _closed(c, other, date(2026, 4, 30), date(2026, 4, 27), today)
    early = _closed(c, other, date(2026, 4, 30), date(2026, 3, 12), today)
    today(date(2026, 3, 2))
    still_open = services.task_assign(
        actor=c.supervisor, finding=other, measure="Open", deadline=date(2026, 9, 30)
    )
    today(date(2026, 10, 12))
    return early_funds, last_minute, early, still_open


def _drawn(lookback):
    return {(check.task_id, check.reason) for check in lookback.checks.all()}


def test_the_rules_draw_high_risk_and_last_minute_tasks(inspections_county, round_, closed_tasks):
    c = inspections_county
    early_funds, last_minute, early, _open = closed_tasks
    lookback = services.lookback_draw(
        actor=c.supervisor, round=round_, categories=["funds"], last_days=5
    )
    assert _drawn(lookback) == {(early_funds.pk, "high_risk"), (last_minute.pk, "last_minute")}
    everything = services.lookback_draw(actor=c.supervisor, round=round_, random_share=100)
    assert _drawn(everything) == {
        (early_funds.pk, "random"),
        (last_minute.pk, "random"),
        (early.pk, "random"),
    }


def _complaint(c, node, on, today):
    """A citizen's complaint about ``node``, received on ``on``: the public channel's item."""
    today(on)
    item = loop.item_open(
        kind="public.complaint",
        title="Complaint",
        actor=None,
        actor_name="citizen",
        responsible_node=node,
        supervising_node=c.commission,
        final_deadline=date(on.year, 12, 31),
        announce=False,
    )
    WorkItem.objects.filter(pk=item.pk).update(
        opened_at=timezone.make_aware(datetime.combine(on, time(10)))
    )
    return item


def test_a_unit_complained_about_after_closing_draws_its_tasks(
    inspections_county, round_, closed_tasks, today
):
    c = inspections_county
    early_funds, last_minute, early, _open = closed_tasks  # Town 1's, closed in March and April
    # near-misses: a complaint about Town 1 before these tasks closed, one about Town 2 after
    _complaint(c, c.town1, date(2026, 3, 5), today)
    _complaint(c, c.town2, date(2026, 6, 1), today)
    today(date(2026, 10, 12))
    with pytest.raises(ValidationError) as refused:
        services.lookback_draw(actor=c.supervisor, round=round_, complaints=True)
    assert refusal_codes(refused.value) == ["empty_sample"]
    # a complaint about a village of Town 1 after the tasks closed draws every one of them
    _complaint(c, c.village1a, date(2026, 6, 1), today)
    today(date(2026, 10, 12))
    lookback = services.lookback_draw(actor=c.supervisor, round=round_, complaints=True)
    assert _drawn(lookback) == {
        (early_funds.pk, "complaints"), (last_minute.pk, "complaints"), (early.pk, "complaints"),
    }  # fmt: skip
    assert lookback.complaints is True
    # a complaint between two closures draws only the task closed before it
    _complaint(c, c.village1b, date(2026, 3, 11), today)
    WorkItem.objects.filter(kind="public.complaint", responsible_node=c.village1a).delete()
    today(date(2026, 10, 12))
    lookback = services.lookback_draw(actor=c.supervisor, round=round_, complaints=True)
    assert _drawn(lookback) == {(early_funds.pk, "complaints")}


def test_a_task_found_not_rectified_reopens_with_its_history(
    inspections_county, round_, closed_tasks
):
    c = inspections_county
    _funds, last_minute, _early, _open = closed_tasks
    events_before = list(last_minute.item.events.values_list("pk", flat=True))
    lookback = services.lookback_draw(actor=c.supervisor, round=round_, last_days=5)
    check = lookback.checks.get()
    check = services.check_decide(
        actor=c.supervisor,
        check=check,
        rectified=False,
        comment="Banquets continued in August",
        deadline=date(2026, 11, 30),
    )
    successor = Task.objects.get(reopens=last_minute)
    assert check.outcome == "reopened"
    assert (successor.item.state, successor.finding, successor.measure) == (
        "assigned",
        last_minute.finding,
        last_minute.measure,
    )
    original = last_minute.item
    original.refresh_from_db()
    assert original.state == "closed"  # the closure stays on record
    assert set(events_before) < set(original.events.values_list("pk", flat=True))
    assert original.events.filter(data__reopened_as=successor.item_id).exists()
    # drawn again later: the reopened task is left out, its successor counts once closed
    again = services.lookback_draw(actor=c.supervisor, round=round_, random_share=100)
    assert last_minute.pk not in {t for t, _r in _drawn(again)}
    assert [m for m in verify_ledger().mismatches if m.table.startswith("inspections")] == []


def test_re_verification_refusals(inspections_county, round_, closed_tasks):
    c = inspections_county
    with pytest.raises(ValidationError) as refused:
        services.lookback_draw(actor=c.supervisor, round=round_)
    assert refusal_codes(refused.value) == ["no_rule"]
    with pytest.raises(ValidationError) as refused:
        services.lookback_draw(actor=c.supervisor, round=round_, categories=["service"])
    assert refusal_codes(refused.value) == ["empty_sample"]
    with pytest.raises(PermissionDenied):
        services.lookback_draw(actor=c.town1_officer, round=round_, last_days=5)
    lookback = services.lookback_draw(actor=c.supervisor, round=round_, last_days=5)
    check = lookback.checks.get()
    with pytest.raises(ValidationError) as refused:
        services.check_decide(actor=c.supervisor, check=check, rectified=False, comment="")
    assert refusal_codes(refused.value) == {"comment": ["required"], "deadline": ["required"]}
    services.check_decide(actor=c.supervisor, check=check, rectified=True, comment="Checked")
    with pytest.raises(ValidationError) as refused:
        services.check_decide(actor=c.supervisor, check=check, rectified=True, comment="Again")
    assert refusal_codes(refused.value) == ["decided"]
    assert LookBackCheck.objects.get().outcome == "confirmed"


def test_the_look_back_pages_and_an_outsider(inspections_county, round_, closed_tasks):
    c = inspections_county
    client = client_for(c.supervisor)
    response = client.post(
        reverse("inspections:lookback_draw", args=[round_.pk]),
        {"categories": ["funds"], "last_days": "5", "random_share": "0"},
    )
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    check = LookBackCheck.objects.filter(reason="last_minute").get()
    response = client.post(
        reverse("inspections:check_decide", args=[check.pk]),
        {"rectified": "0", "comment": "Not fixed", "deadline": ""},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("inspections:check_decide", args=[check.pk]),
        {"rectified": "0", "comment": "Not fixed", "deadline": "2026-11-30"},
    )
    assert response.status_code == 302
    outsider = client_for(c.town2_officer)
    assert outsider.get(response.url).status_code == 404
    assert outsider.post(
        reverse("inspections:check_decide", args=[check.pk]), {"rectified": "1"}
    ).status_code in (403, 404)


def test_a_finding_from_the_data_is_rechecked_by_rerunning_its_model(
    inspections_county, round_, town1_unit, today
):
    from oversight.analytics.models import AnalysisRun, Warning
    from oversight.inspections import selectors

    c = inspections_county
    c.role_supervisor.permissions = sorted(
        {*c.role_supervisor.permissions, "analytics:warning:view", "analytics:run:start"}
    )
    c.role_supervisor.save()
    c.supervisor.__dict__.pop("_perm_codes", None)
    warning = Warning.objects.create(
        model_id="deceased_paid", fingerprint="fp-1", subject_name="Wang", severity="red",
        reason_zh="已故仍领取", reason_en="paid after death", match_method="id", unit=c.town1,
    )  # fmt: skip
    finding = services.finding_add(
        actor=c.supervisor,
        unit=town1_unit,
        category="funds",
        description="Pensions paid after death",
        warning=warning,
    )
    task = _closed(c, finding, date(2026, 4, 30), date(2026, 4, 28), today)
    today(date(2026, 10, 12))
    lookback = services.lookback_draw(actor=c.supervisor, round=round_, last_days=5)
    check = lookback.checks.get()
    assert selectors.data_recheck(check.task).state == "not_rerun"
    run = services.check_rerun(actor=c.supervisor, check=check)
    assert run.model_ids == ["deceased_paid"]
    # the worker finished the run and still found the pattern
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=AnalysisRun.Status.DONE, finished_at=timezone.now()
    )
    task.refresh_from_db()
    assert selectors.data_recheck(task).state == "found"
    client = client_for(c.supervisor)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("inspections:lookback_detail", args=[lookback.pk])).content.decode()
    assert f"still found by run #{run.pk}" in page
    # a later run no longer finds it: the pattern is gone
    Warning.objects.filter(pk=warning.pk).update(gone_run=run)
    task.finding.warning.refresh_from_db()
    assert selectors.data_recheck(task).state == "gone"
    # a task whose finding did not come from the data has nothing to rerun
    plain = services.finding_add(
        actor=c.supervisor, unit=town1_unit, category="funds", description="Plain"
    )
    other = _closed(c, plain, date(2026, 4, 30), date(2026, 4, 29), today)
    today(date(2026, 10, 12))
    again = services.lookback_draw(actor=c.supervisor, round=round_, last_days=5)
    plain_check = again.checks.get(task=other)
    with pytest.raises(ValidationError) as refused:
        services.check_rerun(actor=c.supervisor, check=plain_check)
    assert refusal_codes(refused.value) == ["no_warning"]
    with pytest.raises(PermissionDenied):
        services.check_rerun(actor=c.town1_officer, check=check)


def test_a_finding_cannot_name_a_warning_outside_the_actors_scope(inspections_county, town1_unit):
    from oversight.analytics.models import Warning

    c = inspections_county
    warning = Warning.objects.create(
        model_id="deceased_paid", fingerprint="fp-2", severity="red", match_method="id",
        unit=c.town1,
    )  # fmt: skip
    # the supervisor here has no right to read warnings: the number is refused, nothing written
    with pytest.raises(ValidationError) as refused:
        services.finding_add(
            actor=c.supervisor, unit=town1_unit, category="funds", description="X", warning=warning
        )
    assert refusal_codes(refused.value) == {"warning": ["unknown_warning"]}
    assert not town1_unit.findings.exists()
