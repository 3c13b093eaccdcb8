from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.lapse_list, name="lapse_list"),
    path("lapses/<id:pk>/", views.lapse_detail, name="lapse_detail"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/add/", views.catalogue_add, name="catalogue_add"),
    path("notices/", views.publication_list, name="publication_list"),
    path("notices/capture/", views.publication_capture, name="publication_capture"),
    path("notices/import/", views.publications_import, name="publications_import"),
    path("notices/<id:pk>/classify/", views.publication_classify, name="publication_classify"),
    path("events/record/", views.event_record, name="event_record"),
]
