from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.core import measure_registry
from oversight.orgs.forms import NodeChoiceField, NodeMultipleChoiceField
from oversight.orgs.models import OrgNode, Person
from oversight.orgs.selectors import node_list

from .models import Indicator, IndicatorSystem

NUMBER = {"required": False, "max_digits": 12, "decimal_places": 4}


class SystemForm(forms.Form):
    subject = forms.ChoiceField(label=_("evaluated"), choices=IndicatorSystem.Subject.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    year = forms.IntegerField(label=_("year"))
    owner_node = NodeChoiceField(label=_("commission"), queryset=OrgNode.objects.none())

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_node"].queryset = node_list(viewer=viewer, include_inactive=False)
        self.fields["owner_node"].initial = viewer.org_node_id


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("year"))
    title = forms.CharField(label=_("title"), max_length=200, required=False)


def _measure_choices():
    measure_registry.autodiscover()
    return [("", "—")] + [(m.id, f"{m.label} ({m.id})") for m in measure_registry.all_measures()]


class IndicatorForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=_("under"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("Leave empty for an aspect at the top level."),
    )
    code = forms.CharField(
        label=_("number"),
        max_length=32,
        required=False,
        help_text=_("Leave empty to number it after the indicators beside it."),
    )
    title = forms.CharField(label=_("indicator"), max_length=300)
    weight = forms.DecimalField(label=_("points"), max_digits=6, decimal_places=2)
    source = forms.ChoiceField(
        label=_("source of the value"),
        choices=[("", _("None: indicators go under it"))] + Indicator.Source.choices,
        required=False,
    )
    measure_id = forms.ChoiceField(label=_("measure"), choices=(), required=False)
    survey_aspect = forms.CharField(label=_("survey aspect"), max_length=200, required=False)
    rater_role = forms.CharField(label=_("rated by (role)"), max_length=80, required=False)
    rule = forms.ChoiceField(
        label=_("scoring rule"),
        choices=[("", "—")] + Indicator.Rule.choices,
        required=False,
    )
    target = forms.DecimalField(label=_("target (all or nothing)"), **NUMBER)
    at_most = forms.BooleanField(
        label=_("the target is a most (all or nothing: full points at or under it)"),
        required=False,
    )
    per = forms.DecimalField(label=_("points per occurrence or instance"), **NUMBER)
    threshold = forms.DecimalField(label=_("threshold"), **NUMBER)
    slope = forms.DecimalField(label=_("points off per unit above the threshold"), **NUMBER)
    zero = forms.DecimalField(label=_("value scoring nothing (linear)"), **NUMBER)
    full = forms.DecimalField(label=_("value scoring full points (linear)"), **NUMBER)
    higher_is_better = forms.BooleanField(
        label=_("a higher value ranks better (rank to points)"), required=False, initial=True
    )
    cap = forms.DecimalField(label=_("a veto caps the total at (points)"), **NUMBER)
    formula = forms.CharField(
        label=_("formula"),
        max_length=500,
        required=False,
        help_text=_("For example: points - 2 * max(value - 3, 0)"),
    )
    unit_types = forms.MultipleChoiceField(
        label=_("unit types"),
        choices=OrgNode.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when the indicator applies to every unit."),
    )

    PARAMS = (
        "target",
        "at_most",
        "per",
        "threshold",
        "slope",
        "zero",
        "full",
        "higher_is_better",
        "cap",
        "formula",
    )

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = system.indicators.filter(rule="").order_by("code")
        self.fields["measure_id"].choices = _measure_choices()

    def service_kwargs(self) -> dict:
        """The cleaned data as the service takes it: the rule's settings in ``params``."""
        data = dict(self.cleaned_data)
        params = {name: data.pop(name) for name in self.PARAMS}
        if params.get("at_most") is False:
            params.pop("at_most")
        data["params"] = params
        return data


class RoundForm(forms.Form):
    system = forms.ModelChoiceField(label=_("indicator system"), queryset=None)
    title = forms.CharField(label=_("title"), max_length=200)
    units = NodeMultipleChoiceField(label=_("units evaluated"), queryset=OrgNode.objects.none())
    warning_below = forms.DecimalField(
        label=_("warning below (points)"),
        max_digits=5,
        decimal_places=2,
        initial=60,
        help_text=_("A warning notice is proposed when a score or an aspect's share falls below."),
    )

    def __init__(self, *args, viewer, **kwargs):
        from . import selectors

        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = selectors.system_list(viewer=viewer).exclude(
            subject=IndicatorSystem.Subject.SURVEY
        )
        self.fields["units"].queryset = node_list(viewer=viewer, include_inactive=False)


class RatingForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("indicator"), queryset=None)
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none())
    person = forms.ModelChoiceField(
        label=_("leader"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("For a leaders' system: the leader rated."),
    )
    score = forms.DecimalField(
        label=_("rating (0–100)"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = round_.system.indicators.filter(
            source=Indicator.Source.MANUAL
        ).order_by("code")
        units = round_.units.order_by("path")
        self.fields["node"].queryset = units
        self.fields["person"].queryset = Person.objects.filter(
            positions__org_node__in=units, positions__is_leader=True
        ).distinct()
        if round_.system.subject != IndicatorSystem.Subject.LEADER:
            del self.fields["person"]


class SurveyOpenForm(forms.Form):
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none())
    tokens = forms.IntegerField(
        label=_("tokens to hand out"),
        min_value=1,
        max_value=2000,
        help_text=_("One per member of staff: each votes once; the tokens are shown only now."),
    )

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = round_.units.order_by("path")


class VoteForm(forms.Form):
    """One question per aspect of the democratic evaluation; the token travels hidden."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, aspects, **kwargs):
        from .surveys import ANSWERS

        super().__init__(*args, **kwargs)
        self.aspects = aspects
        for number, aspect in enumerate(aspects):
            self.fields[f"aspect_{number}"] = forms.TypedChoiceField(
                label=aspect, choices=ANSWERS, coerce=int, widget=forms.RadioSelect
            )

    def answers(self) -> dict:
        return {a: self.cleaned_data.get(f"aspect_{n}") for n, a in enumerate(self.aspects)}
