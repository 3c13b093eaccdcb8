"""The inbox, its badge and the settings page, through the client."""

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from oversight.conftest import client_for
from oversight.notify.models import Notification
from oversight.notify.services import notify

from .conftest import KIND


def ping(account, title="Ping", **kwargs):
    (n,) = notify(recipients=[account], kind=KIND, title=title, **kwargs)
    return n


def test_it_shows_only_the_viewers_own_notifications(county):
    ping(county.town1_officer, "For town one")
    ping(county.town2_officer, "For town two")
    page = client_for(county.town1_officer).get(reverse("notify:inbox"))
    assert page.status_code == 200
    assert "For town one" in page.text
    assert "For town two" not in page.text


def test_it_answers_404_for_another_accounts_notification(county):
    theirs = ping(county.town2_officer)
    client = client_for(county.town1_officer)
    assert client.get(reverse("notify:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notify:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_lists_unread_first(county):
    old_unread = ping(county.clerk, "old unread")
    read = ping(county.clerk, "read")
    new_unread = ping(county.clerk, "new unread")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    page = client_for(county.clerk).get(reverse("notify:inbox"))
    assert [n.pk for n in page.context["page"]] == [new_unread.pk, old_unread.pk, read.pk]
    unread_only = client_for(county.clerk).get(reverse("notify:inbox") + "?unread=1")
    assert [n.pk for n in unread_only.context["page"]] == [new_unread.pk, old_unread.pk]


def test_it_marks_one_read(county):
    n = ping(county.clerk)
    response = client_for(county.clerk).post(reverse("notify:mark_read", args=[n.pk]))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is not None


def test_it_answers_htmx_with_the_row(county):
    n = ping(county.clerk, "Row title")
    response = client_for(county.clerk).post(
        reverse("notify:mark_read", args=[n.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert f'id="notification-{n.pk}"' in response.text
    assert 'class="off"' in response.text


def test_it_marks_all_read_but_only_the_viewers(county):
    mine = [ping(county.clerk) for _ in range(3)]
    theirs = ping(county.cadre)
    response = client_for(county.clerk).post(reverse("notify:mark_all_read"))
    assert response.status_code == 302
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_follows_the_link_and_marks_read(county):
    n = ping(county.clerk, url="/orgs/nodes/")
    response = client_for(county.clerk).get(reverse("notify:open", args=[n.pk]))
    assert response.status_code == 302 and response.url == "/orgs/nodes/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_it_never_follows_a_link_to_another_site(county):
    n = ping(county.clerk, url="https://evil.example/")
    response = client_for(county.clerk).get(reverse("notify:open", args=[n.pk]))
    assert response.url == reverse("notify:inbox")


def test_it_counts_unread_in_the_badge(county):
    ping(county.clerk)
    ping(county.clerk)
    Notification.objects.filter(pk=ping(county.clerk).pk).update(
        read_at=Notification.objects.first().created_at
    )
    ping(county.cadre)
    fragment = client_for(county.clerk).get(reverse("notify:badge"))
    assert fragment.status_code == 200
    assert 'data-unread="2"' in fragment.text
    assert f'hx-get="{reverse("notify:badge")}"' in fragment.text
    request = RequestFactory().get("/")
    request.user = county.clerk
    rendered = Template("{% load notify %}{% notify_badge %}").render(Context({"request": request}))
    assert 'data-unread="2"' in rendered


def test_it_asks_anonymous_people_to_sign_in(county):
    from django.test import Client

    for name in ("notify:inbox", "notify:badge", "notify:settings"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and "/orgs/login/" in response.url


def test_it_saves_the_settings_from_the_page(county):
    client = client_for(county.clerk)
    page = client.get(reverse("notify:settings"))
    assert page.status_code == 200
    assert f'name="{KIND}|email"' in page.text
    response = client.post(reverse("notify:settings"), {f"{KIND}|wechat": "on"})
    assert response.status_code == 302
    chosen = dict(county.clerk.notify_preferences.values_list("channel", "enabled"))
    assert chosen == {"email": False, "sms": False, "wechat": True}


def test_it_sends_a_test_message(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(county.clerk).post(reverse("notify:send_test"))
    assert response.status_code == 302
    n = Notification.objects.get(recipient=county.clerk, kind="notify.test")
    # The clerk has no email address nor phone; WeChat Work knows them by their username.
    assert dict(n.deliveries.values_list("channel", "state")) == {
        "email": "skipped",
        "sms": "skipped",
        "wechat": "sent",
    }


def test_it_limits_the_delivery_log_to_permission_and_scope(
    reachable, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ping(reachable.town1_officer, "to town one")
        ping(reachable.town2_officer, "to town two")
    assert client_for(reachable.clerk).get(reverse("notify:delivery_log")).status_code == 403
    admin = client_for(reachable.admin).get(reverse("notify:delivery_log"))
    assert "to town one" in admin.text and "to town two" in admin.text
    reachable.role_town.permissions = [*reachable.role_town.permissions, "notify:delivery:view"]
    reachable.role_town.save(update_fields=["permissions"])
    town2 = client_for(reachable.town2_officer).get(reverse("notify:delivery_log") + "?state=sent")
    assert "to town two" in town2.text and "to town one" not in town2.text


def test_it_shows_the_inbox_in_the_menu_without_permissions(county):
    page = client_for(county.cadre).get(reverse("workbench:home"))
    assert reverse("notify:inbox") in page.text
    assert reverse("notify:delivery_log") not in page.text
