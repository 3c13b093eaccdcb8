"""Pages of micro-courses and online tests: the learner's page (tests to take, lessons pushed
to them, courses), a paper with its timer and its result, the question bank's import and a
test's statistics per question."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.core.excel import read_rows, template_response
from oversight.core.selectors import dict_labels
from oversight.orgs.access import has_perm, require_perm

from . import learning, selectors
from .models import KNOWLEDGE_DICT, Attempt, Course, Question


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


@require_perm("team:course:learn")
def learning_home(request):
    profile = selectors.profile_of(request.user)
    papers = list(selectors.papers_for(viewer=request.user))
    mine = {}
    if profile is not None:
        mine = {a.paper_id: a for a in Attempt.objects.filter(profile=profile, paper__in=papers)}
    context = {
        "profile": profile,
        "papers": [(p, mine.get(p.pk)) for p in papers],
        "pushed": selectors.pushed_lessons(profile=profile) if profile else [],
        "courses": Course.objects.filter(
            owner_node__in=[p.owner_node_id for p in papers] or [request.user.org_node_id]
        ).prefetch_related("lessons"),
        "can_edit": has_perm(request.user, "team:course:edit"),
    }
    return render(request, "team/learning.html", context)


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
