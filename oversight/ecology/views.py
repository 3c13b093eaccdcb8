"""Pages of political-ecology evaluation: indicator systems (the commission's data)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import paginate
from oversight.orgs.access import has_perm, require_perm

from . import letters, rounds, selectors, services, surveys
from .forms import (
    CopyForm,
    IndicatorForm,
    RatingForm,
    RoundForm,
    SurveyOpenForm,
    SystemForm,
    VoteForm,
)


@require_perm("ecology:system:view")
def system_list(request, form=None):
    can_edit = has_perm(request.user, "ecology:system:edit")
    context = {
        "page": paginate(request, selectors.system_list(viewer=request.user)),
        "form": form or (SystemForm(viewer=request.user) if can_edit else None),
    }
    return (
        render_form(request, "ecology/system_list.html", context, form)
        if form
        else render(request, "ecology/system_list.html", context)
    )


@require_perm("ecology:system:edit")
@require_POST
def system_create(request):
    form = SystemForm(request.POST, viewer=request.user)
    if form.is_valid():
        system = call_service(form, services.system_create, actor=request.user, **form.cleaned_data)
        if system:
            request.operation_target = system
            messages.success(request, _("The system was created. Now add its indicators."))
            return redirect("ecology:system_detail", pk=system.pk)
    return system_list(request, form=form)


@require_perm("ecology:system:view")
def system_detail(request, pk: int, indicator_form=None, copy_form=None):
    system = selectors.system_get(viewer=request.user, pk=pk)
    context = {
        "system": system,
        "rows": selectors.flat_tree(system=system),
        "problems": selectors.weight_problems(system=system),
        "in_use": services.system_in_use(system),
        "indicator_form": indicator_form or IndicatorForm(system=system),
        "copy_form": copy_form or CopyForm(initial={"year": system.year + 1}),
    }
    failed = indicator_form is not None or copy_form is not None
    return render(request, "ecology/system_detail.html", context, status=400 if failed else 200)


@require_perm("ecology:system:edit")
@require_POST
def indicator_add(request, pk: int):
    system = selectors.system_get(viewer=request.user, pk=pk)
    request.operation_target = system
    form = IndicatorForm(request.POST, system=system)
    if form.is_valid():
        done = call_service(
            form, services.indicator_add, actor=request.user, system=system, **form.service_kwargs()
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("ecology:system_detail", pk=pk)
    return system_detail(request, pk, indicator_form=form)


@require_perm("ecology:system:edit")
@require_POST
def indicator_delete(request, pk: int):
    indicator = selectors.indicator_get(viewer=request.user, pk=pk)
    request.operation_target = indicator
    try:
        services.indicator_delete(actor=request.user, indicator=indicator)
        messages.success(request, _("The indicator and those under it were removed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("ecology:system_detail", pk=indicator.system_id)


@require_perm("ecology:system:edit")
@require_POST
def system_copy(request, pk: int):
    system = selectors.system_get(viewer=request.user, pk=pk)
    request.operation_target = system
    form = CopyForm(request.POST)
    if form.is_valid():
        copy = call_service(
            form, services.system_copy, actor=request.user, system=system, **form.cleaned_data
        )
        if copy is not None:
            messages.success(request, _("The system was copied to %(year)d.") % {"year": copy.year})
            return redirect("ecology:system_detail", pk=copy.pk)
    return system_detail(request, pk, copy_form=form)


# --- rounds and portraits ---------------------------------------------------------------------


@require_perm("ecology:system:view")
def round_list(request, form=None):
    can_run = has_perm(request.user, "ecology:round:run")
    context = {
        "page": paginate(request, selectors.round_list(viewer=request.user)),
        "form": form or (RoundForm(viewer=request.user) if can_run else None),
        "mine": selectors.portrait_list(viewer=request.user).filter(
            round__published=True, round__state="frozen"
        )[:50],
    }
    if form is not None:
        return render_form(request, "ecology/round_list.html", context, form)
    return render(request, "ecology/round_list.html", context)


@require_perm("ecology:round:run")
@require_POST
def round_create(request):
    form = RoundForm(request.POST, viewer=request.user)
    if form.is_valid():
        round_ = call_service(form, rounds.round_create, actor=request.user, **form.cleaned_data)
        if round_:
            request.operation_target = round_
            messages.success(
                request, _("The round was opened. Rate its manual indicators, then compute it.")
            )
            return redirect("ecology:round_detail", pk=round_.pk)
    return round_list(request, form=form)


@require_perm("ecology:system:view")
def round_detail(request, pk: int, rating_form=None, survey_form=None):
    round_ = selectors.round_get(viewer=request.user, pk=pk)
    context = {
        "survey_form": survey_form or SurveyOpenForm(round_=round_),
        "rates": surveys.response_rates(round_),
        "aspects": surveys.aspects(round_),
        "round": round_,
        "portraits": selectors.portrait_list(viewer=request.user, round_=round_),
        "rating_form": rating_form or RatingForm(round_=round_),
        "ratings": round_.ratings.select_related("indicator", "node", "person", "rater")[:200],
    }
    failed = rating_form is not None or survey_form is not None
    return render(request, "ecology/round_detail.html", context, status=400 if failed else 200)


@require_perm("ecology:rating:enter")
@require_POST
def rating_save(request, pk: int):
    round_ = selectors.round_get(viewer=request.user, pk=pk)
    request.operation_target = round_
    form = RatingForm(request.POST, round_=round_)
    if form.is_valid():
        done = call_service(
            form, rounds.rating_save, actor=request.user, round_=round_, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("ecology:round_detail", pk=pk)
    return round_detail(request, pk, rating_form=form)


def _round_step(request, pk: int, service, done_message, **kwargs):
    round_ = selectors.round_get(viewer=request.user, pk=pk)
    request.operation_target = round_
    try:
        service(actor=request.user, round_=round_, **kwargs)
        messages.success(request, done_message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("ecology:round_detail", pk=pk)


@require_perm("ecology:round:run")
@require_POST
def round_compute(request, pk: int):
    return _round_step(request, pk, rounds.round_compute, _("The portraits were computed."))


@require_perm("ecology:round:run")
@require_POST
def round_freeze(request, pk: int):
    return _round_step(request, pk, rounds.round_freeze, _("The round is frozen."))


@require_perm("ecology:round:run")
@require_POST
def round_publish(request, pk: int):
    published = request.POST.get("published") == "1"
    message = (
        _("Each unit now sees its own portrait.")
        if published
        else _("The portraits are no longer shown to the units.")
    )
    return _round_step(request, pk, rounds.round_publish, message, published=published)


@require_perm("ecology:system:view")
def portrait_detail(request, pk: int):
    portrait = selectors.portrait_get(viewer=request.user, pk=pk)
    radar = selectors.radar(portrait=portrait)
    context = {
        "portrait": portrait,
        "round": portrait.round,
        "radar": radar,
        "trend": selectors.trend(portrait=portrait),
        "period": portrait.round.system.year,
        "whole_round": selectors.sees_round(viewer=request.user, round_=portrait.round),
        "below_line": letters.below_line(portrait),
        "documents": portrait.documents.select_related("draft__item", "draft__document"),
    }
    return render(request, "ecology/portrait_detail.html", context)


# --- democratic evaluation ---------------------------------------------------------------------


@require_perm("ecology:round:run")
@require_POST
def survey_open(request, pk: int):
    round_ = selectors.round_get(viewer=request.user, pk=pk)
    request.operation_target = round_
    form = SurveyOpenForm(request.POST, round_=round_)
    if form.is_valid():
        done = call_service(
            form, surveys.survey_open, actor=request.user, round_=round_, **form.cleaned_data
        )
        if done is not None:
            survey, tokens = done
            sheet = [
                {"token": t, "url": _vote_url(request, t), "qr": _qr_svg(_vote_url(request, t))}
                for t in tokens
            ]
            context = {"survey": survey, "round": round_, "sheet": sheet}
            return render(request, "ecology/survey_tokens.html", context)
    return round_detail(request, pk, survey_form=form)


def _vote_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("ecology:vote") + "?" + urlencode({"t": token}))


def _qr_svg(url: str) -> str:
    return segno.make_qr(url, error="m").svg_inline(scale=3)


def _anonymous(view):
    """A voter's page never sees who is signed in (a member of staff votes as anyone)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.user = AnonymousUser()
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


@_anonymous
def vote(request):
    if request.method == "POST":
        token = request.POST.get("token", "")
        survey = surveys.survey_for_token(token)
        if survey is None:
            return render(request, "ecology/vote.html", {"refused": True}, status=400)
        form = VoteForm(request.POST, aspects=surveys.aspects(survey.round))
        if form.is_valid():
            done = call_service(form, surveys.vote, token=token, answers=form.answers())
            if done is not None:
                return render(request, "ecology/vote.html", {"thanks": True})
        return render(request, "ecology/vote.html", {"form": form, "survey": survey}, status=400)
    token = request.GET.get("t", "")
    survey = surveys.survey_for_token(token)
    if survey is None:
        return render(request, "ecology/vote.html", {"refused": True}, status=404)
    form = VoteForm(initial={"token": token}, aspects=surveys.aspects(survey.round))
    return render(request, "ecology/vote.html", {"form": form, "survey": survey})


@require_perm("ecology:round:run")
@require_POST
def portrait_documents(request, pk: int):
    portrait = selectors.portrait_get(viewer=request.user, pk=pk)
    if not selectors.sees_round(viewer=request.user, round_=portrait.round):
        raise Http404
    request.operation_target = portrait
    try:
        made = letters.portrait_documents(actor=request.user, portrait=portrait)
        messages.success(
            request,
            _("%(count)d drafts were made: edit them, then have them reviewed and signed.")
            % {"count": len(made)},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("ecology:portrait_detail", pk=pk)
