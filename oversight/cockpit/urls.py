from django.urls import path

from . import views

app_name = "cockpit"

urlpatterns = [
    path("", views.screen, name="screen"),
    path("data.json", views.screen_data, name="data"),
    path("tiles/", views.tiles, name="tiles"),
    path("map/", views.map_upload, name="map"),
]
