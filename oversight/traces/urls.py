from django.urls import path

from . import views

app_name = "traces"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("people/<id:pk>/", views.graph_detail, name="graph_detail"),
    path("people/<id:pk>/graph.json", views.graph_json, name="graph_json"),
    path(
        "people/<id:pk>/findings/<int:number>/",
        views.finding_take_up,
        name="finding_take_up",
    ),
]
