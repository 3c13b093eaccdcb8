"""The leaders' digest (领导月报): on the first working day of each month, each holder of
``schedules:digest:receive`` is sent one message summing up last month in their scope — work
overdue, warnings raised, complaints received — with the month before for comparison. Every
figure is a measure read through ``measures.selectors.figures`` for the recipient (so it counts
only what their lists show, and equals the records its click-through lists); a measure whose
records they may not see is left out. The day follows the schedule service's ``Monthly`` rule
on the working-day calendar; the daily job sends it, once per person and month (a missed day is
made up within the week)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from oversight.core.measure_registry import Period
from oversight.measures.selectors import figures, measures_for, summed
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account
from oversight.orgs.selectors import node_roots

from .rules import Monthly

RULE = Monthly(day=1)
PERM = "schedules:digest:receive"
KIND = "schedules.digest"
MEASURES = ("loop.overdue", "analytics.warnings", "analytics.warnings_red", "public.complaints")
CATCH_UP_DAYS = 6


def due_period(cal, on: datetime.date) -> Period | None:
    """The month whose digest is due on ``on`` (on the first working day of the next month,
    or within ``CATCH_UP_DAYS`` after it), else ``None``."""
    found = RULE.occurrences(cal, on - datetime.timedelta(days=CATCH_UP_DAYS), on)
    if not found:
        return None
    return Period.parse(found[-1].key).previous()


def recipients():
    """Active accounts whose roles grant the digest (the rule leaders can read and change on
    the role form)."""
    accounts = Account.objects.filter(is_active=True).select_related("org_node")
    return [a for a in accounts if has_perm(a, PERM)]


def lines_for(account, period: Period, *, on: datetime.date) -> list[tuple[str, object, object]]:
    """``(label, value, value the month before)`` of each digest measure the account may see,
    summed over the highest nodes of their scope."""
    wanted = [m for m in measures_for(account) if m.id in MEASURES]
    wanted.sort(key=lambda m: MEASURES.index(m.id))
    nodes = list(node_roots(viewer=account))
    if not wanted or not nodes:
        return []
    ids = [n.pk for n in nodes]
    now = figures(viewer=account, measures=wanted, nodes=nodes, period=period, on=on)
    before = figures(viewer=account, measures=wanted, nodes=nodes, period=period.previous(), on=on)
    return [
        (str(m.label), summed(now[m.id], ids, m).value, summed(before[m.id], ids, m).value)
        for m in wanted
    ]


def message_for(account, period: Period, *, on: datetime.date):
    """The notification (title, body, link) of ``account``'s digest, or ``None``."""
    lines = lines_for(account, period, on=on)
    if not lines:
        return None
    title = _("Monthly digest %(period)s: %(summary)s") % {
        "period": period.key,
        "summary": _("; ").join(f"{label} {value}" for label, value, _b in lines),
    }
    body = "\n".join(
        _("%(label)s: %(value)s (the month before: %(before)s)")
        % {"label": label, "value": value, "before": before}
        for label, value, before in lines
    )
    if has_perm(account, "cockpit:screen:view"):
        url = reverse("cockpit:screen") + f"?period={period.key}"
    else:
        url = reverse("workbench:home")
    return title, body, url
