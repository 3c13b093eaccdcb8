from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.orgs.forms import NodeChoiceField
from oversight.orgs.models import OrgNode, Person
from oversight.orgs.selectors import node_list

from .models import Geofence, PositionBatch, Rule, Vehicle

DATE = forms.DateInput(attrs={"type": "date"})
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"})


def _scoped_units(form, viewer, field="unit"):
    form.fields[field].queryset = node_list(viewer=viewer, include_inactive=False)
    form.fields[field].initial = viewer.org_node_id


class VehicleForm(forms.Form):
    plate = forms.CharField(label=_("plate"), max_length=16)
    unit = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none())
    kind = forms.CharField(label=_("kind of vehicle"), max_length=40, required=False)
    driver_resident_id = forms.CharField(
        label=_("driver's resident ID"), max_length=18, required=False
    )
    status = forms.ChoiceField(label=_("status"), choices=Vehicle.Status.choices)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped_units(self, viewer)

    def clean_driver_resident_id(self):
        value = self.cleaned_data["driver_resident_id"].strip().upper()
        if not value:
            return None
        person = Person.objects.filter(resident_id=value).first()
        if person is None:
            raise forms.ValidationError(
                _("No person with this resident ID is registered."), code="unknown_person"
            )
        return person


class TripForm(forms.Form):
    start = forms.DateTimeField(label=_("from"), widget=MOMENT)
    end = forms.DateTimeField(label=_("until"), widget=MOMENT)
    purpose = forms.CharField(label=_("purpose"), max_length=200)
    destination = forms.CharField(label=_("destination"), max_length=200, required=False)


class TripsImportForm(forms.Form):
    file = forms.FileField(
        label=_("trip orders file"),
        help_text=_("CSV or JSON with plate, start, end, purpose, destination."),
    )


class PositionsForm(forms.Form):
    file = forms.FileField(
        label=_("positions file"),
        help_text=_("CSV or JSON with plate, time, longitude, latitude, speed, ignition."),
    )
    source = forms.CharField(label=_("source"), max_length=120, required=False)
    crs = forms.ChoiceField(label=_("coordinates"), choices=PositionBatch.Crs.choices)


class FenceForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_("A FeatureCollection of polygons, each named by its name property."),
    )
    unit = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none())
    kind = forms.ChoiceField(label=_("kind of area"), choices=Geofence.Kind.choices)
    vehicles = forms.ModelMultipleChoiceField(
        label=_("only for these vehicles"), queryset=Vehicle.objects.none(), required=False
    )

    def __init__(self, *args, viewer, vehicles, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped_units(self, viewer)
        self.fields["vehicles"].queryset = vehicles


class SealingCalendarForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class SealingForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    start = forms.DateField(label=_("first day"), widget=DATE)
    end = forms.DateField(label=_("last day"), widget=DATE)


class RunForm(forms.Form):
    start = forms.DateField(label=_("first day"), widget=DATE)
    end = forms.DateField(label=_("last day"), widget=DATE)
    supervising_node = NodeChoiceField(label=_("supervising body"), queryset=OrgNode.objects.none())

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped_units(self, viewer, "supervising_node")


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("rule"), choices=Rule.Kind.choices, widget=forms.HiddenInput)
    enabled = forms.BooleanField(label=_("enabled"), required=False)
    dwell_minutes = forms.IntegerField(label=_("dwell time (minutes)"), min_value=0, max_value=1440)
    distance_km = forms.IntegerField(
        label=_("distance from home (km)"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("How far beyond its garages and permitted areas a car must be."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        if kind != Rule.Kind.LONG_TRIP:
            del self.fields["distance_km"]  # only long trips are measured by distance
