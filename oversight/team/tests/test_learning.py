"""Micro-courses and online tests: questions refused with their field named, the bank imported
from a sheet with every bad row reported, papers drawn by their rules and different between
learners, marking (multiple choice earns half for some right options and no wrong one), weak
knowledge points pushing their lessons back, statistics per question."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from oversight.conftest import refusal_codes
from oversight.core import clock
from oversight.team import learning as learning_services
from oversight.team import selectors
from oversight.team.models import LessonPush, Question


def test_it_refuses_a_bad_question_naming_every_field(learning):
    c = learning
    with pytest.raises(ValidationError) as refused:
        learning_services.question_add(
            actor=c.supervisor, owner_node=c.commission, text=" ", kind="multiple",
            options=["only one"], answer=[5], knowledge_point="astrology", difficulty=7,
        )  # fmt: skip
    assert refusal_codes(refused.value) == {
        "text": ["required"],
        "options": ["options"],
        "answer": ["answer"],
        "knowledge_point": ["unknown_point"],
        "difficulty": ["out_of_range"],
    }
    with pytest.raises(PermissionDenied):
        learning_services.course_add(actor=c.officer1, title="x", owner_node=c.commission)


def test_the_bank_imports_all_rows_or_none_naming_each_bad_row(learning):
    c = learning
    good = {"text": "Q", "kind": "单选题", "options": "甲|乙|丙", "answer": "B",
            "knowledge_point": "sanctions", "difficulty": "2"}  # fmt: skip
    rows = [
        {**good, "_row": 2},
        {**good, "_row": 3, "answer": "Z"},
        {**good, "_row": 4, "kind": "判断题", "answer": "maybe"},
        {**good, "_row": 5, "knowledge_point": "astrology", "difficulty": "x"},
        {**good, "_row": 6, "kind": "多选题", "answer": "AC"},
        {**good, "_row": 7, "kind": "填空题", "options": "", "answer": "处分|纪律处分"},
    ]
    before = Question.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        learning_services.questions_import(actor=c.supervisor, owner_node=c.commission, rows=rows)
    messages = refused.value.message_dict["file"]
    assert [m.split(":")[0] for m in messages] == ["Row 3", "Row 4", "Row 5"]
    assert "difficulty" in messages[2] and "knowledge point" in messages[2]
    assert Question.objects.count() == before
    ok = [r for r in rows if r["_row"] in (2, 6, 7)]
    assert (
        learning_services.questions_import(actor=c.supervisor, owner_node=c.commission, rows=ok)
        == 3
    )
    fill = Question.objects.get(kind="fill", text="Q")
    assert fill.answer == ["处分", "纪律处分"]
    assert Question.objects.get(kind="multiple", text="Q").answer == [0, 2]


def test_a_paper_follows_its_rules_and_differs_between_learners(learning):
    c = learning
    paper = learning_services.paper_create(
        actor=c.supervisor, title="Quarterly test", owner_node=c.commission, minutes=30,
        rules=[{"point": "eight_rules", "difficulty": 1, "count": 2},
               {"point": "sanctions", "count": 3}],
    )  # fmt: skip
    first = learning_services.attempt_start(actor=c.officer1, paper=paper, rng=random.Random(1))
    second = learning_services.attempt_start(actor=c.officer2, paper=paper, rng=random.Random(2))
    for attempt in (first, second):
        drawn = Question.objects.filter(pk__in=attempt.questions)
        assert len(attempt.questions) == len(set(attempt.questions)) == 5
        assert drawn.filter(knowledge_point="eight_rules", difficulty=1).count() == 2
        assert drawn.filter(knowledge_point="sanctions").count() == 3
        assert not drawn.exclude(knowledge_point__in=["eight_rules", "sanctions"]).exists()
    assert first.questions != second.questions
    again = learning_services.attempt_start(actor=c.officer1, paper=paper, rng=random.Random(3))
    assert again.pk == first.pk and again.questions == first.questions


def test_a_paper_the_bank_cannot_fill_is_refused(learning):
    with pytest.raises(ValidationError) as refused:
        learning_services.paper_create(
            actor=learning.supervisor, title="Too big", owner_node=learning.commission,
            minutes=0, rules=[{"point": "integrity", "difficulty": 2, "count": 1}],
        )  # fmt: skip
    assert refusal_codes(refused.value) == {"minutes": ["out_of_range"], "rules": ["rules"]}


def test_marking_with_the_partial_rule_for_multiple_choice(learning):
    c = learning
    single, multiple, true_false, fill = c.questions["sanctions"]
    assert learning_services.mark(single, [1]) == 1 and learning_services.mark(single, [0]) == 0
    assert learning_services.mark(multiple, [0, 2]) == 1
    assert learning_services.mark(multiple, [2]) == Decimal("0.5")  # some right, none wrong
    assert learning_services.mark(multiple, [0, 1]) == 0  # a wrong option spoils it
    assert learning_services.mark(multiple, []) == 0
    assert (
        learning_services.mark(true_false, 0) == 1 and learning_services.mark(true_false, "1") == 0
    )
    assert (
        learning_services.mark(fill, " ｅｉｇｈｔ ") == 1
        and learning_services.mark(fill, "八 项") == 1
    )
    assert learning_services.mark(fill, "seven") == 0
    assert learning_services.mark(single, "garbage") == 0


def test_weak_points_push_their_lessons_once(learning):
    c = learning
    paper = learning_services.paper_create(
        actor=c.supervisor, title="Test", owner_node=c.commission, minutes=30, points_each=10,
        rules=[{"point": "eight_rules", "difficulty": 1, "count": 4},
               {"point": "sanctions", "count": 4}],
    )  # fmt: skip
    attempt = learning_services.attempt_start(actor=c.officer1, paper=paper, rng=random.Random(5))
    answers = {}
    for question in Question.objects.filter(pk__in=attempt.questions):
        right = question.answer[0] if question.kind == "fill" else list(question.answer)
        if question.knowledge_point == "eight_rules":
            # one single wrong, the multiple half right: 2.5 of 4 = 62.5%, not weak
            if question.kind == "single":
                right = [0]
            if question.kind == "multiple":
                right = [0]
        else:
            right = "wrong" if question.kind == "fill" else [3]
        answers[str(question.pk)] = right
    with pytest.raises(PermissionDenied):
        learning_services.attempt_submit(actor=c.officer2, attempt=attempt, answers=answers)
    done = learning_services.attempt_submit(actor=c.officer1, attempt=attempt, answers=answers)
    assert done.score == Decimal("25.0") and done.weak_points == ["sanctions"]
    assert not done.overtime
    pushed = [p.lesson for p in selectors.pushed_lessons(profile=c.profile1)]
    assert pushed == [c.lessons["sanctions"]]
    with pytest.raises(ValidationError) as refused:
        learning_services.attempt_submit(actor=c.officer1, attempt=attempt, answers=answers)
    assert refusal_codes(refused.value) == ["submitted"]
    # a second test weak on the same point does not push the lesson again
    other = learning_services.paper_create(
        actor=c.supervisor, title="Again", owner_node=c.commission, minutes=30,
        rules=[{"point": "sanctions", "count": 2}],
    )  # fmt: skip
    again = learning_services.attempt_start(actor=c.officer1, paper=other, rng=random.Random(6))
    learning_services.attempt_submit(actor=c.officer1, attempt=again, answers={})
    assert LessonPush.objects.filter(profile=c.profile1).count() == 1


def test_a_paper_submitted_after_its_time_is_marked_overtime(learning):
    c = learning
    paper = learning_services.paper_create(
        actor=c.supervisor, title="Timed", owner_node=c.commission, minutes=10,
        rules=[{"point": "integrity", "count": 1}],
    )  # fmt: skip
    attempt = learning_services.attempt_start(actor=c.officer1, paper=paper, rng=random.Random(1))
    with clock.moved(attempt.started_at + timedelta(minutes=12)):
        done = learning_services.attempt_submit(actor=c.officer1, attempt=attempt, answers={})
    assert done.overtime and done.score == 0


def test_statistics_show_a_question_that_does_not_discriminate(learning):
    c = learning
    paper = learning_services.paper_create(
        actor=c.supervisor, title="Stats", owner_node=c.commission, minutes=30,
        rules=[{"point": "integrity", "count": 4}],
    )  # fmt: skip
    single, multiple, true_false, fill = c.questions["integrity"]
    # the best learner misses the single choice, the weakest gets only it right
    plans = {
        c.officer1: {single.pk: [0], multiple.pk: [0, 2], true_false.pk: 0, fill.pk: "Eight"},
        c.officer2: {single.pk: [1], multiple.pk: [2], true_false.pk: 0, fill.pk: "x"},
        c.officer3: {single.pk: [1], multiple.pk: [1], true_false.pk: 1, fill.pk: "x"},
    }
    for officer, answers in plans.items():
        attempt = learning_services.attempt_start(actor=officer, paper=paper, rng=random.Random(1))
        learning_services.attempt_submit(
            actor=officer, attempt=attempt, answers={str(k): v for k, v in answers.items()}
        )
    stats = selectors.question_stats(paper=paper)
    assert stats[0].question == single and stats[0].discrimination < 0
    by_question = {s.question.pk: s for s in stats}
    assert by_question[true_false.pk].difficulty == pytest.approx(2 / 3)
    assert by_question[fill.pk].discrimination == 1.0


def _answer(question, right: bool):
    if right:
        return question.answer[0] if question.kind == "fill" else list(question.answer)
    return "wrong" if question.kind == "fill" else [3]


def test_the_chain_counts_the_tests_passed_at_60_percent(learning):
    c = learning
    papers = [
        learning_services.paper_create(
            actor=c.supervisor,
            title=f"Paper {n}",
            owner_node=c.commission,
            minutes=30,
            points_each=10,
            rules=[{"point": "sanctions", "count": 2}],
        )  # fmt: skip
        for n in range(2)
    ]
    # one right of two: 50%, not passed; both right: passed
    for paper, rights in zip(papers, ([True, False], [True, True]), strict=True):
        attempt = learning_services.attempt_start(
            actor=c.officer1, paper=paper, rng=random.Random(1)
        )
        questions = list(Question.objects.filter(pk__in=attempt.questions).order_by("pk"))
        answers = {str(q.pk): _answer(q, r) for q, r in zip(questions, rights, strict=True)}
        learning_services.attempt_submit(actor=c.officer1, attempt=attempt, answers=answers)
    from oversight.loop import timing

    year = timing.today().year
    row = next(r for r in selectors.chain(viewer=c.officer1, year=year) if r.profile == c.profile1)
    assert row.done.get("tests") == 1
    assert not selectors.chain(viewer=c.officer1, year=year - 1)[0].done.get("tests")
