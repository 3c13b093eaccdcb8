"""The org tree, people and their positions, accounts, roles, and the operation and login logs."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.core.access import DataScope


class OrgNode(models.Model):
    """A node of the organisation tree, of any depth.

    ``path`` is materialised as the ids from the root, e.g. ``/1/5/23/``, so "this node and
    everything below it" is one indexed prefix query. Only ``services.node_move`` rewrites paths.
    """

    class Type(models.TextChoices):
        COMMISSION = "commission", _("Discipline commission")
        STATIONED_GROUP = "stationed_group", _("Stationed discipline group")
        PARTY_COMMITTEE = "party_committee", _("Party committee")
        UNIT = "unit", _("Unit")
        DEPARTMENT = "department", _("Department")
        SERVICE_WINDOW = "service_window", _("Service window")
        DISTRICT = "district", _("District")
        TOWN = "town", _("Town / street")
        VILLAGE = "village", _("Village / community")

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=64, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=1024, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort = models.IntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # A stationed discipline group (or any supervising body) supervises units outside its own
    # subtree; the "supervised nodes" data scope follows this relation.
    supervises = models.ManyToManyField(
        "self",
        verbose_name=_("supervises"),
        symmetrical=False,
        blank=True,
        related_name="supervised_by",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("org node")
        verbose_name_plural = _("org nodes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="orgnode_not_own_parent"
            ),
            # "qh-u04" and "QH-U04" are one code to the people who type them
            models.UniqueConstraint(Lower("code"), name="orgnode_code_unique_any_case"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this node's parent, read from the path."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]


class Person(models.Model):
    """A cadre or member of staff, identified by an 18-digit resident ID."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    name = models.CharField(_("name"), max_length=64)
    resident_id = models.CharField(_("resident ID"), max_length=18, unique=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    org_node = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    rank = models.CharField(_("rank"), max_length=32, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_cadre = models.BooleanField(_("cadre"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["org_node__path", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A post a person holds, or held, at an org node."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    org_node = models.ForeignKey(
        OrgNode, verbose_name=_("org node"), on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(_("title"), max_length=80)
    is_leader = models.BooleanField(_("leading post"), default=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_node} {self.title}"


class Role(models.Model):
    """Function permissions and a data scope, as in RuoYi.

    ``permissions`` holds codes declared in the apps' ``permissions.py`` (see core.registry);
    the code ``*`` grants every function.
    """

    Scope = DataScope  # declared in core.access, where scope_q reads it

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    permissions = models.JSONField(_("permissions"), default=list, blank=True)
    data_scope = models.CharField(
        _("data scope"), max_length=16, choices=Scope.choices, default=Scope.OWN_AND_BELOW
    )
    listed_nodes = models.ManyToManyField(
        OrgNode, verbose_name=_("listed nodes"), blank=True, related_name="+"
    )
    sort = models.IntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name


class AccountManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **fields):
        from oversight.ledger import services as ledger  # the ledger's services read models

        account = self.model(username=username, **fields)
        account.set_password(password)
        account.save(using=self._db)
        # An account made from the command line (createsuperuser) is traced like any other.
        ledger.record(
            actor=None, action="orgs.account.create", target=account, before=None, after=None
        )
        return account

    def create_superuser(self, username, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        if "org_node" not in fields and "org_node_id" not in fields:
            root = OrgNode.objects.filter(parent__isnull=True).order_by("id").first()
            if root is None:
                raise ValueError("create the org tree (manage.py demo) before a superuser")
            fields["org_node"] = root
        return self.create_user(username, password, **fields)


class Account(AbstractBaseUser, PermissionsMixin):
    """A login, tied to an org node and usually to a person ("three-level accounts")."""

    username = models.CharField(_("username"), max_length=64, unique=True)
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )
    org_node = models.ForeignKey(
        OrgNode, verbose_name=_("org node"), on_delete=models.PROTECT, related_name="accounts"
    )
    roles = models.ManyToManyField(
        Role, verbose_name=_("roles"), blank=True, related_name="accounts"
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    failed_logins = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = AccountManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["username"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="account_username_unique_any_case"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class OperationLog(models.Model):
    """One state-changing request: who, what, on which target, where, with what result."""

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        Account, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("actor")
    )
    actor_name = models.CharField(_("actor"), max_length=64)
    actor_node = models.ForeignKey(
        OrgNode, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("org node")
    )
    action = models.CharField(_("action"), max_length=120)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    method = models.CharField(_("method"), max_length=8)
    url = models.CharField(_("URL"), max_length=500)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    status_code = models.PositiveSmallIntegerField(_("status"))
    elapsed_ms = models.PositiveIntegerField(_("elapsed (ms)"))
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("operation log entry")
        verbose_name_plural = _("operation log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"


class LoginLog(models.Model):
    """One login attempt, successful or not."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    username = models.CharField(_("username"), max_length=64)
    account = models.ForeignKey(
        Account, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("account")
    )
    success = models.BooleanField(_("success"))
    reason = models.CharField(_("reason"), max_length=64, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("login log entry")
        verbose_name_plural = _("login log")
        indexes = [models.Index(fields=["address", "at"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {'ok' if self.success else self.reason}"
        )


class ApiToken(models.Model):
    """A credential an administrator issues to an API client, acting as one account.

    Only the SHA-256 digest of the token is stored (the token is 256 random bits, so a fast
    digest is safe and costs nothing per request); ``prefix`` names it in lists. A token may be
    narrowed to one of its account's roles: its functions and data scope are then that role's
    alone. Revoked or expired tokens are refused; every refusal goes to the login log.
    """

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    role = models.ForeignKey(
        Role,
        verbose_name=_("role"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty to act with all the account's roles."),
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("token prefix"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    created_by = models.ForeignKey(
        Account, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("issued by")
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
