"""The citizens' pages through the client: a window's page, rating, style report, complaint
with a photo, the code shown once, tracking, answering, rating the result; headers; limits."""

import re

import pytest

from oversight.loop import services as loop
from oversight.public import ratelimit
from oversight.public.models import Complaint, PublicMessage, Rating, StyleReport

from .conftest import citizen, file_complaint

pytestmark = pytest.mark.django_db

JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xe1\x00\x16Exif\x00\x00GPS-SECRET-PLACE"
    + b"\xff\xda\x00\x08"
    + b"\x00" * 40
    + b"\xff\xd9"
)


def _complaint_form(client, url="/p/complain/"):
    page = client.get(url)
    nonce = re.search(r'name="nonce" value="([0-9a-f]+)"', page.content.decode()).group(1)
    return nonce


def _post_complaint(client, pc, url="/p/complain/", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    nonce = _complaint_form(client, url)
    data = {
        "power_item": pc.item_town.pk,
        "subject_node": pc.village1a.pk,
        "content": "A fee was asked.",
        "named": "0",
        "nonce": nonce,
        "files": [SimpleUploadedFile("photo.jpg", JPEG, "image/jpeg")],
    }
    data.update(extra)
    return client.post(url, data)


def test_it_shows_a_window_page_and_takes_a_rating(pc):
    client = citizen()
    page = client.get(f"/p/w/{pc.point.token}/")
    assert page.status_code == 200 and b"Window A2" in page.content
    answer = client.post(
        f"/p/w/{pc.point.token}/rate/",
        {"score": "4", "tags": ["attitude", "efficiency"], "comment": "Quick."},
    )
    assert answer.status_code == 200 and b'data-status="rated"' in answer.content
    rating = Rating.objects.get()
    assert (
        rating.node == pc.window_a2
        and rating.score == 4
        and rating.tags == ["attitude", "efficiency"]
    )
    assert client.post(f"/p/w/{pc.point.token}/rate/", {"score": "9"}).status_code == 400
    assert client.get("/p/w/unknown/").status_code == 404


def test_it_takes_a_style_report(pc):
    client = citizen()
    answer = client.post(
        f"/p/w/{pc.point.token}/style/", {"kinds": ["favours"], "text": "Asked for cigarettes."}
    )
    assert b'data-status="reported"' in answer.content
    assert StyleReport.objects.get().node == pc.window_a2


def test_it_files_a_complaint_with_a_photo_and_shows_the_code_once(pc):
    client = citizen()
    answer = _post_complaint(client, pc, url=f"/p/w/{pc.point.token}/complain/")
    assert answer.status_code == 200
    code = re.search(r'data-testid="tracking-code">([^<]+)<', answer.content.decode()).group(1)
    complaint = Complaint.objects.get()
    assert complaint.point == pc.window_a2 and complaint.channel == "window"
    assert code not in str(list(Complaint.objects.values_list()))
    attachment = complaint.item.attachments.get()
    stored = attachment.file.read()
    assert stored.startswith(b"\xff\xd8\xff") and b"GPS-SECRET-PLACE" not in stored  # EXIF removed
    from oversight.ledger.verify import verify_ledger

    assert verify_ledger().ok  # the photo is in the item's traced state, not an edit behind it


def test_it_refuses_a_second_sending_of_the_same_form(pc):
    client = citizen()
    nonce = _complaint_form(client)
    data = {"power_item": pc.item_town.pk, "content": "A fee.", "named": "0", "nonce": nonce}
    assert client.post("/p/complain/", data).status_code == 200
    assert client.post("/p/complain/", data).status_code == 409
    assert Complaint.objects.count() == 1


def test_it_rejects_a_renamed_program_as_an_attachment(pc):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = citizen()
    program = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg")
    answer = _post_complaint(client, pc, files=[program])
    assert answer.status_code == 400 and Complaint.objects.count() == 0
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00" + b"\x00" * 200, "application/octet-stream")
    assert _post_complaint(client, pc, files=[exe]).status_code == 400
    assert Complaint.objects.count() == 0


def test_it_shows_a_script_in_the_complaint_as_text(pc):
    client = citizen()
    script = "<script>alert('x')</script>"
    answer = _post_complaint(client, pc, content=script)
    code = re.search(r'data-testid="tracking-code">([^<]+)<', answer.content.decode()).group(1)
    client.post("/p/track/", {"code": code})
    complaint = Complaint.objects.get()
    loop.item_transition(item=complaint.item, name="accept", actor=pc.intake)
    from oversight.conftest import client_for

    staff_page = client_for(pc.intake).get(f"/public-channel/complaints/{complaint.item_id}/")
    assert script.encode() not in staff_page.content
    assert b"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in staff_page.content


def test_it_requires_name_and_phone_for_a_named_complaint(pc):
    client = citizen()
    answer = _post_complaint(client, pc, named="1", name="", phone="")
    assert answer.status_code == 400 and Complaint.objects.count() == 0


def test_it_tracks_with_the_code_answers_adds_information_and_rates(pc):
    complaint, code = file_complaint(pc)
    client = citizen()
    assert client.post("/p/track/", {"code": "0000-0000-0000-0000"}).status_code == 400
    found = client.post("/p/track/", {"code": code.lower().replace("-", " ")})
    assert found.status_code == 200 and b'data-state="received"' in found.content  # at once
    page = client.get("/p/track/")  # a reload: the cookie, not the code
    assert b'data-state="received"' in page.content and complaint.reference.encode() in page.content
    loop.item_transition(item=complaint.item, name="accept", actor=pc.intake)
    loop.item_transition(item=complaint.item, name="route", actor=pc.intake)
    from oversight.public import services

    question = services.complaint_ask(
        complaint=complaint, actor=pc.town1_officer, text="Which day was it?"
    )
    page = client.get("/p/track/")
    assert b"Which day was it?" in page.content
    assert client.post(f"/p/track/answer/{question.pk}/", {"text": "Monday."}).status_code == 302
    assert client.post("/p/track/info/", {"text": "The clerk's desk is no. 3."}).status_code == 302
    kinds = set(complaint.messages.filter(from_citizen=True).values_list("kind", flat=True))
    assert kinds == {PublicMessage.Kind.ANSWER, PublicMessage.Kind.INFO}
    loop.item_transition(
        item=complaint.item, name="handle", actor=pc.town1_officer, comment="Done."
    )
    loop.item_transition(
        item=complaint.item, name="draft", actor=pc.town1_officer, comment="The fee is refunded."
    )
    loop.item_transition(item=complaint.item, name="approve", actor=pc.intake)
    page = client.get("/p/track/")
    assert b"The fee is refunded." in page.content and b'data-testid="rate-form"' in page.content
    assert client.post("/p/track/rate/", {"satisfied": "0", "reason": ""}).status_code == 400
    assert client.post("/p/track/rate/", {"satisfied": "1"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.satisfied is True and complaint.item.state == "evaluated"
    other = citizen()
    assert other.get("/p/track/").content.count(b'name="code"') == 1  # no cookie: only the form
    assert other.post("/p/track/rate/", {"satisfied": "1"}).status_code == 403


def test_a_lookup_and_the_tracking_page_read_a_fixed_few_rows(pc, django_assert_num_queries):
    """The busiest public requests: the lookup and the tracking page read the complaint with
    only what the page shows, and its messages; never a field they did not ask for."""
    complaint, code = file_complaint(pc)
    from oversight.public import services

    services.complaint_ask(complaint=complaint, actor=pc.intake, text="Which window?")
    client = citizen()
    with django_assert_num_queries(2):  # the complaint by its code's hash, its messages
        found = client.post("/p/track/", {"code": code})
    with django_assert_num_queries(2):
        page = client.get("/p/track/")
    for answer in (found, page):
        assert answer.status_code == 200 and b"Which window?" in answer.content
        assert complaint.power_item.name.encode() in answer.content


def test_it_sets_privacy_headers_on_every_public_page(pc):
    complaint, code = file_complaint(pc)
    client = citizen()
    for url in [
        "/p/",
        f"/p/w/{pc.point.token}/",
        "/p/complain/",
        "/p/track/",
        "/p/board/",
        "/p/board/replies/",
        "/p/board/figures/",
        "/p/w/nope/",
    ]:
        response = client.get(url)
        assert response["Cache-Control"] == "no-store", url
        assert response["Referrer-Policy"] == "no-referrer", url
        csp = response["Content-Security-Policy"]
        assert (
            "default-src 'none'" in csp
            and "frame-ancestors 'none'" in csp
            and "unsafe-inline" not in csp
        )
    assert client.post("/p/track/", {"code": code})["Cache-Control"] == "no-store"
    assert client.get("/open311/v2/services.json")["Referrer-Policy"] == "no-referrer"


def test_it_never_lets_a_signed_in_account_touch_a_public_page(pc):
    from oversight.conftest import client_for
    from oversight.orgs.models import OperationLog

    client = client_for(pc.town1_officer)
    client.get("/p/")
    nonce = _complaint_form(client)
    client.post("/p/complain/", {"content": "As a citizen.", "named": "0", "nonce": nonce})
    assert Complaint.objects.get().item.created_by is None
    assert not OperationLog.objects.filter(url__startswith="/p/").exists()


def test_it_limits_submissions_per_session(pc, settings):
    settings.PUBLIC_SUBMISSIONS_PER_SESSION_HOUR = 2
    client = citizen()
    url = f"/p/w/{pc.point.token}/rate/"
    assert client.post(url, {"score": "5"}).status_code == 200
    assert client.post(url, {"score": "5"}).status_code == 200
    assert client.post(url, {"score": "5"}).status_code == 429
    assert citizen().post(url, {"score": "5"}).status_code == 200  # another phone is not affected
    assert Rating.objects.count() == 3
    from django.test import Client

    assert (
        Client().post(url, {"score": "5"}).status_code == 400
    )  # no session cookie: open the page first


def test_it_limits_submissions_over_the_whole_site(pc, settings):
    settings.PUBLIC_SUBMISSIONS_PER_MINUTE = 3
    url = f"/p/w/{pc.point.token}/rate/"
    statuses = [citizen().post(url, {"score": "5"}).status_code for _ in range(5)]
    assert statuses.count(200) == 3 and statuses.count(429) == 2


def test_it_throttles_guessed_codes(pc, settings):
    settings.PUBLIC_LOOKUPS_PER_SESSION_10MIN = 5
    complaint, code = file_complaint(pc)
    client = citizen()
    statuses = [
        client.post("/p/track/", {"code": f"AAAA-BBBB-CCCC-{n:04d}"}).status_code for n in range(6)
    ]
    assert statuses == [400] * 5 + [429]
    assert (
        client.post("/p/track/", {"code": code}).status_code == 429
    )  # even the right code, for a while
    settings.PUBLIC_FAILED_LOOKUPS_PER_MINUTE = 8
    guesses = [
        citizen().post("/p/track/", {"code": f"AAAA-BBBB-DDDD-{n:04d}"}).status_code
        for n in range(6)
    ]
    assert guesses.count(429) >= 2  # the whole site stops answering guesses
    assert ratelimit.failures_allowed("track", (8, 60)) is False


def test_it_caps_the_size_of_a_post_before_reading_it(pc, settings):
    settings.PUBLIC_UPLOAD_MAX_FILES = 1
    settings.PUBLIC_UPLOAD_MAX_MB = 1
    settings.PUBLIC_VIDEO_MAX_MB = 1
    client = citizen()
    response = client.generic(
        "POST", "/p/complain/", b"x" * (3 * 1024 * 1024), content_type="application/octet-stream"
    )
    assert response.status_code == 413


def test_it_shows_the_board_with_published_items_and_replies_only(pc):
    complaint, _code = file_complaint(pc)
    loop.item_transition(item=complaint.item, name="accept", actor=pc.intake)
    loop.item_transition(item=complaint.item, name="route", actor=pc.intake)
    loop.item_transition(item=complaint.item, name="handle", actor=pc.town1_officer, comment="x")
    loop.item_transition(
        item=complaint.item,
        name="draft",
        actor=pc.town1_officer,
        comment="Refunded; Li Si 13900001111.",
    )
    loop.item_transition(
        item=complaint.item,
        name="approve",
        actor=pc.intake,
        data={"publish": True, "public_text": "Refunded."},
    )
    hidden, _code = file_complaint(pc, content="Secret content")
    client = citizen()
    board = client.get("/p/board/").content.decode()
    assert "Subsidy distribution" in board and "Hidden" not in board
    replies = client.get("/p/board/replies/").content.decode()
    assert (
        "Refunded." in replies and "13900001111" not in replies and "Secret content" not in replies
    )
    figures = client.get("/p/board/figures/").content.decode()
    assert 'data-group="category"' in figures and "Village affairs" in figures
