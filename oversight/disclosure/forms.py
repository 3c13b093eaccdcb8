from cssselect import GenericTranslator, SelectorError
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from oversight.orgs.forms import NodeChoiceField
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_list

from .models import CatalogueItem, Lapse, Source

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


class CatalogueItemEditForm(CatalogueItemForm):
    """A catalogue item changed: its classification rules (the title keywords) among the rest,
    and whether it is still in force."""

    active = forms.BooleanField(label=_("in force"), required=False)

    @classmethod
    def of(cls, item: CatalogueItem) -> "CatalogueItemEditForm":
        return cls(
            initial={
                "title": item.title, "category": item.category, "area": item.area,
                "unit_type": item.unit_type, "frequency": item.frequency,
                "required_fields": "、".join(item.required_fields or []),
                "photo_required": item.photo_required,
                "keywords": ", ".join(item.keywords or []), "active": item.active,
            }
        )  # fmt: skip


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


HTML_SETTINGS = [
    ("item", _("CSS selector of one notice"), "ul.list li"),
    ("title", _("CSS selector of its title"), "a"),
    ("date", _("CSS selector of its date"), "span.date"),
    ("link", _("CSS selector of its link"), "a[href]"),
    ("body", _("CSS selector of its content"), ".summary"),
]
JSON_SETTINGS = [
    ("items", _("path to the list of notices"), "data.list"),
    ("id", _("field of its identifier"), "id"),
    ("title", _("field of its title"), "title"),
    ("date", _("field of its date"), "publishTime"),
    ("link", _("field of its link"), "url"),
    ("body", _("field of its content"), "content"),
]


class SourceForm(ScopedUnitForm):
    """A source without code: its adapter, address and the adapter's settings (CSS selectors
    of an HTML list page, field paths of a JSON endpoint)."""

    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=Source.Kind.choices)
    url = forms.CharField(
        label=_("address"),
        required=False,
        max_length=500,
        help_text=_("The feed, list page or JSON address; not needed for uploaded files."),
    )
    cadence_days = forms.IntegerField(
        label=_("publishes at least every (working days)"), min_value=1, max_value=400, initial=30
    )
    enabled = forms.BooleanField(label=_("enabled"), required=False, initial=True)

    def __init__(self, *args, source=None, **kwargs):
        if source is not None and not args and "data" not in kwargs:
            initial = {
                "node": source.node_id,
                "name": source.name,
                "kind": source.kind,
                "url": source.url,
                "cadence_days": source.cadence_days,
                "enabled": source.enabled,
            }
            prefix = {Source.Kind.HTML: "html_", Source.Kind.JSON: "json_"}.get(source.kind)
            for key, value in (source.config or {}).items():
                if prefix:
                    initial[prefix + key] = value
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for key, label, example in HTML_SETTINGS:
            self.fields["html_" + key] = forms.CharField(
                label=label, required=False, max_length=200,
                widget=forms.TextInput(attrs={"placeholder": example}),
            )  # fmt: skip
        for key, label, example in JSON_SETTINGS:
            self.fields["json_" + key] = forms.CharField(
                label=label, required=False, max_length=200,
                widget=forms.TextInput(attrs={"placeholder": example}),
            )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and kind != Source.Kind.UPLOAD:
            from .services import url_error

            problem = url_error((cleaned.get("url") or "").strip())
            if problem is not None:
                self.add_error("url", problem)
        if kind == Source.Kind.HTML:
            if not cleaned.get("html_item"):
                self.add_error(
                    "html_item",
                    ValidationError(
                        _("An HTML list page needs the CSS selector of one notice (item)."),
                        code="required",
                    ),
                )
            for key, _label, _example in HTML_SETTINGS:
                selector = cleaned.get("html_" + key)
                if selector:
                    try:
                        GenericTranslator().css_to_xpath(selector)
                    except SelectorError:
                        self.add_error(
                            "html_" + key,
                            ValidationError(
                                _("“%(selector)s” is not a CSS selector.") % {"selector": selector},
                                code="invalid",
                            ),
                        )
        if kind == Source.Kind.JSON and not cleaned.get("json_items"):
            self.add_error(
                "json_items", _("Give the path to the list of notices (such as data.list).")
            )
        return cleaned

    def config(self) -> dict:
        kind = self.cleaned_data.get("kind")
        prefix, settings = {
            Source.Kind.HTML: ("html_", HTML_SETTINGS),
            Source.Kind.JSON: ("json_", JSON_SETTINGS),
        }.get(kind, ("", []))
        return {
            key: self.cleaned_data[prefix + key]
            for key, _label, _example in settings
            if self.cleaned_data.get(prefix + key)
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "node": data["node"],
            "name": data["name"],
            "kind": data["kind"],
            "url": data.get("url") or "",
            "config": self.config(),
            "cadence_days": data["cadence_days"],
            "enabled": data.get("enabled", False),
        }


class UnitFilterForm(forms.Form):
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none(), required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = node_list(viewer=viewer, include_inactive=False)


class SourceFilterForm(forms.Form):
    node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none(), required=False)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", "—"), *Source.Kind.choices], required=False
    )
    health = forms.ChoiceField(
        label=_("health"),
        required=False,
        choices=[
            ("", "—"),
            ("ok", _("Healthy")),
            ("failing", _("Failing")),
            ("silent", _("Silent beyond its cadence")),
            ("unread", _("Not read yet")),
        ],
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = node_list(viewer=viewer, include_inactive=False)


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(label=_("source"), queryset=Source.objects.none())
    file = forms.FileField(
        label=_("file"),
        help_text=_(
            "Excel or Word: a table whose first row names the columns 标题, 日期 (and 链接, "
            "内容). PDF or photo: one notice, with its title and date below."
        ),
    )
    title = forms.CharField(label=_("title"), max_length=300, required=False)
    published_on = forms.DateField(label=_("published on"), widget=DATE, required=False)
    body = forms.CharField(
        label=_("content"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import upload_sources

        self.fields["source"].queryset = upload_sources(viewer=viewer)


class CollectedClassifyForm(forms.Form):
    catalogue_item = forms.ModelChoiceField(
        label=_("disclosure"), queryset=CatalogueItem.objects.filter(active=True)
    )
    key = forms.CharField(label=_("period"), max_length=16)
    published_on = forms.DateField(label=_("published on"), widget=DATE, required=False)
