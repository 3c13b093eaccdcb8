"""Open311 GeoReport v2 at /open311/v2/: the small-power items as services, their definitions,
requests posted by registered partner apps (with an API key), and the published requests.

Only what the public may see leaves: a request is listed only once its reply is published
(description and status notes are the anonymised published text); a partner, with its key,
may also read the status of the requests it posted. Errors follow the standard: a list of
``{code, description}`` (``<errors><error>`` in XML).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from oversight.lib.crypto import random_token
from oversight.orgs.models import OrgNode

from . import ratelimit, selectors, services
from .models import Complaint, PowerItem
from .services._common import complaint_recorded
from .web import privacy_headers

FORMATS = ("json", "xml")
MAX_RESULTS = 1000


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code, self.description = code, description


def _xml(root: str, child: str, rows: list[dict]) -> bytes:
    top = Element(root)
    for row in rows:
        node = SubElement(top, child)
        _fill(node, row)
    return b'<?xml version="1.0" encoding="utf-8"?>' + tostring(top, encoding="utf-8")


def _fill(node: Element, row: dict) -> None:
    for key, value in row.items():
        if isinstance(value, list):
            holder = SubElement(node, key)
            singular = {"attributes": "attribute", "values": "value"}.get(key, key.rstrip("s"))
            for entry in value:
                _fill(SubElement(holder, singular), entry)
        elif isinstance(value, dict):
            _fill(SubElement(node, key), value)
        else:
            SubElement(node, key).text = (
                ""
                if value is None
                else (("true" if value else "false") if isinstance(value, bool) else str(value))
            )


def _respond(fmt: str, payload, *, root: str = "", child: str = "", status: int = 200):
    if fmt == "xml":
        if isinstance(payload, dict):
            body = b'<?xml version="1.0" encoding="utf-8"?>' + tostring(
                _element(root, payload), encoding="utf-8"
            )
        else:
            body = _xml(root, child, payload)
        response = HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    else:
        response = JsonResponse(
            payload, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
        )
    return privacy_headers(response)


def _element(root: str, row: dict) -> Element:
    node = Element(root)
    _fill(node, row)
    return node


def _error(fmt: str, code: int, description: str):
    return _respond(
        fmt if fmt in FORMATS else "json",
        [{"code": code, "description": description}],
        root="errors",
        child="error",
        status=code,
    )


def endpoint(view):
    def wrapper(request, *args, fmt: str, **kwargs):
        if fmt not in FORMATS:
            return _error("json", 404, "format must be json or xml")
        ours = settings.OPEN311_JURISDICTION_ID
        named = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or ""
        if ours and named.strip() and named.strip() != ours:
            return _error(fmt, 404, f"jurisdiction_id {named.strip()[:64]} not found")
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc.code, exc.description)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


def _service(item: PowerItem) -> dict:
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": item.description or item.name,
        "metadata": True,
        "type": "realtime",
        "keywords": item.category.name,
        "group": item.category.name,
    }


@endpoint
def services_list(request, *, fmt: str):
    """GET services: every published small-power item."""
    if request.method != "GET":
        raise Open311Error(405, "method not allowed")
    return _respond(
        fmt, [_service(i) for i in selectors.published_items()], root="services", child="service"
    )


def _subject_values() -> list[dict]:
    nodes = OrgNode.objects.filter(
        is_active=True, type__in=[OrgNode.Type.UNIT, OrgNode.Type.TOWN, OrgNode.Type.VILLAGE]
    ).order_by("path")
    return [{"key": n.code, "name": n.name} for n in nodes]


@endpoint
def service_definition(request, code: str, *, fmt: str):
    """GET services/{code}: the attributes a request of this service may carry."""
    if request.method != "GET":
        raise Open311Error(405, "method not allowed")
    item = selectors.published_items().filter(code=code).first()
    if item is None:
        raise Open311Error(404, f"service_code {code} not found")
    attributes = [
        {
            "variable": True,
            "code": "unit",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": 1,
            "description": "Unit, town or village concerned",
            "values": _subject_values(),
        },
        {
            "variable": True,
            "code": "concerned",
            "datatype": "string",
            "required": False,
            "datatype_description": "At most 200 characters",
            "order": 2,
            "description": "Person or office concerned",
        },
        {
            "variable": True,
            "code": "happened_on",
            "datatype": "datetime",
            "required": False,
            "datatype_description": "ISO 8601 date",
            "order": 3,
            "description": "When it happened",
        },
    ]
    return _respond(
        fmt, {"service_code": item.code, "attributes": attributes}, root="service_definition"
    )


def _iso(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = timezone.make_aware(datetime.combine(value, time(0, 0)))
    return timezone.localtime(value).isoformat(timespec="seconds")


def _request_row(complaint: Complaint, *, full: bool) -> dict:
    item = complaint.item
    published = complaint.published and complaint.replied_at is not None
    return {
        "service_request_id": complaint.reference,
        "status": "closed"
        if item.closed_at is not None or complaint.replied_at is not None
        else "open",
        "status_notes": complaint.public_text if published else "",
        "service_name": complaint.power_item.name if complaint.power_item else "",
        "service_code": complaint.power_item.code if complaint.power_item else "",
        "description": complaint.public_text if published and full else "",
        "agency_responsible": complaint.unit.name if complaint.unit else "",
        "service_notice": "",
        "requested_datetime": _iso(complaint.created_at),
        "updated_datetime": _iso(complaint.replied_at or item.updated_at),
        "expected_datetime": _iso(complaint.reply_deadline),
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": "",
        "long": "",
        "media_url": "",
    }


def _partner(request):
    key = request.POST.get("api_key") or request.GET.get("api_key") or ""
    return services.partner_by_key(key) if key else None


def _date_param(request, name: str):
    value = request.GET.get(name)
    if not value:
        return None
    try:
        # A well-formed but impossible value (2026-02-30, month 13, hour 25, year 0) raises
        # ValueError; a value at the calendar's edge overflows when moved to UTC.
        parsed = parse_datetime(value) or (
            parse_date(value) and datetime.combine(parse_date(value), time(0, 0))
        )
        if parsed:
            parsed = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
            parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        parsed = None
    if not parsed:
        raise Open311Error(
            400,
            _("%(name)s must be a valid W3C date or datetime (e.g. 2026-03-01T08:00:00+08:00).")
            % {"name": name},
        )
    return parsed


def _visible(request):
    partner = _partner(request)
    qs = Complaint.objects.select_related("item", "power_item", "unit")
    if partner is not None:
        return qs.filter(published=True, replied_at__isnull=False) | qs.filter(
            partner=partner
        ), partner
    return qs.filter(published=True, replied_at__isnull=False), None


@endpoint
def requests_view(request, *, fmt: str):
    """GET requests (filters: service_request_id, service_code, start_date, end_date, status),
    or POST a request with a partner's api_key."""
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, "method not allowed")
    qs, _partner_used = _visible(request)
    ids = [v.strip() for v in request.GET.get("service_request_id", "").split(",") if v.strip()]
    if ids:
        qs = qs.filter(reference__in=ids[:MAX_RESULTS])
    else:
        codes = [v.strip() for v in request.GET.get("service_code", "").split(",") if v.strip()]
        if codes:
            qs = qs.filter(power_item__code__in=codes)
        start, end = _date_param(request, "start_date"), _date_param(request, "end_date")
        if start and end and start > end:
            raise Open311Error(400, "start_date is after end_date")
        if start is None and end is None:
            start = timezone.now() - timedelta(days=90)
        if start:
            qs = qs.filter(created_at__gte=start)
        if end:
            qs = qs.filter(created_at__lte=end)
        status = request.GET.get("status", "")
        if status not in ("", "open", "closed", "open,closed", "closed,open"):
            raise Open311Error(400, "status must be open or closed")
        if status == "open":
            qs = qs.filter(replied_at__isnull=True, item__closed_at__isnull=True)
        elif status == "closed":
            qs = qs.filter(Q_closed())
    rows = [_request_row(c, full=True) for c in qs.order_by("-created_at", "-pk")[:MAX_RESULTS]]
    return _respond(fmt, rows, root="service_requests", child="request")


def Q_closed():
    from django.db.models import Q

    return Q(replied_at__isnull=False) | Q(item__closed_at__isnull=False)


def _post_request(request, fmt: str):
    partner = _partner(request)
    if partner is None:
        raise Open311Error(403, "api_key missing or not valid")
    if not ratelimit.allow_key(
        partner.key_hash[:32], "open311", (settings.PUBLIC_PARTNER_REQUESTS_PER_MINUTE, 60)
    ):
        raise Open311Error(429, "too many requests for this api_key")
    data = request.POST
    code = (data.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    item = selectors.published_items().filter(code=code).first()
    if item is None:
        raise Open311Error(404, f"service_code {code} not found")
    description = (data.get("description") or "").strip()
    if not description:
        raise Open311Error(400, "description is required")
    lat, lon = data.get("lat"), data.get("long")
    if (lat or lon) and not (lat and lon):
        raise Open311Error(400, "lat and long go together")
    if lat and lon:
        try:
            if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
                raise ValueError
        except ValueError:
            raise Open311Error(400, "lat and long must be WGS-84 decimal degrees") from None
    place = (data.get("address_string") or "").strip()[:200]
    if lat and lon:
        place = f"{place} ({float(lat):.5f}, {float(lon):.5f})".strip()
    unit_code = (data.get("attribute[unit]") or "").strip()
    subject = OrgNode.objects.filter(code=unit_code, is_active=True).first() if unit_code else None
    if unit_code and subject is None:
        raise Open311Error(400, f"attribute[unit] {unit_code} is not a known unit")
    happened = data.get("attribute[happened_on]") or ""
    try:
        happened_on = parse_date(happened[:10]) if happened else None
    except ValueError:
        happened_on = None
    if happened and happened_on is None:
        raise Open311Error(400, "attribute[happened_on] must be an ISO 8601 date")
    media_url = (data.get("media_url") or "").strip()
    if media_url and (
        len(media_url) > 500
        or urlsplit(media_url).scheme not in ("http", "https")
        or not urlsplit(media_url).netloc
    ):
        raise Open311Error(400, "media_url must be an http(s) URL of at most 500 characters")
    name = " ".join(
        p for p in (data.get("first_name", "").strip(), data.get("last_name", "").strip()) if p
    )
    phone = (data.get("phone") or "").strip()
    named = bool(name or phone)
    content = description + (f"\n地点：{place}" if place else "")
    # the partner's photo stays where the partner keeps it: the platform fetches nothing, staff
    # open the link themselves, and it is never shown to the public
    content += f"\n媒体链接：{media_url}" if media_url else ""
    try:
        complaint, tracking_code = services.complaint_submit(
            content=content,
            power_item=item,
            subject_node=subject,
            subject_text=(data.get("attribute[concerned]") or "").strip(),
            happened_on=happened_on,
            named=named,
            name=name,
            phone=phone,
            contact=(data.get("email") or "").strip(),
            channel=Complaint.Channel.PARTNER,
            partner=partner,
        )
    except ValidationError as exc:
        raise Open311Error(400, "; ".join(exc.messages)) from None
    complaint.open311_token = random_token(80).replace("-", "")
    complaint.save(update_fields=["open311_token"])
    complaint_recorded(complaint, actor=None, action="public.complaint.open311_token")
    row = {
        "service_request_id": complaint.reference,
        "token": complaint.open311_token,
        "service_notice": "",
        "account_id": None,
        "tracking_code": tracking_code,
    }
    return _respond(fmt, [row], root="service_requests", child="request", status=201)


@endpoint
def request_detail(request, request_id: str, *, fmt: str):
    """GET requests/{id}: one published request (or one posted by the caller's partner key)."""
    if request.method != "GET":
        raise Open311Error(405, "method not allowed")
    qs, _partner_used = _visible(request)
    complaint = qs.filter(reference=request_id).first()
    if complaint is None:
        raise Open311Error(404, f"service_request_id {request_id} not found")
    return _respond(
        fmt, [_request_row(complaint, full=True)], root="service_requests", child="request"
    )


@endpoint
def token_detail(request, token: str, *, fmt: str):
    """GET tokens/{token}: the request id a POST's token stands for."""
    if request.method != "GET":
        raise Open311Error(405, "method not allowed")
    complaint = Complaint.objects.filter(open311_token=token).first() if token else None
    if complaint is None:
        raise Open311Error(404, f"token {token} not found")
    return _respond(
        fmt,
        [{"service_request_id": complaint.reference, "token": token}],
        root="service_requests",
        child="request",
    )


@endpoint
def discovery(request, *, fmt: str):
    """GET discovery: where this endpoint is and what it speaks."""
    base = settings.PUBLIC_SITE_URL.rstrip("/") + "/open311/v2/"
    return _respond(
        fmt,
        {
            "changeset": "2026-01-01T00:00:00+08:00",
            "contact": "",
            "key_service": "",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-01-01T00:00:00+08:00",
                    "type": "production",
                    "formats": [{"format": "application/json"}, {"format": "text/xml"}],
                }
            ],
        },
        root="discovery",
    )
