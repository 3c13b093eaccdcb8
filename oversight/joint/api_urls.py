from rest_framework.routers import SimpleRouter

from .api import FindingViewSet, HandoverViewSet, PlanViewSet

router = SimpleRouter()
router.register("plans", PlanViewSet, basename="api-joint-plan")
router.register("findings", FindingViewSet, basename="api-joint-finding")
router.register("handovers", HandoverViewSet, basename="api-joint-handover")

urlpatterns = router.urls
