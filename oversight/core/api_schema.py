"""The API schema's generator (kept apart from ``core.api``: drf-spectacular's generator imports
DRF's generic views, which import the paging class named in the settings)."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` for a refusal; for invalid parameters, each parameter's messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERROR_ANSWERS = {
    "400": "Invalid parameters: each one named with its message.",
    "401": "No valid credentials (a session or an API token).",
    "403": "The caller lacks the function this operation requires.",
    "404": "Nothing with this id in the caller's data scope.",
    "429": "Too many failed sign-ins from this address.",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema with the error answers every operation may give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in ERROR_ANSWERS.items():
            if code == "404" and "{" not in self.path:
                continue
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                },
            )
        # Answered by the web server before the request reaches Django (gunicorn's limit on the
        # request line, 4094 bytes): documented so a client expects it, with no body promised.
        responses.setdefault("414", {"description": "The URL is longer than the server accepts."})
        return responses
