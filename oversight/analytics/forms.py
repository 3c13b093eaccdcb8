from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.orgs.forms import NodeChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_list

from .engine import DATASET_KINDS
from .models import SOURCE_NAME, Warning, kind_choices

MAPPING_PREFIX = "map__"


class SourceForm(forms.Form):
    """A data source: its code, kind, name and owner, and where each contract column is found
    in the department's file (only the headers that differ from the column or its label)."""

    name = forms.CharField(
        label=_("code"), max_length=64, validators=[SOURCE_NAME],
        help_text=_("A short code such as civil-affairs-subsistence; it never changes."),
    )  # fmt: skip
    kind = forms.ChoiceField(label=_("dataset kind"), choices=())
    label = forms.CharField(label=_("name"), max_length=120)
    owner = NodeChoiceField(label=_("owning unit"), queryset=OrgNode.objects.none())

    def __init__(self, *args, viewer, source=None, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["owner"].queryset = node_list(viewer=viewer, include_inactive=False)
        self.fields["kind"].choices = [("", "—"), *kind_choices()]
        if source is not None:
            del self.fields["name"]
            del self.fields["kind"]
            kind = source.kind
        else:
            kind = self.data.get("kind") or kind or self.initial.get("kind", "")
        self.kind = kind if kind in DATASET_KINDS else ""
        if self.kind:
            headers = {
                column: header for header, column in (self.initial.get("mapping") or {}).items()
            }
            for column in DATASET_KINDS[self.kind].columns:
                self.fields[MAPPING_PREFIX + column.name] = forms.CharField(
                    label=f"{column.label_zh}（{column.name}）", required=False, max_length=120,
                    initial=headers.get(column.name, ""),
                )  # fmt: skip
                self.fields[MAPPING_PREFIX + column.name].contract_required = column.required

    def mapping_fields(self):
        return [self[name] for name in self.fields if name.startswith(MAPPING_PREFIX)]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith(MAPPING_PREFIX)]

    def cleaned(self) -> dict:
        """Keyword arguments of ``services.source_save``."""
        data = self.cleaned_data
        mapping = {}
        for name, value in data.items():
            if name.startswith(MAPPING_PREFIX) and value.strip():
                mapping[value.strip()] = name.removeprefix(MAPPING_PREFIX)
        kwargs = {"label": data["label"], "owner": data["owner"], "mapping": mapping}
        if self.source is None:
            kwargs.update(name=data["name"], kind=data["kind"])
        return kwargs


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("data file"), help_text=_("CSV (UTF-8 or GBK), Excel (.xlsx) or Parquet.")
    )


class ModelTextForm(forms.Form):
    metadata = forms.CharField(
        label=_("metadata (TOML)"), widget=forms.Textarea(attrs={"rows": 16, "class": "code"}),
        strip=False,
    )  # fmt: skip
    sql = forms.CharField(
        label=_("SQL (DuckDB)"), widget=forms.Textarea(attrs={"rows": 16, "class": "code"}),
        strip=False,
        help_text=_("One query over the declared datasets. Write ${as_of} for the run's as-of "
                    "date: a model may not read the clock (current_date, now())."),
    )  # fmt: skip


class RunStartForm(forms.Form):
    as_of = forms.DateField(
        label=_("as-of date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the models count to (“until today”); empty means today. A rerun "
                    "with the same data and the same date gives the same amounts."),
    )  # fmt: skip


class ModelTestForm(forms.Form):
    percent = forms.IntegerField(
        label=_("sample (%)"), min_value=1, max_value=100, initial=10,
        help_text=_("The same people are kept in every dataset, so joins still find them."),
    )  # fmt: skip


def _param_field(name: str, value) -> forms.Field:
    label = name.replace("_", " ")
    if isinstance(value, bool):
        return forms.BooleanField(label=label, required=False)
    if isinstance(value, int):
        return forms.IntegerField(label=label)
    if isinstance(value, float):
        return forms.FloatField(label=label)
    if isinstance(value, list):
        return forms.CharField(
            label=label, required=False, help_text=_("Values separated by commas."), max_length=2000
        )
    return forms.CharField(label=label, required=False, max_length=500)


class ModelParamsForm(forms.Form):
    """One field per parameter of a model, typed by its default value."""

    def __init__(self, *args, defaults: dict, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.defaults = defaults
        for name, default in defaults.items():
            field = _param_field(name, default)
            value = current.get(name, default)
            field.initial = ", ".join(str(v) for v in value) if isinstance(value, list) else value
            field.help_text = (f"{field.help_text} " if field.help_text else "") + str(
                _("Default: %(value)s") % {"value": default}
            )
            self.fields[name] = field

    def params(self) -> dict:
        """The values typed as their defaults are (lists from comma-separated text)."""
        result = {}
        for name, default in self.defaults.items():
            value = self.cleaned_data[name]
            if isinstance(default, list):
                items = [v.strip() for v in value.split(",") if v.strip()]
                if default and all(isinstance(d, int) and not isinstance(d, bool) for d in default):
                    try:
                        items = [int(v) for v in items]
                    except ValueError:
                        self.add_error(name, _("Whole numbers separated by commas."))
                        continue
                value = items
            result[name] = value
        return result


class WarningFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("model"), required=False)
    area = forms.ChoiceField(label=_("area"), required=False)
    unit = forms.ChoiceField(label=_("unit"), required=False)
    severity = forms.ChoiceField(
        label=_("severity"), required=False, choices=[("", "—"), *Warning.Severity.choices]
    )
    status = forms.ChoiceField(
        label=_("handling status"), required=False, choices=[("", "—"), *Warning.Status.choices]
    )
    q = forms.CharField(label=_("subject"), required=False, max_length=64)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "—"), *choices["models"]]
        self.fields["area"].choices = [("", "—"), *((a, a) for a in choices["areas"])]
        self.fields["unit"].choices = [
            ("", "—"), *((str(n.pk), f"{'　' * n.depth}{n.name}") for n in choices["units"])
        ]  # fmt: skip


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("why it is a false positive"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ClueForm(forms.Form):
    responsible_node = NodeChoiceField(
        label=_("handling office"), queryset=OrgNode.objects.none(),
        help_text=_("Studies the clue and proposes how to dispose of it."),
    )  # fmt: skip
    supervising_node = NodeChoiceField(
        label=_("approving body"), queryset=OrgNode.objects.none(), required=False,
        help_text=_("Its leaders endorse and approve the disposal; empty: the discipline "
                    "commission over the handling office."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = node_list(viewer=viewer, include_inactive=False)
        self.fields["responsible_node"].queryset = nodes
        self.fields["supervising_node"].queryset = nodes
        self.fields["responsible_node"].initial = viewer.org_node_id
