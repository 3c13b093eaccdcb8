import json

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.measures.registry import Period
from oversight.orgs.forms import NodeChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_list

from .models import Level, RiskPoint, RiskRule

DATE = forms.DateInput(attrs={"type": "date"})


class PointForm(forms.Form):
    category = forms.ChoiceField(label=_("post category"), choices=RiskPoint.Category.choices)
    name = forms.CharField(label=_("risk"), max_length=120)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}))
    prevention = forms.CharField(
        label=_("prevention measures"), widget=forms.Textarea(attrs={"rows": 3})
    )
    indicator = forms.CharField(label=_("monitoring indicator"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("level"), choices=Level.choices)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)


class PointFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("post category"), choices=[("", "—"), *RiskPoint.Category.choices], required=False
    )
    level = forms.ChoiceField(label=_("level"), choices=[("", "—"), *Level.choices], required=False)
    search = forms.CharField(label=_("search"), max_length=60, required=False)


class AssignmentForm(forms.Form):
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none())
    post = forms.CharField(
        label=_("post"),
        max_length=80,
        required=False,
        help_text=_("As the post is titled in the org tree; empty: every post of the unit."),
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = node_list(viewer=viewer, include_inactive=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class RuleForm(forms.Form):
    params = forms.CharField(
        label=_("parameters"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("A JSON object; the parameters each kind of rule takes are listed above."),
    )
    level = forms.ChoiceField(label=_("level"), choices=Level.choices)
    active = forms.BooleanField(label=_("active"), required=False)

    def clean_params(self):
        try:
            value = json.loads(self.cleaned_data["params"])
        except ValueError as exc:
            raise forms.ValidationError(
                _("Not valid JSON: %(error)s") % {"error": exc}, code="json"
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Parameters are a JSON object."), code="object")
        return value


class ReminderFilterForm(forms.Form):
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none(), required=False)
    level = forms.ChoiceField(label=_("level"), choices=[("", "—"), *Level.choices], required=False)
    rule = forms.ModelChoiceField(
        label=_("rule"), queryset=RiskRule.objects.order_by("code"), required=False
    )
    open_only = forms.BooleanField(label=_("open only"), required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = node_list(viewer=viewer, include_inactive=False)


class TalkForm(forms.Form):
    held_on = forms.DateField(label=_("held on"), widget=DATE)
    talker = forms.CharField(label=_("held by"), max_length=64)
    summary = forms.CharField(label=_("what was said"), widget=forms.Textarea(attrs={"rows": 3}))


class MapForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("period"),
        choices=[
            (Period.MONTH, _("Month")),
            (Period.QUARTER, _("Quarter")),
            (Period.YEAR, _("Year")),
        ],
        required=False,
    )
    parent = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none(), required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = node_list(viewer=viewer, include_inactive=False)
