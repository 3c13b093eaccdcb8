"""One discovery helper for every registry, and the system checks across them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import checks
from django.utils.translation import gettext_lazy as _

from oversight.core import registry
from oversight.core.checks import menu_permissions_declared
from oversight.core.discovery import declarations, declaring_modules
from oversight.loop import registry as loop_registry
from oversight.loop.checks import transition_permissions_declared
from oversight.loop.workflow import State, Transition, Workflow
from oversight.notify import checks as notify_checks

OVERSIGHT = Path(__file__).resolve().parents[2]


def test_it_finds_each_apps_declaration_module_and_skips_apps_without_one():
    found = {config.label for config, _module in declaring_modules("workflows")}
    on_disk = {path.parent.name for path in OVERSIGHT.glob("*/workflows.py")}
    assert found == on_disk and {"matters", "public"} <= found
    assert not {"core", "orgs", "ledger"} & found


def test_it_yields_every_declared_item_with_its_app():
    codes = {code for _config, (code, _label) in declarations("permissions", "PERMISSIONS")}
    assert codes == set(registry.PERMISSIONS)
    apps_of_kinds = {
        config.label: kind.code
        for config, kind in declarations("notifications", "NOTIFICATION_KINDS")
        if kind.code == "notify.test"
    }
    assert apps_of_kinds == {"notify": "notify.test"}


def test_it_names_a_declaration_module_without_its_list():
    with pytest.raises(ImportError, match=r"oversight\.\w+\.apps declares no MEASURES"):
        list(declarations("apps", "MEASURES"))


def test_the_project_passes_its_system_checks():
    assert [m for m in checks.run_checks() if m.level >= checks.ERROR] == []


def test_it_reports_a_menu_entry_with_an_undeclared_permission(monkeypatch):
    entry = registry.MenuEntry(_("Work"), _("Ghost"), "core:home", "ghost:page:view")
    monkeypatch.setattr(registry, "MENU", [*registry.MENU, entry])
    errors = menu_permissions_declared()
    assert [(e.id, e.obj) for e in errors] == [("core.E001", "core:home")]


def test_it_reports_a_transition_with_an_undeclared_permission(monkeypatch):
    workflow = Workflow(
        kind="checks.sample",
        label="Sample",
        states=[State("open", "Open"), State("done", "Done", terminal=True)],
        transitions=[
            Transition("finish", "Finish", source=["open"], target="done", permission="x:y:z"),
            Transition(
                "close", "Close", source=["open"], target="done", permission="loop:item:handle"
            ),
        ],
        initial="open",
    )
    monkeypatch.setitem(loop_registry.WORKFLOWS, workflow.kind, workflow)
    errors = transition_permissions_declared()
    assert [(e.id, e.obj) for e in errors] == [("loop.E001", "checks.sample:finish")]


def test_it_reads_the_kinds_a_module_sends():
    source = """
def tell(item):
    notify(recipients=[], kind="a.direct", title="t")
    if item:
        recipients, kind = [], "a.first"
    else:
        recipients, kind = [], "a.second"
    _notify(recipients, kind=kind)
    item_open(kind="not.a.notification")
    Message(recipients=[], kind="a.message", title="t")
"""
    assert [kind for _line, kind in notify_checks.kinds_sent(source)] == [
        "a.direct",
        "a.first",
        "a.second",
        "a.message",
    ]


def test_it_reports_a_kind_sent_but_not_declared(monkeypatch, tmp_path):
    path = tmp_path / "services.py"
    source = 'def f():\n    notify(recipients=[], kind="ghost.kind", title="x")\n'
    monkeypatch.setattr(notify_checks, "_sources", lambda: [(path, source)])
    errors = notify_checks.notification_kinds_declared()
    assert [(e.id, e.msg.split(" sends")[0]) for e in errors] == [("notify.E001", "services.py:2")]
