from django.urls import path

from . import views

app_name = "matters"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("list/", views.matter_list, name="matter_list"),
    path("register/", views.matter_register, name="matter_register"),
    path("<id:pk>/", views.matter_detail, name="matter_detail"),
    path("<id:pk>/tasks/add/", views.task_add, name="task_add"),
]
