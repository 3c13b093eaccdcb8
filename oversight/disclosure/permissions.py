from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("disclosure:view", _("See the disclosure catalogue, captured notices and lapses")),
    ("disclosure:catalogue:edit", _("Edit the disclosure catalogue")),
    ("disclosure:publication:capture", _("Capture and classify published notices; record events")),
    ("disclosure:source:upload", _("Upload the unit's published notices as files")),
    (
        "disclosure:lapse:supervise",
        _("Send supervision suggestions on disclosure lapses and verify feedback"),
    ),
]
