from django.urls import path

from .views import library, runs, sources, units, warnings

app_name = "analytics"

urlpatterns = [
    path("", warnings.warning_list, name="warning_list"),
    path("warnings/dismiss/", warnings.warnings_dismiss, name="warnings_dismiss"),
    path("warnings/export/", warnings.warning_export, name="warning_export"),
    path("warnings/<id:pk>/", warnings.warning_detail, name="warning_detail"),
    path("warnings/<id:pk>/evidence/", warnings.warning_evidence, name="warning_evidence"),
    path("warnings/<id:pk>/dismiss/", warnings.warning_dismiss, name="warning_dismiss"),
    path("warnings/<id:pk>/clue/", warnings.warning_clue, name="warning_clue"),
    path("clues/<id:pk>/", warnings.clue_detail, name="clue_detail"),
    path("units/", units.unit_rules, name="unit_rules"),
    path("units/assign/", units.unit_assign, name="unit_assign"),
    path("units/rules/<id:pk>/delete/", units.unit_rule_delete, name="unit_rule_delete"),
    path("units/warnings/<id:pk>/", units.warning_assign, name="warning_assign"),
    path("models/", library.model_list, name="model_list"),
    path("models/add/", library.model_add, name="model_add"),
    path("models/<slug:model_id>/", library.model_detail, name="model_detail"),
    path("models/<slug:model_id>/edit/", library.model_edit, name="model_edit"),
    path("models/<slug:model_id>/enable/", library.model_enable, name="model_enable"),
    path("models/<slug:model_id>/params/", library.model_params, name="model_params"),
    path("models/<slug:model_id>/test/", library.model_test, name="model_test"),
    path("runs/", runs.run_list, name="run_list"),
    path("runs/start/", runs.run_start, name="run_start"),
    path("runs/<id:pk>/", runs.run_detail, name="run_detail"),
    path("runs/<id:pk>/status/", runs.run_status, name="run_status"),
    path("runs/<id:pk>/cancel/", runs.run_cancel, name="run_cancel"),
    path("sources/", sources.source_list, name="source_list"),
    path("sources/new/", sources.source_form, name="source_new"),
    path("sources/<id:pk>/", sources.source_detail, name="source_detail"),
    path("sources/<id:pk>/edit/", sources.source_form, name="source_edit"),
    path("sources/<id:pk>/upload/", sources.source_upload, name="source_upload"),
    path("sources/<id:pk>/from-org/", sources.source_from_org, name="source_from_org"),
    path("imports/<id:pk>/", sources.import_detail, name="import_detail"),
    path("imports/<id:pk>/status/", sources.import_status, name="import_status"),
    path("imports/<id:pk>/mapping/", sources.import_mapping, name="import_mapping"),
    path("imports/<id:pk>/accept/", sources.import_accept, name="import_accept"),
    path("imports/<id:pk>/discard/", sources.import_discard, name="import_discard"),
]
