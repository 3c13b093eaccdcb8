from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("documents:document:view", _("View, download and print issued documents")),
    ("documents:document:draft", _("Draft documents and submit them for review")),
    ("documents:document:issue", _("Review, sign and issue documents")),
    ("documents:document:export", _("Export the list of issued documents to Excel")),
    (
        "documents:received:view",
        _("Read, sign for and reply to the documents sent to one's unit"),
    ),
    ("documents:template:edit", _("Upload and choose the Word templates of documents")),
    ("documents:prefix:edit", _("Set the serial number prefixes of documents")),
]
