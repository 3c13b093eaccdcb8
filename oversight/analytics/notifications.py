from django.utils.translation import gettext_lazy as _

from oversight.notify.kinds import Kind

NOTIFICATION_KINDS = [
    Kind("analytics.import_checked", _("My data upload has been checked")),
    Kind("analytics.run_finished", _("A model run I started has finished"), ("email",)),
]
