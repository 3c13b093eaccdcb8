from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.orgs.forms import NodeChoiceField, NodeMultipleChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_list

from .models import DutyItem, DutyList

DATE = forms.DateInput(attrs={"type": "date"})


class ListForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of list"), choices=DutyList.Kind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    year = forms.IntegerField(label=_("year"))
    owner_node = NodeChoiceField(label=_("issuing body"), queryset=OrgNode.objects.none())

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_node"].queryset = node_list(viewer=viewer, include_inactive=False)
        self.fields["owner_node"].initial = viewer.org_node_id


class AreaForm(forms.Form):
    title = forms.CharField(label=_("area"), max_length=200)


class ItemForm(forms.Form):
    area = forms.ModelChoiceField(label=_("area"), queryset=None)
    title = forms.CharField(label=_("duty"), max_length=300)
    requirement = forms.CharField(
        label=_("requirement"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=_("evidence expected"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    points = forms.DecimalField(label=_("points"), max_digits=6, decimal_places=2)
    schedule = forms.ChoiceField(label=_("reporting schedule"), choices=DutyItem.Schedule.choices)
    due_on = forms.DateField(label=_("due date"), required=False, widget=DATE)
    due_day = forms.IntegerField(
        label=_("day of the deadline"),
        required=False,
        help_text=_("Monthly: the day of the month; quarterly: working days after the quarter."),
    )
    rule = forms.ChoiceField(label=_("scoring rule"), choices=DutyItem.Rule.choices)
    unit_types = forms.MultipleChoiceField(
        label=_("unit types"),
        choices=OrgNode.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when the duty applies to every unit."),
    )

    def __init__(self, *args, duty_list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = duty_list.areas.all()


class IssueForm(forms.Form):
    nodes = NodeMultipleChoiceField(label=_("units"), queryset=OrgNode.objects.none())
    supervising_node = NodeChoiceField(label=_("supervising body"), queryset=OrgNode.objects.none())

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = node_list(viewer=viewer, include_inactive=False)
        self.fields["nodes"].queryset = nodes
        self.fields["supervising_node"].queryset = nodes
        self.fields["supervising_node"].initial = viewer.org_node_id


class ScoreForm(forms.Form):
    score = forms.DecimalField(label=_("score"), max_digits=6, decimal_places=2)
    reason = forms.CharField(
        label=_("reason for the score"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    until = forms.DateField(label=_("reopened until"), widget=DATE)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
