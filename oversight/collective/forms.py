from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.orgs.forms import NodeChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_list

from .models import Anomaly, Asset, Collective, Entry


class _Scoped(forms.Form):
    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        if "node" in self.fields:
            self.fields["node"].queryset = node_list(viewer=viewer, include_inactive=False)
        if "collective" in self.fields:
            from .selectors import collective_list

            self.fields["collective"].queryset = collective_list(viewer=viewer)


class AnomalyFilterForm(_Scoped):
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none(), required=False)
    kind = forms.ChoiceField(
        label=_("anomaly"), choices=[("", "—"), *Anomaly.Kind.choices], required=False
    )
    open_only = forms.BooleanField(label=_("open only"), required=False)


class EntryFilterForm(_Scoped):
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none(), required=False)
    month = forms.RegexField(label=_("month"), regex=r"^\d{4}-\d{2}$", required=False)
    category = forms.ChoiceField(
        label=_("category"), choices=[("", "—"), *Entry.Category.choices], required=False
    )


class AssetFilterForm(_Scoped):
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *Asset.Status.choices], required=False
    )


class PublishForm(_Scoped):
    collective = forms.ModelChoiceField(label=_("collective"), queryset=Collective.objects.none())
    month = forms.CharField(label=_("month"), max_length=7, help_text=_("e.g. 2026-03"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
