from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


def attempt(request, service, **kwargs):
    """Call a service for a button without a form: its refusal becomes an error message."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
