"""Codes of the administrators' dictionaries shown by their labels: ``{{ p.rank|dict_label:"cadre_rank" }}``."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from oversight.core.selectors import dict_labels

register = template.Library()
_CACHE_KEY = "_dict_labels_cache"


@register.simple_tag(takes_context=True)
def dict_label(context, type_code: str, value):
    """The label of ``value`` in dictionary ``type_code`` (read once per page and language)."""
    if value in (None, ""):
        return ""
    cache = context.render_context.setdefault(_CACHE_KEY, {})
    key = (type_code, get_language())
    if key not in cache:
        cache[key] = dict_labels(type_code)
    return cache[key].get(str(value), value)
