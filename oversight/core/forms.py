from django import forms
from django.utils.translation import gettext_lazy as _


class DictTypeForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=64)
    name = forms.CharField(label=_("name"), max_length=64)
    name_en = forms.CharField(label=_("English name"), max_length=64, required=False)
    description = forms.CharField(label=_("description"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class DictItemForm(forms.Form):
    value = forms.CharField(label=_("value"), max_length=64)
    label = forms.CharField(label=_("label"), max_length=64)
    label_en = forms.CharField(label=_("English label"), max_length=64, required=False)
    sort = forms.IntegerField(label=_("order"), initial=0, min_value=-9999, max_value=9999)
    is_default = forms.BooleanField(label=_("default"), required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


def refuse_past_date(value, *, today):
    """A date a person sets for someone to act by: never before ``today``."""
    if value is not None and value < today:
        raise forms.ValidationError(
            _("The date cannot be in the past (today is %(today)s).") % {"today": today},
            code="date_past",
        )
    return value
