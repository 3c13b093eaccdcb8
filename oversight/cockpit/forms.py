from django import forms
from django.utils.translation import gettext_lazy as _


class TilesForm(forms.Form):
    commission = forms.TypedChoiceField(label=_("commission"), coerce=int)
    measures = forms.CharField(
        label=_("tiles, in order"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One measure code a line, in the order the tiles appear."),
    )

    def __init__(self, *args, commissions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commission"].choices = [(c.pk, c.name) for c in commissions]

    def clean_measures(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["measures"].splitlines() if line.strip()]


class MapForm(forms.Form):
    node = forms.TypedChoiceField(label=_("node the map is of"), coerce=int)
    file = forms.FileField(label=_("GeoJSON file"))

    def __init__(self, *args, nodes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [(n.pk, n.name) for n in nodes]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload.read()
