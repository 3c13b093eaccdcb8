"""The filters of the trace page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TraceFilterForm(forms.Form):
    actor = forms.CharField(label=_("actor"), required=False, max_length=64)
    action = forms.CharField(label=_("action"), required=False, max_length=120)
    target_type = forms.CharField(label=_("target type"), required=False, max_length=100)
    target_id = forms.CharField(label=_("target id"), required=False, max_length=64)
    since = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data


class AlarmResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("what was found and done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
