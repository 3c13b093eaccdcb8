"""Administration pages for the org tree, people, accounts, roles and logs. Views stay thin:
forms validate, services write, selectors read within the viewer's scope."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.core.excel import xlsx_response
from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import Column, export_or, export_response, paginate

from . import selectors, services
from .access import administers, require_perm
from .forms import (
    AccountForm,
    LoginForm,
    NodeForm,
    NodeMoveForm,
    PasswordForm,
    PersonForm,
    PositionForm,
    RoleForm,
    TokenForm,
    person_initial,
)

# --- sign in --------------------------------------------------------------------------------


def _client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                address=_client_address(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user)
            next_url = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = "/"
            return redirect(next_url)
    return render_form(
        request, "orgs/login.html", {"form": form, "next": request.GET.get("next", "")}, form
    )


def admin_login(request):
    """The Django admin has no sign-in of its own: it sends people to the platform's login
    page, so the admin is reached only through the one throttle, lock and login log."""
    from django.contrib.auth.views import redirect_to_login

    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    return redirect_to_login(next_url or "/django-admin/")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("orgs:login")


@login_required
def password_change(request):
    form = PasswordForm(request.POST or None, account=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_set_password(
            account=request.user, password=form.cleaned_data["password"], actor=request.user
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password was changed."))
        return redirect("workbench:home")
    return render_form(request, "orgs/password_form.html", {"form": form}, form)


# --- org tree -------------------------------------------------------------------------------


def _tree(nodes) -> list[dict]:
    """Nest a path-ordered list of nodes; nodes whose parent is out of view become roots."""
    by_id: dict[int, dict] = {}
    roots: list[dict] = []
    for node in nodes:
        entry = {"node": node, "children": []}
        by_id[node.pk] = entry
        parent = by_id.get(node.parent_id)
        (parent["children"] if parent else roots).append(entry)
    return roots


@require_perm("orgs:node:view")
def node_tree(request):
    search = request.GET.get("q", "").strip()
    nodes = selectors.node_list(viewer=request.user, search=search)
    context = {"q": search}
    if search:
        context["matches"] = nodes[:200]
    else:
        context["tree"] = _tree(nodes)
    return render(request, "orgs/node_tree.html", context)


@require_perm("orgs:node:view")
def node_detail(request, pk: int):
    node = selectors.node_get(viewer=request.user, pk=pk)
    context = {
        "node": node,
        "administers": administers(request.user, node),
        "ancestors": selectors.node_list(viewer=request.user).filter(pk__in=node.ancestor_ids),
        "children": selectors.node_children(viewer=request.user, node=node),
        "people": selectors.person_list(viewer=request.user).filter(org_node=node)[:100],
    }
    return render(request, "orgs/node_detail.html", context)


@require_perm("orgs:node:edit")
def node_add(request):
    initial = {}
    if parent_pk := request.GET.get("parent"):
        if parent_pk.isdigit():
            initial["parent"] = selectors.node_get(viewer=request.user, pk=int(parent_pk))
    form = NodeForm(request.POST or None, viewer=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "supervises": list(form.cleaned_data["supervises"])}
        node = call_service(form, services.node_create, actor=request.user, **data)
        if node:
            request.operation_target = node
            messages.success(request, _("Node %(name)s was added.") % {"name": node.name})
            return redirect("orgs:node_detail", pk=node.pk)
    return render_form(request, "orgs/node_form.html", {"form": form}, form)


@require_perm("orgs:node:edit")
def node_edit(request, pk: int):
    node = selectors.node_get(viewer=request.user, pk=pk)
    initial = {
        "name": node.name,
        "code": node.code,
        "type": node.type,
        "sort": node.sort,
        "supervises": list(node.supervises.all()),
    }
    form = NodeForm(request.POST or None, viewer=request.user, instance=node, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "supervises": list(form.cleaned_data["supervises"])}
        if call_service(form, services.node_update, actor=request.user, node=node, **data):
            request.operation_target = node
            messages.success(request, _("Node %(name)s was saved.") % {"name": node.name})
            return redirect("orgs:node_detail", pk=node.pk)
    return render_form(request, "orgs/node_form.html", {"form": form, "node": node}, form)


@require_perm("orgs:node:edit")
def node_move(request, pk: int):
    node = selectors.node_get(viewer=request.user, pk=pk)
    form = NodeMoveForm(request.POST or None, viewer=request.user, node=node)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            services.node_move,
            actor=request.user,
            node=node,
            new_parent=form.cleaned_data["new_parent"],
        ):
            request.operation_target = node
            messages.success(request, _("Node %(name)s was moved.") % {"name": node.name})
            return redirect("orgs:node_detail", pk=node.pk)
    return render_form(request, "orgs/node_move.html", {"form": form, "node": node}, form)


@require_POST
@require_perm("orgs:node:edit")
def node_toggle(request, pk: int):
    node = selectors.node_get(viewer=request.user, pk=pk)
    try:
        changed = services.node_set_active(node=node, active=not node.is_active, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        request.operation_target = node
        messages.success(request, _("%(count)d nodes changed.") % {"count": changed})
    return redirect("orgs:node_detail", pk=node.pk)


@require_perm("orgs:node:view")
def node_export(request):
    nodes = selectors.node_list(viewer=request.user).select_related("parent")
    rows = (
        (
            n.code,
            n.name,
            n.get_type_display(),
            n.parent.code if n.parent else "",
            n.depth,
            _("yes") if n.is_active else _("no"),
        )
        for n in nodes
    )
    headers = [_("code"), _("name"), _("type"), _("parent code"), _("depth"), _("active")]
    return xlsx_response(filename="org-nodes.xlsx", title=_("Org tree"), headers=headers, rows=rows)


# --- people ---------------------------------------------------------------------------------


def _person_filters(request):
    search = request.GET.get("q", "").strip()
    node = None
    if (node_pk := request.GET.get("node", "")).isdigit():
        node = selectors.node_get(viewer=request.user, pk=int(node_pk))
    return search, node


def _person_columns() -> list[Column]:
    from oversight.core.selectors import dict_labels

    ranks = dict_labels("cadre_rank")
    return [
        Column("name", _("name"), lambda p: p.name, sort="name"),
        Column("resident_id", _("resident ID"), lambda p: p.resident_id),
        Column("gender", _("gender"), lambda p: p.get_gender_display(), sort="gender"),
        Column("birth_date", _("birth date"), lambda p: p.birth_date, sort="birth_date"),
        Column("unit", _("unit"), lambda p: p.org_node.name, sort="org_node__name"),
        Column("rank", _("rank"), lambda p: ranks.get(p.rank, p.rank), sort="rank"),
        Column("phone", _("phone"), lambda p: p.phone),
    ]


@require_perm("orgs:person:view")
def person_list(request):
    search, node = _person_filters(request)
    people = selectors.person_list(viewer=request.user, search=search, node=node)
    return export_or(
        request,
        people,
        columns=_person_columns(),
        filename="people.xlsx",
        title=_("People"),
        export_perm="orgs:person:export",
        render=lambda page: render(
            request, "orgs/person_list.html", {"page": page, "q": search, "filter_node": node}
        ),
    )


@require_perm("orgs:person:export")
def person_export(request):
    search, node = _person_filters(request)
    people = selectors.person_list(viewer=request.user, search=search, node=node)
    return export_response(
        request, people, columns=_person_columns(), filename="people.xlsx", title=_("People")
    )


@require_perm("orgs:person:view")
def person_detail(request, pk: int):
    person = selectors.person_get(viewer=request.user, pk=pk)
    positions = selectors.position_list(viewer=request.user, person=person)
    form = PositionForm(viewer=request.user)
    return render(
        request,
        "orgs/person_detail.html",
        {"person": person, "positions": positions, "position_form": form},
    )


@require_perm("orgs:person:edit")
def person_add(request):
    form = PersonForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = call_service(
            form,
            services.person_create,
            actor=request.user,
            name=data["name"],
            resident_id=data["resident_id"],
            org_node=data["org_node"],
            rank=data["rank"],
            phone=data["phone"],
            is_cadre=data["is_cadre"],
        )
        if person:
            request.operation_target = person
            messages.success(request, _("%(name)s was added.") % {"name": person.name})
            return redirect("orgs:person_detail", pk=person.pk)
    return render_form(request, "orgs/person_form.html", {"form": form}, form)


@require_perm("orgs:person:edit")
def person_edit(request, pk: int):
    person = selectors.person_get(viewer=request.user, pk=pk)
    form = PersonForm(request.POST or None, viewer=request.user, initial=person_initial(person))
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, services.person_update, actor=request.user, person=person, **form.cleaned_data
        ):
            request.operation_target = person
            messages.success(request, _("%(name)s was saved.") % {"name": person.name})
            return redirect("orgs:person_detail", pk=person.pk)
    return render_form(request, "orgs/person_form.html", {"form": form, "person": person}, form)


@require_POST
@require_perm("orgs:person:edit")
def position_add(request, pk: int):
    person = selectors.person_get(viewer=request.user, pk=pk)
    form = PositionForm(request.POST, viewer=request.user)
    if form.is_valid() and call_service(
        form, services.position_add, actor=request.user, person=person, **form.cleaned_data
    ):
        request.operation_target = person
        messages.success(request, _("The position was added."))
        return redirect("orgs:person_detail", pk=person.pk)
    positions = selectors.position_list(viewer=request.user, person=person)
    return render_form(
        request,
        "orgs/person_detail.html",
        {"person": person, "positions": positions, "position_form": form},
        form,
    )


# --- accounts -------------------------------------------------------------------------------


@require_perm("orgs:account:view")
def account_list(request):
    search = request.GET.get("q", "").strip()
    accounts = selectors.account_list(viewer=request.user, search=search)
    columns = [
        Column("username", _("username"), lambda a: a.username, sort="username"),
        Column("name", _("display name"), lambda a: a.display_name, sort="display_name"),
        Column("node", _("org node"), lambda a: a.org_node.name, sort="org_node__name"),
        Column("roles", _("roles"), lambda a: "、".join(r.name for r in a.roles.all())),
        Column("active", _("active"), lambda a: _("yes") if a.is_active else _("no")),
    ]
    return export_or(
        request,
        accounts,
        columns=columns,
        filename="accounts.xlsx",
        title=_("Accounts"),
        render=lambda page: render(request, "orgs/account_list.html", {"page": page, "q": search}),
    )


def _account_kwargs(data: dict) -> dict:
    return {
        "username": data["username"],
        "display_name": data["display_name"],
        "org_node": data["org_node"],
        "person": data["person_resident_id"],
        "roles": data["roles"],
        "email": data["email"],
        "phone": data["phone"],
        "is_active": data["is_active"],
        "password": data["password"] or None,
    }


@require_perm("orgs:account:edit")
def account_add(request):
    form = AccountForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        account = call_service(
            form,
            services.account_save,
            actor=request.user,
            account=None,
            **_account_kwargs(form.cleaned_data),
        )
        if account:
            request.operation_target = account
            messages.success(request, _("Account %(name)s was added.") % {"name": account.username})
            return redirect("orgs:account_list")
    return render_form(request, "orgs/account_form.html", {"form": form}, form)


@require_perm("orgs:account:edit")
def account_edit(request, pk: int):
    account = selectors.account_get(viewer=request.user, pk=pk)
    initial = {
        "username": account.username,
        "display_name": account.display_name,
        "org_node": account.org_node,
        "person_resident_id": account.person.resident_id if account.person else "",
        "roles": [str(r.pk) for r in account.roles.all()],
        "email": account.email,
        "phone": account.phone,
        "is_active": account.is_active,
    }
    form = AccountForm(request.POST or None, viewer=request.user, instance=account, initial=initial)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            services.account_save,
            actor=request.user,
            account=account,
            **_account_kwargs(form.cleaned_data),
        ):
            request.operation_target = account
            messages.success(request, _("Account %(name)s was saved.") % {"name": account.username})
            return redirect("orgs:account_list")
    return render_form(request, "orgs/account_form.html", {"form": form, "account": account}, form)


@require_POST
@require_perm("orgs:account:edit")
def account_unlock(request, pk: int):
    account = selectors.account_get(viewer=request.user, pk=pk)
    services.account_unlock(account=account, actor=request.user)
    request.operation_target = account
    messages.success(request, _("Account %(name)s was unlocked.") % {"name": account.username})
    return redirect("orgs:account_list")


# --- API tokens -----------------------------------------------------------------------------


@require_perm("orgs:token:view")
def token_list(request):
    tokens = selectors.token_list(viewer=request.user)
    return render(request, "orgs/token_list.html", {"page": paginate(request, tokens)})


@require_perm("orgs:token:edit")
def token_add(request):
    form = TokenForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires = data["expires_on"]
        issued = call_service(
            form,
            services.token_issue,
            actor=request.user,
            account=data["username"],
            name=data["name"],
            role=data["role"],
            expires_at=timezone.make_aware(datetime.combine(expires, time.min))
            if expires
            else None,
        )
        if issued:
            token, raw = issued
            request.operation_target = token
            # The token is shown on this answer only; it is never stored in clear.
            return render(request, "orgs/token_issued.html", {"token": token, "raw": raw})
    return render_form(request, "orgs/token_form.html", {"form": form}, form)


@require_POST
@require_perm("orgs:token:edit")
def token_revoke(request, pk: int):
    token = selectors.token_get(viewer=request.user, pk=pk)
    services.token_revoke(actor=request.user, token=token)
    request.operation_target = token
    messages.success(request, _("API token %(name)s was revoked.") % {"name": token.name})
    return redirect("orgs:token_list")


# --- roles ----------------------------------------------------------------------------------


@require_perm("orgs:role:view")
def role_list(request):
    return render(
        request, "orgs/role_list.html", {"roles": selectors.role_list(viewer=request.user)}
    )


@require_perm("orgs:role:edit")
def role_edit(request, pk: int | None = None):
    role = selectors.role_get(viewer=request.user, pk=pk) if pk else None
    initial = None
    if role:
        initial = {
            "key": role.key,
            "name": role.name,
            "permissions": role.permissions,
            "data_scope": role.data_scope,
            "listed_nodes": list(role.listed_nodes.all()),
            "sort": role.sort,
            "is_active": role.is_active,
            "remark": role.remark,
        }
    form = RoleForm(request.POST or None, viewer=request.user, instance=role, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form,
            services.role_save,
            actor=request.user,
            role=role,
            key=data["key"],
            name=data["name"],
            permissions=data["permissions"],
            data_scope=data["data_scope"],
            listed_nodes=list(data["listed_nodes"]),
            sort=data["sort"],
            is_active=data["is_active"],
            remark=data["remark"],
        )
        if saved:
            request.operation_target = saved
            messages.success(request, _("Role %(name)s was saved.") % {"name": saved.name})
            return redirect("orgs:role_list")
    return render_form(request, "orgs/role_form.html", {"form": form, "role": role}, form)


# --- logs -----------------------------------------------------------------------------------


@require_perm("orgs:log:view")
def operation_log(request):
    search = request.GET.get("q", "").strip()
    entries = selectors.operation_log_list(viewer=request.user, search=search)
    columns = [
        Column("time", _("time"), lambda e: e.at.replace(tzinfo=None), sort="at"),
        Column("actor", _("actor"), lambda e: e.actor_name, sort="actor_name"),
        Column("action", _("action"), lambda e: e.action, sort="action"),
        Column("target", _("target"), lambda e: f"{e.target_type} {e.target_id}".strip()),
        Column("url", _("URL"), lambda e: f"{e.method} {e.url}"),
        Column("result", _("result"), lambda e: f"{e.get_result_display()} {e.status_code}"),
        Column("elapsed", _("elapsed (ms)"), lambda e: e.elapsed_ms, sort="elapsed_ms"),
    ]
    return export_or(
        request,
        entries,
        columns=columns,
        filename="operation-log.xlsx",
        title=_("Operation log"),
        render=lambda page: render(request, "orgs/operation_log.html", {"page": page, "q": search}),
    )


@require_perm("orgs:log:view")
def login_log(request):
    search = request.GET.get("q", "").strip()
    entries = selectors.login_log_list(viewer=request.user, search=search)
    columns = [
        Column("time", _("time"), lambda e: e.at.replace(tzinfo=None), sort="at"),
        Column("username", _("username"), lambda e: e.username, sort="username"),
        Column("result", _("result"), lambda e: _("signed in") if e.success else e.reason),
        Column("address", _("address"), lambda e: e.address),
        Column("browser", _("browser"), lambda e: e.user_agent),
    ]
    return export_or(
        request,
        entries,
        columns=columns,
        filename="login-log.xlsx",
        title=_("Login log"),
        render=lambda page: render(request, "orgs/login_log.html", {"page": page, "q": search}),
    )
