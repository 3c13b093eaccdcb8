"""Serial numbers: consecutive per issuing node, type and year; none lost to a rollback."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from oversight.conftest import refusal_codes
from oversight.documents import services
from oversight.documents.models import DocType, Document, SerialCounter

from .conftest import issue


def test_it_numbers_consecutively_per_node_type_and_year(county):
    numbers = [issue(county.commission).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert issue(county.commission, doc_type=DocType.WARNING_NOTICE).number == 1
    assert issue(county.town1).number == 1
    assert issue(county.commission).number == 4


def test_it_restarts_each_year(county):
    assert issue(county.commission, on=datetime.date(2026, 12, 31)).number == 1
    assert issue(county.commission, on=datetime.date(2026, 12, 31)).number == 2
    first_of_2027 = issue(county.commission, on=datetime.date(2027, 1, 1))
    assert (first_of_2027.year, first_of_2027.number) == (2027, 1)


def test_it_writes_the_serial_with_the_default_prefix(county):
    county.commission.name = "清河县纪委监委"
    county.commission.save(update_fields=["name"])
    issue(county.commission)
    seventh = [issue(county.commission) for _ in range(6)][-1]
    assert seventh.serial == "清纪整〔2026〕7号"
    suggestion = issue(county.commission, doc_type=DocType.SUPERVISION_SUGGESTION)
    assert suggestion.serial == "清纪建〔2026〕1号"


def test_it_uses_the_configured_prefix_without_restarting_numbers(county):
    issue(county.commission)
    services.prefix_set(
        node=county.commission, doc_type=DocType.RECTIFICATION_NOTICE, prefix="县纪整改", actor=None
    )
    assert issue(county.commission).serial == "县纪整改〔2026〕2号"
    services.prefix_set(
        node=county.commission, doc_type=DocType.RECTIFICATION_NOTICE, prefix="", actor=None
    )
    assert issue(county.commission).serial.endswith("〔2026〕3号")


def test_it_refuses_a_bad_prefix(county):
    for bad in ("清 纪", "清纪〔", "x" * 21):
        with pytest.raises(ValidationError) as exc:
            services.prefix_set(
                node=county.commission, doc_type=DocType.WARNING_NOTICE, prefix=bad, actor=None
            )
        assert refusal_codes(exc.value) == {"prefix": ["invalid"]}
        assert "prefix" in exc.value.error_dict


def test_it_gives_the_number_back_when_the_issue_rolls_back(county):
    issue(county.commission)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            rolled_back = issue(county.commission)
            assert rolled_back.number == 2
            raise RuntimeError("the caller's change failed")
    assert issue(county.commission).number == 2
    assert list(Document.objects.values_list("number", flat=True).order_by("number")) == [1, 2]


def test_it_gives_the_number_back_when_the_values_are_bad(county):
    with pytest.raises(ValidationError) as exc:
        issue(county.commission, recipient_unit="", title="")
    assert refusal_codes(exc.value) == {"recipient_unit": ["required"], "title": ["required"]}
    assert set(exc.value.error_dict) == {"recipient_unit", "title"}
    assert not SerialCounter.objects.filter(last_number__gt=0).exists()
    assert issue(county.commission).number == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_gives_unique_gapless_numbers_under_concurrent_issues(county):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    workers, per_worker = 8, 4
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work():
        try:
            barrier.wait()
            for _ in range(per_worker):
                issue(county.commission)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(
        Document.objects.filter(issuer_node=county.commission).values_list("number", flat=True)
    )
    assert numbers == list(range(1, workers * per_worker + 1))
    assert SerialCounter.objects.get(node=county.commission).last_number == workers * per_worker
