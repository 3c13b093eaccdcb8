from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("analytics:source:edit", _("Register data sources, upload data and accept imports")),
    ("analytics:model:view", _("Browse the comparison-model library and its precision")),
    ("analytics:model:edit", _("Enable, configure, test and add comparison models")),
    ("analytics:run:start", _("Run the comparison models and cancel runs")),
    ("analytics:warning:view", _("See warnings and their evidence")),
    ("analytics:warning:export", _("Export warnings to Excel")),
    ("analytics:warning:dispose", _("Dismiss warnings or turn them into clues")),
    ("analytics:unit:assign", _("Assign warnings without a unit and correct how units resolve")),
    ("analytics:clue:propose", _("Study a clue and propose how to dispose of it")),
    ("analytics:clue:endorse", _("Review a proposed disposal of a clue (leader in charge)")),
    ("analytics:clue:approve", _("Approve the disposal of a clue (head of the body)")),
]
