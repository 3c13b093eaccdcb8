"""The library as configured here: enable models, set their parameters, add and edit models of
one's own, and test a model on a sample before it is enabled."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger.targets import snapshot
from oversight.orgs.models import Account

from .. import bridge
from ..engine import Model, ModelInvalid
from ..engine import validate_model as engine_validate
from ..models import ModelSetting
from ._common import record, require


def _coded(messages: list[str], code: str) -> list[ValidationError]:
    return [ValidationError(message, code=code) for message in messages]


def _entry(model_id: str) -> bridge.LibraryEntry:
    entry = bridge.library_entry(model_id)
    if entry is None:
        raise ValidationError(
            _("There is no model %(id)s.") % {"id": model_id}, code="unknown_model"
        )
    return entry


def _setting(model_id: str, actor) -> ModelSetting:
    setting, _created = ModelSetting.objects.select_for_update().get_or_create(
        model_id=model_id, defaults={"updated_by": actor}
    )
    return setting


@transaction.atomic
def model_enable(*, actor: Account, model_id: str, enabled: bool) -> ModelSetting:
    """Enable or disable a model. A model an officer added runs only once it has passed a test
    on a sample, as it is now."""
    require(actor, "analytics:model:edit")
    entry = _entry(model_id)
    if enabled and entry.problem:
        raise ValidationError(entry.problem, code="model_invalid")
    if enabled and not entry.model.builtin:
        if not (entry.test_is_current and entry.test.get("ok")):
            raise ValidationError(
                _("Test the model on a sample successfully before enabling it."),
                code="model_untested",
            )
    setting = _setting(model_id, actor)
    before = snapshot(setting)
    setting.enabled, setting.updated_by = enabled, actor
    setting.save()
    record(actor, "analytics.model.enable" if enabled else "analytics.model.disable", setting,
            before)  # fmt: skip
    return setting


@transaction.atomic
def model_params_save(*, actor: Account, model_id: str, params: dict) -> ModelSetting:
    """Set a model's local parameter values; the model must still be valid with them."""
    require(actor, "analytics:model:edit")
    entry = _entry(model_id)
    unknown = sorted(set(params) - set(entry.model.params))
    if unknown:
        raise ValidationError(
            _("Unknown parameters: %(names)s") % {"names": ", ".join(unknown)},
            code="unknown_parameter",
        )
    model = entry.model.with_params(**params)
    problems = engine_validate(model)
    if problems:
        raise ValidationError(_coded(problems, "model_invalid"))
    setting = _setting(model_id, actor)
    before = snapshot(setting)
    setting.params, setting.updated_by = dict(params), actor
    setting.save()
    record(actor, "analytics.model.params", setting, before)
    return setting


def model_problems(metadata: str, sql: str) -> tuple[Model | None, list[str]]:
    """Parse and validate a model's text; every problem found, or none."""
    try:
        model = Model.from_text(metadata, sql)
    except ModelInvalid as error:
        return None, list(error.problems)
    return model, engine_validate(model)


@transaction.atomic
def model_add(*, actor: Account, metadata: str, sql: str) -> ModelSetting:
    """Add a model from its TOML metadata and SQL; it stays disabled until tested."""
    require(actor, "analytics:model:edit")
    model, problems = model_problems(metadata, sql)
    refusals = _coded(problems, "model_invalid")
    if model is not None and (
        model.id in bridge.builtin_models()
        or ModelSetting.objects.filter(model_id=model.id).exists()
    ):
        exists = _("A model with the id %(id)s exists already.") % {"id": model.id}
        refusals.insert(0, ValidationError(exists, code="model_exists"))
    if refusals:
        raise ValidationError(refusals)
    setting = ModelSetting.objects.create(
        model_id=model.id, enabled=False, metadata_text=metadata, sql_text=sql, updated_by=actor
    )
    record(actor, "analytics.model.add", setting)
    return setting


@transaction.atomic
def model_update(*, actor: Account, model_id: str, metadata: str, sql: str) -> ModelSetting:
    """Change the text of a model an officer added; it is disabled until tested again."""
    require(actor, "analytics:model:edit")
    setting = ModelSetting.objects.select_for_update().filter(model_id=model_id).first()
    if setting is None or not setting.is_custom:
        raise ValidationError(_("Only a model added here can be edited."), code="builtin_model")
    model, problems = model_problems(metadata, sql)
    refusals = _coded(problems, "model_invalid")
    if model is not None and model.id != model_id:
        changed = _("The id of a model cannot change (it is %(id)s).") % {"id": model_id}
        refusals.insert(0, ValidationError(changed, code="model_id_changed"))
    if refusals:
        raise ValidationError(refusals)
    before = snapshot(setting)
    setting.metadata_text, setting.sql_text = metadata, sql
    setting.enabled, setting.params, setting.updated_by = False, {}, actor
    setting.save()
    record(actor, "analytics.model.update", setting, before)
    return setting


def model_test(*, actor: Account, model_id: str, sample: float = 0.1) -> ModelSetting:
    """Run a model on a sample of the current data and keep the outcome on its setting."""
    require(actor, "analytics:model:edit")
    if not 0 < sample <= 1:
        raise ValidationError(
            {"sample": ValidationError(_("The sample is a share between 0 and 1."), code="invalid")}
        )
    entry = _entry(model_id)
    if entry.problem:
        raise ValidationError(entry.problem, code="model_invalid")
    as_of = timezone.localdate()
    test = bridge.runner().test_model(entry.model, as_of=as_of, sample=sample, limit=20)
    result = {
        "ok": test.ok,
        "problems": test.problems,
        "hit_count": test.hit_count,
        "seconds": test.seconds,
        "sample": sample,
        "as_of": as_of.isoformat(),
        "digest": bridge.model_digest(entry.model),
        "hits": [
            {k: v for k, v in hit.to_dict().items()
             if k in ("subject_name", "subject_id", "unit", "amount", "period", "severity",
                      "reason_zh", "reason_en", "match_method")}
            for hit in test.hits
        ],
    }  # fmt: skip
    with transaction.atomic():
        setting = _setting(model_id, actor)
        setting.test_result, setting.tested_at, setting.updated_by = result, timezone.now(), actor
        setting.save()
        record(actor, "analytics.model.test", setting, None, ok=test.ok, hits=test.hit_count)
    return setting
