from django.urls import path

from . import views

app_name = "integrity"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("mine/", views.own_file, name="own_file"),
    path("relatives/import/", views.relatives_import, name="relatives_import"),
    path("records/import/", views.records_import, name="records_import"),
    path("checks/", views.check_list, name="check_list"),
    path("checks/create/", views.check_create, name="check_create"),
    path("checks/<id:pk>/", views.check_detail, name="check_detail"),
    path("people/<id:pk>/", views.file_gate, name="file_gate"),
    path("people/<id:pk>/open/", views.file_open, name="file_open"),
    path("files/<id:pk>/", views.file_detail, name="file_detail"),
    path("files/<id:pk>/relatives/", views.relative_add, name="relative_add"),
    path("files/<id:pk>/sanctions/", views.sanction_add, name="sanction_add"),
    path("files/<id:pk>/records/", views.record_add, name="record_add"),
    path("files/<id:pk>/reports/", views.report_submit, name="report_submit"),
    path("files/<id:pk>/sensitive/", views.sensitive_request, name="sensitive_request"),
    path("sensitive/<id:pk>/", views.sensitive_detail, name="sensitive_detail"),
    path("opinions/", views.request_list, name="request_list"),
    path("opinions/create/", views.request_create, name="request_create"),
    path("opinions/rules/", views.rule_list, name="rule_list"),
    path("opinions/rules/add/", views.rule_add, name="rule_add"),
    path("opinions/rules/<id:pk>/", views.rule_edit, name="rule_edit"),
    path("opinions/<id:pk>/redraft/", views.request_redraft, name="request_redraft"),
    path("opinions/<id:pk>/letter/", views.letter_download, name="letter_download"),
    path("opinions/<id:pk>/", views.request_detail, name="request_detail"),
    path("opinions/one/<id:pk>/download/", views.opinion_download, name="opinion_download"),
]
