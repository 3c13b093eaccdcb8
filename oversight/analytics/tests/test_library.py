"""The model library: browse, enable or disable, local parameters, a test on a sample, and a
model added from its text — every problem of a bad one shown, nothing saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from oversight.analytics import bridge, services
from oversight.analytics.models import AnalysisRun, ModelSetting
from oversight.analytics.views.library import TEMPLATE_SQL, TEMPLATE_TOML
from oversight.conftest import client_for

from .conftest import refusal_codes

GOOD_TOML = TEMPLATE_TOML.replace('id = "my_model"', 'id = "dead_paid_any"')


def test_it_lists_the_builtin_library_in_both_languages(county_a):
    response = client_for(county_a.supervisor).get("/analytics/models/")
    assert response.status_code == 200
    entries = [entry for entry, _stats in response.context["rows"]]
    assert len(entries) >= 15 and all(e.enabled for e in entries)
    content = response.content.decode()
    assert "死亡人员仍领取补贴" in content and "Benefits paid after death" in content
    detail = client_for(county_a.supervisor).get("/analytics/models/deceased_paid/")
    assert detail.status_code == 200 and "JOIN benefit_payments" in detail.context["sql"]
    assert client_for(county_a.supervisor).get("/analytics/models/nothing_here/").status_code == 404


def test_it_disables_a_model_so_runs_leave_it_out(loaded, run_models):
    supervisor = loaded.county.supervisor
    services.model_enable(actor=supervisor, model_id="deceased_paid", enabled=False)
    assert not bridge.library_entry("deceased_paid").enabled
    run = run_models(supervisor, ["deceased_paid", "duplicate_payment"])
    assert "deceased_paid" not in run.model_ids and run.hits == 0


def test_it_saves_local_parameters_and_runs_with_them(county_a):
    supervisor = county_a.supervisor
    entry = bridge.library_entry("contract_splitting")
    name, default = next((k, v) for k, v in entry.model.params.items() if isinstance(v, int))
    services.model_params_save(
        actor=supervisor, model_id="contract_splitting", params={name: default + 7}
    )
    entry = bridge.library_entry("contract_splitting")
    assert entry.model.params[name] == default + 7 and entry.defaults[name] == default
    assert str(default + 7) in entry.model.rendered_sql()
    with pytest.raises(ValidationError) as error:
        services.model_params_save(
            actor=supervisor, model_id="contract_splitting", params={"nope": 1}
        )
    assert refusal_codes(error.value) == {"unknown_parameter"}


def test_it_saves_parameters_through_the_page(county_a):
    entry = bridge.library_entry("contract_splitting")
    data = {}
    for name, value in entry.model.params.items():
        data[name] = ", ".join(map(str, value)) if isinstance(value, list) else value
    name = next(k for k, v in entry.model.params.items() if isinstance(v, int))
    data[name] = "not a number"
    client = client_for(county_a.supervisor)
    response = client.post("/analytics/models/contract_splitting/params/", data)
    assert response.status_code == 400 and response.context["params_form"].errors[name]
    data[name] = 3
    response = client.post("/analytics/models/contract_splitting/params/", data)
    assert response.status_code == 302
    assert ModelSetting.objects.get(model_id="contract_splitting").params[name] == 3


def test_it_tests_a_model_on_a_sample(loaded):
    supervisor = loaded.county.supervisor
    setting = services.model_test(actor=supervisor, model_id="deceased_paid", sample=1.0)
    result = setting.test_result
    assert result["ok"] and result["hit_count"] == 2 and len(result["hits"]) == 2
    assert bridge.library_entry("deceased_paid").test_is_current
    missing = services.model_test(actor=supervisor, model_id="overlapping_stays", sample=0.5)
    assert not missing.test_result["ok"] and "no data" in missing.test_result["problems"][0]


def test_it_shows_every_problem_of_a_bad_model_and_saves_nothing(county_a):
    bad_toml = (
        TEMPLATE_TOML.replace('id = "my_model"', 'id = "X"')
        .replace('datasets = ["deaths", "benefit_payments"]', 'datasets = ["deaths", "unicorns"]')
        .replace("{amount}元", "{amount}元{nonsense}")
    )
    bad_sql = "SELECT * FROM read_csv('/etc/passwd')"
    response = client_for(county_a.supervisor).post(
        "/analytics/models/add/", {"metadata": bad_toml, "sql": bad_sql}
    )
    assert response.status_code == 400
    problems = [str(e) for e in response.context["form"].non_field_errors()]
    assert any("id must be" in p for p in problems)
    assert any("unicorns" in p for p in problems)
    assert any("nonsense" in p for p in problems)
    assert any("read_csv" in p or "table functions" in p for p in problems)
    assert len(problems) >= 4
    assert 'data-testid="problems"' in response.content.decode()
    response = client_for(county_a.supervisor).post(
        "/analytics/models/add/", {"metadata": "id = [", "sql": "SELECT 1"}
    )
    assert response.status_code == 400 and "TOML" in str(
        response.context["form"].non_field_errors()
    )
    assert not ModelSetting.objects.exists()


def test_an_added_model_runs_only_after_a_passing_test(loaded, run_models):
    supervisor = loaded.county.supervisor
    client = client_for(supervisor)
    response = client.post("/analytics/models/add/", {"metadata": GOOD_TOML, "sql": TEMPLATE_SQL})
    assert response.status_code == 302
    entry = bridge.library_entry("dead_paid_any")
    assert not entry.enabled and not entry.model.builtin
    with pytest.raises(ValidationError) as error:
        services.model_enable(actor=supervisor, model_id="dead_paid_any", enabled=True)
    assert refusal_codes(error.value) == {"model_untested"}
    assert client.post("/analytics/models/dead_paid_any/test/", {"percent": 100}).status_code == 302
    services.model_enable(actor=supervisor, model_id="dead_paid_any", enabled=True)
    run = run_models(supervisor, ["dead_paid_any", "deceased_paid"])
    stats = {m["model_id"]: m for m in run.model_stats}
    assert stats["dead_paid_any"]["status"] == "ok" and stats["dead_paid_any"]["hits"] == 2
    # Editing the text disables it until it is tested again.
    services.model_update(
        actor=supervisor, model_id="dead_paid_any", metadata=GOOD_TOML, sql=TEMPLATE_SQL + "\n"
    )
    assert not bridge.library_entry("dead_paid_any").enabled
    with pytest.raises(ValidationError) as error:
        services.model_add(actor=supervisor, metadata=GOOD_TOML, sql=TEMPLATE_SQL)
    assert refusal_codes(error.value) == {"model_exists"}
    with pytest.raises(ValidationError) as error:
        services.model_add(
            actor=supervisor, metadata=GOOD_TOML.replace("dead_paid_any", "deceased_paid"),
            sql=TEMPLATE_SQL,
        )  # fmt: skip
    assert "model_exists" in refusal_codes(error.value)
    assert AnalysisRun.objects.count() == 1


def test_a_viewer_of_the_library_may_not_change_it(county_a):
    role = county_a.role_town
    role.permissions = sorted({*role.permissions, "analytics:model:view"})
    role.save()
    client = client_for(county_a.town1_officer)
    assert client.get("/analytics/models/").status_code == 200
    response = client.post("/analytics/models/deceased_paid/enable/", {"enabled": "0"})
    assert response.status_code == 403
    assert client.get("/analytics/models/add/").status_code == 403
