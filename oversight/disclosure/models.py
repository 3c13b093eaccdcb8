"""Affairs disclosure re-supervision (三务公开+): the catalogue of what each kind of unit must
publish and when, the notices captured from what units published, what was expected of each
unit for each period, and the lapses found, each supervised as a ``disclosure.lapse`` work
item (supervision suggestion → feedback → verification)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem
from oversight.orgs.models import OrgNode


class CatalogueItem(models.Model):
    """One disclosure a kind of unit must make: its schedule, the fields of the standard
    template a complete notice shows, and whether a photo of the notice board is required."""

    class Category(models.TextChoices):
        PARTY = "party", _("Party affairs")
        GOVERNMENT = "government", _("Government affairs")
        VILLAGE = "village", _("Village affairs")
        FINANCE = "finance", _("Finances")

    class Area(models.TextChoices):
        GENERAL = "general", _("General")
        MAJOR_PROJECTS = "major_projects", _("Major projects")
        SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance")
        WELFARE = "welfare", _("Welfare and subsidies")
        EMPLOYMENT = "employment", _("Employment")
        POVERTY_RELIEF = "poverty_relief", _("Poverty relief")
        LAND = "land", _("Land and homesteads")
        HOUSING = "housing", _("Housing security")
        HEALTH = "health", _("Health and medical insurance")
        EDUCATION = "education", _("Education")
        ELDERLY = "elderly", _("Elderly care")
        AGRICULTURE = "agriculture", _("Agricultural subsidies")
        ENVIRONMENT = "environment", _("Ecology and environment")
        PUBLIC_RESOURCES = "public_resources", _("Public resource transactions")

    class Frequency(models.TextChoices):
        # Each names a declared schedule (disclosure/schedules.py) on the working-day calendar.
        MONTHLY = "monthly", _("Monthly (by the 10th of the month)")
        QUARTERLY = "quarterly", _("Quarterly (within 15 working days of the quarter's end)")
        EVENT = "event", _("On event (within 5 working days)")

    title = models.CharField(_("disclosure"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    area = models.CharField(
        _("key area"), max_length=32, choices=Area.choices, default=Area.GENERAL
    )
    unit_type = models.CharField(_("kind of unit"), max_length=32, choices=OrgNode.Type.choices)
    frequency = models.CharField(_("schedule"), max_length=16, choices=Frequency.choices)
    required_fields = models.JSONField(_("fields a complete notice shows"), default=list)
    photo_required = models.BooleanField(_("photo of the notice board required"), default=False)
    keywords = models.JSONField(
        _("title keywords"),
        default=list,
        help_text=_("A captured notice whose title holds one of these is classified here."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["unit_type", "category", "title"]
        constraints = [
            models.UniqueConstraint(fields=["unit_type", "title"], name="disclosure_catalogue_once")
        ]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("disclosure catalogue")

    def __str__(self) -> str:
        return self.title


class Occurrence(models.Model):
    """Something that must be disclosed within days of happening (a major project approved, a
    subsidy list decided): it opens its obligation through the schedule service."""

    # Named DisclosureEvent when its first ledger leaves were written; a leaf's type is part of
    # what it hashes, so the ledger keeps calling these rows by that name.
    ledger_type = "disclosure.disclosureevent"

    node = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT)
    catalogue_item = models.ForeignKey(
        CatalogueItem, verbose_name=_("disclosure"), on_delete=models.PROTECT
    )
    title = models.CharField(_("event"), max_length=200)
    happened_on = models.DateField(_("happened on"))
    key = models.CharField(_("occurrence"), max_length=16, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-happened_on", "id"]

    def __str__(self) -> str:
        return self.title


class Publication(models.Model):
    """A notice a unit published (read from its account, the portal or its notice board and
    entered or imported by an officer): classified to a catalogue item and the period it
    covers, or waiting for a person to classify it."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered")
        IMPORTED = "imported", _("Imported")
        COLLECTED = "collected", _("Collected from a source")

    node = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT)
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("disclosure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    key = models.CharField(_("period"), max_length=16, blank=True)
    title = models.CharField(_("title"), max_length=300)
    published_on = models.DateField(_("published on"))
    url = models.URLField(_("link"), max_length=500, blank=True)
    body = models.TextField(_("content"), blank=True)
    fields = models.JSONField(_("fields shown"), default=list, blank=True)
    has_photo = models.BooleanField(_("notice board photo"), default=False)
    digest = models.CharField(max_length=64, editable=False)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    captured_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["node", "catalogue_item", "key"], name="disclosure_pub_period"),
            models.Index(fields=["published_on"], name="disclosure_pub_date"),
        ]
        verbose_name = _("captured notice")
        verbose_name_plural = _("captured notices")

    def __str__(self) -> str:
        return self.title


class Expectation(models.Model):
    """What a unit owed for one catalogue item and period, as the check found it once the
    period's due date had passed."""

    class Status(models.TextChoices):
        ON_TIME = "on_time", _("Published on time")
        LATE = "late", _("Published late")
        MISSING = "missing", _("Not published")

    node = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT)
    catalogue_item = models.ForeignKey(
        CatalogueItem, verbose_name=_("disclosure"), on_delete=models.PROTECT
    )
    key = models.CharField(_("period"), max_length=16)
    due = models.DateField(_("due"))
    obligation_item = models.ForeignKey(
        WorkItem, on_delete=models.PROTECT, related_name="+", null=True
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    checked_on = models.DateField(_("checked on"))

    class Meta:
        ordering = ["-due", "node__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "catalogue_item", "key"], name="disclosure_expectation_once"
            )
        ]
        indexes = [models.Index(fields=["due"], name="disclosure_expected_due")]

    def __str__(self) -> str:
        return f"{self.catalogue_item} ({self.key})"


class Lapse(models.Model):
    """A lapse the check found (missing, late, incomplete, no photo, republished), supervised
    as a ``disclosure.lapse`` work item."""

    class Kind(models.TextChoices):
        MISSING = "missing", _("Not published by its date")
        LATE = "late", _("Published late")
        INCOMPLETE = "incomplete", _("Fields missing")
        NO_PHOTO = "no_photo", _("No notice board photo")
        REPUBLISHED = "republished", _("Last period's content republished")
        SILENT = "silent", _("Source silent for longer than its cadence")

    # A silent source's lapse has no expectation or catalogue item: it names the source.
    expectation = models.ForeignKey(
        Expectation, null=True, blank=True, on_delete=models.PROTECT, related_name="lapses"
    )
    node = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT)
    catalogue_item = models.ForeignKey(
        CatalogueItem, verbose_name=_("disclosure"), null=True, blank=True, on_delete=models.PROTECT
    )
    source = models.ForeignKey(
        "Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lapses",
    )
    key = models.CharField(_("period"), max_length=16)
    kind = models.CharField(_("lapse"), max_length=16, choices=Kind.choices)
    detail = models.TextField(_("detail"), blank=True)
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_on = models.DateField(_("found on"))
    suggested_on = models.DateField(_("supervision suggestion sent"), null=True, blank=True)
    notices = models.PositiveSmallIntegerField(_("rectification notices"), default=0)
    item = models.OneToOneField(WorkItem, on_delete=models.PROTECT, related_name="disclosure_lapse")

    class Meta:
        ordering = ["-found_on", "node__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "catalogue_item", "key", "kind"], name="disclosure_lapse_once"
            )
        ]
        indexes = [
            models.Index(fields=["found_on"], name="disclosure_lapse_found"),
            models.Index(fields=["suggested_on"], name="disclosure_lapse_suggested"),
        ]
        verbose_name = _("disclosure lapse")
        verbose_name_plural = _("disclosure lapses")

    def __str__(self) -> str:
        return f"{self.catalogue_item or self.source} ({self.key}): {self.get_kind_display()}"


class Source(models.Model):
    """Where a unit publishes (a feed, a list page, a JSON endpoint, or files it uploads): the
    adapter that reads it and that adapter's configuration, kept as data."""

    class Kind(models.TextChoices):
        RSS = "rss", _("RSS feed")
        ATOM = "atom", _("Atom feed")
        HTML = "html", _("HTML list page")
        JSON = "json", _("JSON endpoint")
        UPLOAD = "upload", _("Files the unit uploads")

    node = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    url = models.URLField(_("address"), max_length=500, blank=True)
    host = models.CharField(_("host"), max_length=255, blank=True, editable=False)
    config = models.JSONField(
        _("adapter configuration"),
        default=dict,
        blank=True,
        help_text=_("CSS selectors (item, title, date, link, body) or JSON field paths."),
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("publishes at least every (working days)"), default=30
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    etag = models.CharField(max_length=255, blank=True, editable=False)
    last_modified = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["node__path", "name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


class Fetch(models.Model):
    """One attempt at reading a source, and what came of it."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Read")
        NOT_MODIFIED = "not_modified", _("Nothing new (not modified)")
        EMPTY = "empty", _("Nothing found (has the layout changed?)")
        BROKEN = "broken", _("Could not be read")
        TIMEOUT = "timeout", _("Timed out")
        REFUSED = "refused", _("Refused (host not configured)")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="fetches")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    found = models.PositiveIntegerField(_("notices found"), default=0)
    new = models.PositiveIntegerField(_("new notices"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["source", "-at"], name="disclosure_fetch_last")]

    def __str__(self) -> str:
        return f"{self.source} {self.at:%Y-%m-%d %H:%M} {self.outcome}"


class Collected(models.Model):
    """A notice an adapter read from a source, kept once (by its link or guid), and the
    captured notice it became."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="collected")
    guid = models.CharField(_("link or identifier"), max_length=500)
    title = models.CharField(_("title"), max_length=300)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    body = models.TextField(_("content"), blank=True)
    digest = models.CharField(max_length=64)
    attachment = models.FileField(upload_to="disclosure/collected/", blank=True)
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    collected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-collected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="disclosure_collected_once")
        ]

    def __str__(self) -> str:
        return self.title
