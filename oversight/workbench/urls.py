"""The workbench at ``/`` (named ``workbench:home``)."""

from django.urls import path

from . import views

app_name = "workbench"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
]
