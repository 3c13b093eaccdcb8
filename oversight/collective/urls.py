from django.urls import path

from . import views

app_name = "collective"

urlpatterns = [
    path("", views.anomaly_list, name="anomaly_list"),
    path("anomalies/<id:pk>/", views.anomaly_detail, name="anomaly_detail"),
    path("accounts/", views.entry_list, name="entry_list"),
    path("accounts/import/", views.entries_import, name="entries_import"),
    path("accounts/publish/", views.statement_publish, name="statement_publish"),
    path("assets/", views.asset_list, name="asset_list"),
    path("assets/import/", views.assets_import, name="assets_import"),
    path("assets/<id:pk>/", views.asset_detail, name="asset_detail"),
    path("assets/<id:pk>/steps/", views.asset_step_propose, name="asset_step_propose"),
    path("asset-steps/<id:pk>/", views.asset_step_detail, name="asset_step_detail"),
    path("reimbursements/", views.reimbursement_list, name="reimbursement_list"),
    path("reimbursements/propose/", views.reimbursement_propose, name="reimbursement_propose"),
    path("reimbursements/<id:pk>/", views.reimbursement_detail, name="reimbursement_detail"),
    path("<id:pk>/poster.svg", views.poster, name="poster"),
]
