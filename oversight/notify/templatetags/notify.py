"""``{% notify_badge %}``: the unread count for the top bar, refreshed by HTMX."""

from django import template

from oversight.notify.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notify/_badge.html", takes_context=True)
def notify_badge(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": unread_count(viewer=user)}
