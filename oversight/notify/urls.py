from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<id:pk>/", views.open_notification, name="open"),
    path("<id:pk>/read/", views.mark_read, name="mark_read"),
    path("settings/", views.preferences, name="settings"),
    path("settings/test/", views.send_test, name="send_test"),
    path("deliveries/", views.delivery_log, name="delivery_log"),
]
