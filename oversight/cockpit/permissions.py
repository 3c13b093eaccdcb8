from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("cockpit:screen:view", _("Open the cockpit of one's scope")),
    ("cockpit:tiles:edit", _("Choose and order the cockpit's tiles for a commission")),
    ("cockpit:map:upload", _("Upload the map (GeoJSON) of a node's areas")),
]
