"""Forms of the public pages and of the staff pages. Forms validate input; services decide."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.core.widgets import LongSelect
from oversight.loop.forms import MultipleFileField
from oversight.orgs.forms import NodeChoiceField
from oversight.orgs.models import OrgNode

from . import selectors
from .models import PowerCategory, PowerItem, Rating, StyleReport


class SameForEveryone:
    """A public form whose unbound visible fields render the same for every citizen, given the
    language and the initial values of those fields: the public pages keep that HTML once per
    process (``templatetags.public_forms``) instead of rendering twenty widgets per request.
    Hidden fields (a form's nonce) are rendered every time."""

    def rendering_key(self) -> tuple | None:
        """What the visible fields' HTML depends on, or None when it must be rendered now."""
        if self.is_bound:
            return None
        shown = tuple(
            (field.name, str(self.initial[field.name]))
            for field in self.visible_fields()
            if field.name in self.initial
        )
        return (type(self).__qualname__, self.prefix, self.auto_id, shown, self.choices_version())

    def choices_version(self):
        """Changes when the choices the form offers change (fixed choices: never)."""
        return None


class RatingForm(SameForEveryone, forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (5, _("★★★★★ Very satisfied")),
            (4, _("★★★★ Satisfied")),
            (3, _("★★★ Fair")),
            (2, _("★★ Dissatisfied")),
            (1, _("★ Very dissatisfied")),
        ],
    )
    tags = forms.MultipleChoiceField(
        label=_("What stood out?"),
        required=False,
        choices=Rating.Tag.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StyleReportForm(SameForEveryone, forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("What kind of problem?"),
        choices=StyleReport.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ComplaintForm(SameForEveryone, forms.Form):
    power_item = forms.ChoiceField(
        label=_("Which matter is it about?"), required=False, widget=LongSelect
    )
    subject_node = forms.ChoiceField(
        label=_("Unit or village concerned"), required=False, widget=LongSelect
    )
    subject_text = forms.CharField(
        label=_("Person or office concerned (optional)"), required=False, max_length=200
    )
    content = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    happened_on = forms.DateField(
        label=_("When (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    files = MultipleFileField(
        label=_("Photos, short video or PDF (optional)"),
        help_text=_("Up to 5 files; photos and PDF up to 10 MB, videos up to 30 MB."),
    )
    named = forms.TypedChoiceField(
        label=_("Anonymous or named?"),
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
        choices=[("0", _("Anonymous")), ("1", _("Named: I want to be told by SMS"))],
    )
    name = forms.CharField(label=_("Your name"), required=False, max_length=50)
    phone = forms.CharField(label=_("Your phone"), required=False, max_length=20)
    contact = forms.CharField(label=_("Other contact (optional)"), required=False, max_length=200)
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        matters, units = selectors.complaint_form_choices()
        self.fields["power_item"].choices = matters
        self.fields["subject_node"].choices = units
        self._choices_version = (matters.version, units.version)

    def choices_version(self):
        return self._choices_version

    def clean_power_item(self):
        value = self.cleaned_data.get("power_item")
        if value in ("", "other", None):
            return None
        return selectors.published_power_item(value)

    def clean_subject_node(self):
        value = self.cleaned_data.get("subject_node")
        return selectors.active_node(value) if value else None

    def clean(self):
        data = super().clean()
        if "nonce" in self.errors:
            # A hidden field's error is shown nowhere: say it above the form, and give the form
            # a fresh key so that sending it again works (and is not taken for a double tap).
            self.add_error(
                None,
                forms.ValidationError(
                    _(
                        "The form was not sent whole (its one-time key is missing). "
                        "Check your complaint below and send it again."
                    ),
                    code="nonce",
                ),
            )
            self.data = self.data.copy()
            self.data["nonce"] = secrets.token_hex(16)
        if data.get("named"):
            if not (data.get("name") or "").strip():
                self.add_error("name", _("A named complaint needs your name."))
            if not (data.get("phone") or "").strip():
                self.add_error("phone", _("A named complaint needs your phone number."))
        return data


class TrackForm(SameForEveryone, forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class InfoForm(SameForEveryone, forms.Form):
    text = forms.CharField(
        label=_("Additional information"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(label=_("Files (optional)"))


class AnswerForm(SameForEveryone, forms.Form):
    text = forms.CharField(
        label=_("Your answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CitizenRatingForm(SameForEveryone, forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the result?"),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        choices=[("1", _("Satisfied")), ("0", _("Dissatisfied"))],
    )
    reason = forms.CharField(
        label=_("Why? (required when dissatisfied)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- staff -----------------------------------------------------------------------------------


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=_("search"), required=False)
    state = forms.ChoiceField(label=_("state"), required=False)
    named = forms.ChoiceField(
        label=_("named"),
        required=False,
        choices=[("", "—"), ("yes", _("named")), ("no", _("anonymous"))],
    )
    repeats = forms.BooleanField(label=_("repeat complaints only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .workflows import COMPLAINT

        self.fields["state"].choices = [("", "—")] + [(s.code, s.label) for s in COMPLAINT.states]


class RouteForm(forms.Form):
    node = NodeChoiceField(label=_("responsible department"), queryset=OrgNode.objects.none())
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = OrgNode.objects.filter(
            is_active=True,
            type__in=[
                OrgNode.Type.UNIT,
                OrgNode.Type.DEPARTMENT,
                OrgNode.Type.TOWN,
                OrgNode.Type.SERVICE_WINDOW,
            ],
        ).order_by("path")


class DraftForm(forms.Form):
    reply = forms.CharField(
        label=_("reply to the citizen"), widget=forms.Textarea(attrs={"rows": 6})
    )


class ApproveForm(forms.Form):
    reply = forms.CharField(
        label=_("reply to the citizen"), widget=forms.Textarea(attrs={"rows": 6})
    )
    publish = forms.BooleanField(
        label=_("publish on the public board (anonymised)"), required=False
    )
    public_text = forms.CharField(
        label=_("published text"),
        required=False,
        help_text=_("Leave empty to publish the reply with numbers masked."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PublishForm(forms.Form):
    publish = forms.BooleanField(label=_("published on the public board"), required=False)
    public_text = forms.CharField(
        label=_("published text"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class AskForm(forms.Form):
    text = forms.CharField(
        label=_("question to the citizen"), widget=forms.Textarea(attrs={"rows": 2})
    )


class IdentityForm(forms.Form):
    reason = forms.CharField(label=_("why you need the reporter's identity"), max_length=300)


class LinkForm(forms.Form):
    other = forms.CharField(label=_("number of the earlier complaint"), max_length=32)


class ReturnVisitForm(forms.Form):
    method = forms.ChoiceField(
        label=_("how"), choices=[("phone", _("by phone")), ("visit", _("in person"))]
    )
    note = forms.CharField(
        label=_("what the citizen said"), widget=forms.Textarea(attrs={"rows": 2})
    )


class StyleCheckForm(forms.Form):
    status = forms.ChoiceField(
        label=_("finding"),
        choices=[
            (StyleReport.Status.VERIFIED, _("Verified")),
            (StyleReport.Status.UNFOUNDED, _("Not verified")),
        ],
    )
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end is before the start."))
        return data


class CategoryForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=100)
    parent = forms.ModelChoiceField(
        label=_("parent category"), queryset=PowerCategory.objects.all(), required=False
    )
    sort = forms.IntegerField(label=_("order"), initial=0)
    published = forms.BooleanField(label=_("published"), required=False, initial=True)


class PowerItemForm(forms.Form):
    category = forms.ModelChoiceField(label=_("category"), queryset=PowerCategory.objects.all())
    code = forms.CharField(label=_("code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=120)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    basis = forms.CharField(label=_("legal basis"), required=False, max_length=300)
    source = forms.ChoiceField(label=_("source"), choices=PowerItem.Source.choices)
    responsible_node = NodeChoiceField(
        label=_("responsible department"),
        required=False,
        queryset=OrgNode.objects.filter(is_active=True).order_by("path"),
        help_text=_("Empty: the town of the place concerned."),
    )
    limit_days = forms.IntegerField(
        label=_("time limit (days)"), required=False, min_value=1, max_value=365
    )
    limit_working = forms.BooleanField(label=_("working days"), required=False, initial=True)
    published = forms.BooleanField(label=_("published"), required=False, initial=True)
    sort = forms.IntegerField(label=_("order"), initial=0)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("name of the partner app"), max_length=100)


class PosterForm(forms.Form):
    under = NodeChoiceField(label=_("windows and units under"), queryset=OrgNode.objects.none())
    format = forms.ChoiceField(label=_("format"), choices=[("svg", "SVG"), ("png", "PNG")])
    size = forms.ChoiceField(
        label=_("size"), choices=[("a4", _("A4 poster")), ("card", _("Table card"))]
    )

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        from oversight.orgs.selectors import node_list

        self.fields["under"].queryset = node_list(viewer=viewer, include_inactive=False)
