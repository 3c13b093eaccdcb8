"""The Chinese catalogue says what the screen means: words reviewed by meaning stay as reviewed
(a merge once brought back 职务 for every list's "title" and 状态码 for "status")."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

REVIEWED = {
    "title": "标题",  # a heading, not a post held
    "status": "状态",  # not a status code
    "People": "人员",  # a heading or a count card, not "personnel management"
    "ranking": "排名",  # not 职级 (a rank)
}


@pytest.mark.parametrize("msgid, expected", sorted(REVIEWED.items()))
def test_a_reviewed_word_keeps_its_meaning(msgid, expected):
    with translation.override("zh-hans"):
        assert gettext(msgid) == expected


def test_a_post_held_is_still_a_post_and_the_menu_still_manages_people():
    with translation.override("zh-hans"):
        assert pgettext("post held", "title") == "职务"
        assert pgettext("menu", "People") == "人员管理"
