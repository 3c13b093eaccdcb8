"""The integrity opinion: the rule table on hand-made files (each sanction kind on its edge
date, clues in every state, warnings handled or not, a missing report), every sentence citing
its record and nothing the platform knows left out; requests with every bad line named; the
drafted → reviewed → signed loop, its Word documents and their fixed records."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from oversight.analytics.models import Warning
from oversight.conftest import PASSWORD, client_for
from oversight.integrity import opinions, services
from oversight.integrity.models import Effect, Opinion, OpinionRequest, OpinionRule, Sanction
from oversight.integrity.rules import influence_ends
from oversight.ledger.selectors import fixed_badge
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.loop.models import WorkItem
from oversight.loop.services import TransitionRefused
from oversight.orgs import services as org_services
from oversight.orgs.demo import grant_permissions

pytestmark = pytest.mark.django_db

D = datetime.date
AS_OF = D(2026, 3, 2)
OPINIONS = ["integrity:opinion:draft", "integrity:opinion:review", "integrity:opinion:sign"]


@pytest.fixture
def ocounty(icounty):
    c = icounty
    grant_permissions({"supervisor": OPINIONS})
    c.supervisor.__dict__.pop("_perm_codes", None)

    def officer(name):
        return org_services.account_save(
            account=None,
            username=name,
            display_name=name,
            org_node=c.commission,
            person=None,
            roles=[c.role_supervisor],
            password=PASSWORD,
        )

    c.reviewer, c.signer = officer("reviewer"), officer("signer")
    return c


def _report(c, person, year=2025):
    return services.matter_report_submit(
        actor=c.supervisor, person=person, kind="yearly", year=year, entries=[("salary", "x")]
    )


def _sanction(c, person, kind, decided, probation=None):
    return services.sanction_add(
        actor=c.supervisor,
        person=person,
        kind=kind,
        decided_on=decided,
        authority="County commission",
        summary=f"facts of {kind}",
        probation_months=probation,
    )


def _draft(person, purpose="promotion", as_of=AS_OF):
    return opinions.draft(person=person, purpose=purpose, as_of=as_of)


def _cited(draft):
    return {(s.cite.type, s.cite.id) for s in draft.sentences}


def test_a_clean_file_has_no_objection_and_says_so(ocounty):
    c = ocounty
    report = _report(c, c.p_town1)
    d = _draft(c.p_town1)
    assert d.verdict == Effect.REPORT and d.rules_fired == []
    assert ("integrity.matterreport", report.pk) in _cited(d)
    assert "无异议" in d.sentences[-1].text or "no objection" in d.sentences[-1].text
    assert all(s.cite.url for s in d.sentences)


def test_a_missing_report_delays_a_promotion_only(ocounty):
    c = ocounty
    d = _draft(c.p_town1)
    assert d.verdict == Effect.DELAY and d.rules_fired == ["R4"]
    assert _draft(c.p_town1, purpose="transfer").verdict == Effect.REPORT


@pytest.mark.parametrize("kind", Sanction.Kind.values)
def test_each_sanction_vetoes_a_promotion_until_its_last_day_and_not_after(ocounty, kind):
    c = ocounty
    # the dates move over years: the missing reports' rule is left out of this one
    OpinionRule.objects.filter(code="R4").update(active=False)
    probation = 12 if kind == "party_probation" else None
    sanction = _sanction(c, c.p_town1, kind, D(2023, 3, 1), probation)
    ends = influence_ends(sanction)
    last = ends - datetime.timedelta(days=1)
    inside = _draft(c.p_town1, as_of=last)
    assert inside.verdict == Effect.VETO and inside.rules_fired == ["R1"]
    cited = [
        s
        for s in inside.sentences
        if s.cite == opinions.Citation("integrity.sanction", sanction.pk, s.cite.url)
    ]
    assert [s.rule for s in cited] == ["R1"]
    on_end = _draft(c.p_town1, as_of=ends)
    assert on_end.verdict == Effect.REPORT
    assert [s.rule for s in on_end.sentences if s.cite.type == "integrity.sanction"] == ["R6"]
    assert _draft(c.p_town1, purpose="award", as_of=last).verdict == Effect.VETO
    assert _draft(c.p_town1, purpose="retirement", as_of=last).verdict == Effect.REPORT


def _warning(c, person, *, n, status=Warning.Status.NEW, clue_state=None):
    clue = None
    if clue_state is not None:
        clue = loop.item_open(
            kind="analytics.clue",
            title=f"clue {n}",
            actor=c.supervisor,
            responsible_node=c.commission,
            supervising_node=c.commission,
            state=clue_state,
            announce=False,
        )
        status = Warning.Status.CLUE
    return Warning.objects.create(
        model_id="payroll_subsistence",
        fingerprint=f"fp-{n}",
        subject_id=person.resident_id,
        subject_name=person.name,
        severity="red",
        reason_zh=f"原因 {n}",
        reason_en=f"reason {n}",
        match_method="id",
        status=status,
        dismissal_reason="wrong" if status == Warning.Status.DISMISSED else "",
        clue=clue,
    )


@pytest.mark.parametrize(
    ("state", "effect"),
    [
        ("study", Effect.DELAY),
        ("talk", Effect.DELAY),
        ("verify", Effect.DELAY),
        ("hold", Effect.DELAY),
        ("transferred", Effect.DELAY),
        ("concluded", Effect.REPORT),
    ],
)
def test_clues_weigh_by_their_state(ocounty, state, effect):
    c = ocounty
    _report(c, c.p_town1)
    warning = _warning(c, c.p_town1, n=1, clue_state=state)
    d = _draft(c.p_town1, purpose="transfer")
    assert d.verdict == effect
    (line,) = [s for s in d.sentences if s.cite.type == "loop.workitem"]
    assert line.cite.id == warning.clue_id
    assert line.rule == ("R2" if effect == Effect.DELAY else "R5")


def test_warnings_open_delay_a_promotion_and_dismissed_ones_are_only_stated(ocounty):
    c = ocounty
    _report(c, c.p_town1)
    dismissed = _warning(c, c.p_town1, n=2, status=Warning.Status.DISMISSED)
    assert _draft(c.p_town1).verdict == Effect.REPORT
    assert ("analytics.warning", dismissed.pk) in _cited(_draft(c.p_town1))
    _warning(c, c.p_town1, n=3)
    assert _draft(c.p_town1).rules_fired == ["R3"]


def test_nothing_the_platform_knows_is_left_out(ocounty):
    c = ocounty
    records = {("integrity.matterreport", _report(c, c.p_town1).pk)}
    for kind, day in [("party_warning", D(2025, 6, 1)), ("admin_demerit", D(2020, 1, 1))]:
        records.add(("integrity.sanction", _sanction(c, c.p_town1, kind, day).pk))
    for n, state in enumerate(["verify", "concluded", None]):
        w = _warning(c, c.p_town1, n=10 + n, clue_state=state)
        records.add(("loop.workitem", w.clue_id) if w.clue_id else ("analytics.warning", w.pk))
    _warning(c, c.p_town2, n=20)  # someone else's
    d = _draft(c.p_town1)
    assert records <= _cited(d)
    assert not any(s.cite.type == "analytics.warning" and s.cite.id != w.pk for s in d.sentences)
    assert d.verdict == Effect.VETO and d.rules_fired == ["R1", "R2", "R3"]
    assert "R1" in d.sentences[-1].text and "R3" in d.sentences[-1].text


def test_an_administrator_changes_a_rule_in_the_table(ocounty):
    c = ocounty
    _report(c, c.p_town1)
    _sanction(c, c.p_town1, "party_warning", D(2025, 6, 1))
    OpinionRule.objects.filter(code="R1").update(effect=Effect.DELAY)
    assert _draft(c.p_town1).verdict == Effect.DELAY


def test_a_request_names_every_bad_line_and_writes_nothing(ocounty):
    c = ocounty
    lines = [
        c.p_town1.resident_id,
        "110101199003071234",
        c.p_town1.resident_id,
        "130534197001010000"[:17] + "X",
        "",
    ]
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.opinion_request_create(
            actor=c.supervisor,
            requester="Organisation dept",
            purpose="promotion",
            resident_ids=lines,
        )
    messages = exc.value.message_dict["resident_ids"]
    assert len(messages) == 3
    assert [m.split(" (")[0] for m in messages] == ["Line 2", "Line 3", "Line 4"]
    assert "listed already on line 1" in messages[1]
    assert not OpinionRequest.objects.exists()
    assert not WorkItem.objects.filter(kind="integrity.opinion").exists()


def test_people_outside_the_drafters_scope_are_refused(ocounty):
    c = ocounty
    grant_permissions({"town": ["integrity:opinion:draft"]})
    c.town2_officer.__dict__.pop("_perm_codes", None)
    with pytest.raises(ValidationError) as exc:
        services.opinion_request_create(
            actor=c.town2_officer,
            requester="HR",
            purpose="promotion",
            resident_ids=[c.p_town1.resident_id],
        )
    assert exc.value.error_dict["resident_ids"][0].code == "line"
    with pytest.raises(PermissionDenied):
        services.opinion_request_create(
            actor=c.clerk,
            requester="HR",
            purpose="promotion",
            resident_ids=[c.p_unit_a.resident_id],
        )


def test_drafted_reviewed_signed_then_fixed_and_verified(ocounty, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = ocounty
    _report(c, c.p_town1)
    _sanction(c, c.p_town2, "admin_warning", D(2026, 1, 5))
    request = services.opinion_request_create(
        actor=c.supervisor,
        requester="Organisation dept",
        purpose="promotion",
        resident_ids=[c.p_town1.resident_id, c.p_town2.resident_id],
    )
    verdicts = dict(request.opinions.values_list("person", "verdict"))
    assert verdicts == {c.p_town1.pk: "report", c.p_town2.pk: "veto"}
    item = loop.item_transition(item=request.item, name="submit", actor=c.supervisor)
    with pytest.raises((ValidationError, TransitionRefused)):
        loop.item_transition(item=item, name="review", actor=c.supervisor)
    item = loop.item_transition(item=item, name="review", actor=c.reviewer)
    with pytest.raises((ValidationError, TransitionRefused)):
        loop.item_transition(item=item, name="sign", actor=c.supervisor)
    assert not Opinion.objects.filter(document__isnull=False).exists()
    item = loop.item_transition(item=item, name="sign", actor=c.signer)
    assert item.state == "signed"
    signed = list(Opinion.objects.filter(request=request).select_related("document"))
    serials = sorted(o.document.serial for o in signed)
    assert len(set(serials)) == 2 and all("廉" in s for s in serials)
    assert verify_ledger().ok
    opinion = signed[0]
    assert fixed_badge(record_type=services.SIGNED_OPINION, record_id=opinion.pk).intact is True
    client = client_for(c.supervisor)
    page = client.get(reverse("integrity:request_detail", args=[item.pk]))
    assert page.status_code == 200 and page.content.decode().count('data-testid="cite"') >= 6
    download = client.get(reverse("integrity:opinion_download", args=[opinion.pk]))
    assert download.status_code == 200 and download.streaming_content
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE integrity_opinion SET verdict = 'report' WHERE id = %s", [signed[1].pk]
        )
    assert fixed_badge(record_type=services.SIGNED_OPINION, record_id=signed[1].pk).intact is False
    assert any(m.table == "integrity_opinion" for m in verify_ledger().mismatches)


def test_outsiders_see_no_request(ocounty):
    c = ocounty
    _report(c, c.p_town1)
    request = services.opinion_request_create(
        actor=c.supervisor, requester="HR", purpose="transfer", resident_ids=[c.p_town1.resident_id]
    )
    grant_permissions({"town": OPINIONS})
    c.town2_officer.__dict__.pop("_perm_codes", None)
    client = client_for(c.town2_officer)
    assert (
        client.get(reverse("integrity:request_detail", args=[request.item_id])).status_code == 404
    )
    listed = client.get(reverse("integrity:request_list"))
    assert listed.status_code == 200 and "HR" not in listed.content.decode()
    opinion = request.opinions.get()
    assert client.get(reverse("integrity:opinion_download", args=[opinion.pk])).status_code == 404
    assert client_for(c.clerk).get(reverse("integrity:request_list")).status_code == 403
