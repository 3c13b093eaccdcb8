"""The inbox, its badge, a person's notification settings and the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import Column, export_or
from oversight.orgs.access import require_perm

from . import selectors, services
from .channels import external_channels
from .forms import PreferencesForm
from .models import Delivery


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    notifications = selectors.notification_list(viewer=request.user, unread_only=unread_only)
    columns = [
        Column("title", _("title"), lambda n: n.title, sort="title"),
        Column("kind", _("kind"), lambda n: n.kind_label, sort="kind"),
        Column("time", _("time"), lambda n: n.created_at.replace(tzinfo=None), sort="created_at"),
        Column("read", _("read"), lambda n: _("yes") if n.read_at else _("no")),
    ]

    def show(page):
        context = {
            "page": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(viewer=request.user),
        }
        return render(request, "notify/inbox.html", context)

    return export_or(
        request,
        notifications,
        columns=columns,
        filename="notifications.xlsx",
        title=_("Notifications"),
        render=show,
    )


@require_GET
@login_required
def open_notification(request, pk: int):
    """Follow a notification's link, marking it read on the way."""
    notification = selectors.notification_get(viewer=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(
        url, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("notify:inbox")


@require_POST
@login_required
def mark_read(request, pk: int):
    notification = selectors.notification_get(viewer=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    request.operation_target = notification
    if request.headers.get("HX-Request"):
        return render(request, "notify/_row.html", {"n": notification})
    return redirect(_back(request))


@require_POST
@login_required
def mark_all_read(request):
    count = services.notifications_mark_all_read(account=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect(_back(request))


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "notify:inbox"


@require_GET
@login_required
def badge(request):
    """The top bar's unread count, polled by HTMX."""
    return render(
        request,
        "notify/_badge.html",
        {"unread": selectors.unread_count(viewer=request.user)},
    )


@login_required
def preferences(request):
    channels, rows = selectors.preference_matrix(account=request.user)
    form = PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        if (
            call_service(
                form, services.preferences_save, account=request.user, choices=form.choices()
            )
            is not None
        ):
            messages.success(request, _("Your notification settings were saved."))
            return redirect("notify:settings")
    context = {"form": form, "channels": channels, "table": form.table()}
    return render_form(request, "notify/settings.html", context, form)


@require_POST
@login_required
def send_test(request):
    services.send_test(account=request.user)
    messages.success(
        request, _("A test message was sent through the channels you chose for test messages.")
    )
    return redirect("notify:settings")


@require_perm("notify:delivery:view")
def delivery_log(request):
    state = request.GET.get("state", "")
    channel = request.GET.get("channel", "")
    if state not in Delivery.State.values:
        state = ""
    channels = external_channels()
    if channel not in {c.code for c in channels}:
        channel = ""
    deliveries = selectors.delivery_list(viewer=request.user, state=state, channel=channel)
    columns = [
        Column("time", _("time"), lambda d: d.created_at.replace(tzinfo=None), sort="created_at"),
        Column("recipient", _("recipient"), lambda d: str(d.notification.recipient)),
        Column("title", _("title"), lambda d: d.notification.title),
        Column("channel", _("channel"), lambda d: d.channel_label, sort="channel"),
        Column("state", _("state"), lambda d: d.get_state_display(), sort="state"),
        Column("attempts", _("attempts"), lambda d: d.attempts, sort="attempts"),
        Column("error", _("error"), lambda d: d.error),
    ]

    def show(page):
        context = {
            "page": page,
            "state": state,
            "channel": channel,
            "states": Delivery.State.choices,
            "channels": channels,
        }
        return render(request, "notify/delivery_log.html", context)

    return export_or(
        request,
        deliveries,
        columns=columns,
        filename="deliveries.xlsx",
        title=_("Deliveries"),
        render=show,
    )
