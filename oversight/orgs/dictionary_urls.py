"""Dictionaries' pages, at ``/system/dicts/`` as before they moved from core."""

from django.urls import path

from . import dictionary_views as views

app_name = "dicts"

urlpatterns = [
    path("", views.dict_list, name="dict_list"),
    path("add/", views.dict_type_edit, name="dict_type_add"),
    path("<int:pk>/edit/", views.dict_type_edit, name="dict_type_edit"),
    path("<int:type_pk>/items/add/", views.dict_item_edit, name="dict_item_add"),
    path("<int:type_pk>/items/<int:pk>/edit/", views.dict_item_edit, name="dict_item_edit"),
]
