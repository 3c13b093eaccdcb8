"""The project's URL map: one include per app."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from oversight.orgs.views import admin_login

urlpatterns = [
    path("", include("oversight.workbench.urls")),
    path("", include("oversight.core.urls")),
    path("system/dicts/", include("oversight.orgs.dictionary_urls")),
    path("orgs/", include("oversight.orgs.urls")),
    path("work/", include("oversight.loop.urls")),
    path("matters/", include("oversight.matters.urls")),
    path("duties/", include("oversight.duties.urls")),
    path("integrity/", include("oversight.integrity.urls")),
    path("risks/", include("oversight.risks.urls")),
    path("traces/", include("oversight.traces.urls")),
    path("inspections/", include("oversight.inspections.urls")),
    path("ecology/", include("oversight.ecology.urls")),
    path("fleet/", include("oversight.fleet.urls")),
    path("team/", include("oversight.team.urls")),
    path("joint/", include("oversight.joint.urls")),
    path("disclosure/", include("oversight.disclosure.urls")),
    path("collective/", include("oversight.collective.urls")),
    path("ledger/", include("oversight.ledger.urls")),
    path("notifications/", include("oversight.notify.urls")),
    path("documents/", include("oversight.documents.urls")),
    path("analytics/", include("oversight.analytics.urls")),
    path("measures/", include("oversight.measures.urls")),
    path("cockpit/", include("oversight.cockpit.urls")),
    path("p/disclosure/", include("oversight.disclosure.public_urls")),
    path("p/collective/", include("oversight.collective.public_urls")),
    path("p/", include("oversight.public.urls")),
    path("public-channel/", include("oversight.public.staff_urls")),
    path("open311/v2/", include("oversight.public.open311_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/orgs/", include("oversight.orgs.api_urls")),
    path("api/work/", include("oversight.loop.api_urls")),
    path("api/duties/", include("oversight.duties.api_urls")),
    path("api/inspections/", include("oversight.inspections.api_urls")),
    path("api/joint/", include("oversight.joint.api_urls")),
    path("django-admin/login/", admin_login, name="admin-login"),
    path("django-admin/", admin.site.urls),
]

handler400 = "oversight.core.errors.bad_request"
handler403 = "oversight.core.errors.permission_denied"
handler404 = "oversight.core.errors.page_not_found"
handler500 = "oversight.core.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
