from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("orgs:node:view", _("Browse the org tree")),
    ("orgs:node:edit", _("Add, change, move and disable org nodes")),
    ("orgs:node:retype", _("Change the type of org nodes")),
    ("orgs:person:view", _("View people")),
    ("orgs:person:edit", _("Add and change people and their positions")),
    ("orgs:person:export", _("Export people to Excel")),
    ("orgs:account:view", _("View accounts")),
    ("orgs:account:edit", _("Add and change accounts, reset passwords, unlock")),
    ("orgs:role:view", _("View roles")),
    ("orgs:role:edit", _("Add and change roles")),
    ("orgs:token:view", _("View API tokens")),
    ("orgs:token:edit", _("Issue and revoke API tokens")),
    ("orgs:log:view", _("Read the operation and login logs")),
]
