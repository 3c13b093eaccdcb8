"""Staff pages of the public channel."""

from django.urls import path

from .staff_views import complaints, partners, posters, power_list, style

app_name = "public_staff"

urlpatterns = [
    path("complaints/", complaints.complaint_list, name="complaint_list"),
    path("complaints/export.xlsx", complaints.complaint_export, name="complaint_export"),
    path("complaints/<id:pk>/", complaints.complaint_detail, name="complaint_detail"),
    path("complaints/<id:pk>/do/<slug:name>/", complaints.complaint_step, name="complaint_step"),
    path("complaints/<id:pk>/route/", complaints.complaint_route, name="complaint_route"),
    path("complaints/<id:pk>/draft/", complaints.complaint_draft, name="complaint_draft"),
    path("complaints/<id:pk>/approve/", complaints.complaint_approve, name="complaint_approve"),
    path("complaints/<id:pk>/ask/", complaints.complaint_ask, name="complaint_ask"),
    path("complaints/<id:pk>/visit/", complaints.complaint_visit, name="complaint_visit"),
    path("complaints/<id:pk>/publish/", complaints.complaint_publish, name="complaint_publish"),
    path("complaints/<id:pk>/link/", complaints.complaint_link, name="complaint_link"),
    path("complaints/<id:pk>/unlink/", complaints.complaint_unlink, name="complaint_unlink"),
    path("complaints/<id:pk>/identity/", complaints.complaint_identity, name="complaint_identity"),
    path("dissatisfaction/", complaints.dissatisfaction_list, name="dissatisfaction_list"),
    path("style/reports/", style.style_report_list, name="style_report_list"),
    path("style/reports/<id:pk>/check/", style.style_report_check, name="style_report_check"),
    path("style/table/", style.style_table, name="style_table"),
    path("list/", power_list.power_list, name="power_list"),
    path("list/export.xlsx", power_list.power_list_export, name="power_list_export"),
    path("list/import/", power_list.power_list_import, name="power_list_import"),
    path("list/categories/add/", power_list.category_edit, name="category_add"),
    path("list/categories/<id:pk>/", power_list.category_edit, name="category_edit"),
    path("list/items/add/", power_list.item_edit, name="item_add"),
    path("list/items/<id:pk>/", power_list.item_edit, name="item_edit"),
    path("posters/", posters.poster_page, name="posters"),
    path("posters/<id:pk>/<slug:size>.<slug:fmt>", posters.poster_file, name="poster"),
    path("partners/", partners.partner_list, name="partner_list"),
    path("partners/<id:pk>/toggle/", partners.partner_toggle, name="partner_toggle"),
]
