"""Open311 GeoReport v2 in JSON and XML: services, definitions, posting with a partner key,
listing and reading published requests, tokens, and errors in the standard's format."""

import json
from xml.etree import ElementTree

import pytest
from django.test import Client

from oversight.loop import services as loop
from oversight.public import services as public
from oversight.public.models import Complaint

from .conftest import file_complaint

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


@pytest.fixture
def partner(pc):
    partner, key = public.partner_create(name="City mini-program", actor=pc.intake)
    return partner, key


def _xml(response):
    assert response["Content-Type"].startswith("text/xml")
    return ElementTree.fromstring(response.content)


def test_it_lists_services_in_json_and_xml(pc):
    client = Client()
    services = json.loads(client.get("/open311/v2/services.json").content)
    assert {s["service_code"] for s in services} == {"V01", "U01", "V02"}
    assert all(set(s) == SERVICE_FIELDS and s["type"] == "realtime" for s in services)
    root = _xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services" and len(root.findall("service")) == 3
    assert {child.tag for child in root.find("service")} == SERVICE_FIELDS


def test_it_defines_a_service(pc):
    client = Client()
    definition = json.loads(client.get("/open311/v2/services/V01.json").content)
    assert definition["service_code"] == "V01"
    unit = next(a for a in definition["attributes"] if a["code"] == "unit")
    assert (
        unit["datatype"] == "singlevaluelist"
        and {"key": "C-T1", "name": "Town 1"} in unit["values"]
    )
    root = _xml(client.get("/open311/v2/services/V01.xml"))
    assert (
        root.tag == "service_definition"
        and root.find("attributes/attribute/values/value/key") is not None
    )
    missing = client.get("/open311/v2/services/H01.json")
    assert missing.status_code == 404 and json.loads(missing.content)[0]["code"] == 404


def test_it_takes_a_request_from_a_partner_and_gives_the_citizen_a_code(pc, partner):
    _partner, key = partner
    client = Client()
    answer = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "V01",
            "description": "Subsidy withheld.",
            "lat": "36.1",
            "long": "115.6",
            "attribute[unit]": "C-T1-V1",
            "first_name": "小明",
            "last_name": "王",
            "phone": "13911112222",
        },
    )
    assert answer.status_code == 201
    row = json.loads(answer.content)[0]
    complaint = Complaint.objects.get(reference=row["service_request_id"])
    assert complaint.channel == "partner" and complaint.partner == _partner and complaint.named
    assert complaint.subject_node == pc.village1a and "13911112222" not in complaint.phone_enc
    from oversight.public.selectors import tracking_page

    assert tracking_page(code=row["tracking_code"])[0].pk == complaint.pk
    token = json.loads(client.get(f"/open311/v2/tokens/{row['token']}.json").content)[0]
    assert token["service_request_id"] == complaint.reference
    own = json.loads(
        client.get(f"/open311/v2/requests/{complaint.reference}.json?api_key={key}").content
    )[0]
    assert set(own) == REQUEST_FIELDS and own["status"] == "open" and own["description"] == ""
    assert (
        client.get(f"/open311/v2/requests/{complaint.reference}.json").status_code == 404
    )  # not published
    xml = _xml(
        client.post(
            "/open311/v2/requests.xml",
            {"api_key": key, "service_code": "U01", "description": "Licence delayed."},
        )
    )
    assert xml.tag == "service_requests" and xml.find("request/service_request_id").text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_answers_bad_requests_in_the_standard_error_format(pc, partner, fmt):
    _partner, key = partner
    client = Client()
    cases = [
        ({"service_code": "V01", "description": "x"}, 403),
        ({"api_key": "wrong", "service_code": "V01", "description": "x"}, 403),
        ({"api_key": key, "description": "x"}, 400),
        ({"api_key": key, "service_code": "NOPE", "description": "x"}, 404),
        ({"api_key": key, "service_code": "V01"}, 400),
        (
            {"api_key": key, "service_code": "V01", "description": "x", "lat": "91", "long": "1"},
            400,
        ),
        ({"api_key": key, "service_code": "V01", "description": "x", "attribute[unit]": "XX"}, 400),
        (
            {
                "api_key": key,
                "service_code": "V01",
                "description": "x",
                "phone": "123",
                "first_name": "A",
            },
            400,
        ),
    ]
    for data, status in cases:
        response = client.post(f"/open311/v2/requests.{fmt}", data)
        assert response.status_code == status, data
        if fmt == "json":
            body = json.loads(response.content)
            assert body[0]["code"] == status and body[0]["description"]
        else:
            root = _xml(response)
            assert root.tag == "errors" and root.find("error/code").text == str(status)
            assert root.find("error/description").text
    assert client.get("/open311/v2/requests.json?start_date=yesterday").status_code == 400
    assert client.get("/open311/v2/services.csv").status_code == 404
    assert Complaint.objects.count() == 0


def test_it_lists_only_published_requests_with_the_standard_filters(pc):
    published, _code = file_complaint(pc)
    hidden, _code = file_complaint(pc, content="Private matter.")
    for complaint, publish in ((published, True), (hidden, False)):
        loop.item_transition(item=complaint.item, name="accept", actor=pc.intake)
        loop.item_transition(item=complaint.item, name="route", actor=pc.intake)
        loop.item_transition(
            item=complaint.item, name="handle", actor=pc.town1_officer, comment="x"
        )
        loop.item_transition(
            item=complaint.item, name="draft", actor=pc.town1_officer, comment="Refunded."
        )
        loop.item_transition(
            item=complaint.item, name="approve", actor=pc.intake, data={"publish": publish}
        )
    client = Client()
    rows = json.loads(client.get("/open311/v2/requests.json").content)
    assert [r["service_request_id"] for r in rows] == [published.reference]
    assert rows[0]["status"] == "closed" and rows[0]["status_notes"] == "Refunded."
    assert "Private matter." not in json.dumps(rows) and "clerk" not in json.dumps(rows)
    assert json.loads(client.get("/open311/v2/requests.json?status=open").content) == []
    assert len(json.loads(client.get("/open311/v2/requests.json?service_code=U01").content)) == 0
    by_id = json.loads(
        client.get(
            f"/open311/v2/requests.json?service_request_id={published.reference},{hidden.reference}"
        ).content
    )
    assert [r["service_request_id"] for r in by_id] == [published.reference]
    root = _xml(client.get(f"/open311/v2/requests/{published.reference}.xml"))
    assert {child.tag for child in root.find("request")} == REQUEST_FIELDS


def test_it_refuses_a_revoked_key(pc, partner):
    partner_row, key = partner
    public.partner_set_active(partner=partner_row, actor=pc.intake, active=False)
    answer = Client().post(
        "/open311/v2/requests.json", {"api_key": key, "service_code": "V01", "description": "x"}
    )
    assert answer.status_code == 403


def test_it_keeps_a_media_url_for_staff_only_and_checks_the_jurisdiction(pc, partner, settings):
    from oversight.public.services import anonymise

    _partner, key = partner
    client = Client()
    base = {"api_key": key, "service_code": "V01", "description": "Subsidy withheld."}
    bad = client.post("/open311/v2/requests.json", {**base, "media_url": "file:///etc/passwd"})
    assert bad.status_code == 400 and "media_url" in json.loads(bad.content)[0]["description"]
    answer = client.post(
        "/open311/v2/requests.json", {**base, "media_url": "https://img.example.cn/p/1.jpg"}
    )
    assert answer.status_code == 201
    complaint = Complaint.objects.get(reference=json.loads(answer.content)[0]["service_request_id"])
    assert "https://img.example.cn/p/1.jpg" in complaint.content  # for the handler to open
    assert "img.example.cn" not in anonymise(complaint.content)  # never published
    settings.OPEN311_JURISDICTION_ID = "qinghe"
    other = client.get("/open311/v2/services.xml?jurisdiction_id=elsewhere")
    assert other.status_code == 404 and _xml(other).find("error/code").text == "404"
    assert client.get("/open311/v2/services.json?jurisdiction_id=qinghe").status_code == 200
    assert client.get("/open311/v2/services.json").status_code == 200
    refused = client.post("/open311/v2/requests.json", {**base, "jurisdiction_id": "elsewhere"})
    assert refused.status_code == 404 and Complaint.objects.count() == 1


@pytest.mark.parametrize(
    "query",
    [
        "start_date=9999-99-99",
        "end_date=2026-02-30",
        "start_date=2026-13-01",
        "start_date=0000-01-01",
        "start_date=2026-03-01T25:00:00",
        "end_date=0001-01-01T00:00:00%2B14:00",
        "start_date=yesterday",
    ],
)
def test_it_answers_an_impossible_date_with_a_400_naming_the_parameter(pc, query):
    response = Client().get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    error = response.json()[0]
    assert error["code"] == 400
    assert query.split("=")[0] in error["description"]
    assert "W3C" in error["description"]
