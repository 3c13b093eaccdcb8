from django.urls import path

from . import views

app_name = "risks"

urlpatterns = [
    path("", views.reminder_list, name="reminder_list"),
    path("reminders/<id:pk>/", views.reminder_detail, name="reminder_detail"),
    path("reminders/<id:pk>/talks/", views.talk_add, name="talk_add"),
    path("map/", views.risk_map, name="risk_map"),
    path("points/", views.point_list, name="point_list"),
    path("points/create/", views.point_create, name="point_create"),
    path("points/import/", views.points_import, name="points_import"),
    path("points/<id:pk>/", views.point_detail, name="point_detail"),
    path("points/<id:pk>/edit/", views.point_edit, name="point_edit"),
    path("points/<id:pk>/assign/", views.assignment_add, name="assignment_add"),
    path("assignments/<id:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/<id:pk>/", views.rule_edit, name="rule_edit"),
]
