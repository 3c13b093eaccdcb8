"""What every page of the frame needs: the menu a person may use and who they are."""

from __future__ import annotations

from itertools import groupby

from django.urls import reverse

from .access import has_perm, perm_codes
from .registry import ALL, MENU


class _Codes(frozenset):
    """Permission codes for templates: ``"x:y:z" in perms_codes`` honours the ``*`` grant."""

    def __contains__(self, code) -> bool:
        return frozenset.__contains__(self, ALL) or frozenset.__contains__(self, code)


def frame(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "perms_codes": _Codes()}
    current = request.resolver_match.view_name if request.resolver_match else ""
    entries = [e for e in MENU if e.perm is None or has_perm(user, e.perm)]
    menu = []
    for section, group in groupby(entries, key=lambda e: (e.section_order, str(e.section))):
        links = [
            {"label": e.label, "url": reverse(e.url_name), "active": e.url_name == current}
            for e in group
        ]
        menu.append({"section": section[1], "links": links})
    role_names = [role.name for role in user.roles.filter(is_active=True)]
    return {
        "menu": menu,
        "perms_codes": _Codes(perm_codes(user)),
        "frame_roles": role_names,
    }
