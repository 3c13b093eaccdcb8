from django.urls import path

from . import api, views

app_name = "fleet"

urlpatterns = [
    path("", views.vehicle_list, name="vehicle_list"),
    path("add/", views.vehicle_create, name="vehicle_create"),
    path("<id:pk>/", views.vehicle_detail, name="vehicle_detail"),
    path("<id:pk>/trips/add/", views.trip_add, name="trip_add"),
    path("trips/import/", views.trips_import, name="trips_import"),
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/<id:pk>/", views.warning_detail, name="warning_detail"),
    path("warnings/run/", views.rules_run, name="rules_run"),
    path("holiday/", views.holiday, name="holiday"),
    path("positions/", views.batch_list, name="batch_list"),
    path("positions/import/", views.positions_import, name="positions_import"),
    path("fences/", views.fence_list, name="fence_list"),
    path("fences/upload/", views.fences_upload, name="fences_upload"),
    path("sealing/calendar/", views.sealing_calendar, name="sealing_calendar"),
    path("sealing/declare/", views.sealing_declare, name="sealing_declare"),
    path("rules/", views.rule_list, name="rule_list"),
    path("api/positions/", api.PositionsPush.as_view(), name="api_positions"),
]
