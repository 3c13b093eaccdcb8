"""Read API of joint supervision, limited like the pages: a department reads the plans it takes
part in, its own findings, those shared with the plan and those handed over to it; a plan it
takes no part in is a 404."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from oversight.orgs.api import HasCode

from . import selectors
from .models import Handover, JointFinding, Plan


class PlanSerializer(serializers.ModelSerializer):
    lead_name = serializers.CharField(source="lead.name", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "title", "lead", "lead_name", "members", "units", "themes",
                  "starts_on", "ends_on"]  # fmt: skip


class FindingSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = JointFinding
        fields = ["id", "plan", "unit", "unit_name", "department", "department_name",
                  "description", "shared", "created_at"]  # fmt: skip


class HandoverSerializer(serializers.ModelSerializer):
    finding_description = serializers.CharField(source="finding.description", read_only=True)
    state = serializers.CharField(source="item.state", read_only=True)
    light = serializers.CharField(source="item.light", read_only=True)
    acceptance_due = serializers.DateField(source="item.step_deadline", read_only=True)
    outcome = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Handover
        fields = ["id", "finding", "finding_description", "to_department", "item", "state",
                  "light", "acceptance_due", "feedback_by", "outcome"]  # fmt: skip


def _pk(value) -> int:
    if not str(value).isdigit() or len(str(value)) > 18:
        raise Http404
    return int(value)


def _plan_param(request):
    value = request.query_params.get("plan")
    if value is None:
        return None
    if not value.isdigit() or len(value) > 18:
        raise ValidationError(
            {"plan": ValidationError(_("A plan is given by its number id."), code="plan")}
        )
    return selectors.plan_get(viewer=request.user, pk=int(value))


PLAN = OpenApiParameter("plan", OpenApiTypes.INT, required=False)


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """The joint plans the caller's department takes part in."""

    permission_classes = [HasCode]
    required_perm = "joint:plan:view"
    serializer_class = PlanSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return selectors.plan_list(viewer=self.request.user).prefetch_related("members", "units")

    def get_object(self):
        return selectors.plan_get(viewer=self.request.user, pk=_pk(self.kwargs["pk"]))


class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    """Findings the caller's department may read, optionally of one plan."""

    permission_classes = [HasCode]
    required_perm = "joint:plan:view"
    serializer_class = FindingSerializer
    lookup_value_regex = "[0-9]{1,18}"

    @extend_schema(parameters=[PLAN])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.finding_list(viewer=self.request.user, plan=_plan_param(self.request))

    def get_object(self):
        return selectors.finding_get(viewer=self.request.user, pk=_pk(self.kwargs["pk"]))


class HandoverViewSet(viewsets.ReadOnlyModelViewSet):
    """Clue hand-overs of findings the caller may read, with the outcome reported back."""

    permission_classes = [HasCode]
    required_perm = "joint:plan:view"
    serializer_class = HandoverSerializer
    lookup_value_regex = "[0-9]{1,18}"

    @extend_schema(parameters=[PLAN])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.handover_list(viewer=self.request.user, plan=_plan_param(self.request))

    def get_object(self):
        from django.shortcuts import get_object_or_404

        return get_object_or_404(
            selectors.handover_list(viewer=self.request.user), pk=_pk(self.kwargs["pk"])
        )
