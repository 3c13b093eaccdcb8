from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# The defaults of the opinion rule table (DOMAIN.md: a sanction within its period vetoes a
# promotion, a clue under verification delays it); administrators change them afterwards.
DEFAULT_RULES = [
    ("R1", "sanction_in_period", ["promotion", "award"], "veto", 10),
    ("R2", "clue_pending", [], "delay", 20),
    ("R3", "warning_open", ["promotion", "award"], "delay", 30),
    ("R4", "report_missing", ["promotion"], "delay", 40),
    ("R5", "clue_concluded", [], "report", 50),
    ("R6", "sanction_past", [], "report", 60),
]


def restore_default_rules(sender, *, using, apps=None, **kwargs):
    """An empty rule table gets the defaults back after every migrate and every flush.

    The table is reference data a migration first filled; a database flush (restoring a backup
    into a fresh schema, or the test runner between live-server tests) empties it, and an empty
    table would let every opinion conclude "no objection". A table an administrator has edited
    is never touched: only an empty one is filled."""
    if apps is None:  # a flush sends the signal without the migration state's registry
        from django.apps import apps
    try:
        rule = apps.get_model("integrity", "OpinionRule")
    except LookupError:  # migrated to a state before the table existed
        return
    if rule.objects.using(using).exists():
        return
    rule.objects.using(using).bulk_create(
        rule(code=code, condition=condition, purposes=purposes, effect=effect, order=order)
        for code, condition, purposes, effect, order in DEFAULT_RULES
    )


class IntegrityConfig(AppConfig):
    name = "oversight.integrity"
    label = "integrity"
    verbose_name = _("Integrity files")

    def ready(self):
        post_migrate.connect(restore_default_rules, sender=self)
