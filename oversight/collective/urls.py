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
    path("<id:pk>/poster.svg", views.poster, name="poster"),
]
