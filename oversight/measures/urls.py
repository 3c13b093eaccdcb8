from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<str:measure_id>/records/", views.measure_records, name="records"),
]
