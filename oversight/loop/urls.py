from django.urls import path

from . import views

app_name = "loop"

urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("items/", views.item_list, name="item_list"),
    path("items/export.xlsx", views.item_export, name="item_export"),
    path("items/files.zip", views.items_files, name="items_files"),
    path("items/remind/", views.items_remind, name="items_remind"),
    path("items/<id:pk>/print/", views.item_print, name="item_print"),
    path("items/<id:pk>/", views.item_detail, name="item_detail"),
    path("items/<id:pk>/do/<slug:name>/", views.item_transition, name="item_transition"),
    path("items/<id:pk>/progress/", views.item_progress, name="item_progress"),
    path("items/<id:pk>/comment/", views.item_comment, name="item_comment"),
    path("items/<id:pk>/instruct/", views.item_instruct, name="item_instruct"),
    path("items/<id:pk>/document/", views.item_document, name="item_document"),
    path("items/<id:pk>/extension/", views.extension_request, name="extension_request"),
    path("items/<id:pk>/extension/decide/", views.extension_decide, name="extension_decide"),
    path("items/<id:pk>/file.zip", views.item_file, name="item_file"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment_download"),
    path("statistics/", views.statistics, name="statistics"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/ladder/<str:kind>/", views.kind_ladder, name="kind_ladder"),
]
