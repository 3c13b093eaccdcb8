from django.urls import path

from . import learning_views, views

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
    path("chain/freeze/", views.chain_freeze, name="chain_freeze"),
    path("learning/", learning_views.learning_home, name="learning"),
    path("learning/tests/<id:pk>/start/", learning_views.attempt_start, name="attempt_start"),
    path("learning/tests/<id:pk>/stats/", learning_views.paper_stats, name="paper_stats"),
    path("learning/papers/<id:pk>/", learning_views.attempt_detail, name="attempt"),
    path("learning/lessons/<id:pk>/", learning_views.lesson_detail, name="lesson"),
    path(
        "learning/lessons/<id:pk>/progress/",
        learning_views.lesson_progress,
        name="lesson_progress",
    ),
    path("learning/lessons/<id:pk>/confirm/", learning_views.lesson_confirm, name="lesson_confirm"),
    path("learning/lessons/<id:pk>/media/", learning_views.lesson_media, name="lesson_media"),
    path("learning/required/", learning_views.course_require, name="course_require"),
    path("learning/bank/import/", learning_views.bank_import, name="bank_import"),
    path("profiles/", views.profile_list, name="profile_list"),
    path("profiles/new/", views.profile_create, name="profile_create"),
    path("profiles/<id:pk>/", views.profile_detail, name="profile_detail"),
    path("profiles/<id:pk>/edit/", views.profile_edit, name="profile_edit"),
]
