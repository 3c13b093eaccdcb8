"""Staff pages of the public channel."""

from django.urls import path

from . import staff_views as views

app_name = "public_staff"

urlpatterns = [
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/export.xlsx", views.complaint_export, name="complaint_export"),
    path("complaints/<id:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<id:pk>/do/<slug:name>/", views.complaint_step, name="complaint_step"),
    path("complaints/<id:pk>/route/", views.complaint_route, name="complaint_route"),
    path("complaints/<id:pk>/draft/", views.complaint_draft, name="complaint_draft"),
    path("complaints/<id:pk>/approve/", views.complaint_approve, name="complaint_approve"),
    path("complaints/<id:pk>/ask/", views.complaint_ask, name="complaint_ask"),
    path("complaints/<id:pk>/visit/", views.complaint_visit, name="complaint_visit"),
    path("complaints/<id:pk>/publish/", views.complaint_publish, name="complaint_publish"),
    path("complaints/<id:pk>/link/", views.complaint_link, name="complaint_link"),
    path("complaints/<id:pk>/unlink/", views.complaint_unlink, name="complaint_unlink"),
    path("complaints/<id:pk>/identity/", views.complaint_identity, name="complaint_identity"),
    path("dissatisfaction/", views.dissatisfaction_list, name="dissatisfaction_list"),
    path("style/reports/", views.style_report_list, name="style_report_list"),
    path("style/reports/<id:pk>/check/", views.style_report_check, name="style_report_check"),
    path("style/table/", views.style_table, name="style_table"),
    path("list/", views.power_list, name="power_list"),
    path("list/export.xlsx", views.power_list_export, name="power_list_export"),
    path("list/import/", views.power_list_import, name="power_list_import"),
    path("list/categories/add/", views.category_edit, name="category_add"),
    path("list/categories/<id:pk>/", views.category_edit, name="category_edit"),
    path("list/items/add/", views.item_edit, name="item_add"),
    path("list/items/<id:pk>/", views.item_edit, name="item_edit"),
    path("posters/", views.poster_page, name="posters"),
    path("posters/<id:pk>/<slug:size>.<slug:fmt>", views.poster_file, name="poster"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<id:pk>/toggle/", views.partner_toggle, name="partner_toggle"),
]
