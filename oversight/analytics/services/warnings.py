"""What officers decide about warnings: dismiss one as a false positive, and the trace of
reading a warning's evidence."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.orgs.models import Account

from ..models import Warning
from ._common import record, require


def locked_new_warning(warning: Warning) -> Warning:
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    if warning.status != Warning.Status.NEW:
        raise ValidationError(
            _("This warning is “%(status)s” already.") % {"status": warning.get_status_display()},
            code="warning_decided",
        )
    return warning


@transaction.atomic
def warning_dismiss(*, warning: Warning, actor: Account, reason: str) -> Warning:
    """Dismiss a warning as a false positive; the reason is required and kept."""
    require(actor, "analytics:warning:dispose")
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Say why the warning is a false positive."), code="required"
                )
            }
        )
    warning = locked_new_warning(warning)
    before = snapshot(warning)
    warning.status, warning.dismissal_reason = Warning.Status.DISMISSED, reason
    warning.decided_by, warning.decided_at = actor, timezone.now()
    warning.save()
    record(actor, "analytics.warning.dismiss", warning, before, model=warning.model_id)
    return warning


BATCH_LIMIT = 200


@transaction.atomic
def warnings_dismiss(*, warnings, actor: Account, reason: str) -> int:
    """Dismiss several warnings chosen on the list with one reason, all or none: each is
    dismissed exactly as one would be (its own ledger leaf, the reason kept on it). A warning
    decided already refuses the whole batch, naming it. ``warnings`` come from the viewer's
    scoped selector. Returns how many were dismissed."""
    require(actor, "analytics:warning:dispose")
    chosen = sorted({w.pk for w in warnings})
    if not chosen:
        raise ValidationError(_("Choose the warnings to dismiss."), code="none_chosen")
    if len(chosen) > BATCH_LIMIT:
        raise ValidationError(
            _("Dismiss at most %(limit)d warnings at a time.") % {"limit": BATCH_LIMIT},
            code="too_many",
        )
    if not reason.strip():
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Say why the warnings are false positives."), code="required"
                )
            }
        )
    for warning in Warning.objects.filter(pk__in=chosen).order_by("pk"):
        try:
            warning_dismiss(warning=warning, actor=actor, reason=reason)
        except ValidationError as exc:
            if getattr(exc, "code", None) != "warning_decided":
                raise
            raise ValidationError(
                _("Warning %(number)s (%(subject)s) is “%(status)s” already.")
                % {
                    "number": warning.pk,
                    "subject": warning.subject_name or warning.subject_id,
                    "status": warning.get_status_display(),
                },
                code="warning_decided",
            ) from exc
    return len(chosen)


@transaction.atomic
def evidence_viewed(*, warning: Warning, actor: Account) -> None:
    """Log that someone read a warning's evidence, which holds personal data."""
    ledger.record(
        actor=actor, action="analytics.warning.evidence_viewed", target=warning, before=None,
        after=None, details={"model": warning.model_id},
    )  # fmt: skip
