"""Read API of duty lists, live scores and frozen year-end results, limited to the caller's
scope like every page: a unit reads its own list, score and result, never another unit's."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from oversight.orgs.api import HasCode

from . import selectors
from .models import AssessmentResult, DutyList


class DutyListSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = DutyList
        fields = ["id", "kind", "kind_label", "title", "year", "owner_node", "copy_threshold"]


class ScoreSerializer(serializers.Serializer):
    unit_list = serializers.IntegerField(source="unit_list.pk")
    unit = serializers.IntegerField(source="node.pk")
    unit_name = serializers.CharField(source="node.name")
    unit_type = serializers.CharField(source="node.type")
    earned = serializers.DecimalField(max_digits=7, decimal_places=2)
    possible = serializers.DecimalField(max_digits=7, decimal_places=2)
    percent = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    vetoed = serializers.BooleanField()
    reports = serializers.IntegerField()
    documented = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()


class ResultSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="node.name", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    duty_list = serializers.IntegerField(source="assessment.duty_list_id", read_only=True)

    class Meta:
        model = AssessmentResult
        fields = [
            "id",
            "duty_list",
            "node",
            "unit_name",
            "earned",
            "possible",
            "percent",
            "rank",
            "vetoed",
            "grade",
            "grade_label",
            "original_grade",
            "reports",
            "documented",
            "late",
            "missing",
        ]


def _pk(value) -> int:
    if not str(value).isdigit() or len(str(value)) > 18:
        raise Http404
    return int(value)


class DutyListViewSet(viewsets.ReadOnlyModelViewSet):
    """The lists the caller's body issues or that were issued to a unit in its scope."""

    permission_classes = [HasCode]
    required_perm = "duties:list:view"
    serializer_class = DutyListSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return selectors.list_list(viewer=self.request.user)

    def get_object(self):
        return selectors.list_get(viewer=self.request.user, pk=_pk(self.kwargs["pk"]))

    @extend_schema(responses=ScoreSerializer(many=True))
    @action(detail=True)
    def scores(self, request, pk=None):
        """Each unit's score so far, ranked among all units of its type; the caller's units
        only."""
        duty_list = self.get_object()
        rows = selectors.scores(viewer=request.user, duty_list=duty_list, with_items=False)
        return Response(ScoreSerializer(rows, many=True).data)

    @extend_schema(responses=ResultSerializer(many=True))
    @action(detail=True)
    def results(self, request, pk=None):
        """The frozen year-end results of the caller's units (empty before the freeze)."""
        duty_list = self.get_object()
        frozen = selectors.assessment_of(viewer=request.user, duty_list=duty_list)
        rows = selectors.result_list(viewer=request.user, assessment=frozen) if frozen else []
        return Response(ResultSerializer(rows, many=True).data)
