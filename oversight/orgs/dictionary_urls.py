"""Dictionaries' pages, at ``/system/dicts/`` as before they moved from core."""

from django.urls import path

from . import dictionary_views as views

app_name = "dicts"

urlpatterns = [
    path("", views.dict_list, name="dict_list"),
    path("add/", views.dict_type_edit, name="dict_type_add"),
    path("<id:pk>/edit/", views.dict_type_edit, name="dict_type_edit"),
    path("<id:type_pk>/items/add/", views.dict_item_edit, name="dict_item_add"),
    path("<id:type_pk>/items/<id:pk>/edit/", views.dict_item_edit, name="dict_item_edit"),
]
