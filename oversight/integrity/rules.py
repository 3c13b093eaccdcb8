"""The influence periods of sanctions (处分影响期), as DOMAIN.md states them: each rule names its
length, its effect and its source, so that whatever applies it (the file page, the opinion)
can name the rule it applied."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Sanction

PARTY_RULES = _("Regulations of the CPC on Disciplinary Actions (2023)")
PUBLIC_OFFICIALS_LAW = _("Law on Administrative Discipline for Public Officials (2020), art. 8")


@dataclass(frozen=True)
class SanctionRule:
    """How long a sanction of one kind weighs on promotion and use, and why."""

    kind: str
    months: int
    effect: object
    source: object
    adds_probation: bool = False


SANCTION_RULES = {
    rule.kind: rule
    for rule in [
        SanctionRule(Sanction.Kind.PARTY_WARNING, 12, _("no promotion within 1 year"), PARTY_RULES),
        SanctionRule(
            Sanction.Kind.PARTY_SERIOUS_WARNING,
            18,
            _("no promotion within 18 months"),
            PARTY_RULES,
        ),
        SanctionRule(
            Sanction.Kind.PARTY_POST_REMOVAL,
            24,
            _("no equal or higher post within 2 years"),
            PARTY_RULES,
        ),
        SanctionRule(
            Sanction.Kind.PARTY_PROBATION,
            24,
            _(
                "probation of 1 or 2 years; after rights are restored, no equal or higher post "
                "within 2 years"
            ),
            PARTY_RULES,
            adds_probation=True,
        ),
        SanctionRule(
            Sanction.Kind.PARTY_EXPULSION, 60, _("no readmission within 5 years"), PARTY_RULES
        ),
        SanctionRule(
            Sanction.Kind.ADMIN_WARNING,
            6,
            _("sanction period of 6 months, no promotion during it"),
            PUBLIC_OFFICIALS_LAW,
        ),
        SanctionRule(
            Sanction.Kind.ADMIN_DEMERIT,
            12,
            _("sanction period of 12 months, no promotion during it"),
            PUBLIC_OFFICIALS_LAW,
        ),
        SanctionRule(
            Sanction.Kind.ADMIN_MAJOR_DEMERIT,
            18,
            _("sanction period of 18 months, no promotion during it"),
            PUBLIC_OFFICIALS_LAW,
        ),
        SanctionRule(
            Sanction.Kind.ADMIN_DEMOTION,
            24,
            _("sanction period of 24 months, no promotion during it"),
            PUBLIC_OFFICIALS_LAW,
        ),
        SanctionRule(
            Sanction.Kind.ADMIN_DISMISSAL,
            24,
            _("sanction period of 24 months, no promotion during it"),
            PUBLIC_OFFICIALS_LAW,
        ),
    ]
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` calendar months (a 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rule_for(sanction: Sanction) -> SanctionRule:
    return SANCTION_RULES[sanction.kind]


def influence_ends(sanction: Sanction) -> datetime.date:
    """The first day the sanction no longer weighs: the period runs from the decision date up
    to the day before this one (a 1-year sanction decided on 2025-03-10 weighs until
    2026-03-09)."""
    rule = rule_for(sanction)
    extra = (sanction.probation_months or 0) if rule.adds_probation else 0
    months = rule.months + extra
    return add_months(sanction.decided_on, months)


def in_influence(sanction: Sanction, on: datetime.date) -> bool:
    """Whether ``sanction`` weighs on ``on``."""
    return sanction.decided_on <= on < influence_ends(sanction)
