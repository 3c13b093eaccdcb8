"""Pages of micro-courses and online tests: the learner's page (tests to take, lessons pushed
to them, courses), a paper with its timer and its result, the question bank's import and a
test's statistics per question."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.excel import read_rows, template_response
from oversight.core.forms_flow import call_service, render_form
from oversight.core.ranged import ranged_file_response
from oversight.core.selectors import dict_labels
from oversight.orgs.access import has_perm, require_perm

from . import learning, selectors
from .models import KNOWLEDGE_DICT, Attempt, Question, RequiredCourse


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class RequireForm(forms.Form):
    """Require a course of a role by a deadline."""

    course = forms.ModelChoiceField(label=_lazy("course"), queryset=None)
    role = forms.ModelChoiceField(label=_lazy("role"), queryset=None)
    deadline = forms.DateField(
        label=_lazy("deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, viewer, **kwargs):
        from oversight.orgs.models import Role

        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.courses_for(viewer=viewer)
        self.fields["role"].queryset = Role.objects.order_by("name")


@require_perm("team:course:learn")
def learning_home(request, require_form=None):
    profile = selectors.profile_of(request.user)
    papers = list(selectors.papers_for(viewer=request.user))
    mine = {}
    if profile is not None:
        mine = {a.paper_id: a for a in Attempt.objects.filter(profile=profile, paper__in=papers)}
    context = {
        "profile": profile,
        "papers": [(p, mine.get(p.pk)) for p in papers],
        "pushed": selectors.pushed_lessons(profile=profile) if profile else [],
        "courses": selectors.course_progress(viewer=request.user, profile=profile),
        "hours": selectors.training_hours(profile=profile),
        "can_edit": has_perm(request.user, "team:course:edit"),
    }
    if context["can_edit"]:
        context["require_form"] = require_form or RequireForm(viewer=request.user)
        context["required"] = RequiredCourse.objects.filter(
            course__in=selectors.courses_for(viewer=request.user)
        ).select_related("course", "role")
    if require_form is not None:
        return render_form(request, "team/learning.html", context, require_form)
    return render(request, "team/learning.html", context)


@require_perm("team:course:edit")
@require_POST
def course_require(request):
    form = RequireForm(request.POST, viewer=request.user)
    if form.is_valid():
        opened = call_service(
            form, learning.course_require, actor=request.user, **form.cleaned_data
        )
        if opened is not None:
            request.operation_target = form.cleaned_data["course"]
            messages.success(
                request,
                _("The course is required; %(count)d units were sent a reminder.")
                % {"count": len(opened)},
            )
            return redirect("team:learning")
    return learning_home(request, require_form=form)


@require_perm("team:course:learn")
@require_POST
def attempt_start(request, pk: int):
    paper = get_object_or_404(selectors.papers_for(viewer=request.user), pk=pk)
    request.operation_target = paper
    try:
        attempt = learning.attempt_start(actor=request.user, paper=paper)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("team:learning")
    return redirect("team:attempt", pk=attempt.pk)


def _answers(post, questions) -> dict:
    answers = {}
    for q in questions:
        key = f"q{q.pk}"
        if q.kind == Question.Kind.MULTIPLE:
            answers[str(q.pk)] = post.getlist(key)
        elif q.kind == Question.Kind.FILL:
            answers[str(q.pk)] = post.get(key, "")[:200]
        else:
            answers[str(q.pk)] = post.get(key, "")
    return answers


@require_perm("team:course:learn")
def attempt_detail(request, pk: int):
    attempt = selectors.attempt_get(viewer=request.user, pk=pk)
    questions = selectors.attempt_questions(attempt=attempt)
    if request.method == "POST":
        request.operation_target = attempt
        try:
            learning.attempt_submit(
                actor=request.user, attempt=attempt, answers=_answers(request.POST, questions)
            )
            messages.success(request, _("Your paper was marked."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("team:attempt", pk=pk)
    from datetime import timedelta

    rows = [(q, attempt.marks.get(str(q.pk)), attempt.answers.get(str(q.pk))) for q in questions]
    context = {
        "attempt": attempt,
        "rows": rows,
        "ends_at": attempt.started_at + timedelta(minutes=attempt.paper.minutes),
        "pushed": attempt.pushed.select_related("lesson__course"),
        "labels": dict_labels(KNOWLEDGE_DICT),
        "total": attempt.paper.points_each * len(questions),
    }
    return render(request, "team/attempt.html", context)


@require_perm("team:course:edit")
def bank_import(request):
    if request.GET.get("template"):
        return template_response(
            filename="question-bank-template.xlsx",
            title=_("Import questions"),
            headers=[str(label) for _key, label in learning.IMPORT_COLUMNS],
            example=[
                "公款吃喝属于违反哪项规定？",
                "单选题",
                "中央八项规定|工作纪律|生活纪律",
                "A",
                "eight_rules",
                "1",
            ],  # fmt: skip
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        node = request.user.org_node
        request.operation_target = node
        try:
            rows = read_rows(
                form.cleaned_data["file"], learning.IMPORT_COLUMNS, learning.IMPORT_REQUIRED
            )
            created = learning.questions_import(actor=request.user, owner_node=node, rows=rows)
        except ValueError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(count)d rows were imported.") % {"count": created})
            return redirect("team:learning")
    return render(
        request,
        "orgs/import.html",
        {"form": form, "errors": errors, "spec": {"title": _("Import questions")}},
        status=400 if errors or form.errors else 200,
    )


@require_perm("team:course:edit")
def paper_stats(request, pk: int):
    paper = get_object_or_404(selectors.papers_for(viewer=request.user), pk=pk)
    return render(
        request,
        "team/paper_stats.html",
        {"paper": paper, "stats": selectors.question_stats(paper=paper)},
    )


# --- lessons -----------------------------------------------------------------------------------

MEDIA_TYPES = {".webm": "video/webm", ".mp4": "video/mp4", ".pdf": "application/pdf"}


@require_perm("team:course:learn")
def lesson_detail(request, pk: int):
    """A lesson's page: the video resuming where the learner left off (its player reports the
    stretches played), or the document or slides with their confirmation."""
    lesson = selectors.lesson_get(viewer=request.user, pk=pk)
    try:
        progress = learning.lesson_open(actor=request.user, lesson=lesson)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("team:learning")
    return render(
        request,
        "team/lesson.html",
        {
            "lesson": lesson,
            "progress": progress,
            "share": round(100 * learning.complete_share()),
            "report_every": 10,
        },
    )


def _field_errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {"__all__": exc.messages}


@require_perm("team:course:learn")
@require_POST
def lesson_progress(request, pk: int):
    """The video player's report (``position``, and ``start``/``end`` of the stretch played
    since the last report): JSON back, with the fields a bad report got wrong."""
    lesson = selectors.lesson_get(viewer=request.user, pk=pk)
    try:
        progress = learning.progress_report(
            actor=request.user,
            lesson=lesson,
            position=request.POST.get("position"),
            start=request.POST.get("start"),
            end=request.POST.get("end"),
        )
    except learning.TooSoon:
        return JsonResponse({"errors": {"__all__": [_("Too many reports: wait.")]}}, status=429)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        return JsonResponse({"errors": _field_errors(exc)}, status=400)
    return JsonResponse(
        {
            "position": progress.position,
            "watched": round(progress.watched, 1),
            "percent": progress.percent,
            "completed": progress.completed_at is not None,
        }
    )


@require_perm("team:course:learn")
@require_POST
def lesson_confirm(request, pk: int):
    lesson = selectors.lesson_get(viewer=request.user, pk=pk)
    request.operation_target = lesson
    try:
        learning.lesson_confirm(actor=request.user, lesson=lesson)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The lesson is completed."))
    return redirect("team:lesson", pk=pk)


@require_perm("team:course:learn")
def lesson_media(request, pk: int):
    """The lesson's file, served by the platform to those who may take the lesson, with range
    requests (a video seeks without loading the whole file)."""
    lesson = selectors.lesson_get(viewer=request.user, pk=pk)
    if not lesson.media:
        raise Http404
    import os

    extension = os.path.splitext(lesson.media.name)[1].lower()
    content_type = MEDIA_TYPES.get(extension, "application/octet-stream")
    return ranged_file_response(request, lesson.media, content_type=content_type)
