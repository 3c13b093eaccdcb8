"""LongSelect renders what Django's Select renders, only faster."""

import re

from django import forms

from oversight.core.widgets import LongSelect

CHOICES = [
    ("", "— choose —"),
    ("Units", [(1, "Finance <office>"), (2, 'Roads & "bridges"')]),
    ("Villages", [(3, "East"), (4, "West")]),
    ("other", "Something else"),
]


def _parts(html: str) -> list[str]:
    """Tags and texts in order, whitespace and attribute order aside."""
    tokens = re.findall(r"<[^>]+>|[^<]+", html)
    out = []
    for token in tokens:
        token = token.strip()
        if not token:
            continue
        if token.startswith("<select"):
            token = "<select " + " ".join(sorted(re.findall(r'\w[\w-]*(?:="[^"]*")?', token[7:])))
        out.append(token)
    return out


def _form(widget, initial=None):
    class Form(forms.Form):
        choice = forms.ChoiceField(choices=CHOICES, required=False, widget=widget)

    return Form(initial={"choice": initial} if initial is not None else None)


def test_it_renders_the_same_markup_as_djangos_select():
    for initial in (None, "", 2, 4, "other", 99):
        ours = str(_form(LongSelect, initial)["choice"])
        django = str(_form(forms.Select, initial)["choice"])
        assert _parts(ours) == _parts(django), initial


def test_it_escapes_labels_and_marks_one_option_selected():
    html = str(_form(LongSelect, 2)["choice"])
    assert "Finance &lt;office&gt;" in html and "Roads &amp; &quot;bridges&quot;" in html
    assert html.count(" selected") == 1 and '<option value="2" selected>' in html


def test_it_keeps_the_chosen_value_after_a_failed_post():
    class Form(forms.Form):
        choice = forms.ChoiceField(choices=CHOICES, widget=LongSelect)
        other = forms.IntegerField()

    form = Form({"choice": "3", "other": "x"})
    assert not form.is_valid()
    assert '<option value="3" selected>' in str(form["choice"])
