"""The fleet system's push: batches of positions posted with an API token
(``Authorization: Bearer ovt_…``) of an account holding ``fleet:position:import``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from oversight.orgs.api import HasCode

from . import services
from .models import PositionBatch

MAX_BATCH = 50_000


class PositionIn(serializers.Serializer):
    plate = serializers.CharField(max_length=16)
    time = serializers.CharField(max_length=40)
    longitude = serializers.FloatField()
    latitude = serializers.FloatField()
    speed = serializers.FloatField(required=False, default=0)
    ignition = serializers.BooleanField()


class BatchIn(serializers.Serializer):
    source = serializers.CharField(max_length=120)
    crs = serializers.ChoiceField(choices=PositionBatch.Crs.choices)
    positions = PositionIn(many=True, allow_empty=False, max_length=MAX_BATCH)


class BatchOut(serializers.Serializer):
    batch = serializers.IntegerField()
    rows = serializers.IntegerField()


class PositionsPush(APIView):
    permission_classes = [HasCode]
    required_perm = "fleet:position:import"

    @extend_schema(request=BatchIn, responses={201: BatchOut}, operation_id="fleet_positions_push")
    def post(self, request):
        """Keep a batch of positions; a batch with a bad row is refused whole, each bad row
        named (row 1 is the first position)."""
        incoming = BatchIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            batch = services.positions_import(
                actor=request.user, source=data["source"], crs=data["crs"], rows=data["positions"]
            )
        except ValidationError as error:
            return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"batch": batch.pk, "rows": batch.rows}, status=status.HTTP_201_CREATED)
