"""The workbench at ``/`` (named ``workbench:home``)."""

from django.urls import path

from . import home_views

app_name = "workbench"

urlpatterns = [path("", home_views.home, name="home")]
