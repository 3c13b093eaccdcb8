"""The citizens' pages (no login, phone first): a window's page with rating, style report and
complaint; the tracking page; the public board. Views validate and delegate to services."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.core.forms_flow import call_service
from oversight.core.paging import paginate
from oversight.loop import timing

from . import ratelimit, selectors, services
from .forms import (
    AnswerForm,
    CitizenRatingForm,
    ComplaintForm,
    InfoForm,
    RatingForm,
    StyleReportForm,
    TrackForm,
)
from .models import Complaint, PublicMessage
from .web import public_page

TRACK_COOKIE = "opub_track"
TRACK_SALT = "public.track"
TRACK_MINUTES = 30


def _submit_allowed(request) -> bool:
    return ratelimit.allow(
        request,
        "submit",
        per_session=(settings.PUBLIC_SUBMISSIONS_PER_SESSION_HOUR, 3600),
        overall=(settings.PUBLIC_SUBMISSIONS_PER_MINUTE, 60),
    )


def _limited(request):
    if ratelimit.session_key(request) is None:
        return render(request, "public/message.html", {"status": "no_session"}, status=400)
    return render(request, "public/message.html", {"status": "limited"}, status=429)


@public_page
def index(request):
    return render(request, "public/index.html", {})


@public_page
def window(request, token: str):
    point = selectors.point_by_token(token)
    return render(
        request,
        "public/window.html",
        {"point": point, "node": point.org_node, "form": RatingForm()},
    )


@public_page
def rate(request, token: str):
    point = selectors.point_by_token(token)
    form = RatingForm(request.POST or None)
    if request.method == "POST":
        if not _submit_allowed(request):
            return _limited(request)
        if form.is_valid() and call_service(
            form, services.rating_submit, node=point.org_node, **form.cleaned_data
        ):
            return render(request, "public/message.html", {"status": "rated", "point": point})
    status = 400 if form.is_bound else 200
    return render(
        request,
        "public/window.html",
        {"point": point, "node": point.org_node, "form": form},
        status=status,
    )


@public_page
def style_report(request, token: str):
    point = selectors.point_by_token(token)
    form = StyleReportForm(request.POST or None)
    if request.method == "POST":
        if not _submit_allowed(request):
            return _limited(request)
        if form.is_valid() and call_service(
            form, services.style_report_submit, node=point.org_node, **form.cleaned_data
        ):
            return render(request, "public/message.html", {"status": "reported", "point": point})
    return render(
        request,
        "public/style_report.html",
        {"point": point, "form": form},
        status=400 if form.is_bound else 200,
    )


@public_page
def complain(request, token: str | None = None):
    point = selectors.point_by_token(token) if token else None
    if request.method != "POST":
        initial = {"nonce": secrets.token_hex(16)}
        if point is not None:
            initial["subject_node"] = point.org_node.pk
        return render(
            request,
            "public/complain.html",
            {"point": point, "form": ComplaintForm(initial=initial)},
        )
    if not _submit_allowed(request):
        return _limited(request)
    form = ComplaintForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint, code = services.complaint_submit(
                content=data["content"],
                power_item=data["power_item"],
                subject_node=data["subject_node"],
                subject_text=data["subject_text"],
                happened_on=data["happened_on"],
                named=data["named"],
                name=data["name"],
                phone=data["phone"],
                contact=data["contact"],
                files=data["files"],
                point=point.org_node if point else None,
                channel=Complaint.Channel.WINDOW if point else Complaint.Channel.WEB,
                submission_key=data["nonce"],
            )
        except services.DuplicateSubmission:
            return render(request, "public/message.html", {"status": "duplicate"}, status=409)
        except ValidationError as exc:
            call_service(form, _raise, exc=exc)
        else:
            return render(request, "public/code.html", {"complaint": complaint, "code": code})
    return render(request, "public/complain.html", {"point": point, "form": form}, status=400)


def _raise(*, exc):
    raise exc


# --- tracking --------------------------------------------------------------------------------


def _tracked_pk(request) -> int | None:
    """The id of the complaint the visitor's tracking cookie opens, or None."""
    value = request.COOKIES.get(TRACK_COOKIE)
    if not value:
        return None
    try:
        return signing.loads(value, salt=TRACK_SALT, max_age=TRACK_MINUTES * 60)
    except signing.BadSignature:
        return None


def _tracked(request) -> Complaint | None:
    pk = _tracked_pk(request)
    if pk is None:
        return None
    return Complaint.objects.select_related("item", "power_item", "unit").filter(pk=pk).first()


def _remember(response, complaint: Complaint):
    response.set_cookie(
        TRACK_COOKIE,
        signing.dumps(complaint.pk, salt=TRACK_SALT),
        max_age=TRACK_MINUTES * 60,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
        path="/p/track/",
    )
    return response


def _tracking_page(request, page, *, status: int = 200, **forms):
    """Render the tracking page for ``page``, a ``selectors.tracking_page`` answer."""
    complaint, messages = page
    answered = {m.question_id for m in messages if m.kind == PublicMessage.Kind.ANSWER}
    item = complaint.item
    context = {
        "complaint": complaint,
        "item": item,
        "messages": messages,
        "open_questions": [
            m for m in messages if m.kind == PublicMessage.Kind.QUESTION and m.pk not in answered
        ],
        "can_rate": item.state == "replied" and complaint.satisfied is None,
        "info_form": forms.get("info_form") or InfoForm(),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "rating_form": forms.get("rating_form") or CitizenRatingForm(),
    }
    return render(request, "public/track.html", context, status=status)


@public_page
def track(request):
    if request.method == "POST":
        form = TrackForm(request.POST)
        lookups = (settings.PUBLIC_FAILED_LOOKUPS_PER_MINUTE, 60)
        if not ratelimit.failures_allowed("track", lookups) or not ratelimit.allow(
            request,
            "track",
            per_session=(settings.PUBLIC_LOOKUPS_PER_SESSION_10MIN, 600),
            overall=None,
        ):
            return _limited(request)
        if form.is_valid():
            page = selectors.tracking_page(code=form.cleaned_data["code"])
            if page is not None:
                # the page at once, not a redirect to it: one round trip less on a phone's
                # network; public.js turns the history entry into a GET, so a reload does not
                # send the code again
                return _remember(_tracking_page(request, page), page[0])
            ratelimit.count_failure("track", lookups)
            form.add_error("code", _("No complaint has this code. Check it and try again."))
        return render(request, "public/track_form.html", {"form": form}, status=400)
    pk = _tracked_pk(request)
    page = selectors.tracking_page(pk=pk) if pk is not None else None
    if page is None:
        return render(request, "public/track_form.html", {"form": TrackForm()})
    return _tracking_page(request, page)


def _tracked_or_form(request):
    complaint = _tracked(request)
    if complaint is None:
        return None, render(request, "public/track_form.html", {"form": TrackForm()}, status=403)
    return complaint, None


@public_page
@require_POST
def track_info(request):
    complaint, refused = _tracked_or_form(request)
    if refused:
        return refused
    if not _submit_allowed(request):
        return _limited(request)
    form = InfoForm(request.POST, request.FILES)
    if form.is_valid() and call_service(
        form, services.citizen_add_info, complaint=complaint, **form.cleaned_data
    ):
        return _remember(redirect("public:track"), complaint)
    return _tracking_page(
        request, selectors.tracking_page(pk=complaint.pk), status=400, info_form=form
    )


@public_page
@require_POST
def track_answer(request, question: int):
    complaint, refused = _tracked_or_form(request)
    if refused:
        return refused
    if not _submit_allowed(request):
        return _limited(request)
    asked = get_object_or_404(
        PublicMessage, pk=question, complaint=complaint, kind=PublicMessage.Kind.QUESTION
    )
    form = AnswerForm(request.POST)
    if form.is_valid() and call_service(
        form, services.citizen_answer, complaint=complaint, question=asked, **form.cleaned_data
    ):
        return _remember(redirect("public:track"), complaint)
    return _tracking_page(
        request, selectors.tracking_page(pk=complaint.pk), status=400, answer_form=form
    )


@public_page
@require_POST
def track_rate(request):
    complaint, refused = _tracked_or_form(request)
    if refused:
        return refused
    form = CitizenRatingForm(request.POST)
    if form.is_valid() and call_service(
        form, services.citizen_rate, complaint=complaint, **form.cleaned_data
    ):
        return _remember(redirect("public:track"), complaint)
    return _tracking_page(
        request, selectors.tracking_page(pk=complaint.pk), status=400, rating_form=form
    )


@public_page
@require_POST
def track_leave(request):
    response = redirect("public:index")
    response.delete_cookie(TRACK_COOKIE, path="/p/track/")
    return response


# --- the public board ------------------------------------------------------------------------


@public_page
def board(request):
    return render(
        request,
        "public/board.html",
        {
            "categories": selectors.published_categories(),
            "default_days": settings.PUBLIC_HANDLE_DAYS,
        },
    )


@public_page
def board_replies(request):
    page = paginate(request, selectors.published_replies(), 20)
    return render(
        request,
        "public/board_replies.html",
        {"page": page, "replies": selectors.with_receipts(page)},
    )


@public_page
def board_figures(request):
    since = timing.today().replace(day=1) - timedelta(days=335)
    return render(
        request,
        "public/board_figures.html",
        {
            "figures": selectors.board_figures(since=since.replace(day=1)),
            "since": since.replace(day=1),
        },
    )
