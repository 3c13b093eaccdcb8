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
    path("nodes/<int:pk>/", views.node_detail, name="node_detail"),
    path("nodes/<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("nodes/<int:pk>/move/", views.node_move, name="node_move"),
    path("nodes/<int:pk>/toggle/", views.node_toggle, name="node_toggle"),
    path("people/", views.person_list, name="person_list"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/import/", import_views.people_import, name="person_import"),
    path("nodes/import/", import_views.units_import, name="node_import"),
    path("people/export.xlsx", views.person_export, name="person_export"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/positions/add/", views.position_add, name="position_add"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/add/", views.account_add, name="account_add"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/unlock/", views.account_unlock, name="account_unlock"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/add/", views.role_edit, name="role_add"),
    path("roles/<int:pk>/edit/", views.role_edit, name="role_edit"),
    path("logs/operations/", views.operation_log, name="operation_log"),
    path("logs/logins/", views.login_log, name="login_log"),
]
