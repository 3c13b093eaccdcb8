app_name = "public_staff"
urlpatterns = []
