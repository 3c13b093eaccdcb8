from django.urls import path

from . import views

app_name = "duties"

urlpatterns = [
    path("", views.list_list, name="list_list"),
    path("create/", views.list_create, name="list_create"),
    path("<id:pk>/", views.list_detail, name="list_detail"),
    path("<id:pk>/areas/add/", views.area_add, name="area_add"),
    path("<id:pk>/items/add/", views.item_add, name="item_add"),
    path("<id:pk>/items/<id:item_pk>/remove/", views.item_remove, name="item_remove"),
    path("<id:pk>/items/import/", views.items_import, name="items_import"),
    path("<id:pk>/issue/", views.list_issue, name="list_issue"),
    path("<id:pk>/settings/", views.list_settings, name="list_settings"),
    path("<id:pk>/copy/", views.list_copy, name="list_copy"),
    path("units/", views.unit_list_list, name="unit_list_list"),
    path("units/<id:pk>/", views.unit_list_detail, name="unit_list_detail"),
    path("units/<id:pk>/sign/", views.unit_list_sign, name="unit_list_sign"),
    path("reports/<id:pk>/", views.report_detail, name="report_detail"),
    path("reports/<id:pk>/score/", views.report_score, name="report_score"),
    path("reports/<id:pk>/rate/", views.report_rate, name="report_rate"),
    path("reports/<id:pk>/reopen/", views.report_reopen, name="report_reopen"),
    path("ranking/", views.ranking, name="ranking"),
    path("<id:pk>/assessment/", views.assessment, name="assessment"),
    path("<id:pk>/assessment/freeze/", views.assessment_freeze, name="assessment_freeze"),
    path("<id:pk>/assessment/publish/", views.assessment_publish, name="assessment_publish"),
    path("results/<id:pk>/", views.result_detail, name="result_detail"),
    path("results/<id:pk>/appeal/", views.appeal_lodge, name="appeal_lodge"),
    path("results/<id:pk>/decide/", views.appeal_decide, name="appeal_decide"),
]
