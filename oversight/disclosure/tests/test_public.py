"""Sunshine disclosure on the public channel: anyone reads what a village published, by
disclosure; notices waiting to be classified and units the catalogue does not cover are not
shown; no account is needed and the public channel's privacy headers are sent."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from oversight.disclosure import services

pytestmark = pytest.mark.django_db


def test_a_citizen_reads_what_a_village_published(disclosure_county):
    c = disclosure_county
    services.publication_capture(
        actor=c.supervisor, node=c.village1a, title="2026年2月财务公开",
        published_on=date(2026, 3, 1), body="本月收入 3,200元", url="https://example.gov.cn/t1.html",
    )  # fmt: skip
    services.publication_capture(
        actor=c.supervisor, node=c.village1a, title="关于停水的通知", published_on=date(2026, 3, 1)
    )
    client = Client()
    client.cookies["django_language"] = "en"
    index = client.get("/p/disclosure/?q=1a")
    assert "Village 1a" in index.content.decode() and "Village 2a" not in index.content.decode()
    page = client.get(f"/p/disclosure/{c.village1a.code}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert "2026年2月财务公开" in text and "本月收入 3,200元" in text
    assert "关于停水的通知" not in text  # waiting to be classified
    assert "Nothing published yet." in text  # the quarterly notice
    assert client.get(f"/p/disclosure/{c.commission.code}/").status_code == 404
    assert client.get("/p/disclosure/NO-SUCH/").status_code == 404
