"""Forms of the administration pages. They validate input; services change state."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oversight.core.registry import ALL, permission_groups
from oversight.lib import resident_id as rid

from . import selectors
from .access import has_perm, perm_codes
from .models import Account, OrgNode, Person, Role
from .picker import UnitPicker, UnitPickerMultiple
from .services import resident_id_message


class NodeChoiceField(forms.ModelChoiceField):
    """A node picker showing the tree's indentation, searchable (``orgs.picker``)."""

    widget = UnitPicker

    def label_from_instance(self, obj: OrgNode) -> str:
        return f"{'　' * obj.depth}{obj.name}"


class NodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several nodes, ticked in the searchable tree (no Ctrl-click)."""

    widget = UnitPickerMultiple

    def label_from_instance(self, obj: OrgNode) -> str:
        return f"{'　' * obj.depth}{obj.name}"


class ScopedForm(forms.Form):
    """A form whose choices of org data come from the viewer's scope."""

    def __init__(self, *args, viewer, **kwargs):
        self.viewer = viewer
        super().__init__(*args, **kwargs)

    def nodes(self):
        return selectors.node_list(viewer=self.viewer, include_inactive=False)


class NodeForm(ScopedForm):
    name = forms.CharField(label=_("name"), max_length=120)
    code = forms.RegexField(
        label=_("code"),
        max_length=64,
        regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={"invalid": _("Use letters, digits, dots, dashes and underscores only.")},
    )
    type = forms.ChoiceField(label=_("type"), choices=OrgNode.Type.choices)
    parent = NodeChoiceField(label=_("parent"), queryset=OrgNode.objects.none())
    sort = forms.IntegerField(label=_("order"), initial=0, min_value=-9999, max_value=9999)
    supervises = NodeMultipleChoiceField(
        label=_("supervises"),
        queryset=OrgNode.objects.none(),
        required=False,
        help_text=_("For a stationed discipline group: the units it supervises."),
    )

    def __init__(self, *args, instance: OrgNode | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = self.nodes()
        self.fields["supervises"].queryset = self.nodes()
        if instance is not None:
            # The place in the tree changes through "move", which rewrites the subtree's paths.
            del self.fields["parent"]
            if not has_perm(self.viewer, "orgs:node:retype"):
                self.fields["type"].disabled = True
                self.fields["type"].help_text = _("Only an administrator changes a node's type.")

    def clean_code(self):
        code = self.cleaned_data["code"]
        clash = OrgNode.objects.filter(code__iexact=code)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another node already uses this code."), code="taken")
        return code


class NodeMoveForm(ScopedForm):
    new_parent = NodeChoiceField(label=_("new parent"), queryset=OrgNode.objects.none())

    def __init__(self, *args, node: OrgNode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = self.nodes().exclude(path__startswith=node.path)


class ResidentIdField(forms.CharField):
    """A resident ID, normalised to 18 digits, with a message saying what is wrong."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return rid.normalize(value)
        except rid.InvalidResidentId as exc:
            raise forms.ValidationError(resident_id_message(exc.code), code=exc.code) from exc


class PersonForm(ScopedForm):
    name = forms.CharField(label=_("name"), max_length=64)
    resident_id = ResidentIdField(label=_("resident ID"))
    org_node = NodeChoiceField(label=_("unit"), queryset=OrgNode.objects.none())
    rank = forms.ChoiceField(label=_("rank"), required=False)
    phone = forms.RegexField(
        label=_("phone"),
        required=False,
        max_length=20,
        regex=r"^[0-9+\- ]{5,20}$",
        error_messages={"invalid": _("Enter a phone number of digits, spaces, + or -.")},
    )
    is_cadre = forms.BooleanField(label=_("cadre"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from oversight.core.selectors import dict_choices

        self.fields["org_node"].queryset = self.nodes()
        self.fields["rank"].choices = [("", "—"), *dict_choices("cadre_rank")]


class PositionForm(ScopedForm):
    org_node = NodeChoiceField(label=_("org node"), queryset=OrgNode.objects.none())
    title = forms.CharField(label=pgettext_lazy("post held", "title"), max_length=80)
    is_leader = forms.BooleanField(label=_("leading post"), required=False)
    start_date = forms.DateField(
        label=_("start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("end date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_node"].queryset = self.nodes()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data


class RoleForm(ScopedForm):
    key = forms.SlugField(label=_("key"), max_length=64)
    name = forms.CharField(label=_("name"), max_length=64)
    permissions = forms.MultipleChoiceField(
        label=_("permissions"), required=False, widget=forms.CheckboxSelectMultiple
    )
    data_scope = forms.ChoiceField(label=_("data scope"), choices=Role.Scope.choices)
    listed_nodes = NodeMultipleChoiceField(
        label=_("listed nodes"),
        queryset=OrgNode.objects.none(),
        required=False,
        help_text=_('Only for the scope "listed nodes and below".'),
    )
    sort = forms.IntegerField(label=_("order"), initial=0, min_value=-9999, max_value=9999)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    remark = forms.CharField(label=_("remark"), max_length=200, required=False)

    def __init__(self, *args, instance: Role | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = [
            (str(module), [(code, f"{label} ({code})") for code, label in codes])
            for module, codes in permission_groups()
        ] + [(str(_("Everything")), [(ALL, _("Every function (*)"))])]
        self.fields["listed_nodes"].queryset = self.nodes()

    def clean_key(self):
        key = self.cleaned_data["key"]
        clash = Role.objects.filter(key=key)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another role already uses this key."), code="taken")
        return key

    def clean_name(self):
        name = self.cleaned_data["name"]
        clash = Role.objects.filter(name=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another role already uses this name."), code="taken")
        return name

    def clean(self):
        data = super().clean()
        if data.get("data_scope") == Role.Scope.LISTED and not data.get("listed_nodes"):
            self.add_error("listed_nodes", _("List at least one node for this data scope."))
        return data


def grantable_roles(viewer):
    """Roles the viewer may hand out: none granting a function the viewer lacks."""
    codes = perm_codes(viewer)
    roles = list(Role.objects.filter(is_active=True).order_by("sort", "id"))
    if ALL in codes:
        return roles
    return [
        role for role in roles if ALL not in role.permissions and set(role.permissions) <= codes
    ]


class AccountForm(ScopedForm):
    username = forms.RegexField(
        label=_("username"),
        max_length=64,
        regex=r"^[A-Za-z0-9_.@-]{3,64}$",
        error_messages={"invalid": _("3 to 64 letters, digits or . _ @ -")},
    )
    display_name = forms.CharField(label=_("display name"), max_length=64, required=False)
    org_node = NodeChoiceField(label=_("org node"), queryset=OrgNode.objects.none())
    person_resident_id = ResidentIdField(
        label=_("person (resident ID)"),
        required=False,
        help_text=_("The resident ID of the person who uses this account, if any."),
    )
    roles = forms.MultipleChoiceField(
        label=_("roles"), required=False, widget=forms.CheckboxSelectMultiple
    )
    email = forms.EmailField(label=_("email"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    password = forms.CharField(
        label=_("password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current password."),
    )

    def __init__(self, *args, instance: Account | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["org_node"].queryset = self.nodes()
        self._roles = {str(role.pk): role for role in grantable_roles(self.viewer)}
        self.fields["roles"].choices = [(pk, role.name) for pk, role in self._roles.items()]
        if instance is None:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""

    def clean_username(self):
        username = self.cleaned_data["username"]
        clash = Account.objects.filter(username__iexact=username)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This username is taken."), code="taken")
        return username

    def clean_person_resident_id(self):
        value = self.cleaned_data["person_resident_id"]
        if not value:
            return None
        person = selectors.person_list(viewer=self.viewer).filter(resident_id=value).first()
        if person is None:
            raise forms.ValidationError(
                _("No person with this resident ID in your scope."), code="not_found"
            )
        return person

    def clean_roles(self):
        return [self._roles[pk] for pk in self.cleaned_data["roles"]]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password:
            validate_password(password, self.instance)
        return password


class PasswordForm(forms.Form):
    password = forms.CharField(label=_("new password"), strip=False, widget=forms.PasswordInput)
    confirm = forms.CharField(label=_("repeat it"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, account: Account, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password, self.account)
        return password

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("confirm") != data.get("password"):
            self.add_error("confirm", _("The two passwords differ."))
        return data


class TokenForm(ScopedForm):
    name = forms.CharField(
        label=_("name"),
        max_length=80,
        help_text=_("What the client is, e.g. the reporting system."),
    )
    username = forms.CharField(label=_("account"), max_length=64)
    role = forms.ModelChoiceField(
        label=_("role"),
        queryset=Role.objects.filter(is_active=True),
        required=False,
        help_text=_("Leave empty to act with all the account's roles."),
    )
    expires_on = forms.DateField(label=_("expires on"), required=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        account = (
            selectors.account_list(viewer=self.viewer).filter(username__iexact=username).first()
        )
        if account is None:
            raise forms.ValidationError(
                _("No account with this username in your scope."), code="unknown_account"
            )
        return account


class LoginForm(forms.Form):
    username = forms.CharField(label=_("username"), max_length=64)
    password = forms.CharField(label=_("password"), strip=False, widget=forms.PasswordInput)


def person_initial(person: Person) -> dict:
    return {
        "name": person.name,
        "resident_id": person.resident_id,
        "org_node": person.org_node,
        "rank": person.rank,
        "phone": person.phone,
        "is_cadre": person.is_cadre,
        "is_active": person.is_active,
    }
