"""Read API of inspection rounds, rectification tasks and completion, limited to the caller's
scope like every page: a unit reads its own tasks, never another unit's; a round it takes no
part in is a 404."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from oversight.orgs.api import HasCode

from . import selectors
from .models import Round, Task


class RoundSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "kind",
            "kind_label",
            "year",
            "number",
            "title",
            "inspecting_node",
            "group",
            "starts_on",
            "ends_on",
        ]


class TaskSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="item_id", read_only=True)
    round = serializers.IntegerField(source="finding.unit.round_id", read_only=True)
    unit_name = serializers.CharField(source="node.name", read_only=True)
    category = serializers.CharField(source="finding.category", read_only=True)
    problem = serializers.CharField(source="finding.description", read_only=True)
    state = serializers.CharField(source="item.state", read_only=True)
    light = serializers.CharField(source="item.light", read_only=True)
    progress = serializers.IntegerField(source="item.progress", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "round",
            "node",
            "unit_name",
            "category",
            "problem",
            "measure",
            "leader",
            "department",
            "deadline",
            "immediate",
            "state",
            "light",
            "progress",
            "result",
            "reported_on",
            "verified_on",
        ]


class CompletionSerializer(serializers.Serializer):
    label = serializers.CharField()
    tasks = serializers.IntegerField()
    closed = serializers.IntegerField()
    on_time = serializers.IntegerField()
    overdue = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)


def _pk(value) -> int:
    if not str(value).isdigit() or len(str(value)) > 18:
        raise Http404
    return int(value)


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """The rounds the caller's scope takes part in (inspecting or inspected)."""

    permission_classes = [HasCode]
    required_perm = "inspections:round:view"
    serializer_class = RoundSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return selectors.round_list(viewer=self.request.user)

    def get_object(self):
        return selectors.round_get(viewer=self.request.user, pk=_pk(self.kwargs["pk"]))

    @extend_schema(
        parameters=[
            OpenApiParameter("by", OpenApiTypes.STR, enum=["unit", "category"], required=False)
        ],
        responses=CompletionSerializer(many=True),
    )
    @action(detail=True)
    def completion(self, request, pk=None):
        """The round's completion per unit or per category, over the caller's tasks."""
        by = request.query_params.get("by", "unit")
        if by not in ("unit", "category"):
            raise ValidationError({"by": [_("Choose unit or category.")]})
        round_ = self.get_object()
        rows = selectors.completion(viewer=request.user, round=round_, by=by)
        return Response(CompletionSerializer(rows, many=True).data)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Rectification tasks in the caller's scope (by their work item's id), by round."""

    permission_classes = [HasCode]
    required_perm = "inspections:round:view"
    serializer_class = TaskSerializer
    lookup_value_regex = "[0-9]{1,18}"

    @extend_schema(parameters=[OpenApiParameter("round", OpenApiTypes.INT, required=False)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        filters = selectors.TaskFilters()
        value = self.request.query_params.get("round")
        if value is not None:
            if not value.isdigit() or len(value) > 18:
                raise ValidationError({"round": [_("A round is given by its number id.")]})
            filters = selectors.TaskFilters(
                round=selectors.round_get(viewer=self.request.user, pk=int(value))
            )
        return selectors.task_list(viewer=self.request.user, filters=filters)

    def get_object(self):
        return selectors.task_get(viewer=self.request.user, pk=_pk(self.kwargs["pk"]))
