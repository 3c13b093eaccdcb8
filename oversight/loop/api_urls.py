from rest_framework.routers import SimpleRouter

from .api import WorkItemViewSet

router = SimpleRouter()
router.register("items", WorkItemViewSet, basename="api-workitem")

urlpatterns = router.urls
