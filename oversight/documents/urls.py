from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("export.xlsx", views.document_export, name="document_export"),
    path("issue/", views.document_issue, name="document_issue"),
    path("<id:pk>/", views.document_detail, name="document_detail"),
    path("<id:pk>/download/", views.document_download, name="document_download"),
    path("<id:pk>/print/", views.document_print, name="document_print"),
    path("templates/", views.template_admin, name="template_admin"),
    path("templates/<id:pk>/activate/", views.template_activate, name="template_activate"),
    path("templates/<id:pk>/download/", views.template_download, name="template_download"),
    path(
        "templates/builtin/<str:doc_type>/use/",
        views.template_use_builtin,
        name="template_use_builtin",
    ),
    path(
        "templates/builtin/<str:doc_type>/download/",
        views.builtin_download,
        name="builtin_download",
    ),
    path("prefixes/", views.prefix_admin, name="prefix_admin"),
]
