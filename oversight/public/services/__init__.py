"""Every write of the public channel, one module per area (as Zulip split its actions):

- ``submissions``: what citizens submit without an account (ratings, style reports, complaints);
- ``followup``: the citizen's follow-up of a complaint and the periodic jobs behind it;
- ``staff``: what staff do beside a complaint's transitions (questions, links, return visits,
  publishing replies, checking style reports);
- ``identity``: viewing and re-encrypting reporters' identities;
- ``partners``: Open311 partner keys; ``power_list``: the small-power list; ``places``: where a
  submission goes.

Citizens have no account: their steps are recorded with no actor and the actor name "群众".
No service here receives or stores an IP address or a browser's identity.

The names are re-exported here, so ``from oversight.public import services`` keeps working for
views, the demo and tests; modules the loop calls back (``hooks``) and ``tasks`` import the area
module they need, or ``public.publishing``, never this package.
"""

from ..publishing import anonymise, fix_published, published_content
from ._common import CITIZEN, COMMENT_MAX, PHONE, TEXT_MAX, DuplicateSubmission
from .followup import (
    DIGEST_CHUNK,
    citizen_add_info,
    citizen_answer,
    citizen_rate,
    citizen_step,
    close_unrated,
    intake_digest,
    retry_notices,
)
from .identity import (
    IDENTITY_FIELDS,
    identity_key_use,
    identity_reencrypt,
    identity_reveal,
)
from .partners import partner_by_key, partner_create, partner_set_active
from .places import intake_node_for, point_for
from .power_list import ImportReport, category_save, power_item_save, power_list_import
from .staff import (
    complaint_ask,
    complaint_link,
    complaint_unlink,
    reply_publish,
    return_visit_record,
    style_report_check,
)
from .submissions import complaint_submit, rating_submit, style_report_submit

__all__ = [
    "CITIZEN",
    "COMMENT_MAX",
    "DIGEST_CHUNK",
    "IDENTITY_FIELDS",
    "PHONE",
    "TEXT_MAX",
    "DuplicateSubmission",
    "ImportReport",
    "anonymise",
    "category_save",
    "citizen_add_info",
    "citizen_answer",
    "citizen_rate",
    "citizen_step",
    "close_unrated",
    "complaint_ask",
    "complaint_link",
    "complaint_submit",
    "complaint_unlink",
    "fix_published",
    "identity_key_use",
    "identity_reencrypt",
    "identity_reveal",
    "intake_digest",
    "intake_node_for",
    "partner_by_key",
    "partner_create",
    "partner_set_active",
    "point_for",
    "power_item_save",
    "power_list_import",
    "published_content",
    "rating_submit",
    "reply_publish",
    "retry_notices",
    "return_visit_record",
    "style_report_check",
    "style_report_submit",
]
