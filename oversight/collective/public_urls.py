from django.urls import path

from . import public_views

app_name = "collective_public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("<str:code>/", public_views.village, name="village"),
    path("<str:code>/member/", public_views.member, name="member"),
]
