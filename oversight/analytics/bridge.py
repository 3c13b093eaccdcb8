"""Where the platform meets the engine: the workspace, the library as configured here, and the
resolution of the unit names found in department data to org nodes."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import get_language

from oversight.orgs.models import OrgNode

from .engine import Model, ModelInvalid, Runner, Workspace, load_library
from .models import ModelSetting, UnitRule


def workspace() -> Workspace:
    """The platform's workspace (created on first use)."""
    return Workspace(settings.ANALYTICS_WORKSPACE_DIR)


def runner(ws: Workspace | None = None, **options) -> Runner:
    """A DuckDB runner with the configured memory limit and threads."""
    return Runner(
        ws or workspace(),
        memory_limit=settings.ANALYTICS_MEMORY_LIMIT,
        threads=settings.ANALYTICS_THREADS or None,
        **options,
    )


def engine_options() -> dict:
    """Memory limit and threads for the importer."""
    options = {"memory_limit": settings.ANALYTICS_MEMORY_LIMIT}
    if settings.ANALYTICS_THREADS:
        options["threads"] = settings.ANALYTICS_THREADS
    return options


@functools.cache
def builtin_models() -> dict[str, Model]:
    """The engine's built-in library (files that ship with the code; read once)."""
    return load_library()


@dataclass
class LibraryEntry:
    """A model as this platform uses it: the engine's model with local parameters applied."""

    model: Model
    setting: ModelSetting | None
    problem: str = ""  # a stored custom model that no longer loads
    defaults: dict = field(default_factory=dict)  # parameter values before local changes

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def enabled(self) -> bool:
        return self.setting.enabled if self.setting is not None else self.model.builtin

    @property
    def name(self) -> str:
        return self.model.name_zh if _chinese() else self.model.name_en

    @property
    def description(self) -> str:
        if _chinese():
            return self.model.description_zh or self.model.description_en
        return self.model.description_en or self.model.description_zh

    @property
    def test(self) -> dict:
        return self.setting.test_result if self.setting is not None else {}

    @property
    def test_is_current(self) -> bool:
        """Whether the last test was of the model as it is now (text and parameters)."""
        return bool(self.test) and self.test.get("digest") == model_digest(self.model)


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def failure_text(error: Exception) -> str:
    """An engine failure (:class:`ImportFailed` gives its reason in both languages) in the
    language of the request."""
    return getattr(error, "zh", "") or str(error) if _chinese() else str(error)


def model_digest(model: Model) -> str:
    """What identifies a model's behaviour: its SQL, metadata that grades hits, and parameters."""
    data = {
        "sql": model.sql,
        "params": model.params,
        "datasets": list(model.datasets),
        "severity": [model.severity.measure, str(model.severity.yellow), str(model.severity.red)],
        "reason": [model.reason_zh, model.reason_en],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def entry_for(setting: ModelSetting | None, model_id: str) -> LibraryEntry | None:
    """The library entry of ``model_id`` with its setting applied (None when unknown)."""
    builtin = builtin_models().get(model_id)
    if setting is not None and setting.is_custom:
        try:
            model = Model.from_text(setting.metadata_text, setting.sql_text)
        except ModelInvalid as error:
            placeholder = Model(
                id=model_id, name_zh=model_id, name_en=model_id, domain="?", datasets=(), sql=""
            )
            return LibraryEntry(placeholder, setting, "; ".join(error.problems))
    elif builtin is not None:
        model = builtin
    else:
        return None
    defaults = dict(model.params)
    if setting is not None and setting.params:
        known = {k: v for k, v in setting.params.items() if k in model.params}
        model = model.with_params(**known)
    return LibraryEntry(model, setting, defaults=defaults)


def library() -> list[LibraryEntry]:
    """Every model here: the built-in ones and those officers added, by domain and id."""
    settings_by_id = {s.model_id: s for s in ModelSetting.objects.all()}
    ids = set(builtin_models()) | set(settings_by_id)
    entries = [entry_for(settings_by_id.get(i), i) for i in ids]
    return sorted((e for e in entries if e is not None), key=lambda e: (e.model.domain, e.id))


def library_entry(model_id: str) -> LibraryEntry | None:
    """One model of the library, or None."""
    return entry_for(ModelSetting.objects.filter(model_id=model_id).first(), model_id)


# --- units -----------------------------------------------------------------------------------

_SUFFIXES = ("人民政府", "党委", "办事处")


class UnitResolver:
    """Finds the org node a unit name (or code) in the data stands for.

    An officer's rule (``UnitRule``) matches first, then a code, then an exact name that only
    one active node has, then the name
    without a usual suffix (``城关镇人民政府`` is 城关镇). A party branch written
    ``离退休党支部（城关镇）`` resolves by what is in the brackets. Nothing is guessed beyond that.
    """

    def __init__(self) -> None:
        self.by_code: dict[str, OrgNode] = {}
        by_name: dict[str, list[OrgNode]] = {}
        for node in OrgNode.objects.filter(is_active=True).only(
            "id", "name", "code", "path", "depth", "parent_id"
        ):
            self.by_code[node.code] = node
            by_name.setdefault(node.name, []).append(node)
        self.by_name = {name: nodes[0] for name, nodes in by_name.items() if len(nodes) == 1}
        self.by_id = {node.pk: node for node in self.by_code.values()}
        # Officers' rules come first: they correct what the built-in rules miss or get wrong.
        self.by_rule = {
            rule.text: self.by_id[rule.node_id]
            for rule in UnitRule.objects.all()
            if rule.node_id in self.by_id
        }
        self._cache: dict[str, OrgNode | None] = {}

    def resolve(self, text: str | None) -> OrgNode | None:
        """The node named by ``text``, or None."""
        if not text:
            return None
        text = text.strip()
        if text not in self._cache:
            self._cache[text] = self._find(text)
        return self._cache[text]

    def _find(self, text: str) -> OrgNode | None:
        if text in self.by_rule:
            return self.by_rule[text]
        if text in self.by_code:
            return self.by_code[text]
        if text in self.by_name:
            return self.by_name[text]
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and text.removesuffix(suffix) in self.by_name:
                return self.by_name[text.removesuffix(suffix)]
        bracket = re.search(r"[（(]([^）)]+)[）)]", text)
        if bracket:
            return self._find(bracket.group(1).strip())
        return None

    def area_of(self, node: OrgNode | None) -> str:
        """The area a node lies in: the top-level node below the root that contains it."""
        if node is None:
            return ""
        ids = [*node.ancestor_ids, node.pk]
        if len(ids) < 2:
            return node.name
        top = self.by_id.get(ids[1])
        return top.name if top is not None else ""
