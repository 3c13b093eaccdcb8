"""Telling people of a ledger alarm: the ledger sits below notify, so it sends a signal
(``ledger.services.alarm_raised``) and this module, connected when the app is ready, puts the
message in the inbox of the administrators and the commission's leaders and through their
channels (the kind ``ledger.alarm``)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import override

from oversight.core.registry import ALL
from oversight.orgs.models import Account, OrgNode, Role

from .services import notify


def alarm_recipients() -> list[Account]:
    """Administrators (superusers and whoever may resolve an alarm) and the leaders of every
    commission (a current leading post at a commission node)."""
    resolvers = [
        role.pk
        for role in Role.objects.filter(is_active=True)
        if {"ledger:alarm:resolve", ALL} & set(role.permissions or [])
    ]
    leaders = Q(
        person__positions__is_leader=True,
        person__positions__end_date__isnull=True,
        person__positions__org_node__type=OrgNode.Type.COMMISSION,
    )
    return list(
        Account.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(roles__in=resolvers) | leaders)
        .distinct()
        .order_by("pk")
    )


def tell(*, alarm, **_kwargs) -> None:
    with override(settings.LANGUAGE_CODE):
        title = _("Ledger alarm: the log contradicts itself; no checkpoint is signed")
    with transaction.atomic():
        notify(
            recipients=alarm_recipients(),
            kind="ledger.alarm",
            title=title,
            body=alarm.problem[:1000],
            dedupe_key=f"ledger.alarm:{alarm.pk}",
        )
