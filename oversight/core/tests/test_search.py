"""The global search finds, within the viewer's scope only, across modules."""

from __future__ import annotations

from datetime import date

from oversight.conftest import client_for
from oversight.loop import services as loop


def test_it_finds_items_people_and_units_within_scope(loop_county):
    task = loop.item_open(
        kind="matters.task",
        title="Repair the bridge of Village 1a",
        actor=loop_county.supervisor,
        responsible_node=loop_county.town1,
        supervising_node=loop_county.commission,
        final_deadline=date(2026, 3, 20),
    )
    mine = client_for(loop_county.town1_officer).get("/search/", {"q": "bridge"})
    html = mine.content.decode()
    assert mine.status_code == 200 and f"/work/items/{task.pk}/" in html
    units = client_for(loop_county.town1_officer).get("/search/", {"q": "village 1"}).content
    assert b"Village 1a" in units and b"Village 2a" not in units
    other = client_for(loop_county.town2_officer).get("/search/", {"q": "bridge"}).content
    assert f"/work/items/{task.pk}/".encode() not in other
    people = client_for(loop_county.town2_officer).get("/search/", {"q": "Person of"}).content
    assert b"Person of Town 2" in people and b"Person of Town 1" not in people
    assert client_for(loop_county.cadre).get("/search/", {"q": "bridge"}).status_code == 200
