"""Read API of work items, limited to the caller's scope like every page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from oversight.core.api import QueryText, QueryValidated
from oversight.orgs.api import HasCode

from . import selectors
from .models import Event, WorkItem


class WorkItemSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(read_only=True)

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "state",
            "state_label",
            "responsible_node",
            "supervising_node",
            "assignee",
            "parent",
            "priority",
            "progress",
            "light",
            "step_deadline",
            "final_deadline",
            "opened_at",
            "closed_at",
            "closed_on_time",
        ]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = [
            "id",
            "at",
            "type",
            "actor_name",
            "transition",
            "from_state",
            "to_state",
            "comment",
        ]


class WorkItemDetailSerializer(WorkItemSerializer):
    events = serializers.SerializerMethodField()

    class Meta(WorkItemSerializer.Meta):
        fields = [*WorkItemSerializer.Meta.fields, "description", "events"]

    def get_events(self, item) -> list[dict]:
        return EventSerializer(selectors.item_timeline(item=item), many=True).data


class ItemQuery(serializers.Serializer):
    kind = QueryText(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Kind of work item, e.g. matters.task",
    )
    light = serializers.ChoiceField(
        required=False, allow_blank=True, choices=WorkItem.Light.choices
    )
    status = serializers.ChoiceField(
        required=False, allow_blank=True, choices=["open", "closed", "overdue"]
    )


@extend_schema_view(list=extend_schema(parameters=[ItemQuery]))
class WorkItemViewSet(QueryValidated, viewsets.ReadOnlyModelViewSet):
    permission_classes = [HasCode]
    required_perm = "loop:item:view"
    query_serializer = ItemQuery
    lookup_value_regex = "[0-9]{1,18}"

    def get_serializer_class(self):
        return WorkItemDetailSerializer if self.action == "retrieve" else WorkItemSerializer

    def get_queryset(self):
        status = self.query.get("status", "")
        item_filters = selectors.ItemFilters(
            kind=self.query.get("kind", ""),
            light=self.query.get("light", ""),
            open=True if status == "open" else False if status == "closed" else None,
            overdue=status == "overdue",
        )
        return selectors.item_list(viewer=self.request.user, filters=item_filters)

    def get_object(self):
        pk = self.kwargs["pk"]
        if not str(pk).isdigit():
            from django.http import Http404

            raise Http404
        return selectors.item_get(viewer=self.request.user, pk=int(pk))
