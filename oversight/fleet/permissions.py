from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("fleet:vehicle:view", _("See official vehicles, their tracks and warnings")),
    ("fleet:vehicle:edit", _("Register official vehicles and trip orders")),
    ("fleet:position:import", _("Import vehicle positions (files and the API)")),
    ("fleet:fence:edit", _("Upload geofences and declare sealing periods")),
    ("fleet:rule:run", _("Set the vehicle rules and run them")),
    ("fleet:warning:verify", _("Verify units' explanations of vehicle warnings")),
]
