"""The learner's pages: start a test, hand it in, see the score, the weak points and the
lessons pushed; another learner's paper is a 404; another commission sees no test; the bank's
import names bad rows and writes nothing."""

import random
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from oversight.conftest import client_for
from oversight.team import learning as learning_services
from oversight.team.models import Attempt, LessonPush, Question


def _paper(c):
    return learning_services.paper_create(
        actor=c.supervisor, title="Discipline test", owner_node=c.commission, minutes=30,
        rules=[{"point": "sanctions", "count": 4}],
    )  # fmt: skip


def test_a_learner_takes_a_test_and_receives_a_lesson_for_a_weak_point(learning):
    c = learning
    paper = _paper(c)
    client = client_for(c.officer1)
    page = client.get("/team/learning/")
    assert page.status_code == 200 and f"start-{paper.pk}" in page.content.decode()
    started = client.post(f"/team/learning/tests/{paper.pk}/start/")
    attempt = Attempt.objects.get()
    assert started.status_code == 302 and started.url == f"/team/learning/papers/{attempt.pk}/"
    form = client.get(started.url)
    assert 'data-testid="timer"' in form.content.decode()
    handed = client.post(started.url, {f"q{pk}": "3" for pk in attempt.questions})
    assert handed.status_code == 302
    result = client.get(started.url).content.decode()
    assert 'data-testid="score">0.0 / 20' in result
    assert "纪律处分条例" in result  # the weak point, by its label
    assert "Lesson on sanctions" in result
    assert LessonPush.objects.filter(profile=c.profile1, lesson=c.lessons["sanctions"]).exists()
    assert "Lesson on sanctions" in client.get("/team/learning/").content.decode()


def test_another_learners_paper_and_another_commissions_tests_stay_hidden(learning, elsewhere):
    c = learning
    paper = _paper(c)
    attempt = learning_services.attempt_start(actor=c.officer1, paper=paper, rng=random.Random(1))
    assert client_for(c.officer2).get(f"/team/learning/papers/{attempt.pk}/").status_code == 404
    far = client_for(elsewhere.officer)
    assert far.get("/team/learning/").status_code == 200
    assert paper.title not in far.get("/team/learning/").content.decode()
    assert far.post(f"/team/learning/tests/{paper.pk}/start/").status_code == 404
    assert far.get(f"/team/learning/papers/{attempt.pk}/").status_code == 404
    assert Attempt.objects.count() == 1


def _sheet(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append([str(label) for _key, label in learning_services.IMPORT_COLUMNS])
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("bank.xlsx", out.getvalue())


def test_the_bank_import_page_names_bad_rows_and_writes_nothing(learning):
    c = learning
    client = client_for(c.supervisor)
    before = Question.objects.count()
    bad = client.post(
        "/team/learning/bank/import/",
        {"file": _sheet([["Q1", "单选题", "甲|乙", "A", "sanctions", "1"],
                         ["Q2", "多选题", "甲|乙|丙", "Z", "sanctions", "1"]])},
    )  # fmt: skip
    assert bad.status_code == 400
    assert bad.context["errors"][0].startswith("第 3 行")
    assert Question.objects.count() == before
    good = client.post(
        "/team/learning/bank/import/",
        {"file": _sheet([["Q1", "单选题", "甲|乙", "A", "sanctions", "1"]])},
    )
    assert good.status_code == 302 and Question.objects.count() == before + 1
    assert client_for(c.officer1).get("/team/learning/bank/import/").status_code == 403


def test_the_statistics_page_lists_the_questions_answered(learning):
    c = learning
    paper = _paper(c)
    attempt = learning_services.attempt_start(actor=c.officer1, paper=paper, rng=random.Random(1))
    learning_services.attempt_submit(actor=c.officer1, attempt=attempt, answers={})
    page = client_for(c.supervisor).get(f"/team/learning/tests/{paper.pk}/stats/")
    assert page.status_code == 200 and len(page.context["stats"]) == 4
