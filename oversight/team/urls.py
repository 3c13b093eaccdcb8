from django.urls import path

from . import views

app_name = "team"

urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("tasks/publish/", views.task_publish, name="task_publish"),
    path("tasks/<id:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<id:pk>/claim/", views.task_claim, name="task_claim"),
    path("tasks/<id:pk>/assign/", views.task_assign, name="task_assign"),
    path("claims/<id:pk>/choose/", views.claim_choose, name="claim_choose"),
    path("chain/", views.chain, name="chain"),
    path("chain/targets/", views.target_set, name="target_set"),
    path("profiles/", views.profile_list, name="profile_list"),
    path("profiles/new/", views.profile_create, name="profile_create"),
    path("profiles/<id:pk>/", views.profile_detail, name="profile_detail"),
    path("profiles/<id:pk>/edit/", views.profile_edit, name="profile_edit"),
]
