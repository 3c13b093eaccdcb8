from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.core.widgets import LongSelect
from oversight.orgs.forms import NodeChoiceField
from oversight.orgs.models import OrgNode

from . import selectors
from .models import Target, Task

DATE = forms.DateInput(attrs={"type": "date"})


def _tags_field(label, required=False):
    return forms.MultipleChoiceField(
        label=label, required=required, widget=forms.CheckboxSelectMultiple, choices=()
    )


class ProfileForm(forms.Form):
    tags = _tags_field(_("specialties"))
    certificates = forms.CharField(
        label=_("certificates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line."),
    )
    summary = forms.CharField(
        label=_("experience"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = selectors.specialty_choices()


class ProfileCreateForm(ProfileForm):
    person = forms.ModelChoiceField(label=_("officer"), queryset=None, widget=LongSelect)

    field_order = ["person", "tags", "certificates", "summary"]

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = selectors.profileless_officers(viewer=viewer)
        self.fields["person"].label_from_instance = lambda p: f"{p.name} · {p.org_node.name}"


class PoolFilterForm(forms.Form):
    tag = forms.ChoiceField(label=_("specialty"), required=False)
    search = forms.CharField(label=_("name"), required=False, max_length=64)
    max_load = forms.IntegerField(
        label=_("at most this many open items"), required=False, min_value=0, max_value=999
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "—"), *selectors.specialty_choices()]


class BoardFilterForm(forms.Form):
    tag = forms.ChoiceField(label=_("specialty"), required=False)
    matching = forms.BooleanField(label=_("only tasks my specialties fit"), required=False)
    open = forms.BooleanField(label=_("only tasks with places left"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "—"), *selectors.specialty_choices()]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("task"), max_length=200)
    description = forms.CharField(
        label=_("what is to be done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    place = forms.CharField(label=_("where"), required=False, max_length=200)
    tags = _tags_field(_("specialties wanted"))
    points = forms.IntegerField(label=_("points"))
    deadline = forms.DateField(label=_("deadline"), widget=DATE)
    places = forms.IntegerField(label=_("officers wanted"), initial=1)
    mode = forms.ChoiceField(label=_("how officers come to it"), choices=Task.Mode.choices)
    publisher_node = NodeChoiceField(label=_("publisher"), queryset=OrgNode.objects.none())

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = selectors.specialty_choices()
        node = viewer.org_node
        self.fields["publisher_node"].queryset = OrgNode.objects.filter(
            pk__in=[*node.ancestor_ids, node.pk]
        )
        self.fields["publisher_node"].initial = node.pk


class AssignForm(forms.Form):
    profiles = forms.MultipleChoiceField(
        label=_("officers"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, suggested, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggested = {str(p.pk): p for p in suggested}
        self.fields["profiles"].choices = [
            (str(p.pk), f"{p.person.name} · {p.person.org_node.name}") for p in suggested
        ]

    def clean_profiles(self):
        return [self.suggested[pk] for pk in self.cleaned_data["profiles"]]


class ChainYearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class TargetForm(forms.Form):
    profile = forms.ModelChoiceField(label=_("officer"), queryset=None, widget=LongSelect)
    year = forms.IntegerField(label=_("year"))
    metric = forms.ChoiceField(label=_("target"), choices=Target.Metric.choices)
    value = forms.IntegerField(label=_("target value"))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = selectors.profile_list(viewer=viewer)
        self.fields["profile"].label_from_instance = lambda p: (
            f"{p.person.name} · {p.person.org_node.name}"
        )
