from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("create/", views.round_create, name="round_create"),
    path("<id:pk>/", views.round_detail, name="round_detail"),
    path("<id:pk>/units/add/", views.unit_add, name="unit_add"),
    path("<id:pk>/findings/import/", views.findings_import, name="findings_import"),
    path("units/<id:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<id:pk>/findings/add/", views.finding_add, name="finding_add"),
    path("units/<id:pk>/tasks/assign/", views.task_assign, name="task_assign"),
    path("units/<id:pk>/feedback/", views.feedback_record, name="feedback_record"),
    path("<id:pk>/summary/", views.round_summary, name="round_summary"),
    path("<id:pk>/lookbacks/draw/", views.lookback_draw, name="lookback_draw"),
    path("lookbacks/<id:pk>/", views.lookback_detail, name="lookback_detail"),
    path("lookbacks/checks/<id:pk>/", views.check_decide, name="check_decide"),
    path("lookbacks/checks/<id:pk>/rerun/", views.check_rerun, name="check_rerun"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<id:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<id:pk>/copy-notice/", views.copy_notice, name="copy_notice"),
]
