from rest_framework.routers import SimpleRouter

from .api import DutyListViewSet

router = SimpleRouter()
router.register("lists", DutyListViewSet, basename="api-dutylist")

urlpatterns = router.urls
