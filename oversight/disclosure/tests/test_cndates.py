"""Dates and periods as Chinese notices write them."""

from datetime import date

import pytest

from oversight.lib.cndates import parse_date, parse_period


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024年10月19日", date(2024, 10, 19)),
        ("2024年1月9日发布", date(2024, 1, 9)),
        ("2024-10-19", date(2024, 10, 19)),
        ("2024/10/19 08:00", date(2024, 10, 19)),
        ("来源：镇政府 发布时间：2024年10月21日 2023年1月1日制度", date(2024, 10, 21)),
        ("发布日期:2024-10-22", date(2024, 10, 22)),
        ("http://www.gov.cn/zwgk/202410/t20241028_123.html", date(2024, 10, 28)),
        ("2024年2月30日", None),
        ("第三季度", None),
        ("", None),
    ],
)
def test_it_reads_the_forms_notices_use(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026年第一季度村务公开", "2026-Q1"),
        ("2026年1季度财务公开", "2026-Q1"),
        ("2026年四季度", "2026-Q4"),
        ("2026年3月财务收支公开", "2026-03"),
        ("2026年3月5日通知", None),  # a day, not a month's notice
        ("2026年13月", None),
        ("村务公开", None),
    ],
)
def test_it_reads_the_period_a_title_names(text, expected):
    assert parse_period(text) == expected
