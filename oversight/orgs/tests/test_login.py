from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.test import Client, override_settings

from oversight.conftest import PASSWORD
from oversight.orgs.models import Account, LoginLog


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(
        "/orgs/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_it_signs_in_and_logs_it(county):
    response = attempt(Client(), "town1", PASSWORD)
    assert response.status_code == 302
    entry = LoginLog.objects.get()
    assert entry.success and entry.account == county.town1_officer and entry.address == "10.0.0.1"


def test_it_refuses_a_wrong_password_and_logs_it(county):
    response = attempt(Client(), "town1", "wrong")
    assert response.status_code == 400
    assert (
        "Wrong username or password" in response.content.decode()
        or "用户名或密码错误" in response.content.decode()
    )
    assert LoginLog.objects.get().reason == "bad_credentials"


@override_settings(LOGIN_MAX_FAILURES=3)
def test_it_locks_an_account_after_repeated_failures(county):
    client = Client()
    for _ in range(3):
        attempt(client, "town1", "wrong")
    county.town1_officer.refresh_from_db()
    assert county.town1_officer.is_locked()
    response = attempt(client, "town1", PASSWORD)
    assert response.status_code == 400
    assert LoginLog.objects.filter(reason="locked").count() == 1


@override_settings(LOGIN_MAX_FAILURES=3)
def test_it_resets_the_failure_count_after_a_success(county):
    client = Client()
    attempt(client, "town1", "wrong")
    attempt(client, "town1", "wrong")
    assert attempt(client, "town1", PASSWORD).status_code == 302
    assert Account.objects.get(username="town1").failed_logins == 0


def test_it_lets_an_administrator_unlock(county):
    Account.objects.filter(pk=county.town1_officer.pk).update(
        failed_logins=9, locked_until="2999-01-01T00:00Z"
    )
    client = Client()
    client.force_login(county.admin)
    client.post(f"/orgs/accounts/{county.town1_officer.pk}/unlock/")
    assert attempt(Client(), "town1", PASSWORD).status_code == 302


@override_settings(LOGIN_THROTTLE_PER_ADDRESS=4)
def test_it_throttles_an_address_trying_many_usernames(county):
    client = Client()
    for name in ["a", "b", "c", "d"]:
        attempt(client, name, "wrong", address="10.9.9.9")
    response = attempt(client, "town1", PASSWORD, address="10.9.9.9")
    assert response.status_code == 400
    assert LoginLog.objects.filter(reason="throttled").count() == 1
    assert attempt(Client(), "town1", PASSWORD, address="10.1.1.1").status_code == 302


def test_it_does_not_follow_an_outside_next_url(county):
    response = Client().post(
        "/orgs/login/?next=https://evil.example/", {"username": "town1", "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_it_hashes_passwords_with_argon2_outside_tests():
    from oversight.core.tests.test_settings import settings_value

    assert settings_value("PASSWORD_HASHERS[0]", OVERSIGHT_TESTING="false").endswith(
        "Argon2PasswordHasher"
    )
    assert make_password("x", hasher=Argon2PasswordHasher()).startswith("argon2$")


def test_it_expires_idle_sessions():
    from django.conf import settings

    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 60 * 60
