"""Bad submissions are answered with a page that says what went wrong, in the citizen's
language: too many evidence files, and a complaint whose one-time key is missing."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.conftest import client_for
from oversight.public.models import Complaint

from .conftest import citizen
from .test_public_pages import _complaint_form


def test_it_names_the_limit_when_too_many_files_are_sent(pc, settings):
    client = citizen()
    nonce = _complaint_form(client)
    files = [SimpleUploadedFile(f"p{n}.jpg", b"x", "image/jpeg") for n in range(11)]
    response = client.post(
        "/p/complain/", {"content": "A fee.", "named": "0", "nonce": nonce, "files": files}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bad Request (400)" not in page
    assert f"最多只能同时发送 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个文件" in page
    assert not Complaint.objects.exists()


def test_it_says_so_when_staff_send_too_many_evidence_files(loop_county, open_task):
    task = open_task()
    files = [SimpleUploadedFile(f"p{n}.png", b"x", "image/png") for n in range(11)]
    response = client_for(loop_county.town1_officer).post(
        f"/work/items/{task.pk}/do/submit/", {"comment": "done", "files": files}
    )
    assert response.status_code == 400
    assert "最多只能同时发送" in response.content.decode()


def test_it_asks_to_send_again_a_complaint_without_its_key(pc):
    client = citizen()
    _complaint_form(client)
    response = client.post("/p/complain/", {"content": "A fee was asked.", "named": "0"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "表单提交不完整" in page
    assert response.context["form"].errors.as_data()["__all__"][0].code == "nonce"
    fresh = re.search(r'name="nonce" value="([0-9a-f]+)"', page)
    assert fresh, "the page gives a fresh key"
    again = client.post(
        "/p/complain/",
        {"content": "A fee was asked.", "named": "0", "nonce": fresh.group(1)},
    )
    assert again.status_code == 200 and Complaint.objects.count() == 1
