"""The small-power list (小微权力清单): categories, items, and its Excel import."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.orgs.models import OrgNode

from .. import selectors
from ..models import (
    PowerCategory,
    PowerItem,
)


@transaction.atomic
def category_save(
    *,
    category: PowerCategory | None,
    actor,
    code: str,
    name: str,
    parent: PowerCategory | None = None,
    sort: int = 0,
    published: bool = True,
) -> PowerCategory:
    """Add or change a category of the small-power list."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("A category needs a code and a name."))
    clash = PowerCategory.objects.filter(code=code)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise ValidationError({"code": _("This code is taken.")})
    if parent is not None and category is not None:
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == category.pk:
                raise ValidationError({"parent": _("A category cannot sit below itself.")})
            ancestor = ancestor.parent
    before = snapshot(category) if category else None
    category = category or PowerCategory()
    category.code, category.name, category.parent, category.sort, category.published = (
        code,
        name,
        parent,
        sort,
        published,
    )
    category.save()
    ledger.record(
        actor=actor,
        action="public.category.save",
        target=category,
        before=before,
        after=snapshot(category),
    )
    selectors.forget_complaint_choices()
    return category


@transaction.atomic
def power_item_save(
    *,
    item: PowerItem | None,
    actor,
    category: PowerCategory,
    code: str,
    name: str,
    description: str = "",
    basis: str = "",
    source: str = PowerItem.Source.PROVINCE,
    responsible_node: OrgNode | None = None,
    limit_days: int | None = None,
    limit_working: bool = True,
    published: bool = True,
    sort: int = 0,
) -> PowerItem:
    """Add or change an item of the small-power list."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("An item needs a code and a name."))
    clash = PowerItem.objects.filter(code=code)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"code": _("This code is taken.")})
    if limit_days is not None and not 1 <= limit_days <= 365:
        raise ValidationError({"limit_days": _("A time limit is 1 to 365 days.")})
    before = snapshot(item) if item else None
    item = item or PowerItem()
    for attr, value in dict(
        category=category,
        code=code,
        name=name,
        description=description.strip(),
        basis=basis.strip(),
        source=source,
        responsible_node=responsible_node,
        limit_days=limit_days,
        limit_working=limit_working,
        published=published,
        sort=sort,
    ).items():
        setattr(item, attr, value)
    item.save()
    ledger.record(
        actor=actor,
        action="public.power_item.save",
        target=item,
        before=before,
        after=snapshot(item),
    )
    selectors.forget_complaint_choices()
    return item


@dataclass
class ImportReport:
    categories_created: int = 0
    categories_updated: int = 0
    items_created: int = 0
    items_updated: int = 0
    errors: list[str] = field(default_factory=list)


def power_list_import(*, rows: list[dict], actor) -> ImportReport:
    """Import the list from parsed rows (see ``excel_io``): every bad row is reported and, if
    there is any, nothing is written."""
    from ..excel_io import validate_rows

    plan, errors = validate_rows(rows)
    if errors:
        raise ValidationError(errors)
    report = ImportReport()
    with transaction.atomic():
        categories = {c.code: c for c in PowerCategory.objects.select_for_update().all()}
        pending = dict(plan.categories)
        while pending:  # parents before children
            progressed = False
            for code, (name, parent_code) in list(pending.items()):
                if parent_code and parent_code not in categories:
                    continue
                parent = categories.get(parent_code) if parent_code else None
                current = categories.get(code)
                if current is None:
                    categories[code] = PowerCategory.objects.create(
                        code=code, name=name, parent=parent, sort=len(categories)
                    )
                    report.categories_created += 1
                elif current.name != name or current.parent_id != (parent.pk if parent else None):
                    current.name, current.parent = name, parent
                    current.save(update_fields=["name", "parent"])
                    report.categories_updated += 1
                del pending[code]
                progressed = True
            if not progressed:
                raise ValidationError(_("The categories' parents form a loop."))
        existing = {i.code: i for i in PowerItem.objects.select_for_update().all()}
        for sort, row in enumerate(plan.items):
            values = dict(row)
            values["category"] = categories[values.pop("category_code")]
            current = existing.get(values["code"])
            if current is None:
                PowerItem.objects.create(sort=sort, **values)
                report.items_created += 1
            else:
                for attr, value in values.items():
                    setattr(current, attr, value)
                current.save()
                report.items_updated += 1
        ledger.record(
            actor=actor,
            action="public.power_list.import",
            target=("public.powerlist", "all"),
            before=None,
            after=None,
            details={"created": report.items_created, "updated": report.items_updated},
        )
    selectors.forget_complaint_choices()
    return report
