from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from oversight.orgs.forms import NodeChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_list

from .engine import DATASET_KINDS
from .engine.mapping import rules_of
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
                field: rule["column"]
                for field, rule in rules_of(self.initial.get("mapping")).items()
                if "column" in rule and "date_part" not in rule
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
        # A typed header is a column rule; other rules saved from the mapping screen stay.
        kept = rules_of(self.source.mapping if self.source is not None else None)
        mapping = {f: r for f, r in kept.items() if "column" not in r or "date_part" in r}
        for name, value in data.items():
            if name.startswith(MAPPING_PREFIX) and value.strip():
                mapping[name.removeprefix(MAPPING_PREFIX)] = {"column": value.strip()}
        kwargs = {"label": data["label"], "owner": data["owner"], "mapping": mapping}
        if self.source is None:
            kwargs.update(name=data["name"], kind=data["kind"])
        return kwargs


HOW_CHOICES = [
    ("", _("— not mapped —")),
    ("column", _("a column of the file")),
    ("constant", _("the same value on every row")),
    ("row", _("the row number")),
    ("upload_program", _("the program chosen on upload")),
    ("upload_unit", _("the unit chosen on upload")),
    ("upload_period", _("the period chosen on upload")),
    ("concat", _("two columns joined")),
    ("date_year", _("the year of a date column")),
    ("date_month", _("the month of a date column")),
    ("date_period", _("the period (YYYY-MM) of a date column")),
]


def _how_of(rule: dict) -> tuple[str, str, str, str]:
    """(how, column, second column, constant) of a rule, for the form's initial values."""
    if "date_part" in rule:
        return f"date_{rule['date_part']}", rule.get("column", ""), "", ""
    if "column" in rule:
        return "column", rule["column"], "", ""
    if "constant" in rule:
        return "constant", "", "", rule["constant"]
    if "row" in rule:
        return "row", "", "", ""
    if "upload" in rule:
        return f"upload_{rule['upload']}", "", "", ""
    if "concat" in rule and len(rule["concat"]) >= 2:
        return "concat", rule["concat"][0], rule["concat"][1], ""
    return "", "", "", ""


class MappingForm(forms.Form):
    """The mapping screen: for each contract field, where it comes from (its select is named as
    the field, so the service's refusals land beside it), plus the values chosen on upload."""

    upload_program = forms.CharField(
        label=_("program of this file"), required=False, max_length=120,
        help_text=_("The program code, when the file is one program's list (such as P06)."),
    )  # fmt: skip
    upload_unit = NodeChoiceField(
        label=_("unit that sent the file"), queryset=OrgNode.objects.none(), required=False
    )
    upload_period = forms.CharField(
        label=_("period the file covers"), required=False, max_length=7,
        help_text=_("A month such as 2024-03."),
    )  # fmt: skip

    coverage_areas = forms.ModelMultipleChoiceField(
        label=_("areas the file covers"), queryset=OrgNode.objects.none(), required=False,
        help_text=_("The towns (or units) whose data the file holds."),
    )  # fmt: skip
    coverage_from = forms.CharField(
        label=_("first month covered"), required=False, max_length=7,
        help_text=_("YYYY-MM; empty: from the start."),
    )  # fmt: skip
    coverage_to = forms.CharField(
        label=_("last month covered"), required=False, max_length=7,
        help_text=_("YYYY-MM; empty: until now."),
    )  # fmt: skip
    coverage_complete = forms.BooleanField(
        label=_("the complete registry of these areas for these months"), required=False,
        help_text=_("Only then may a model conclude from someone's absence in it (such as "
                    "“not in the resident register”)."),
    )  # fmt: skip

    coverage_adds = forms.BooleanField(
        label=_("adds to the data already imported"), required=False,
        help_text=_("Such as a new month of payments: the file's rows are added to this "
                    "source's data, and only what is new is compared. Otherwise the file "
                    "replaces the source's data."),
    )  # fmt: skip

    def __init__(self, *args, viewer, kind, headers: list[str], rules: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.headers = kind, headers
        nodes = node_list(viewer=viewer, include_inactive=False)
        self.fields["upload_unit"].queryset = nodes
        self.fields["coverage_areas"].queryset = nodes
        columns = [("", "—"), *((h, h) for h in headers)]
        self.rows = []
        for column in kind.columns:
            how, first, second, constant = _how_of(rules.get(column.name, {}))
            name = column.name
            self.fields[name] = forms.ChoiceField(
                label=f"{column.label_zh}（{name}）", choices=HOW_CHOICES, required=False,
                initial=how,
            )  # fmt: skip
            self.fields[f"col__{name}"] = forms.ChoiceField(
                label=_("column"), choices=columns, required=False, initial=first
            )
            self.fields[f"col2__{name}"] = forms.ChoiceField(
                label=_("second column"), choices=columns, required=False, initial=second
            )
            self.fields[f"value__{name}"] = forms.CharField(
                label=_("value"), required=False, max_length=120, initial=constant
            )
            self.rows.append(
                (column, self[name], self[f"col__{name}"], self[f"col2__{name}"],
                 self[f"value__{name}"])
            )  # fmt: skip

    def rules(self) -> dict:
        """Field → rule as chosen (an incomplete choice gives an incomplete rule, which the
        service names)."""
        data, rules = self.cleaned_data, {}
        for column in self.kind.columns:
            name = column.name
            how = data.get(name) or ""
            first, second = data.get(f"col__{name}") or "", data.get(f"col2__{name}") or ""
            if not how:
                rules[name] = {"skip": True}
            elif how == "column":
                rules[name] = {"column": first}
            elif how == "constant":
                rules[name] = {"constant": data.get(f"value__{name}") or ""}
            elif how == "row":
                rules[name] = {"row": True}
            elif how.startswith("upload_"):
                rules[name] = {"upload": how.removeprefix("upload_")}
            elif how == "concat":
                rules[name] = {"concat": [first, second], "sep": ""}
            else:
                rules[name] = {"date_part": how.removeprefix("date_"), "column": first}
        return rules

    def coverage(self) -> dict:
        """What the file covers, as ``services.import_map`` takes it."""
        data = self.cleaned_data
        return {
            "areas": [node.name for node in data.get("coverage_areas") or ()],
            "period_from": data.get("coverage_from") or "",
            "period_to": data.get("coverage_to") or "",
            "complete": bool(data.get("coverage_complete")),
        }

    def adds(self) -> bool:
        """Whether the file adds to the source's data (else it replaces it)."""
        return bool(self.cleaned_data.get("coverage_adds"))

    def upload_values(self) -> dict:
        unit = self.cleaned_data.get("upload_unit")
        return {
            "program": self.cleaned_data.get("upload_program") or "",
            "unit": unit.name if unit is not None else "",
            "period": self.cleaned_data.get("upload_period") or "",
        }


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
                        self.add_error(
                            name,
                            ValidationError(
                                _("Whole numbers separated by commas."), code="invalid"
                            ),
                        )
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


class UnitAssignForm(forms.Form):
    """The unit responsible for the warnings naming ``text`` (or for one warning)."""

    text = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none())

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = node_list(viewer=viewer, include_inactive=False)
