from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import all_measures
from oversight.orgs.forms import NodeChoiceField, NodeMultipleChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_list

from .models import Assessment, AssessmentResult, DutyItem, DutyList

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
    params = forms.CharField(
        label=_("parameters of the rule"),
        required=False,
        help_text=_(
            "Per occurrence: per=3; cap=15. Deduction: per=2. Threshold plus slope: "
            "threshold=60; slope=0.5; base=5. Rank: table=10,8,6 (or none: evenly). "
            "Average: raters=3."
        ),
    )
    measure = forms.ChoiceField(
        label=_("computed from the measure"),
        required=False,
        help_text=_("Leave empty when supervisors score the reports."),
    )
    unit_types = forms.MultipleChoiceField(
        label=_("unit types"),
        choices=OrgNode.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when the duty applies to every unit."),
    )

    unit = NodeChoiceField(
        label=_("only for the unit"),
        queryset=OrgNode.objects.none(),
        required=False,
        help_text=_("An item added for one unit (the X of 1 + X)."),
    )

    def __init__(self, *args, duty_list, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = duty_list.areas.all()
        self.fields["unit"].queryset = node_list(viewer=viewer, include_inactive=False)
        self.fields["measure"].choices = [("", "—")] + [
            (m.id, f"{m.label} ({m.id})") for m in all_measures()
        ]

    def clean_params(self):
        from .services import parse_params

        params, bad = parse_params(self.cleaned_data.get("params", ""))
        if bad:
            raise forms.ValidationError(
                _("Write the parameters as per=2; cap=10, not %(text)s") % {"text": bad},
                code="invalid",
            )
        return params


class IssueForm(forms.Form):
    node_types = forms.MultipleChoiceField(
        label=_("every unit of the types"),
        choices=OrgNode.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every active unit of these types in your scope not issued to yet."),
    )
    nodes = NodeMultipleChoiceField(
        label=_("units"), queryset=OrgNode.objects.none(), required=False
    )
    supervising_node = NodeChoiceField(label=_("supervising body"), queryset=OrgNode.objects.none())

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = node_list(viewer=viewer, include_inactive=False)
        self.fields["nodes"].queryset = nodes
        self.fields["supervising_node"].queryset = nodes
        self.fields["supervising_node"].initial = viewer.org_node_id


VALUE_HELP = {
    "all_or_nothing": _("1 when done as required (every point), 0 when not (none)."),
    "per_occurrence": _("The number of occurrences."),
    "deduction": _("The number of instances deducted for."),
    "threshold": _("The figure compared with the threshold."),
    "rank": _("The figure the units are ranked on."),
    "veto": _("1 when a vetoing case occurred (the whole score is 0), else 0."),
}


class ScoreForm(forms.Form):
    """Accepting a report: the points (rule ``points``), the value the item's rule turns into
    points, or nothing beyond a reason (``average``: the raters' mean)."""

    score = forms.DecimalField(label=_("score"), max_digits=6, decimal_places=2)
    value = forms.DecimalField(label=_("value scored"), max_digits=12, decimal_places=2)
    reason = forms.CharField(
        label=_("reason for the score"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, duty_item, **kwargs):
        super().__init__(*args, **kwargs)
        if duty_item.rule != "points":
            del self.fields["score"]
        if duty_item.rule not in VALUE_HELP:
            del self.fields["value"]
        else:
            self.fields["value"].help_text = VALUE_HELP[duty_item.rule]


class RateForm(forms.Form):
    score = forms.DecimalField(label=_("your score"), max_digits=6, decimal_places=2)
    reason = forms.CharField(
        label=_("reason for the score"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    until = forms.DateField(label=_("reopened until"), widget=DATE)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class FreezeForm(forms.Form):
    method = forms.ChoiceField(label=_("grading rule"), choices=Assessment.Method.choices)
    excellent = forms.DecimalField(
        label=_("Excellent"),
        help_text=_("Thresholds: the lowest score (%); quotas: the share of the units (%)."),
    )
    good = forms.DecimalField(label=_("Good"))
    fair = forms.DecimalField(
        label=_("Fair"), required=False, help_text=_("Thresholds only: the lowest fair score.")
    )
    poor = forms.DecimalField(
        label=_("Poor"), required=False, help_text=_("Quotas only: the share graded poor.")
    )
    appeal_until = forms.DateField(label=_("appeals until"), widget=DATE)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        keys = ("excellent", "good", "fair") if data["method"] == "thresholds" else (
            "excellent", "good", "poor")  # fmt: skip
        return {
            "method": data["method"],
            "params": {k: "" if data.get(k) is None else str(data[k]) for k in keys},
            "appeal_until": data["appeal_until"],
        }


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("reasons for the appeal"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideForm(forms.Form):
    uphold = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("Uphold and change the grade")), ("0", _("Dismiss"))],
        coerce=lambda v: v == "1",
    )
    grade = forms.ChoiceField(
        label=_("grade"), choices=[("", "—"), *AssessmentResult.Grade.choices], required=False
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class SettingsForm(forms.Form):
    copy_threshold = forms.DecimalField(
        label=_("similarity flagged as copied"), max_digits=3, decimal_places=2
    )


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("year"))
