from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

DOCUMENTS = _("Documents")
ORDER = 700

MENU = [
    MenuEntry(
        DOCUMENTS,
        _("Received documents"),
        "documents:received_list",
        "documents:received:view",
        5,
        ORDER,
    ),
    MenuEntry(
        DOCUMENTS,
        _("Issued documents"),
        "documents:document_list",
        "documents:document:view",
        10,
        ORDER,
    ),
    MenuEntry(
        DOCUMENTS,
        _("Draft a document"),
        "documents:draft_new",
        "documents:document:draft",
        15,
        ORDER,
    ),
    MenuEntry(
        DOCUMENTS,
        _("Issue a document"),
        "documents:document_issue",
        "documents:document:issue",
        20,
        ORDER,
    ),
    MenuEntry(
        DOCUMENTS,
        _("Document templates"),
        "documents:template_admin",
        "documents:template:edit",
        30,
        ORDER,
    ),
    MenuEntry(
        DOCUMENTS,
        _("Serial number prefixes"),
        "documents:prefix_admin",
        "documents:prefix:edit",
        40,
        ORDER,
    ),
]
