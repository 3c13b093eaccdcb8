from django.urls import path

from . import public_views

app_name = "disclosure_public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("<str:code>/", public_views.unit, name="unit"),
]
