from rest_framework.routers import SimpleRouter

from .api import OrgNodeViewSet, PersonViewSet

router = SimpleRouter()
router.register("nodes", OrgNodeViewSet, basename="api-orgnode")
router.register("people", PersonViewSet, basename="api-person")

urlpatterns = router.urls
