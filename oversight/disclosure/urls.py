from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.lapse_list, name="lapse_list"),
    path("lapses/<id:pk>/", views.lapse_detail, name="lapse_detail"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/add/", views.catalogue_add, name="catalogue_add"),
    path("catalogue/<id:pk>/edit/", views.catalogue_edit, name="catalogue_edit"),
    path("notices/", views.publication_list, name="publication_list"),
    path("notices/capture/", views.publication_capture, name="publication_capture"),
    path("notices/import/", views.publications_import, name="publications_import"),
    path("notices/<id:pk>/classify/", views.publication_classify, name="publication_classify"),
    path("events/record/", views.event_record, name="event_record"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/add/", views.source_add, name="source_add"),
    path("sources/upload/", views.source_upload, name="source_upload"),
    path("sources/<id:pk>/", views.source_detail, name="source_detail"),
    path("sources/<id:pk>/edit/", views.source_edit, name="source_edit"),
    path("sources/<id:pk>/fetch/", views.source_fetch_now, name="source_fetch_now"),
    path("collected/unclassified/", views.unclassified_list, name="unclassified_list"),
    path("collected/<id:pk>/classify/", views.collected_classify, name="collected_classify"),
]
