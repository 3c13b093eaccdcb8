from django.urls import path

from . import import_views, picker, views

app_name = "orgs"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("nodes/", views.node_tree, name="node_tree"),
    path("nodes/add/", views.node_add, name="node_add"),
    path("nodes/pick/", picker.node_pick, name="node_pick"),
    path("nodes/export.xlsx", views.node_export, name="node_export"),
    path("nodes/<id:pk>/", views.node_detail, name="node_detail"),
    path("nodes/<id:pk>/edit/", views.node_edit, name="node_edit"),
    path("nodes/<id:pk>/move/", views.node_move, name="node_move"),
    path("nodes/<id:pk>/toggle/", views.node_toggle, name="node_toggle"),
    path("people/", views.person_list, name="person_list"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/import/", import_views.people_import, name="person_import"),
    path("nodes/import/", import_views.units_import, name="node_import"),
    path("people/export.xlsx", views.person_export, name="person_export"),
    path("people/<id:pk>/", views.person_detail, name="person_detail"),
    path("people/<id:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<id:pk>/positions/add/", views.position_add, name="position_add"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/add/", views.account_add, name="account_add"),
    path("accounts/<id:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<id:pk>/unlock/", views.account_unlock, name="account_unlock"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/add/", views.token_add, name="token_add"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/add/", views.role_edit, name="role_add"),
    path("roles/<id:pk>/edit/", views.role_edit, name="role_edit"),
    path("logs/operations/", views.operation_log, name="operation_log"),
    path("logs/logins/", views.login_log, name="login_log"),
]
