from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    Effect,
    FileRecord,
    MatterEntry,
    MatterReport,
    OpinionRule,
    Purpose,
    Relative,
    Sanction,
)

DATE = forms.DateInput(attrs={"type": "date"})


class OpenForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for opening the file"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("for example: promotion review")}),
    )


class RelativeForm(forms.Form):
    relation = forms.ChoiceField(label=_("relation"), choices=Relative.Relation.choices)
    name = forms.CharField(label=_("name of the relative"), max_length=64)
    resident_id = forms.CharField(label=_("resident ID"), max_length=24, required=False)
    workplace = forms.CharField(label=_("workplace and post"), max_length=200, required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("sanction"), choices=Sanction.Kind.choices)
    decided_on = forms.DateField(label=_("decided on"), widget=DATE)
    probation_months = forms.TypedChoiceField(
        label=_("probation (months)"),
        choices=[("", "—"), (12, "12"), (24, "24")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    authority = forms.CharField(label=_("decided by"), max_length=120)
    document_no = forms.CharField(label=_("decision number"), max_length=64, required=False)
    summary = forms.CharField(label=_("facts in brief"), widget=forms.Textarea(attrs={"rows": 2}))


class MatterReportForm(forms.Form):
    """A personal-matter report: one text box per item of the fourteen."""

    kind = forms.ChoiceField(label=_("kind of report"), choices=MatterReport.Kind.choices)
    year = forms.IntegerField(label=_("year"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in MatterEntry.Item.choices:
            self.fields[f"item_{code}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 1})
            )

    def entries(self) -> list[tuple[str, str]]:
        return [
            (code, self.cleaned_data.get(f"item_{code}") or "") for code in MatterEntry.Item.values
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class OpinionRequestForm(forms.Form):
    requester = forms.CharField(
        label=_("requested by"),
        max_length=120,
        widget=forms.TextInput(
            attrs={"placeholder": _("for example: county organisation department")}
        ),
    )
    purpose = forms.ChoiceField(label=_("purpose"), choices=Purpose.choices)
    resident_ids = forms.CharField(
        label=_("resident IDs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line, as pasted from a list; or upload a sheet below."),
    )
    sheet = forms.FileField(
        label=_("or an Excel sheet with a column “resident ID”"), required=False
    )

    def ids(self) -> list[str]:
        return (self.cleaned_data.get("resident_ids") or "").splitlines()


class SensitiveForm(forms.Form):
    reason = forms.CharField(
        label=_("why you need to see family members and property matters"), max_length=300
    )


class CheckForm(forms.Form):
    year = forms.IntegerField(label=_("year of the reports"))
    size = forms.IntegerField(label=_("reports to draw"), min_value=1)
    seed = forms.IntegerField(
        label=_("seed of the draw"),
        required=False,
        min_value=0,
        help_text=_("Leave empty to have one chosen; give a recorded seed to draw again the same."),
    )
    sheet = forms.FileField(
        label=_("property or payroll list (Excel, optional)"),
        required=False,
        help_text=_(
            "Columns: resident ID, item, what the list records, from which register; one fact "
            "a row."
        ),
    )


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of record"), choices=FileRecord.Kind.choices)
    on = forms.DateField(label=_("date"), widget=DATE)
    summary = forms.CharField(
        label=_("what happened"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    authority = forms.CharField(label=_("by whom"), max_length=120, required=False)
    amount = forms.DecimalField(
        label=_("amount (yuan)"), max_digits=12, decimal_places=2, required=False
    )


class RuleForm(forms.Form):
    code = forms.CharField(label=_("rule"), max_length=16)
    condition = forms.ChoiceField(label=_("when"), choices=OpinionRule.Condition.choices)
    purposes = forms.MultipleChoiceField(
        label=_("for the purposes"),
        choices=Purpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every purpose."),
    )
    effect = forms.ChoiceField(label=_("effect"), choices=Effect.choices)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)
    order = forms.IntegerField(label=_("order"), initial=100)

    @classmethod
    def of(cls, rule):
        return cls(
            initial={
                "code": rule.code,
                "condition": rule.condition,
                "purposes": rule.purposes,
                "effect": rule.effect,
                "active": rule.active,
                "order": rule.order,
            }
        )
