"""The demonstration builder: the list, ratings and complaints in every state, twice the same."""

import random

import pytest

from oversight.orgs import demo as org_demo
from oversight.public import demo
from oversight.public.models import Complaint, PowerItem, PublicPoint, Rating

pytestmark = pytest.mark.django_db


def test_it_builds_the_public_channel_of_the_demo_county(today):
    org_demo.build(rng=random.Random("orgs"))
    demo.build(rng=random.Random("public"))
    assert PowerItem.objects.filter(source="province").count() == 40
    assert PowerItem.objects.filter(source="local").count() == 8
    states = set(Complaint.objects.values_list("item__state", flat=True))
    assert states == {
        "received",
        "accepted",
        "not_accepted",
        "transferred",
        "handling",
        "handled",
        "reviewing",
        "replied",
        "evaluated",
        "closed",
    }
    assert Complaint.objects.filter(satisfied=False, dissatisfaction__isnull=False).exists()
    assert Complaint.objects.filter(repeat_of__isnull=False).exists()
    assert Complaint.objects.filter(published=True).exists()
    counts = (
        PowerItem.objects.count(),
        Complaint.objects.count(),
        Rating.objects.count(),
        PublicPoint.objects.count(),
    )
    demo.build(rng=random.Random("public"))
    assert (
        PowerItem.objects.count(),
        Complaint.objects.count(),
        Rating.objects.count(),
        PublicPoint.objects.count(),
    ) == counts
