"""A county with records of every measured kind, dated around the frozen today (Monday
2026-03-02): February is a closed period, March the live one."""

from __future__ import annotations

import datetime
from itertools import count

import pytest
from django.utils import timezone

from oversight.analytics.models import Warning
from oversight.collective.models import Anomaly as CollectiveAnomaly
from oversight.collective.models import Asset as CollectiveAsset
from oversight.collective.models import Collective, Objection, Reimbursement, Statement
from oversight.collective.models import Contract as CollectiveContract
from oversight.disclosure.models import CatalogueItem, Expectation, Lapse
from oversight.documents.models import DocType, Document, Receipt
from oversight.duties.models import DutyArea, DutyItem, DutyList, DutyReport, UnitList
from oversight.ecology.models import EvaluationRound, IndicatorSystem, Portrait
from oversight.fleet.models import FleetWarning, Vehicle
from oversight.ledger.models import VerificationRun
from oversight.loop.models import WorkItem
from oversight.matters.models import Milestone
from oversight.public.models import Complaint, Dissatisfaction, PowerCategory, PowerItem, Rating
from oversight.risks.tests import measures_data as risks_data

D = datetime.date
_serial = count(1)

VIEW_ALL = [
    "loop:item:view",
    "matters:matter:view",
    "public:complaint:view",
    "public:style:view",
    "analytics:warning:view",
    "ledger:audit:view",
    "documents:document:view",
    "documents:received:view",
    "duties:list:view",
    "fleet:vehicle:view",
    "team:profile:view",
    "disclosure:view",
    "collective:view",
    "inspections:round:view",
    "integrity:opinion:draft",
    "integrity:file:view",
    "integrity:check",
    "traces:graph:view",
    "joint:plan:view",
    "ecology:system:view",
    "risks:view",
]


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def item(c, node, kind, opened, *, closed=None, on_time=None, deadline=None, light="green",
         supervising=None, progress=0):  # fmt: skip
    return WorkItem.objects.create(
        kind=kind,
        title=f"{kind} {next(_serial)} at {node.name}",
        state="done" if closed else "open",
        responsible_node=node,
        supervising_node=supervising or c.commission,
        opened_at=at(opened),
        closed_at=at(closed) if closed else None,
        closed_on_time=on_time if closed else None,
        days_to_close=(closed - opened).days if closed else None,
        final_deadline=deadline,
        light="none" if closed else light,
        progress=progress,
    )


def _documents(issuer, recipient, n: int) -> None:
    """Two documents of ``issuer`` to ``recipient``: one in February (reply due 02-20), one
    in March (reply due 03-20); signed and replied in time, late or never, by ``n``."""
    for k, (issued, reply_by) in enumerate(((D(2026, 2, 10), D(2026, 2, 20)),
                                            (D(2026, 3, 1), D(2026, 3, 20)))):  # fmt: skip
        number = 2 * n + k + 1
        document = Document.objects.create(
            doc_type=(DocType.RECTIFICATION_NOTICE, DocType.WARNING_NOTICE)[number % 2],
            issuer_node=issuer,
            year=2026,
            number=number,
            serial=f"S{number}",
            title=f"Document {number}",
            recipient_unit=recipient.name,
            file=f"documents/issued/2026/{number}.docx",
            size=1,
            issued_on=issued,
            issued_at=at(issued),
            reply_by=reply_by,
        )
        signed = (None, issued + datetime.timedelta(days=1), issued + datetime.timedelta(days=9))
        replied = (None, reply_by, reply_by + datetime.timedelta(days=2))
        Receipt.objects.create(
            document=document,
            node=recipient,
            signed_at=at(signed[(n + k) % 3]) if signed[(n + k) % 3] else None,
            replied_at=at(replied[n % 3]) if replied[n % 3] else None,
        )


def _duties(c, nodes) -> None:
    """Duty reports of four kinds at each of ``nodes``: due in February and reported on time
    (scored in February), due in February and never reported, due March 1 and reported late
    (scored in March), due later in March (not yet counted). Their work items stay open and
    green, so the loop's rates do not move."""
    duty_list = DutyList.objects.create(
        kind="principal", title="Principal", year=2026, owner_node=c.commission
    )
    area = DutyArea.objects.create(duty_list=duty_list, title="Area")
    duty = DutyItem.objects.create(
        area=area, title="Duty", points=10, schedule="monthly", due_day=10
    )
    rows = [
        (D(2026, 2, 10), D(2026, 2, 8), D(2026, 2, 20), 8),
        (D(2026, 2, 15), None, None, None),
        (D(2026, 3, 1), D(2026, 3, 2), D(2026, 3, 2), 5),
        (D(2026, 3, 25), None, None, None),
    ]
    previous = None
    for node in nodes:
        unit_list = UnitList.objects.create(
            duty_list=duty_list, node=node, supervising_node=c.commission
        )
        for k, (due, reported, scored, score) in enumerate(rows):
            previous = DutyReport.objects.create(
                unit_list=unit_list,
                duty_item=duty,
                key=f"k{k}",
                due=due,
                item=item(c, node, "duties.report", D(2026, 1, 5), deadline=D(2026, 12, 31)),
                reported_on=reported,
                scored_on=scored,
                score=score,
                score_rate=score * 10 if score else None,
                copied_from=previous if k == 2 and node != c.town2 else None,
            )


def _fleet(c, nodes) -> None:
    """A car at each of ``nodes`` (one retired) with warnings raised in February (one explained
    and closed) and in March (open, not yet explained)."""
    for n, node in enumerate(nodes):
        car = Vehicle.objects.create(
            plate=f"T{n:05d}", unit=node, status="retired" if n == 1 else "in_service"
        )
        for k, (raised, rule, closed) in enumerate(
            [
                (D(2026, 2, 3), "sealed_use", D(2026, 2, 10)),
                (D(2026, 2, 12), "odd_hours", None),
                (D(2026, 3, 1), "concern_stay", None),
            ]
        ):
            FleetWarning.objects.create(
                vehicle=car,
                rule=rule,
                started_at=at(raised, 8 + k),
                ended_at=at(raised, 9 + k),
                raised_on=raised,
                evidence={"points": 1, "track": []},
                item=item(c, node, "fleet.warning", raised, closed=closed, on_time=True),
            )


def _team(c, nodes) -> None:
    """An officer at each of ``nodes`` with three places on board tasks: taken in February and
    verified then (10 points), taken March 1 and verified March 2 (6 points), taken March 2
    and not yet verified; two tests taken; lessons completed in February and in March (a
    quarter of an hour each) and one begun."""
    from oversight.conftest import make_person
    from oversight.team.models import Claim, Profile, Task

    rows = [
        (D(2026, 2, 10), D(2026, 2, 20), 10),
        (D(2026, 3, 1), D(2026, 3, 2), 6),
        (D(2026, 3, 2), None, None),
    ]
    tasks = [
        Task.objects.create(
            title=f"Task {k}",
            points=points or 8,
            deadline=D(2026, 12, 31),
            places=50,
            mode="first_come",
            publisher_node=c.commission,
        )  # fmt: skip
        for k, (_taken, _awarded, points) in enumerate(rows)
    ]
    from oversight.team.models import Attempt, Paper

    papers = [
        Paper.objects.create(title=f"Test {k}", owner_node=c.commission, rules=[], minutes=30)
        for k in range(2)
    ]
    from decimal import Decimal

    from oversight.team.models import Course, Lesson, LessonProgress

    course = Course.objects.create(title="Course", owner_node=c.commission)
    lessons = [
        Lesson.objects.create(
            course=course, title=f"Lesson {k}", kind="video", minutes=10, knowledge_point="x"
        )
        for k in range(3)
    ]
    for n, node in enumerate(nodes):
        profile = Profile.objects.create(person=make_person(node, f"Officer at {node.name}"))
        for paper, day in zip(papers, (D(2026, 2, 12), D(2026, 3, 2)), strict=True):
            Attempt.objects.create(
                paper=paper, profile=profile, questions=[], started_at=at(day, 9),
                submitted_at=at(day), score=60 + 5 * n,
            )  # fmt: skip
        for lesson, day in zip(lessons, (D(2026, 2, 12), D(2026, 3, 2), None), strict=True):
            LessonProgress.objects.create(
                profile=profile, lesson=lesson, watched=600, position=600,
                completed_at=at(day) if day else None, hours=Decimal("0.25") if day else None,
            )  # fmt: skip
        for task, (taken, awarded, points) in zip(tasks, rows, strict=True):
            Claim.objects.create(
                task=task, profile=profile, state="accepted", via="claimed", taken_on=taken,
                awarded_on=awarded, points_awarded=points,
            )  # fmt: skip


def _inspections(c, nodes) -> None:
    """A round with, at each of ``nodes``: a task due in February closed on time, one due in
    February still open (overdue), one due in March closed late, and in March the first task
    reopened by a look-back (a linked successor, open, due in April). Their work items stay
    green, so the loop's own overdue figures do not move; the closed period counts the overdue
    task by its deadline."""
    from oversight.inspections.models import Finding, InspectedUnit, Round, Task

    rnd = Round.objects.create(
        kind="patrol", year=2026, number=1, title="Round 1", inspecting_node=c.commission,
        group="Group 1", starts_on=D(2026, 1, 5), ends_on=D(2026, 1, 20),
    )  # fmt: skip
    for node in nodes:
        unit = InspectedUnit.objects.create(round=rnd, node=node, feedback_on=D(2026, 1, 25))
        finding = Finding.objects.create(
            unit=unit, number=1, category="funds", description=f"Problem at {node.name}"
        )
        rows = [
            (D(2026, 2, 20), D(2026, 2, 15), True),
            (D(2026, 2, 25), None, None),
            (D(2026, 3, 10), D(2026, 3, 20), False),
        ]
        tasks = [
            Task.objects.create(
                finding=finding,
                node=node,
                measure=f"Measure {k}",
                deadline=deadline,
                item=item(
                    c,
                    node,
                    "inspections.rectification",
                    D(2026, 1, 26),
                    closed=closed,
                    on_time=on_time,
                    deadline=deadline,
                ),
            )  # fmt: skip
            for k, (deadline, closed, on_time) in enumerate(rows)
        ]
        Task.objects.create(
            finding=finding, node=node, measure="Measure 0 again", deadline=D(2026, 4, 20),
            reopens=tasks[0],
            item=item(c, node, "inspections.rectification", D(2026, 3, 5),
                      deadline=D(2026, 4, 20)),
        )  # fmt: skip


def _integrity_and_joint(c, nodes) -> None:
    """At each of ``nodes``: two integrity opinion requests received in February (one signed
    then, one still open), and a clue handed over to it in February, due back on 02-20 and
    still open. The open items stay green, so the loop's overdue figures do not move."""
    from oversight.integrity.models import FileView, MatterCheck, OpinionRequest
    from oversight.joint.models import Handover, JointFinding, Plan
    from oversight.orgs.models import Person

    plan = Plan.objects.create(
        title="Joint plan", lead=c.commission, starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30)
    )
    plan.members.set([c.commission, *nodes])
    for node in nodes:
        for closed in (D(2026, 2, 12), None):
            OpinionRequest.objects.create(
                requester="Organisation department", purpose="promotion", as_of=D(2026, 2, 5),
                node=node, created_at=at(D(2026, 2, 5)),
                item=item(c, node, "integrity.opinion", D(2026, 2, 5), closed=closed,
                          on_time=True),
            )  # fmt: skip
        # a flagged path of the trace graph taken up in February, still being checked, and
        # one confirmed as a problem on 02-20
        item(c, node, "traces.finding", D(2026, 2, 7))
        confirmed = item(c, node, "traces.finding", D(2026, 2, 8), closed=D(2026, 2, 20),
                         on_time=True)  # fmt: skip
        WorkItem.objects.filter(pk=confirmed.pk).update(state="confirmed")
        MatterCheck.objects.create(
            year=2025, seed=1, pool=1, size=0, node=node, created_at=at(D(2026, 2, 6)),
            item=item(c, node, "integrity.check", D(2026, 2, 6)),
        )  # fmt: skip
        person = Person.objects.filter(org_node=node).order_by("pk").first()
        FileView.objects.create(
            person=person, viewer=c.admin, reason="promotion review", at=at(D(2026, 2, 6))
        )
        finding = JointFinding.objects.create(
            plan=plan, unit=node, department=c.commission, description=f"Finding at {node.name}"
        )
        Handover.objects.create(
            finding=finding, to_department=node, feedback_by=D(2026, 2, 20),
            item=item(c, node, "joint.handover", D(2026, 2, 3)),
        )  # fmt: skip


def _disclosure(c, nodes) -> None:
    """At each of ``nodes``: a disclosure due in February published on time, one due in
    February missing (its lapse found in February, a suggestion sent in March), one due 1 March
    published late (its lapse returned with a notice), and one due later in March (not yet
    counted). Their work items stay open and green, so the loop's rates do not move."""
    catalogue = CatalogueItem.objects.create(
        title="Village affairs", category="village", unit_type="village", frequency="quarterly"
    )
    rows = [
        (D(2026, 2, 10), "on_time", None),
        (D(2026, 2, 15), "missing", ("missing", D(2026, 2, 16), D(2026, 3, 1), 0)),
        (D(2026, 3, 1), "late", ("late", D(2026, 3, 1), None, 1)),
        (D(2026, 3, 25), "on_time", None),
    ]
    for node in nodes:
        for k, (due, status, lapse) in enumerate(rows):
            expectation = Expectation.objects.create(
                node=node, catalogue_item=catalogue, key=f"k{k}", due=due, status=status,
                checked_on=due,
            )  # fmt: skip
            if lapse is None:
                continue
            kind, found, suggested, notices = lapse
            Lapse.objects.create(
                expectation=expectation, node=node, catalogue_item=catalogue, key=f"k{k}",
                kind=kind, found_on=found, suggested_on=suggested, notices=notices,
                item=item(c, node, "disclosure.lapse", D(2026, 1, 5), deadline=D(2026, 12, 31)),
            )  # fmt: skip


def _collective(c, nodes) -> None:
    """At each of ``nodes`` (villages): January's accounts published on time (due 02-10),
    February's late (due 03-10, published 03-12), an underpriced contract found in February,
    an objection raised in March and a reimbursement proposed in February still undecided."""
    for node in nodes:
        collective = Collective.objects.create(node=node, name=f"{node.name} collective")
        Statement.objects.create(
            collective=collective, month="2026-01", due=D(2026, 2, 10),
            published_on=D(2026, 2, 9), income=1, expense=1,
        )  # fmt: skip
        Statement.objects.create(
            collective=collective, month="2026-02", due=D(2026, 3, 10),
            published_on=D(2026, 3, 12), income=1, expense=1,
        )  # fmt: skip
        asset = CollectiveAsset.objects.create(
            collective=collective, code="A1", name="land", kind="land", area=10, unit="mu",
            registered_on=D(2025, 1, 1), status="leased",
        )  # fmt: skip
        contract = CollectiveContract.objects.create(
            collective=collective, asset=asset, number="C1", counterparty="x",
            starts_on=D(2025, 1, 1), ends_on=D(2027, 1, 1), area=10, yearly_rent=100,
        )  # fmt: skip
        CollectiveAnomaly.objects.create(
            collective=collective, node=node, kind="underpriced", detail="low",
            contract=contract, found_on=D(2026, 2, 12),
            item=item(c, node, "collective.anomaly", D(2026, 2, 12), deadline=D(2026, 12, 31)),
        )  # fmt: skip
        Objection.objects.create(
            collective=collective, node=node, text="why", raised_on=D(2026, 3, 5)
        )
        Reimbursement.objects.create(
            collective=collective, node=node, payee="x", purpose="repairs", amount=10,
            category="admin_cost", spent_on=D(2026, 2, 1),
            item=item(c, node, "collective.reimbursement", D(2026, 2, 2)),
        )  # fmt: skip


def _ecology(c, nodes) -> None:
    """A published political-ecology round frozen on 2026-02-20 with a portrait of each of
    ``nodes`` (scores 50, 55, 60, …: the first two below the warning line of 60), and one of an
    open round (never counted)."""
    system = IndicatorSystem.objects.create(
        subject="unit", year=2025, title="Portraits", owner_node=c.commission
    )
    frozen = EvaluationRound.objects.create(
        system=system, title="2025", state="frozen", published=True, frozen_at=at(D(2026, 2, 20))
    )
    still_open = EvaluationRound.objects.create(system=system, title="2025 again")
    for k, node in enumerate(nodes):
        for round_ in (frozen, still_open):
            Portrait.objects.create(
                round=round_,
                node=node,
                subject=f"n{node.pk}",
                unit_type=node.type,
                score=50 + 5 * k,
                rank=k + 1,
                peers=len(nodes),
                evaluated_on=D(2025, 12, 31),
            )


@pytest.fixture
def measured(loop_county):
    c = loop_county
    for role in (c.role_town, c.role_clerk, c.role_group):
        role.permissions = sorted(set(role.permissions) | set(VIEW_ALL))
        role.save()
    for account in (c.town1_officer, c.town2_officer, c.group_officer, c.clerk):
        account.__dict__.pop("_perm_codes", None)
    c.category = PowerCategory.objects.create(code="C1", name="Village affairs")
    c.category2 = PowerCategory.objects.create(code="C2", name="Licences")
    power = [
        PowerItem.objects.create(category=c.category, code="V01", name="Subsidy"),
        PowerItem.objects.create(category=c.category2, code="L01", name="Licence"),
    ]
    kinds = ["matters.matter", "public.complaint", "analytics.clue"]
    nodes = [c.county, c.unit_a, c.dept_a1, c.window_a2, c.unit_b, c.town1, c.village1a,
             c.village1b, c.town2, c.village2a]  # fmt: skip
    for n, node in enumerate(nodes):
        kind = kinds[n % 3]
        made = [
            item(
                c,
                node,
                kind,
                D(2026, 2, 10),
                closed=D(2026, 2, 20),
                on_time=True,
                deadline=D(2026, 2, 25),
            ),  # fmt: skip
            item(c, node, kind, D(2026, 2, 5), deadline=D(2026, 2, 15), light="red", progress=40),
            item(c, node, kinds[(n + 1) % 3], D(2026, 3, 1), deadline=D(2026, 3, 30), progress=10),
            item(
                c,
                node,
                kind,
                D(2026, 1, 10),
                closed=D(2026, 3, 1),
                on_time=False,
                deadline=D(2026, 2, 1),
            ),  # fmt: skip
            item(
                c,
                node,
                kinds[(n + 2) % 3],
                D(2026, 1, 20),
                closed=D(2026, 2, 3),
                on_time=False,
                deadline=D(2026, 1, 30),
            ),  # fmt: skip
        ]
        for it in made:
            if it.kind == "matters.matter":
                Milestone.objects.create(item=it, title="a", due=D(2026, 2, 10))
                Milestone.objects.create(
                    item=it, title="b", due=D(2026, 2, 12), done_on=D(2026, 2, 11)
                )
                Milestone.objects.create(item=it, title="c", due=D(2026, 3, 1))
                Milestone.objects.create(
                    item=it, title="d", due=D(2026, 2, 20), done_on=D(2026, 2, 22)
                )
            if it.kind == "public.complaint":
                serial = next(_serial)
                complaint = Complaint.objects.create(
                    item=it,
                    reference=f"R{serial}",
                    power_item=power[serial % 2],
                    content="x",
                    tracking_hash=f"h{serial}",
                    received_on=it.opened_at.date(),
                    satisfied=(serial % 3 != 0) if it.closed_at else None,
                    rated_at=it.closed_at,
                )
                if complaint.satisfied is False:
                    Dissatisfaction.objects.create(
                        complaint=complaint, reason="slow", responsible_node=node,
                        recorded_on=it.closed_at.date(),
                    )  # fmt: skip
        for day, score in ((D(2026, 2, 3), 4), (D(2026, 2, 18), 2), (D(2026, 3, 2), 4)):
            Rating.objects.create(node=node, score=score + n % 2, created_on=day)
        for k, (status, severity, seen, decided) in enumerate(
            [
                ("new", "red", D(2026, 2, 4), None),
                ("clue", "yellow", D(2026, 2, 6), D(2026, 2, 9)),
                ("dismissed", "red", D(2026, 1, 6), D(2026, 2, 14)),
                ("clue", "red", D(2026, 3, 1), D(2026, 3, 2)),
            ]
        ):
            Warning.objects.create(
                model_id=f"model_{(n + k) % 2}",
                fingerprint=f"f{n}-{k}",
                unit=node,
                unit_name=node.name,
                severity=severity,
                status=status,
                dismissal_reason="no" if status == "dismissed" else "",
                match_method="id",
                first_seen=at(seen),
                decided_at=at(decided) if decided else None,
            )
        _documents(node, nodes[(n + 1) % len(nodes)], n)
    _duties(c, [c.county, c.unit_b, c.town1, c.village1b, c.town2, c.village2a])
    _fleet(c, [c.unit_a, c.town1, c.village1a, c.town2])
    _team(c, [c.county, c.unit_b, c.town1, c.village1b, c.town2, c.village2a])
    _disclosure(c, [c.village1a, c.village1b, c.village2a, c.unit_b])
    _collective(c, [c.village1a, c.village2a])
    _inspections(c, [c.unit_a, c.town1, c.village1b])
    _integrity_and_joint(c, [c.unit_b, c.town1, c.village2a])
    _ecology(c, [c.unit_a, c.unit_b, c.town1, c.village1a, c.town2])
    risks_data.feed(c)
    # An item Town 1 supervises for Unit B: Town 1 sees it, it counts under Unit B.
    item(c, c.unit_b, "matters.matter", D(2026, 2, 11), supervising=c.town1, progress=70)
    VerificationRun.objects.create(
        started_at=at(D(2026, 2, 1)), finished_at=at(D(2026, 2, 1)), ok=True
    )
    VerificationRun.objects.create(
        started_at=at(D(2026, 2, 20)), finished_at=at(D(2026, 2, 20)), ok=False
    )
    c.viewers = [c.admin, c.town1_officer, c.town2_officer, c.group_officer, c.clerk]
    return c
