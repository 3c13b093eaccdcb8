from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("duties:list:view", _("See duty lists, reports and scores")),
    ("duties:template:edit", _("Edit duty list templates")),
    ("duties:list:issue", _("Issue duty lists to units")),
    ("duties:report:score", _("Review, return and score duty reports; reopen locked entries")),
    (
        "duties:assessment:manage",
        _("Freeze and grade the year-end assessment, issue its documents, decide appeals"),
    ),
]
