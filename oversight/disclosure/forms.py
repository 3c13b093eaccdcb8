from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.orgs.forms import NodeChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_list

from .models import CatalogueItem, Lapse

DATE = forms.DateInput(attrs={"type": "date"})


class CatalogueItemForm(forms.Form):
    title = forms.CharField(label=_("disclosure"), max_length=200)
    category = forms.ChoiceField(label=_("category"), choices=CatalogueItem.Category.choices)
    area = forms.ChoiceField(label=_("key area"), choices=CatalogueItem.Area.choices)
    unit_type = forms.ChoiceField(label=_("kind of unit"), choices=OrgNode.Type.choices)
    frequency = forms.ChoiceField(label=_("schedule"), choices=CatalogueItem.Frequency.choices)
    required_fields = forms.CharField(
        label=_("fields a complete notice shows"),
        required=False,
        help_text=_("Separated by commas or 、, e.g. 收入、支出、结余"),
    )
    photo_required = forms.BooleanField(
        label=_("photo of the notice board required"), required=False
    )
    keywords = forms.CharField(
        label=_("title keywords"),
        help_text=_("Separated by commas; a notice whose title holds one is classified here."),
    )


class ScopedUnitForm(forms.Form):
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none())

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = node_list(viewer=viewer, include_inactive=False)


class PublicationForm(ScopedUnitForm):
    title = forms.CharField(label=_("title"), max_length=300)
    published_on = forms.DateField(label=_("published on"), widget=DATE)
    url = forms.URLField(label=_("link"), required=False, max_length=500, assume_scheme="https")
    catalogue_item = forms.ModelChoiceField(
        label=_("disclosure"),
        queryset=CatalogueItem.objects.filter(active=True),
        required=False,
        help_text=_("Left empty: classified by the title's keywords."),
    )
    key = forms.CharField(
        label=_("period"),
        required=False,
        max_length=16,
        help_text=_("2026-Q1, 2026-03 or an event such as E12; left empty: read from the title."),
    )
    fields = forms.CharField(
        label=_("fields shown"), required=False, help_text=_("Separated by commas or 、")
    )
    has_photo = forms.BooleanField(label=_("notice board photo"), required=False)
    body = forms.CharField(
        label=_("content"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ClassifyForm(forms.Form):
    catalogue_item = forms.ModelChoiceField(
        label=_("disclosure"), queryset=CatalogueItem.objects.filter(active=True)
    )
    key = forms.CharField(label=_("period"), max_length=16)


class EventForm(ScopedUnitForm):
    catalogue_item = forms.ModelChoiceField(
        label=_("disclosure"),
        queryset=CatalogueItem.objects.filter(active=True, frequency="event"),
    )
    title = forms.CharField(label=_("event"), max_length=200)
    happened_on = forms.DateField(label=_("happened on"), widget=DATE)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class LapseFilterForm(forms.Form):
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none(), required=False)
    kind = forms.ChoiceField(
        label=_("lapse"), choices=[("", "—"), *Lapse.Kind.choices], required=False
    )
    open_only = forms.BooleanField(label=_("open only"), required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = node_list(viewer=viewer, include_inactive=False)
