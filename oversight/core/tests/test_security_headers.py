"""Staff pages carry a Content-Security-Policy and are never cached; public pages keep their own
stricter policy; in a real browser the staff pages run under the policy without a violation."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from oversight.conftest import PASSWORD, client_for


def test_it_sends_the_policy_and_no_store_on_staff_pages(loop_county):
    client = client_for(loop_county.admin)
    for path in ["/", "/orgs/nodes/", "/orgs/people/export.xlsx", "/work/items/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "script-src 'self';" in response["Content-Security-Policy"], path
        assert "no-store" in response["Cache-Control"], path
    login = Client().get("/orgs/login/")
    assert "no-store" in login["Cache-Control"] and login["Content-Security-Policy"]


def test_it_leaves_the_public_pages_their_own_policy(db):
    response = Client().get("/p/")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.browser
def test_it_runs_the_staff_pages_under_the_policy(loop_county, open_task, live_server, page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    open_task()
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page.locator("h1")).to_contain_text("欢迎")
    for path in ["/", "/orgs/nodes/", "/work/items/", "/matters/", "/documents/"]:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("typeof window.htmx") == "object", path  # HTMX loaded and ran
    page.set_viewport_size({"width": 375, "height": 740})
    page.click("[data-nav-toggle]")  # the frame's own script
    expect(page.locator("#nav")).to_be_visible()
    assert not violations, violations


def test_no_template_has_an_inline_script_or_handler():
    """The policy refuses them: a template that needs behaviour loads a static script."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for template in templates.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(
            r"\son[a-z]+\s*=\s*[\"']", text
        ):
            offenders.append(str(template.relative_to(templates)))
    assert not offenders, offenders


def test_it_makes_every_cookie_secure_over_https(county, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    form = {"username": "town1", "password": PASSWORD}
    plain = Client().post("/orgs/login/", form)
    assert not plain.cookies["sessionid"]["secure"]
    proxied = Client().post("/orgs/login/", form, HTTP_X_FORWARDED_PROTO="https")
    assert proxied.cookies["sessionid"]["secure"]
    direct = Client().post("/orgs/login/", form, secure=True)
    assert direct.cookies["sessionid"]["secure"]
    public = Client().get("/p/", secure=True)
    assert public.cookies and all(morsel["secure"] for morsel in public.cookies.values())


def test_it_reads_the_proxy_header_from_the_environment():
    from oversight.core.env import ConfigurationError
    from oversight.core.tests.test_settings import settings_value

    assert settings_value(
        "SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"
    ) == str(("HTTP_X_FORWARDED_PROTO", "https"))
    assert settings_value(
        "SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="X-Scheme=HTTPS"
    ) == str(("HTTP_X_SCHEME", "HTTPS"))
    with pytest.raises(ConfigurationError, match="SECURE_PROXY_SSL_HEADER"):
        settings_value("SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="X Forwarded")
