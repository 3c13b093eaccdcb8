"""Read API of the org tree and people, limited to the caller's data scope like every page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from oversight.core.api import QueryValidated, SearchQuery

from . import selectors
from .access import has_perm
from .models import OrgNode, Person


class HasCode(permissions.BasePermission):
    """Grants access when the caller holds the view's ``required_perm`` code."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and has_perm(
            request.user, view.required_perm
        )


class OrgNodeSerializer(serializers.ModelSerializer):
    type_label = serializers.CharField(source="get_type_display", read_only=True)

    class Meta:
        model = OrgNode
        fields = [
            "id",
            "name",
            "code",
            "type",
            "type_label",
            "parent",
            "path",
            "depth",
            "is_active",
        ]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "gender", "birth_date", "org_node", "rank", "is_cadre", "is_active"]


@extend_schema_view(list=extend_schema(parameters=[SearchQuery]))
class OrgNodeViewSet(QueryValidated, viewsets.ReadOnlyModelViewSet):
    serializer_class = OrgNodeSerializer
    permission_classes = [HasCode]
    required_perm = "orgs:node:view"
    query_serializer = SearchQuery
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return selectors.node_list(viewer=self.request.user, search=self.query.get("q", ""))


@extend_schema_view(list=extend_schema(parameters=[SearchQuery]))
class PersonViewSet(QueryValidated, viewsets.ReadOnlyModelViewSet):
    """People in scope. The resident ID is not exposed through the API."""

    serializer_class = PersonSerializer
    permission_classes = [HasCode]
    required_perm = "orgs:person:view"
    query_serializer = SearchQuery
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return selectors.person_list(viewer=self.request.user, search=self.query.get("q", ""))
