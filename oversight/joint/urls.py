from django.urls import path

from . import views

app_name = "joint"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("create/", views.plan_create, name="plan_create"),
    path("<id:pk>/", views.plan_detail, name="plan_detail"),
    path("<id:pk>/findings/", views.finding_list, name="finding_list"),
    path("<id:pk>/report/", views.report_issue, name="report_issue"),
    path("<id:pk>/findings/record/", views.finding_record, name="finding_record"),
    path("findings/<id:pk>/handover/", views.handover, name="handover"),
]
