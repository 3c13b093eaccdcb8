from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search, name="search"),
    path("system/dicts/", views.dict_list, name="dict_list"),
    path("system/dicts/add/", views.dict_type_edit, name="dict_type_add"),
    path("system/dicts/<id:pk>/edit/", views.dict_type_edit, name="dict_type_edit"),
    path("system/dicts/<id:type_pk>/items/add/", views.dict_item_edit, name="dict_item_add"),
    path(
        "system/dicts/<id:type_pk>/items/<id:pk>/edit/",
        views.dict_item_edit,
        name="dict_item_edit",
    ),
]
