"""Citizens' pages at /p/: no login, phone first."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("w/<slug:token>/", views.window, name="window"),
    path("w/<slug:token>/rate/", views.rate, name="rate"),
    path("w/<slug:token>/style/", views.style_report, name="style_report"),
    path("w/<slug:token>/complain/", views.complain, name="complain_at"),
    path("complain/", views.complain, name="complain"),
    path("track/", views.track, name="track"),
    path("track/info/", views.track_info, name="track_info"),
    path("track/answer/<id:question>/", views.track_answer, name="track_answer"),
    path("track/rate/", views.track_rate, name="track_rate"),
    path("track/leave/", views.track_leave, name="track_leave"),
    path("board/", views.board, name="board"),
    path("board/replies/", views.board_replies, name="board_replies"),
    path("board/figures/", views.board_figures, name="board_figures"),
]
