from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.loop.forms import MultipleFileField
from oversight.orgs.forms import NodeChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_list

from .models import EXPENSE_CATEGORIES, Anomaly, Asset, AssetStep, Collective, Entry


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


REVIEW_STATES = [
    ("", "—"),
    ("awaiting", _("Awaiting the town's review")),
    ("returned", _("Returned to the village")),
    ("approved", _("Approved")),
    ("refused", _("Refused")),
    ("withdrawn", _("Withdrawn")),
]


class ReviewFilterForm(_Scoped):
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none(), required=False)
    state = forms.ChoiceField(label=_("state"), choices=REVIEW_STATES, required=False)


class ReimbursementForm(_Scoped):
    collective = forms.ModelChoiceField(label=_("collective"), queryset=Collective.objects.none())
    payee = forms.CharField(label=_("payee"), max_length=100, required=False)
    purpose = forms.CharField(label=_("purpose"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("amount (yuan)"), max_digits=14, decimal_places=2, required=False
    )
    category = forms.ChoiceField(label=_("category"), choices=EXPENSE_CATEGORIES)
    spent_on = forms.DateField(label=_("spent on"), required=False, help_text=_("e.g. 2026-03-05"))
    files = MultipleFileField(
        label=_("invoices"), required=False, help_text=_("Images, PDF or Office files.")
    )


class AssetStepForm(forms.Form):
    step = forms.ChoiceField(label=_("step"), choices=AssetStep.Step.choices)
    detail = forms.CharField(
        label=_("detail"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    done_on = forms.DateField(label=_("date"), required=False, help_text=_("e.g. 2026-03-05"))
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("For an inventory: the value counted."),
    )
    files = MultipleFileField(
        label=_("evidence"), required=False, help_text=_("Images, PDF or Office files.")
    )
