from django import template

register = template.Library()


@register.filter
def tag_labels(values, labels) -> str:
    """Specialty values as their dictionary labels, joined."""
    return "、".join(labels.get(v, v) for v in values or ())
