from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.orgs.forms import NodeChoiceField
from oversight.orgs.models import OrgNode, Person
from oversight.orgs.selectors import node_list

from .models import Finding, Round

DATE = forms.DateInput(attrs={"type": "date"})


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of inspection"), choices=Round.Kind.choices)
    year = forms.IntegerField(label=_("year"))
    number = forms.IntegerField(label=_("round number"), min_value=1)
    title = forms.CharField(label=_("title"), max_length=200)
    inspecting_node = NodeChoiceField(label=_("inspecting body"), queryset=OrgNode.objects.none())
    group = forms.CharField(label=_("inspection group"), max_length=120)
    starts_on = forms.DateField(label=_("inspection starts"), widget=DATE)
    ends_on = forms.DateField(label=_("inspection ends"), widget=DATE)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspecting_node"].queryset = node_list(viewer=viewer, include_inactive=False)
        self.fields["inspecting_node"].initial = viewer.org_node_id


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name} · {obj.org_node.name}"


class UnitForm(forms.Form):
    node = NodeChoiceField(label=_("inspected unit"), queryset=OrgNode.objects.none())
    head = PersonField(
        label=_("unit head (signs the report)"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Leave empty: anyone holding a leading post at the unit signs."),
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = node_list(viewer=viewer, include_inactive=False)
        self.fields["node"].queryset = nodes
        self.fields["head"].queryset = Person.objects.filter(
            org_node__in=nodes, is_active=True
        ).select_related("org_node")


class FindingForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=Finding.Category.choices)
    description = forms.CharField(label=_("problem"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=_("inspection evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    warning = forms.IntegerField(
        label=_("comparison-model warning number"),
        required=False,
        min_value=1,
        help_text=_("When the finding came from the data: its look-back reruns the model."),
    )

    def clean_warning(self):
        from oversight.analytics.models import Warning

        number = self.cleaned_data.get("warning")
        if number is None:
            return None
        warning = Warning.objects.filter(pk=number).first()
        if warning is None:
            raise forms.ValidationError(
                _("No warning with this number in your scope."), code="unknown_warning"
            )
        return warning


class TaskForm(forms.Form):
    finding = forms.ModelChoiceField(label=_("finding"), queryset=Finding.objects.none())
    measure = forms.CharField(
        label=_("rectification measure"), widget=forms.Textarea(attrs={"rows": 2})
    )
    leader = PersonField(
        label=_("leader in charge"), queryset=Person.objects.none(), required=False
    )
    department = NodeChoiceField(
        label=_("responsible department"), queryset=OrgNode.objects.none(), required=False
    )
    deadline = forms.DateField(label=_("deadline"), widget=DATE)
    immediate = forms.BooleanField(label=_("immediate rectification (立行立改)"), required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = unit.findings.all()
        self.fields["leader"].queryset = Person.objects.filter(
            org_node__path__startswith=unit.node.path, is_active=True
        ).select_related("org_node")
        self.fields["department"].queryset = OrgNode.objects.filter(
            path__startswith=unit.node.path, is_active=True
        )


class FeedbackForm(forms.Form):
    feedback_on = forms.DateField(label=_("feedback meeting"), widget=DATE)
    body = forms.CharField(label=_("feedback"), widget=forms.Textarea(attrs={"rows": 5}))


class CopyNoticeForm(forms.Form):
    body = forms.CharField(
        label=_("text of the copy notice"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty for the standard text."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class LookBackForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("high-risk categories"),
        choices=Finding.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every closed task of these categories is drawn."),
    )
    last_days = forms.IntegerField(
        label=_("closed within this many days of the deadline"), initial=5, required=False
    )
    complaints = forms.BooleanField(
        label=_("tasks whose unit drew public complaints after they closed"), required=False
    )
    random_share = forms.IntegerField(
        label=_("random share of the rest (%)"), initial=10, required=False
    )


class CheckForm(forms.Form):
    rectified = forms.TypedChoiceField(
        label=_("outcome"),
        choices=[("1", _("Really rectified")), ("0", _("Not rectified: reopened"))],
        coerce=lambda v: v == "1",
    )
    comment = forms.CharField(
        label=_("finding of the re-verification"), widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label=_("new deadline (when reopened)"), required=False, widget=DATE)
