"""Read API of the org tree and people, limited to the caller's data scope like every page."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

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


search_param = OpenApiParameter("q", str, description="Text contained in the name or code")


@extend_schema_view(list=extend_schema(parameters=[search_param]))
class OrgNodeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrgNodeSerializer
    permission_classes = [HasCode]
    required_perm = "orgs:node:view"

    def get_queryset(self):
        return selectors.node_list(
            viewer=self.request.user, search=self.request.query_params.get("q", "")
        )


@extend_schema_view(list=extend_schema(parameters=[search_param]))
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """People in scope. The resident ID is not exposed through the API."""

    serializer_class = PersonSerializer
    permission_classes = [HasCode]
    required_perm = "orgs:person:view"

    def get_queryset(self):
        return selectors.person_list(
            viewer=self.request.user, search=self.request.query_params.get("q", "")
        )
