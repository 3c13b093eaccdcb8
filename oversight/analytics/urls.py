from django.urls import path

from .views import library, runs, sources, units, warnings

app_name = "analytics"

urlpatterns = [
    path("", warnings.warning_list, name="warning_list"),
    path("warnings/export/", warnings.warning_export, name="warning_export"),
    path("warnings/<int:pk>/", warnings.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/evidence/", warnings.warning_evidence, name="warning_evidence"),
    path("warnings/<int:pk>/dismiss/", warnings.warning_dismiss, name="warning_dismiss"),
    path("warnings/<int:pk>/clue/", warnings.warning_clue, name="warning_clue"),
    path("clues/<int:pk>/", warnings.clue_detail, name="clue_detail"),
    path("units/", units.unit_rules, name="unit_rules"),
    path("units/assign/", units.unit_assign, name="unit_assign"),
    path("units/rules/<int:pk>/delete/", units.unit_rule_delete, name="unit_rule_delete"),
    path("units/warnings/<int:pk>/", units.warning_assign, name="warning_assign"),
    path("models/", library.model_list, name="model_list"),
    path("models/add/", library.model_add, name="model_add"),
    path("models/<slug:model_id>/", library.model_detail, name="model_detail"),
    path("models/<slug:model_id>/edit/", library.model_edit, name="model_edit"),
    path("models/<slug:model_id>/enable/", library.model_enable, name="model_enable"),
    path("models/<slug:model_id>/params/", library.model_params, name="model_params"),
    path("models/<slug:model_id>/test/", library.model_test, name="model_test"),
    path("runs/", runs.run_list, name="run_list"),
    path("runs/start/", runs.run_start, name="run_start"),
    path("runs/<int:pk>/", runs.run_detail, name="run_detail"),
    path("runs/<int:pk>/status/", runs.run_status, name="run_status"),
    path("runs/<int:pk>/cancel/", runs.run_cancel, name="run_cancel"),
    path("sources/", sources.source_list, name="source_list"),
    path("sources/new/", sources.source_form, name="source_new"),
    path("sources/<int:pk>/", sources.source_detail, name="source_detail"),
    path("sources/<int:pk>/edit/", sources.source_form, name="source_edit"),
    path("sources/<int:pk>/upload/", sources.source_upload, name="source_upload"),
    path("sources/<int:pk>/from-org/", sources.source_from_org, name="source_from_org"),
    path("imports/<int:pk>/", sources.import_detail, name="import_detail"),
    path("imports/<int:pk>/status/", sources.import_status, name="import_status"),
    path("imports/<int:pk>/mapping/", sources.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/accept/", sources.import_accept, name="import_accept"),
    path("imports/<int:pk>/discard/", sources.import_discard, name="import_discard"),
]
