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
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/create/", views.round_create, name="round_create"),
    path("rounds/<id:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<id:pk>/ratings/", views.rating_save, name="rating_save"),
    path("rounds/<id:pk>/compute/", views.round_compute, name="round_compute"),
    path("rounds/<id:pk>/freeze/", views.round_freeze, name="round_freeze"),
    path("rounds/<id:pk>/publish/", views.round_publish, name="round_publish"),
    path("rounds/<id:pk>/surveys/", views.survey_open, name="survey_open"),
    path("vote/", views.vote, name="vote"),
    path("portraits/<id:pk>/", views.portrait_detail, name="portrait_detail"),
    path("portraits/<id:pk>/documents/", views.portrait_documents, name="portrait_documents"),
]
