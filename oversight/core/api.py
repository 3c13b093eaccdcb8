"""API conventions shared by every app: strict paging, validated query parameters, and a schema
that documents every answer the API gives (400, 401, 403, 404, 429 as well as 200)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """Limit/offset paging with bounds: a limit or offset that is not a whole number in range is
    refused with 400 and the parameter's name (never sent to the database, never ignored)."""

    default_limit = 50
    max_limit = 500
    max_offset = 10**12

    def _bounded(self, request, name: str, minimum: int, maximum: int, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw) if raw.strip().lstrip("-").isdigit() and len(raw) < 20 else None
        except ValueError:
            value = None
        if value is None or not minimum <= value <= maximum:
            raise ValidationError(
                {
                    name: [
                        _("Enter a whole number from %(min)s to %(max)s.")
                        % {"min": minimum, "max": maximum}
                    ]
                },
                code="out_of_range",
            )
        return value

    def get_limit(self, request):
        return self._bounded(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._bounded(request, self.offset_query_param, 0, self.max_offset, 0)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: (1, self.max_limit),
            self.offset_query_param: (0, self.max_offset),
        }
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update(minimum=low, maximum=high)
        return parameters


class QueryValidated:
    """A viewset mixin: ``query_serializer`` validates the list's query parameters before
    anything is read; an invalid one answers 400 naming it. ``self.query`` holds the values."""

    query_serializer: type[serializers.Serializer] | None = None
    query: dict

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.query = {}
        if self.action == "list" and self.query_serializer is not None:
            checked = self.query_serializer(data=request.query_params)
            checked.is_valid(raise_exception=True)
            self.query = checked.validated_data


class QueryText(serializers.CharField):
    """Text in a query parameter: NUL characters, which no stored text holds and PostgreSQL
    refuses in a query, are dropped rather than answered with an error the schema cannot say."""

    def to_internal_value(self, data):
        return super().to_internal_value(data).replace("\x00", "")

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str):
            data = data.replace("\x00", "")
        return super().run_validation(data)


class SearchQuery(serializers.Serializer):
    q = QueryText(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Text contained in the name or code",
    )
