from django.urls import path

from . import views

app_name = "ecology"

urlpatterns = [
    path("systems/", views.system_list, name="system_list"),
    path("systems/create/", views.system_create, name="system_create"),
    path("systems/<id:pk>/", views.system_detail, name="system_detail"),
    path("systems/<id:pk>/indicators/add/", views.indicator_add, name="indicator_add"),
    path("systems/<id:pk>/copy/", views.system_copy, name="system_copy"),
    path("indicators/<id:pk>/delete/", views.indicator_delete, name="indicator_delete"),
]
