from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.orgs.forms import NodeChoiceField, NodeMultipleChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_list

DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    lead = NodeChoiceField(label=_("lead department"), queryset=OrgNode.objects.none())
    members = NodeMultipleChoiceField(
        label=_("member departments"), queryset=OrgNode.objects.none()
    )
    units = NodeMultipleChoiceField(label=_("units supervised"), queryset=OrgNode.objects.none())
    themes = forms.CharField(
        label=_("themes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    starts_on = forms.DateField(label=_("starts"), widget=DATE)
    ends_on = forms.DateField(label=_("ends"), widget=DATE)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = node_list(viewer=viewer, include_inactive=False)
        for name in ("lead", "members", "units"):
            self.fields[name].queryset = nodes


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=OrgNode.objects.none())
    description = forms.CharField(label=_("finding"), widget=forms.Textarea(attrs={"rows": 3}))
    shared = forms.BooleanField(label=_("shared with the plan"), required=False, initial=True)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = plan.units.order_by("path")


class HandoverForm(forms.Form):
    to_department = forms.ModelChoiceField(
        label=_("handed over to"), queryset=OrgNode.objects.none()
    )
    feedback_by = forms.DateField(label=_("feedback due"), widget=DATE)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_department"].queryset = plan.members.order_by("path")
