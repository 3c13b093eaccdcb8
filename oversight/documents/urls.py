from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("export.xlsx", views.document_export, name="document_export"),
    path("issue/", views.document_issue, name="document_issue"),
    path("open/<id:pk>/", views.document_open, name="document_open"),
    path("drafts/new/", views.draft_new, name="draft_new"),
    path("drafts/<id:pk>/", views.draft_detail, name="draft_detail"),
    path("received/", views.received_list, name="received_list"),
    path("received/<id:pk>/", views.received_detail, name="received_detail"),
    path("received/<id:pk>/download/", views.received_download, name="received_download"),
    path("received/<id:pk>/sign/", views.received_sign, name="received_sign"),
    path("received/<id:pk>/reply/", views.received_reply, name="received_reply"),
    path("received/<id:pk>/evidence/", views.received_evidence, name="received_evidence"),
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
