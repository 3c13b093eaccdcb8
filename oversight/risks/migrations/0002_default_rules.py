"""The default risk rules (the issue's list), rows the commission tunes on the rules page."""

from django.db import migrations

UNIT_TYPES = ["unit", "department", "service_window", "town"]

RULES = [
    ("R01", "高风险岗位任职超过轮岗期限", "tenure", {"years": 5, "min_level": "high"}, "high"),
    ("R02", "亲属与本单位供应商关联", "model_hit", {"models": []}, "high"),
    (
        "R03",
        "同一单位整改多次逾期",
        "measure",
        {"measure": "inspections.overdue", "threshold": 2, "period": "year", "unit_types": UNIT_TYPES},
        "medium",
    ),
    (
        "R04",
        "投诉集中指向同一窗口或单位",
        "measure",
        {"measure": "public.complaints", "threshold": 5, "period": "month", "unit_types": UNIT_TYPES},
        "medium",
    ),
    ("R05", "领导干部未按时报告个人有关事项", "report_missing", {"due_month": 3, "due_day": 31}, "medium"),
    ("R06", "节日前纠治“四风”提醒", "festival", {"days_ahead": 7, "unit_types": UNIT_TYPES}, "low"),
]


def seed(apps, schema_editor):
    RiskRule = apps.get_model("risks", "RiskRule")
    for code, name, kind, params, level in RULES:
        RiskRule.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "params": params, "level": level}
        )


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
