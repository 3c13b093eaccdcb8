"""Writes of the supervisors' own work: profiles and their specialty tags, publishing tasks on
the board, claiming them (first come, or applications the publisher chooses from) and
assigning them by tag. Every write records a ledger leaf in its own transaction; a place taken
opens a ``team.task`` work item, moved afterwards only by the loop's services."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode, Person

from . import selectors
from .models import ChainFreeze, ChainResult, Claim, Profile, ProfileTag, Target, Task, TaskTag
from .workflows import KIND

MAX_POINTS = 1000
MAX_PLACES = 50


def _require(actor, code: str, message: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(message)


def _tags_checked(tags: Sequence[str], errors: dict) -> list[str]:
    known = dict(selectors.specialty_choices())
    tags = sorted({t.strip() for t in tags if t and t.strip()})
    unknown = [t for t in tags if t not in known]
    if unknown:
        errors["tags"] = ValidationError(
            _("Not in the specialty dictionary: %(tags)s") % {"tags": ", ".join(unknown)},
            code="unknown_tag",
        )
    return tags


# --- profiles ----------------------------------------------------------------------------------


@transaction.atomic
def profile_save(
    *,
    actor: Account,
    person: Person,
    tags: Sequence[str],
    certificates: str = "",
    summary: str = "",
) -> Profile:
    """Create or change the profile of ``person`` (an officer with an account, in the actor's
    scope): specialties from the dictionary, certificates (one a line), experience."""
    _require(actor, "team:profile:edit", _("Your role does not edit officers' profiles."))
    from oversight.orgs.access import scope_q

    if not Person.objects.filter(scope_q(actor, node="org_node"), pk=person.pk).exists():
        raise PermissionDenied(_("This officer is outside your scope."))
    errors: dict = {}
    if not Account.objects.filter(person=person, is_active=True).exists():
        errors["person"] = ValidationError(
            _("%(name)s has no active account: profiles are kept for officers who sign in.")
            % {"name": person.name},
            code="no_account",
        )
    tags = _tags_checked(tags, errors)
    if errors:
        raise ValidationError(errors)
    certificates = "\n".join(line.strip() for line in certificates.splitlines() if line.strip())
    summary = summary.strip()
    profile = Profile.objects.select_for_update().filter(person=person).first()
    before = None
    if profile is not None:
        before = {**snapshot(profile), "tags": profile.tag_values}
        if (profile.tag_values, profile.certificates, profile.summary) == (
            tags,
            certificates,
            summary,
        ):
            return profile  # nothing changes, nothing is recorded
    else:
        profile = Profile(person=person)
    profile.certificates = certificates
    profile.summary = summary
    profile.updated_at = timezone.now()
    profile.save()
    current = set(profile.tags.values_list("tag", flat=True))
    profile.tags.exclude(tag__in=tags).delete()
    ProfileTag.objects.bulk_create(
        [ProfileTag(profile=profile, tag=t) for t in tags if t not in current]
    )
    after = {**snapshot(profile), "tags": tags}
    ledger.record(
        actor=actor,
        action="team.profile.save",
        target=profile,
        before=before,
        after=after,
    )
    return profile


# --- the task board ----------------------------------------------------------------------------


def _publisher(actor, task: Task) -> None:
    """Only the publishing node's side (the node and below) handles a task's places."""
    if not has_perm(actor, "team:task:publish") or not actor.org_node.path.startswith(
        task.publisher_node.path
    ):
        raise PermissionDenied(_("Only the publishing body handles this task's places."))


@transaction.atomic
def task_publish(
    *,
    actor: Account,
    title: str,
    points: int,
    deadline: datetime.date,
    mode: str,
    publisher_node: OrgNode,
    places: int = 1,
    description: str = "",
    place: str = "",
    tags: Sequence[str] = (),
) -> Task:
    """Publish a task on the board of ``publisher_node`` (the actor's node or one above it)."""
    _require(actor, "team:task:publish", _("Your role does not publish tasks."))
    if not actor.org_node.path.startswith(publisher_node.path):
        raise PermissionDenied(_("Tasks are published by your own body or one above it."))
    errors: dict = {}
    title = title.strip()
    if not title:
        errors["title"] = ValidationError(_("Say what the task is."), code="required")
    if points is None or not 1 <= points <= MAX_POINTS:
        errors["points"] = ValidationError(
            _("A task is worth 1 to %(max)d points.") % {"max": MAX_POINTS}, code="out_of_range"
        )
    if places is None or not 1 <= places <= MAX_PLACES:
        errors["places"] = ValidationError(
            _("A task takes 1 to %(max)d officers.") % {"max": MAX_PLACES}, code="out_of_range"
        )
    if deadline is None:
        errors["deadline"] = ValidationError(_("Give the deadline."), code="required")
    elif deadline < timing.today():
        errors["deadline"] = ValidationError(_("The deadline cannot be in the past."), code="past")
    if mode not in Task.Mode.values:
        errors["mode"] = ValidationError(_("Choose how officers come to the task."), code="invalid")
    tags = _tags_checked(tags, errors)
    if errors:
        raise ValidationError(errors)
    task = Task.objects.create(
        title=title,
        description=description.strip(),
        place=place.strip(),
        points=points,
        deadline=deadline,
        places=places,
        mode=mode,
        publisher_node=publisher_node,
        published_by=actor,
    )
    TaskTag.objects.bulk_create([TaskTag(task=task, tag=t) for t in tags])
    ledger.record(
        actor=actor,
        action="team.task.publish",
        target=task,
        before=None,
        after={**snapshot(task), "tags": tags},
    )
    return task


def _locked(task: Task) -> Task:
    """The task's row, locked: places are counted and taken one writer at a time."""
    return Task.objects.select_for_update().select_related("publisher_node").get(pk=task.pk)


def _places_left(task: Task) -> int:
    return task.places - task.claims.filter(state=Claim.State.ACCEPTED).count()


def _still_open(task: Task) -> None:
    if task.deadline < timing.today():
        raise ValidationError(_("The task's deadline has passed."), code="closed")
    if _places_left(task) <= 0:
        raise ValidationError(_("Every place on this task is taken."), code="full")


def _take(*, task: Task, claim: Claim, actor: Account, via: str) -> Claim:
    """Give ``claim`` a place: its work item opens, assigned to the officer, supervised by the
    publishing body."""
    person = claim.profile.person
    officer = Account.objects.get(person=person)
    item = loop.item_open(
        kind=KIND,
        title=task.title,
        description=task.description,
        actor=actor,
        responsible_node=person.org_node,
        supervising_node=task.publisher_node,
        assignee=officer,
        final_deadline=task.deadline,
        announce=officer.pk != actor.pk,
    )
    before = snapshot(claim) if claim.pk else None
    claim.state = Claim.State.ACCEPTED
    claim.via = via
    claim.taken_on = timing.today()
    claim.decided_by = actor
    claim.item = item
    claim.save()
    ledger.record(
        actor=actor,
        action=f"team.claim.{via}",
        target=claim,
        before=before,
        after=snapshot(claim),
        details={"task": task.pk},
    )
    return claim


@transaction.atomic
def task_claim(*, actor: Account, task: Task) -> Claim:
    """The signed-in officer claims a place on ``task`` (first come: taken at once, while
    places last) or applies for one (the publisher chooses)."""
    _require(actor, "team:task:claim", _("Your role does not claim tasks."))
    profile = selectors.profile_of(actor)
    if profile is None:
        raise ValidationError(
            _("You have no officer profile yet: ask your administrator to make one."),
            code="no_profile",
        )
    task = _locked(task)
    if task.mode == Task.Mode.ASSIGN:
        raise ValidationError(
            _("This task is assigned by its publisher, not claimed."), code="assigned_only"
        )
    if not selectors.fits(profile, task):
        raise ValidationError(_("The task wants specialties you are not tagged with."), code="tags")
    if Claim.objects.filter(task=task, profile=profile).exists():
        raise ValidationError(_("You are on this task already."), code="already")
    _still_open(task)
    claim = Claim(task=task, profile=profile)
    if task.mode == Task.Mode.FIRST_COME:
        return _take(task=task, claim=claim, actor=actor, via=Claim.Via.CLAIMED)
    claim.state = Claim.State.APPLIED
    claim.save()
    ledger.record(
        actor=actor,
        action="team.claim.apply",
        target=claim,
        before=None,
        after=snapshot(claim),
        details={"task": task.pk},
    )
    return claim


@transaction.atomic
def claim_choose(*, actor: Account, claim: Claim) -> Claim:
    """The publisher chooses an applicant: the application takes a place."""
    task = _locked(claim.task)
    _publisher(actor, task)
    claim = Claim.objects.select_for_update().select_related("profile__person").get(pk=claim.pk)
    if claim.state != Claim.State.APPLIED:
        raise ValidationError(_("This is not an open application."), code="not_applied")
    _still_open(task)
    return _take(task=task, claim=claim, actor=actor, via=Claim.Via.CHOSEN)


@transaction.atomic
def task_assign(*, actor: Account, task: Task, profiles: Sequence[Profile]) -> list[Claim]:
    """The publisher assigns ``task`` to officers (of their scope, usually the suggested ones:
    the right tags, the lightest load); each takes a place at once, all of them or none."""
    task = _locked(task)
    _publisher(actor, task)
    if not profiles:
        raise ValidationError(
            {"profiles": ValidationError(_("Choose the officers."), code="required")}
        )
    visible = set(
        selectors.profile_list(viewer=actor)
        .filter(pk__in=[p.pk for p in profiles])
        .values_list("pk", flat=True)
    )
    if len(visible) != len({p.pk for p in profiles}):
        raise PermissionDenied(_("An officer chosen is outside your scope."))
    on_task = Claim.objects.filter(task=task, profile__in=profiles, state=Claim.State.ACCEPTED)
    if on_task.exists():
        raise ValidationError(
            {
                "profiles": ValidationError(
                    _("Already on the task: %(names)s")
                    % {"names": ", ".join(c.profile.person.name for c in on_task)},
                    code="already",
                )
            }
        )
    if task.deadline < timing.today():
        raise ValidationError(_("The task's deadline has passed."), code="closed")
    left = _places_left(task)
    if len(profiles) > left:
        raise ValidationError(
            {
                "profiles": ValidationError(
                    _("The task has %(left)d places left; %(chosen)d officers were chosen.")
                    % {"left": left, "chosen": len(profiles)},
                    code="full",
                )
            }
        )
    taken = []
    for profile in profiles:
        claim = Claim.objects.filter(task=task, profile=profile).first() or Claim(
            task=task, profile=profile
        )
        taken.append(_take(task=task, claim=claim, actor=actor, via=Claim.Via.ASSIGNED))
    return taken


# --- the assessment chain ----------------------------------------------------------------------

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_TARGET = 10_000


@transaction.atomic
def target_set(*, actor: Account, profile: Profile, year: int, metric: str, value: int) -> Target:
    """Set (or change) an officer's target of ``year`` for ``metric``."""
    _require(actor, "team:target:set", _("Your role does not set targets."))
    if not selectors.profile_list(viewer=actor).filter(pk=profile.pk).exists():
        raise PermissionDenied(_("This officer is outside your scope."))
    errors: dict = {}
    if ChainResult.objects.filter(profile=profile, year=year).exists():
        errors["year"] = ValidationError(
            _("This officer's year on the chain has been frozen."), code="frozen"
        )
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = ValidationError(
            _("The year lies between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="out_of_range",
        )
    if metric not in Target.Metric.values:
        errors["metric"] = ValidationError(_("Choose what the target counts."), code="invalid")
    if value is None or not 1 <= value <= MAX_TARGET:
        errors["value"] = ValidationError(
            _("A target lies between 1 and %(max)d.") % {"max": MAX_TARGET}, code="out_of_range"
        )
    if errors:
        raise ValidationError(errors)
    target = (
        Target.objects.select_for_update().filter(profile=profile, year=year, metric=metric).first()
    )
    before = snapshot(target) if target else None
    if target is not None and target.value == value:
        return target
    target = target or Target(profile=profile, year=year, metric=metric)
    target.value = value
    target.set_by = actor
    target.set_at = timezone.now()
    target.save()
    ledger.record(
        actor=actor, action="team.target.set", target=target, before=before, after=snapshot(target)
    )
    return target


@transaction.atomic
def chain_freeze(*, actor: Account, year: int) -> ChainFreeze:
    """Freeze ``year`` of the assessment chain for the officers of the actor's body: their
    targets, what was done and their rank copied as they stand (the year-end result); nothing
    done afterwards changes it, their targets of that year can no longer be set, and the copy's
    digest is in the ledger."""
    _require(actor, "team:chain:freeze", _("Your role does not freeze the assessment chain."))
    current = timing.today().year
    if year is None or not FIRST_YEAR <= year <= current:
        raise ValidationError(
            {
                "year": ValidationError(
                    _("A year from %(first)d to this year can be frozen.") % {"first": FIRST_YEAR},
                    code="out_of_range",
                )
            }
        )
    # the officers of the actor's body (its offices and groups below it) within their scope
    body = actor.org_node
    profiles = selectors.profile_list(viewer=actor).filter(
        person__org_node__path__startswith=body.path
    )
    list(Profile.objects.select_for_update().filter(pk__in=profiles.values("pk")))
    if ChainResult.objects.filter(year=year, profile__in=profiles).exists():
        raise ValidationError(
            {"year": ValidationError(_("This year has been frozen already."), code="frozen")}
        )
    ours = set(profiles.values_list("pk", flat=True))
    rows = [r for r in selectors.chain_live(viewer=actor, year=year) if r.profile.pk in ours]
    for rank, row in enumerate(rows, 1):  # ranked within the body
        row.rank = rank
    if not rows:
        raise ValidationError(
            {"year": ValidationError(_("No officer of yours is on the chain."), code="empty")}
        )
    freeze = ChainFreeze.objects.create(year=year, owner_node=body, frozen_by=actor)
    results = ChainResult.objects.bulk_create(
        ChainResult(
            freeze=freeze,
            profile=row.profile,
            year=year,
            rank=row.rank,
            targets=row.targets,
            # training hours are decimals: kept as their text, read back as decimals
            done={k: str(v) if isinstance(v, Decimal) else v for k, v in row.done.items()},
        )
        for row in rows
    )
    copied = [[r.profile_id, r.rank, r.targets, r.done] for r in results]
    ledger.record(
        actor=actor,
        action="team.chain.freeze",
        target=freeze,
        before=None,
        after=snapshot(freeze),
        details={
            "year": year,
            "officers": len(results),
            "results_sha256": hashlib.sha256(
                json.dumps(copied, sort_keys=True).encode()
            ).hexdigest(),
        },
    )
    return freeze
