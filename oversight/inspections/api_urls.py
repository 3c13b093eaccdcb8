from rest_framework.routers import SimpleRouter

from .api import RoundViewSet, TaskViewSet

router = SimpleRouter()
router.register("rounds", RoundViewSet, basename="api-inspection-round")
router.register("tasks", TaskViewSet, basename="api-inspection-task")

urlpatterns = router.urls
