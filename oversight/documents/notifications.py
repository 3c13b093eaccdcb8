from django.utils.translation import gettext_lazy as _

from oversight.notify.kinds import Kind

from .selectors import visible_receipt_ids

NOTIFICATION_KINDS = [
    Kind("documents.received", _("A document was sent to my unit"), ("email",)),
    Kind("documents.unsigned", _("A document sent to my unit is not yet signed for"), ("sms",)),
]

NOTIFICATION_AUDIENCES = {"documents.receipt": visible_receipt_ids}
