from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("public:complaint:view", _("See public complaints in scope")),
    ("public:complaint:accept", _("Accept, route or transfer public complaints")),
    ("public:complaint:handle", _("Handle public complaints and draft replies")),
    ("public:complaint:review", _("Review, approve and publish replies to public complaints")),
    ("public:complaint:export", _("Export public complaints")),
    ("public:identity:view", _("See reporters' identities (each viewing is recorded)")),
    ("public:review:conclude", _("Conclude responsibility reviews after dissatisfied ratings")),
    ("public:style:view", _("See ratings, style reports and the style-evaluation table")),
    ("public:style:check", _("Record findings on style reports")),
    ("public:list:manage", _("Maintain the small-power list")),
    ("public:poster:print", _("Print QR posters")),
    ("public:partner:manage", _("Register partner apps and their Open311 keys")),
]
