"""Platform-wide records: dictionaries of code lists, and the worker's heartbeat."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class DictType(models.Model):
    """A code list that administrators extend (ranks, complaint tags, document kinds...)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("dictionary type")
        verbose_name_plural = _("dictionary types")
        constraints = [
            models.UniqueConstraint(Lower("code"), name="dicttype_code_unique_any_case"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class DictItem(models.Model):
    """One value of a code list, with its label in both languages."""

    dict_type = models.ForeignKey(DictType, on_delete=models.CASCADE, related_name="items")
    value = models.CharField(_("value"), max_length=64)
    label = models.CharField(_("label"), max_length=64)
    label_en = models.CharField(_("English label"), max_length=64, blank=True)
    sort = models.IntegerField(_("order"), default=0)
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["dict_type", "sort", "id"]
        verbose_name = _("dictionary item")
        verbose_name_plural = _("dictionary items")
        constraints = [
            models.UniqueConstraint(fields=["dict_type", "value"], name="dictitem_unique_value"),
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        if get_language() == "en" and self.label_en:
            return self.label_en
        return self.label


class Heartbeat(models.Model):
    """The last time a named background process proved it was alive."""

    name = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"
