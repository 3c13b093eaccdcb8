"""Every write to the org tree, people, accounts and roles.

Each service runs in one transaction, validates what the database cannot, and raises
``ValidationError`` with a message keyed by field so forms and the API can show it in place.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.core.registry import ALL, PERMISSIONS
from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.lib import resident_id as rid

from .access import has_perm, require_administers, scope_q, sees_everything
from .models import Account, ApiToken, LoginLog, OrgNode, Person, Position, Role


def _trace(actor, action: str, target, before: dict | None) -> None:
    """Append the change to the ledger in the same transaction (every action leaves a trace)."""
    ledger.record(actor=actor, action=action, target=target, before=before, after=snapshot(target))


def _account_state(account: Account) -> dict:
    """An account as the ledger digests it: never its password hash or login counters."""
    state = snapshot(account, exclude=("password", "last_login", "failed_logins", "locked_until"))
    state["roles"] = sorted(account.roles.values_list("pk", flat=True)) if account.pk else []
    return state


# --- org tree -------------------------------------------------------------------------------


def _unique_code(code: str, node: OrgNode | None) -> None:
    clash = OrgNode.objects.filter(code__iexact=code).exclude(pk=getattr(node, "pk", None))
    if clash.exists():
        raise ValidationError(
            {
                "code": ValidationError(
                    _("Another node already uses this code (codes ignore case)."),
                    code="duplicate_code",
                )
            }
        )


@transaction.atomic
def node_create(
    *,
    actor=None,
    name: str,
    code: str,
    type: str,
    parent: OrgNode | None,
    sort: int = 0,
    supervises: list[OrgNode] | None = None,
) -> OrgNode:
    """Add a node under ``parent`` (or a new root) and give it its materialised path."""
    if parent is not None and not parent.is_active:
        raise ValidationError(
            {
                "parent": ValidationError(
                    _("A node cannot be added under a disabled node."), code="parent_disabled"
                )
            }
        )
    _unique_code(code, None)
    if actor is not None and (
        parent is None
        and not sees_everything(actor)
        or parent is not None
        and not OrgNode.objects.filter(scope_q(actor, node=""), pk=parent.pk).exists()
    ):
        raise PermissionDenied("orgs:node:scope")
    node = OrgNode.objects.create(
        name=name, code=code, type=type, parent=parent, sort=sort, path="", depth=0
    )
    node.path = f"{parent.path if parent else '/'}{node.pk}/"
    node.depth = parent.depth + 1 if parent else 0
    node.save(update_fields=["path", "depth"])
    if supervises:
        node.supervises.set(supervises)
    _trace(actor, "orgs.node.create", node, None)
    return node


@transaction.atomic
def node_update(
    *,
    actor=None,
    node: OrgNode,
    name: str,
    code: str,
    type: str,
    sort: int,
    supervises: list[OrgNode] | None = None,
) -> OrgNode:
    """Change a node's own fields; its place in the tree changes only through ``node_move``.

    Only a node below the top of the actor's scope may be changed (``access.administers``), and
    only an administrator (``orgs:node:retype``) changes a node's type: a type decides which
    modules treat the node as a commission, a stationed group or a town.
    """
    require_administers(actor, node)
    if actor is not None and type != node.type and not has_perm(actor, "orgs:node:retype"):
        raise PermissionDenied("orgs:node:retype")
    _unique_code(code, node)
    before = snapshot(node)
    node.name, node.code, node.type, node.sort = name, code, type, sort
    node.save(update_fields=["name", "code", "type", "sort", "updated_at"])
    if supervises is not None:
        node.supervises.set([other for other in supervises if other.pk != node.pk])
    _trace(actor, "orgs.node.update", node, before)
    return node


@transaction.atomic
def node_move(*, node: OrgNode, new_parent: OrgNode, actor=None) -> OrgNode:
    """Move ``node`` with its whole subtree under ``new_parent``, rewriting every path at once.

    One UPDATE rewrites the prefix of every descendant's path, so the subtree is never seen half
    moved. Moving a node under itself or its own descendant is refused.
    """
    node = OrgNode.objects.select_for_update().get(pk=node.pk)
    new_parent = OrgNode.objects.select_for_update().get(pk=new_parent.pk)
    require_administers(actor, node)
    if (
        actor is not None
        and not OrgNode.objects.filter(scope_q(actor, node=""), pk=new_parent.pk).exists()
    ):
        raise PermissionDenied("orgs:node:scope")
    if new_parent.path.startswith(node.path):
        raise ValidationError(
            {
                "new_parent": ValidationError(
                    _("A node cannot be moved under itself or one of its descendants."),
                    code="own_subtree",
                )
            }
        )
    if not new_parent.is_active:
        raise ValidationError(
            {
                "new_parent": ValidationError(
                    _("A node cannot be moved under a disabled node."), code="parent_disabled"
                )
            }
        )
    if node.parent_id == new_parent.pk:
        return node
    before = snapshot(node)
    old_path = node.path
    new_path = f"{new_parent.path}{node.pk}/"
    depth_delta = new_parent.depth + 1 - node.depth
    OrgNode.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", Length(Value(old_path)) + 1)),
        depth=F("depth") + depth_delta,
    )
    OrgNode.objects.filter(pk=node.pk).update(parent=new_parent)
    node.refresh_from_db()
    _trace(actor, "orgs.node.move", node, before)
    _trace_subtree(actor, "orgs.node.move", node)
    return node


def _trace_subtree(actor, action: str, node: OrgNode) -> None:
    """A leaf for each node below ``node`` that a change of the subtree rewrote at once."""
    ledger.record_many(
        [
            ledger.Event(actor=actor, action=action, target=below, details={"with": node.pk})
            for below in OrgNode.objects.filter(path__startswith=node.path)
            .exclude(pk=node.pk)
            .order_by("path")
        ]
    )


@transaction.atomic
def node_set_active(*, node: OrgNode, active: bool, actor=None) -> int:
    """Disable a node with its subtree (or enable it again); returns how many nodes changed.

    Enabling under a disabled parent is refused: the tree never shows an active node whose
    ancestors are disabled.
    """
    require_administers(actor, node)
    if active and node.parent_id and not node.parent.is_active:
        raise ValidationError(_("Enable the parent node first."), code="parent_disabled")
    before = snapshot(node)
    changed = OrgNode.objects.filter(path__startswith=node.path, is_active=not active).update(
        is_active=active, updated_at=timezone.now()
    )
    node.refresh_from_db()
    ledger.record(
        actor=actor,
        action="orgs.node.enable" if active else "orgs.node.disable",
        target=node,
        before=before,
        after=snapshot(node),
        details={"nodes_changed": changed},
    )
    _trace_subtree(actor, "orgs.node.enable" if active else "orgs.node.disable", node)
    return changed


# --- people ---------------------------------------------------------------------------------


def _identity(resident_id: str) -> tuple[str, str, date]:
    try:
        normalized = rid.normalize(resident_id)
    except rid.InvalidResidentId as exc:
        raise ValidationError(
            {"resident_id": ValidationError(resident_id_message(exc.code), code="invalid")}
        ) from exc
    return normalized, rid.gender(normalized), rid.birth_date(normalized)


def resident_id_message(code: str) -> str:
    """The translated message for a resident-ID error code of ``lib.resident_id``."""
    messages = {
        "format": _(
            "A resident ID has 18 digits (the last may be X), or 15 digits in the old form."
        ),
        "checksum": _("The check digit of this resident ID is wrong; please check each digit."),
        "birth_date": _("The birth date inside this resident ID is not a real date."),
        "area": _("The area code of this resident ID is not valid."),
    }
    return messages.get(code, messages["format"])


@transaction.atomic
def person_create(
    *,
    actor=None,
    name: str,
    resident_id: str,
    org_node: OrgNode,
    rank: str = "",
    phone: str = "",
    is_cadre: bool = True,
) -> Person:
    """Register a person; gender and birth date are read from the resident ID."""
    normalized, gender, born = _identity(resident_id)
    if Person.objects.filter(resident_id=normalized).exists():
        raise ValidationError(
            {
                "resident_id": ValidationError(
                    _("A person with this resident ID already exists."), code="taken"
                )
            }
        )
    person = Person.objects.create(
        name=name.strip(),
        resident_id=normalized,
        gender=gender,
        birth_date=born,
        org_node=org_node,
        rank=rank,
        phone=phone,
        is_cadre=is_cadre,
    )
    _trace(actor, "orgs.person.create", person, None)
    return person


@transaction.atomic
def person_update(
    *,
    actor=None,
    person: Person,
    name: str,
    resident_id: str,
    org_node: OrgNode,
    rank: str,
    phone: str,
    is_cadre: bool,
    is_active: bool,
) -> Person:
    """Change a person's data; a corrected resident ID re-derives gender and birth date."""
    before = snapshot(person)
    normalized, gender, born = _identity(resident_id)
    if Person.objects.filter(resident_id=normalized).exclude(pk=person.pk).exists():
        raise ValidationError(
            {
                "resident_id": ValidationError(
                    _("A person with this resident ID already exists."), code="taken"
                )
            }
        )
    person.name, person.resident_id, person.gender, person.birth_date = (
        name.strip(),
        normalized,
        gender,
        born,
    )
    person.org_node, person.rank, person.phone = org_node, rank, phone
    person.is_cadre, person.is_active = is_cadre, is_active
    person.save()
    _trace(actor, "orgs.person.update", person, before)
    return person


@transaction.atomic
def position_add(
    *,
    actor=None,
    person: Person,
    org_node: OrgNode,
    title: str,
    start_date: date,
    end_date: date | None = None,
    is_leader: bool = False,
) -> Position:
    """Record a post held by ``person``."""
    if end_date is not None and end_date < start_date:
        raise ValidationError(
            {
                "end_date": ValidationError(
                    _("The end date cannot be before the start date."), code="end_before_start"
                )
            }
        )
    position = Position.objects.create(
        person=person,
        org_node=org_node,
        title=title,
        start_date=start_date,
        end_date=end_date,
        is_leader=is_leader,
    )
    _trace(actor, "orgs.position.add", position, None)
    return position


@transaction.atomic
def position_end(*, position: Position, end_date: date, actor=None) -> Position:
    """Close a post on ``end_date``."""
    if end_date < position.start_date:
        raise ValidationError(
            {
                "end_date": ValidationError(
                    _("The end date cannot be before the start date."), code="end_before_start"
                )
            }
        )
    before = snapshot(position)
    position.end_date = end_date
    position.save(update_fields=["end_date"])
    _trace(actor, "orgs.position.end", position, before)
    return position


# --- roles ----------------------------------------------------------------------------------


def _check_codes(codes: list[str]) -> list[str]:
    unknown = [code for code in codes if code != ALL and code not in PERMISSIONS]
    if unknown:
        raise ValidationError(
            {
                "permissions": ValidationError(
                    _("Unknown permission codes: %(codes)s") % {"codes": ", ".join(unknown)},
                    code="unknown",
                )
            }
        )
    return sorted(set(codes))


@transaction.atomic
def role_save(
    *,
    actor=None,
    role: Role | None,
    key: str,
    name: str,
    permissions: list[str],
    data_scope: str,
    listed_nodes: list[OrgNode],
    sort: int = 0,
    is_active: bool = True,
    remark: str = "",
) -> Role:
    """Create or change a role with its permission codes and data scope."""
    codes = _check_codes(permissions)
    if data_scope == Role.Scope.LISTED and not listed_nodes:
        raise ValidationError(
            {
                "listed_nodes": ValidationError(
                    _("List at least one node for this data scope."), code="required"
                )
            }
        )
    before = snapshot(role) if role is not None else None
    role = role or Role()
    role.key, role.name, role.permissions, role.data_scope = key, name, codes, data_scope
    role.sort, role.is_active, role.remark = sort, is_active, remark
    role.save()
    role.listed_nodes.set(listed_nodes if data_scope == Role.Scope.LISTED else [])
    _trace(actor, "orgs.role.save", role, before)
    return role


# --- accounts -------------------------------------------------------------------------------


@transaction.atomic
def account_save(
    *,
    actor=None,
    account: Account | None,
    username: str,
    display_name: str,
    org_node: OrgNode,
    person: Person | None,
    roles: list[Role],
    email: str = "",
    phone: str = "",
    is_active: bool = True,
    password: str | None = None,
    password_hash: str | None = None,
) -> Account:
    """Create or change an account; a new account needs a password.

    ``password_hash`` takes an already hashed password instead (imports, demonstration data),
    so a batch of accounts costs one Argon2 computation, not one each.
    """
    if account is None and not password and not password_hash:
        raise ValidationError(
            {"password": ValidationError(_("A new account needs a password."), code="required")}
        )
    taken = Account.objects.filter(username__iexact=username)
    if taken.exclude(pk=getattr(account, "pk", None)).exists():
        raise ValidationError(
            {
                "username": ValidationError(
                    _("This username is taken (usernames ignore case)."), code="duplicate_username"
                )
            }
        )
    if (
        person is not None
        and Account.objects.filter(person=person).exclude(pk=getattr(account, "pk", None)).exists()
    ):
        raise ValidationError(
            {"person": ValidationError(_("This person already has an account."), code="taken")}
        )
    before = _account_state(account) if account is not None else None
    account = account or Account()
    account.username, account.display_name = (
        username,
        display_name or (person.name if person else ""),
    )
    account.org_node, account.person, account.email, account.phone = org_node, person, email, phone
    account.is_active = is_active
    if password:
        account.set_password(password)
    elif password_hash:
        account.password = password_hash
    account.save()
    account.roles.set(roles)
    ledger.record(
        actor=actor,
        action="orgs.account.save",
        target=account,
        before=before,
        after=_account_state(account),
        details={"password_changed": bool(password or password_hash)},
    )
    return account


@transaction.atomic
def account_make_superuser(*, account: Account, actor=None) -> Account:
    """Give an account every permission and the Django admin (the demo's administrator)."""
    before = _account_state(account)
    account.is_superuser = account.is_staff = True
    account.save(update_fields=["is_superuser", "is_staff"])
    _trace(actor, "orgs.account.superuser", account, before)
    return account


@transaction.atomic
def account_set_password(*, account: Account, password: str, actor=None) -> Account:
    """Set a new password and lift any lock."""
    account.set_password(password)
    account.failed_logins = 0
    account.locked_until = None
    account.save(update_fields=["password", "failed_logins", "locked_until"])
    ledger.record(
        actor=actor, action="orgs.account.password", target=account, before=None, after=None
    )
    return account


@transaction.atomic
def account_unlock(*, account: Account, actor=None) -> Account:
    """Lift a lock left by repeated failed logins."""
    account.failed_logins = 0
    account.locked_until = None
    account.save(update_fields=["failed_logins", "locked_until"])
    ledger.record(
        actor=actor, action="orgs.account.unlock", target=account, before=None, after=None
    )
    return account


def login_address_throttled(*, address: str | None) -> bool:
    """Whether a client address has failed too often recently, whatever usernames it tried.

    Counted from the login log, so the limit holds across every server process.
    """
    if not address:
        return False
    since = timezone.now() - timedelta(minutes=settings.LOGIN_THROTTLE_WINDOW_MINUTES)
    failures = LoginLog.objects.filter(address=address, success=False, at__gte=since).count()
    return failures >= settings.LOGIN_THROTTLE_PER_ADDRESS


@transaction.atomic
def login_record(
    *,
    username: str,
    account: Account | None,
    success: bool,
    reason: str,
    address: str | None,
    user_agent: str,
    count: bool = True,
) -> None:
    """Log an attempt; count failures on the account and lock it after too many in a row.

    ``count=False`` logs a refusal that tried no password (a locked account, a throttled
    address): it still counts towards the address throttle, never towards the account's lock.
    """
    LoginLog.objects.create(
        username=username[:64],
        account=account,
        success=success,
        reason=reason,
        address=address,
        user_agent=user_agent[:300],
    )
    if account is None or not count:
        return
    if success:
        if account.failed_logins or account.locked_until:
            Account.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=None)
        return
    Account.objects.filter(pk=account.pk).update(failed_logins=F("failed_logins") + 1)
    account.refresh_from_db(fields=["failed_logins"])
    if account.failed_logins >= settings.LOGIN_MAX_FAILURES:
        until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        Account.objects.filter(pk=account.pk).update(locked_until=until)


def sign_in(*, username: str, password: str, address: str | None, user_agent: str, request=None):
    """The one way a person signs in (the login page, and through it the Django admin).

    Checks the address throttle, then the account's lock, then the password, and logs the
    attempt. Returns the account; raises ``ValidationError`` with the code ``throttled``,
    ``locked`` or ``bad_credentials``. A refusal for a throttle or a lock tries no password and
    does not count against the account.
    """
    from django.contrib.auth import authenticate

    account = Account.objects.filter(username__iexact=username).first()
    entry = {"username": username, "address": address, "user_agent": user_agent}
    if login_address_throttled(address=address):
        login_record(account=account, success=False, reason="throttled", count=False, **entry)
        raise ValidationError(
            _("Too many failed sign-ins from this address. Try again later."), code="throttled"
        )
    if account is not None and account.is_locked():
        login_record(account=account, success=False, reason="locked", count=False, **entry)
        until = timezone.localtime(account.locked_until).strftime("%H:%M")
        raise ValidationError(
            _("This account is locked after repeated failed sign-ins until %(time)s.")
            % {"time": until},
            code="locked",
        )
    user = authenticate(
        request, username=account.username if account else username, password=password
    )
    if user is None:
        login_record(account=account, success=False, reason="bad_credentials", **entry)
        raise ValidationError(_("Wrong username or password."), code="bad_credentials")
    login_record(account=user, success=True, reason="", **entry)
    return user


# --- API tokens -----------------------------------------------------------------------------

TOKEN_PREFIX = "ovt_"


def token_digest(raw: str) -> str:
    """The stored form of a token: its SHA-256 (a token is 256 random bits, never a password)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def _token_state(token: ApiToken) -> dict:
    return snapshot(token, exclude=("digest", "last_used_at"))


@transaction.atomic
def token_issue(
    *,
    actor,
    account: Account,
    name: str,
    role: Role | None = None,
    expires_at=None,
) -> tuple[ApiToken, str]:
    """Issue an API token acting as ``account`` (narrowed to ``role`` if given).

    Returns the token row and the token itself, which is shown once and never stored.
    """
    if role is not None and not account.roles.filter(pk=role.pk).exists():
        raise ValidationError(
            {
                "role": ValidationError(
                    _("The role must be one of the account's roles."), code="role_not_held"
                )
            }
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(
            {
                "expires_on": ValidationError(
                    _("The expiry must be in the future."), code="expiry_past"
                )
            }
        )
    if not account.is_active:
        raise ValidationError(
            {
                "username": ValidationError(
                    _("A disabled account cannot be given a token."), code="account_inactive"
                )
            }
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        account=account,
        role=role,
        name=name,
        prefix=raw[:12],
        digest=token_digest(raw),
        created_by=actor,
        expires_at=expires_at,
    )
    ledger.record(
        actor=actor, action="orgs.token.issue", target=token, before=None, after=_token_state(token)
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = _token_state(token)
    token.revoked_at, token.revoked_by = timezone.now(), actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    ledger.record(
        actor=actor,
        action="orgs.token.revoke",
        target=token,
        before=before,
        after=_token_state(token),
    )
    return token


def token_authenticate(*, raw: str, address: str | None, user_agent: str) -> ApiToken:
    """Check an API token under the same throttle, lock and login log as the login page.

    Returns the usable token (its account loaded); raises ``ValidationError`` with the code
    ``throttled``, ``bad_token``, ``revoked``, ``locked`` or ``inactive``. Every refusal is
    logged and counts towards the address throttle; an unknown token cannot count against an
    account (it names none), and a locked account's token is refused without counting.
    """
    label = raw[:12] if raw.startswith(TOKEN_PREFIX) else "(token)"
    entry = {"address": address, "user_agent": user_agent}
    if login_address_throttled(address=address):
        login_record(
            username=label, account=None, success=False, reason="throttled", count=False, **entry
        )
        raise ValidationError(
            _("Too many failed sign-ins from this address. Try again later."), code="throttled"
        )
    token = (
        ApiToken.objects.select_related("account", "role").filter(digest=token_digest(raw)).first()
    )
    if token is None:
        login_record(username=label, account=None, success=False, reason="bad_token", **entry)
        raise ValidationError(_("Invalid API token."), code="bad_token")
    account = token.account
    refusal = None
    if not token.is_usable():
        refusal = ("revoked", _("This API token has been revoked or has expired."))
    elif not account.is_active:
        refusal = ("inactive", _("The token's account is disabled."))
    elif account.is_locked():
        refusal = ("locked", _("The token's account is locked after repeated failed sign-ins."))
    if refusal is not None:
        login_record(
            username=account.username,
            account=account,
            success=False,
            reason=refusal[0],
            count=False,
            **entry,
        )
        raise ValidationError(refusal[1], code=refusal[0])
    now = timezone.now()
    # The first use of a token in a minute is logged (and moves "last used"); every request
    # logging would bury the login log under one client's traffic.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        login_record(
            username=account.username,
            account=account,
            success=True,
            reason="token",
            count=False,  # a client's use never resets a person's failed passwords
            **entry,
        )
    return token
