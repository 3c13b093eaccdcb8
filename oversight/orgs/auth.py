"""Authentication that honours account locks, and the API's token authentication.

People sign in only on the platform's login page (``services.sign_in``); the API accepts the
session of that sign-in or an API token issued by an administrator (``services.token_issue``).
There is no password authentication on the API, so every password check passes the same
address throttle, account lock and login log.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions


class AccountBackend(ModelBackend):
    """Django's model backend, refusing accounts locked by repeated failures."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user.is_locked()


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``: the token's account, narrowed to the token's role."""

    keyword = "bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid Authorization header: expected 'Bearer <token>'."
            )
        from . import services

        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        try:
            token = services.token_authenticate(
                raw=raw,
                address=request.META.get("REMOTE_ADDR") or None,
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except ValidationError as error:
            failure = exceptions.AuthenticationFailed(error.messages[0], code=error.code)
            if error.code == "throttled":
                failure = exceptions.Throttled(detail=error.messages[0], code=error.code)
            raise failure from None
        account = token.account
        account.token_role_id = token.role_id
        return account, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "oversight.orgs.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token issued on the platform's API tokens page.",
        }
