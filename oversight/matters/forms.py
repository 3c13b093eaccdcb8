from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.orgs.forms import NodeChoiceField, NodeMultipleChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_list

from .models import Matter


class MatterForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    category = forms.ChoiceField(label=_("category"), choices=Matter.Category.choices)
    source = forms.CharField(
        label=_("source"),
        max_length=200,
        required=False,
        help_text=_("E.g. the meeting or document that decided it."),
    )
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    lead_node = NodeChoiceField(label=_("lead unit"), queryset=OrgNode.objects.none())
    supervising_node = NodeChoiceField(label=_("supervising node"), queryset=OrgNode.objects.none())
    final_deadline = forms.DateField(
        label=_("final deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    priority = forms.TypedChoiceField(
        label=_("priority"),
        coerce=int,
        choices=[(0, _("Normal")), (1, _("High")), (2, _("Urgent"))],
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = node_list(viewer=viewer, include_inactive=False)
        self.fields["lead_node"].queryset = nodes
        self.fields["supervising_node"].queryset = nodes
        self.fields["supervising_node"].initial = viewer.org_node_id


class TaskForm(forms.Form):
    title = forms.CharField(label=_("task"), max_length=200)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_node = NodeChoiceField(label=_("lead unit"), queryset=OrgNode.objects.none())
    assisting_nodes = NodeMultipleChoiceField(
        label=_("assisting units"), queryset=OrgNode.objects.none(), required=False
    )
    final_deadline = forms.DateField(
        label=_("deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    milestones = forms.CharField(
        label=_("milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: YYYY-MM-DD title"),
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = node_list(viewer=viewer, include_inactive=False)
        self.fields["lead_node"].queryset = nodes
        self.fields["assisting_nodes"].queryset = nodes

    def clean_milestones(self):
        from datetime import date

        parsed, errors = [], []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            when, _sep, title = line.partition(" ")
            try:
                due = date.fromisoformat(when)
            except ValueError:
                errors.append(
                    forms.ValidationError(
                        _("Line %(n)d: start with a date such as 2026-12-31.") % {"n": number},
                        code="date",
                    )
                )
                continue
            if not title.strip():
                errors.append(
                    forms.ValidationError(
                        _("Line %(n)d: the milestone needs a title after the date.")
                        % {"n": number},
                        code="title",
                    )
                )
                continue
            parsed.append((title.strip(), due))
        if errors:
            raise forms.ValidationError(errors)
        return parsed
