"""Checks that migrations run on existing data before they add a constraint it might break.
Kept free of any model import: migrations pass their historical models in."""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import Lower


def case_clashes(model, field: str) -> list[str]:
    """Values of ``field`` that another row repeats in another case ("QH-U04", "qh-u04")."""
    folded = Lower(field)
    repeated = (
        model.objects.annotate(folded=folded)
        .values("folded")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("folded", flat=True)
    )
    rows = model.objects.annotate(folded=folded).filter(folded__in=list(repeated))
    return sorted(str(value) for value in rows.values_list(field, flat=True))


def refuse_case_clashes(apps, targets: list[tuple[str, str, str]]) -> None:
    """Stop the migration, naming every clash, when rows differ only in case: an administrator
    renames them (nothing is renamed silently), then migrates again."""
    problems = []
    for app_label, model_name, field in targets:
        found = case_clashes(apps.get_model(app_label, model_name), field)
        if found:
            problems.append(f"{model_name}.{field}: {', '.join(found)}")
    if problems:
        raise RuntimeError(
            "These values differ only in case and are about to be unique whatever their case; "
            "rename them, then migrate again: " + "; ".join(problems)
        )
