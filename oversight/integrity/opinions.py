"""The one-click integrity opinion (廉政意见回复): what the platform knows about a person, each
fact as a sentence citing its record, weighed by the rule table (``OpinionRule``) for the
request's purpose. Everything the platform holds about the person is stated — sanctions in and
out of their periods, clues in every state, comparison models' warnings, a missing report —
whatever it weighs; the conclusion names the rules that fired.

The facts are read about the person, not within the drafter's scope (the drafter must have the
person in scope to ask): an opinion that left out a clue raised in another unit would mislead."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from oversight.analytics.models import Warning
from oversight.documents.services import format_date
from oversight.loop.models import WorkItem
from oversight.orgs.models import Person

from . import rules
from .models import Effect, MatterReport, OpinionRule

C = OpinionRule.Condition
STRENGTH = {Effect.REPORT: 0, Effect.DELAY: 1, Effect.VETO: 2}
VERDICTS = {
    Effect.REPORT: _lazy("No objection"),
    Effect.DELAY: _lazy("Delay"),
    Effect.VETO: _lazy("Veto"),
}
# Clue states that end its disposal without a finding still pending (DOMAIN.md: a clue
# transferred to review and investigation is not concluded).
CLUE_CONCLUDED_STATES = {"concluded"}


@dataclass(frozen=True)
class Citation:
    type: str
    id: int
    url: str = ""


@dataclass
class Sentence:
    text: str
    cite: Citation
    condition: str = ""
    rule: str = ""
    effect: str = Effect.REPORT

    def as_json(self) -> dict:
        return {
            "text": self.text,
            "cite": {"type": self.cite.type, "id": self.cite.id, "url": self.cite.url},
            "condition": self.condition,
            "rule": self.rule,
            "effect": self.effect,
        }


@dataclass
class Draft:
    person: Person
    purpose: str
    as_of: datetime.date
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return max(
            (s.effect for s in self.sentences), key=STRENGTH.__getitem__, default=Effect.REPORT
        )

    @property
    def rules_fired(self) -> list[str]:
        return sorted({s.rule for s in self.sentences if s.rule and s.effect != Effect.REPORT})

    @property
    def rules_applied(self) -> list[str]:
        return sorted({s.rule for s in self.sentences if s.rule})


def _file_url(person: Person, anchor: str = "", pk: int = 0) -> str:
    """The person's file (opened with a reason), at the record's row."""
    url = reverse("integrity:file_gate", args=[person.pk])
    return f"{url}#{anchor}-{pk}" if anchor else url


def _weigh(sentence: Sentence, table: list[OpinionRule], purpose: str) -> Sentence:
    rule = next((r for r in table if r.applies(sentence.condition, purpose)), None)
    if rule is not None:
        sentence.rule, sentence.effect = rule.code, rule.effect
    return sentence


def _sanction_sentences(person: Person, as_of: datetime.date) -> list[Sentence]:
    found = []
    for sanction in person.sanctions.filter(decided_on__lte=as_of).order_by("decided_on", "pk"):
        rule = rules.rule_for(sanction)
        ends = rules.influence_ends(sanction)
        inside = rules.in_influence(sanction, as_of)
        values = {
            "date": format_date(sanction.decided_on),
            "authority": sanction.authority,
            "sanction": sanction.get_kind_display(),
            "number": sanction.document_no or "—",
            "summary": sanction.summary,
            "effect": rule.effect,
            "source": rule.source,
            "last": format_date(ends - datetime.timedelta(days=1)),
        }
        text = (
            _(
                "On %(date)s, %(authority)s imposed a %(sanction)s (%(number)s) for: %(summary)s. "
                "Its influence period (%(effect)s; %(source)s) runs until %(last)s and has not "
                "ended."
            )
            if inside
            else _(
                "On %(date)s, %(authority)s imposed a %(sanction)s (%(number)s) for: %(summary)s. "
                "Its influence period (%(effect)s; %(source)s) ended on %(last)s."
            )
        ) % values
        found.append(
            Sentence(
                text,
                Citation(
                    "integrity.sanction", sanction.pk, _file_url(person, "sanction", sanction.pk)
                ),
                C.SANCTION_IN_PERIOD if inside else C.SANCTION_PAST,
            )
        )
    return found


def _warning_sentences(person: Person) -> list[Sentence]:
    found = []
    warnings = Warning.objects.filter(subject_id=person.resident_id).select_related("clue")
    for warning in warnings.order_by("first_seen", "pk"):
        values = {"date": format_date(warning.first_seen.date()), "reason": warning.reason}
        clue: WorkItem | None = warning.clue
        if clue is not None:
            values["state"] = clue.state_label
            concluded = clue.state in CLUE_CONCLUDED_STATES
            text = (
                _("A clue raised on %(date)s (%(reason)s) has been concluded: %(state)s.")
                if concluded
                else _("A clue raised on %(date)s (%(reason)s) is not concluded: %(state)s.")
            ) % values
            found.append(
                Sentence(
                    text,
                    Citation("loop.workitem", clue.pk, reverse("loop:item_detail", args=[clue.pk])),
                    C.CLUE_CONCLUDED if concluded else C.CLUE_PENDING,
                )
            )
            continue
        dismissed = warning.status == Warning.Status.DISMISSED
        text = (
            _(
                "A comparison model's warning of %(date)s (%(reason)s) was dismissed as a false "
                "positive."
            )
            if dismissed
            else _("A comparison model's warning of %(date)s (%(reason)s) is not yet handled.")
        ) % values
        found.append(
            Sentence(
                text,
                Citation(
                    "analytics.warning",
                    warning.pk,
                    reverse("analytics:warning_detail", args=[warning.pk]),
                ),
                C.WARNING_DISMISSED if dismissed else C.WARNING_OPEN,
            )
        )
    return found


def _report_sentences(person: Person, as_of: datetime.date) -> list[Sentence]:
    year = as_of.year - 1
    reports = list(person.matter_reports.filter(year=year, submitted_on__lte=as_of))
    yearly = next((r for r in reports if r.kind == MatterReport.Kind.YEARLY), None)
    if yearly is not None:
        return [
            Sentence(
                _("The personal-matter report of %(year)d was submitted on %(date)s.")
                % {"year": year, "date": format_date(yearly.submitted_on)},
                Citation(
                    "integrity.matterreport", yearly.pk, _file_url(person, "report", yearly.pk)
                ),
            )
        ]
    if not person.is_cadre:
        return []
    return [
        Sentence(
            _("No personal-matter report of %(year)d is on record.") % {"year": year},
            Citation("orgs.person", person.pk, _file_url(person)),
            C.REPORT_MISSING,
        )
    ]


def draft(*, person: Person, purpose: str, as_of: datetime.date, table=None) -> Draft:
    """The opinion on ``person`` for ``purpose`` as of ``as_of``: every fact a cited sentence,
    weighed by the active rules of ``table`` (the stored rule table by default), and a last
    sentence with the conclusion and the rules that fired."""
    table = list(OpinionRule.objects.filter(active=True)) if table is None else table
    result = Draft(person=person, purpose=purpose, as_of=as_of)
    post = person.positions.filter(end_date__isnull=True).order_by("-start_date").first()
    result.sentences.append(
        Sentence(
            _("%(name)s, born %(born)s, %(post)s at %(unit)s.")
            % {
                "name": person.name,
                "born": format_date(person.birth_date),
                "post": post.title if post else _("without a recorded post"),
                "unit": post.org_node.name if post else person.org_node.name,
            },
            Citation("orgs.person", person.pk, _file_url(person)),
        )
    )
    facts = [
        *_sanction_sentences(person, as_of),
        *_warning_sentences(person),
        *_report_sentences(person, as_of),
    ]
    if not any(s.condition for s in facts):
        facts.insert(
            0,
            Sentence(
                _(
                    "No sanction, clue or comparison model's warning concerning %(name)s is on "
                    "record."
                )
                % {"name": person.name},
                Citation("orgs.person", person.pk, _file_url(person)),
            ),
        )
    result.sentences.extend(_weigh(s, table, purpose) for s in facts)
    fired = result.rules_fired
    conclusion = {
        Effect.REPORT: _("Conclusion: no objection."),
        Effect.DELAY: _("Conclusion: delay, under rules %(rules)s."),
        Effect.VETO: _("Conclusion: veto, under rules %(rules)s."),
    }[result.verdict] % {"rules": ", ".join(fired)}
    result.sentences.append(
        Sentence(conclusion, Citation("integrity.opinionrule", 0, reverse("integrity:rule_list")))
    )
    return result
