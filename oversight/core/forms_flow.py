"""How a view turns a valid form into a service call, and shows what went wrong."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render


def render_form(request, template: str, context: dict, form):
    """Render a form page; a form with errors answers 400 so clients and logs see the failure."""
    return render(request, template, context, status=400 if form.is_bound and form.errors else 200)


def call_service(form, service, **kwargs):
    """Call ``service``; its ``ValidationError`` lands on the form's fields and None is returned."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None
