"""The electronic file holds only what its viewer may see: a child item outside the viewer's scope
is left out with its events, evidence and comments, for every kind of data scope."""

import json
import zipfile
from io import BytesIO

import pytest
from docx import Document as WordDocument

from oversight.conftest import client_for
from oversight.loop import services
from oversight.orgs import services as org_services
from oversight.orgs.models import Role

EXPORT = ["loop:item:view", "loop:item:export"]


@pytest.fixture
def tree(loop_county):
    c = loop_county
    opened = {
        "actor": c.supervisor,
        "supervising_node": c.commission,
    }
    root = services.item_open(
        kind="looptest.case",
        title="Root matter",
        responsible_node=c.unit_a,
        assignee=c.cadre,
        **opened,
    )
    below = services.item_open(
        kind="looptest.step",
        title="Task of Dept A1",
        parent=root,
        responsible_node=c.dept_a1,
        **opened,
    )
    outside = services.item_open(
        kind="looptest.step",
        title="Secret task of Town 2",
        description="town two only",
        parent=root,
        responsible_node=c.town2,
        **opened,
    )
    services.item_comment(item=outside, actor=c.supervisor, comment="comment of town two")
    own = services.item_open(
        kind="looptest.step",
        title="Task of Unit A",
        parent=root,
        responsible_node=c.unit_a,
        assignee=c.cadre,
        **opened,
    )
    return {"root": root, "below": below, "outside": outside, "own": own}


def viewer_with(county, scope, node, listed=()):
    role = org_services.role_save(
        role=None,
        key=f"efile-{scope}",
        name=f"efile-{scope}",
        permissions=EXPORT,
        data_scope=scope,
        listed_nodes=list(listed),
    )
    return org_services.account_save(
        account=None,
        username=f"efile-{scope}",
        display_name=scope,
        org_node=node,
        person=None,
        roles=[role],
        password="a-long-test-password",
    )


def package(account, root) -> tuple[set[int], bytes]:
    response = client_for(account).get(f"/work/items/{root.pk}/file.zip")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    archive = zipfile.ZipFile(BytesIO(data))
    history = json.loads(archive.read("events.json"))
    assert {e["item"] for e in history["events"]} <= {i["id"] for i in history["items"]}
    summary = WordDocument(BytesIO(archive.read("summary.docx")))
    text = "\n".join(p.text for p in summary.paragraphs)
    text += "\n".join(cell.text for t in summary.tables for row in t.rows for cell in row.cells)
    return {i["id"] for i in history["items"]}, text + archive.read("events.json").decode()


@pytest.mark.parametrize(
    "scope, expected",
    [
        (Role.Scope.ALL, {"root", "below", "outside", "own"}),
        (Role.Scope.OWN_AND_BELOW, {"root", "below", "own"}),
        (Role.Scope.OWN, {"root", "own"}),
        (Role.Scope.LISTED, {"root", "below", "own"}),
        (Role.Scope.SUPERVISED, {"root", "below", "own"}),
        (Role.Scope.SELF, {"root", "own"}),
    ],
)
def test_it_packs_only_the_items_the_viewer_may_see(loop_county, tree, scope, expected):
    c = loop_county
    if scope == Role.Scope.SUPERVISED:
        viewer = viewer_with(c, scope, c.group)  # the group supervises Unit A
    elif scope == Role.Scope.LISTED:
        viewer = viewer_with(c, scope, c.county, listed=[c.unit_a])
    elif scope == Role.Scope.SELF:
        viewer = c.cadre
        c.role_cadre.permissions = [*c.role_cadre.permissions, *EXPORT]
        c.role_cadre.save()
    else:
        viewer = viewer_with(c, scope, c.unit_a)
    ids, everything = package(viewer, tree["root"])
    assert ids == {tree[name].pk for name in expected}
    secrets = ("Secret task of Town 2", "town two only", "comment of town two", "Town 2")
    if "outside" in expected:
        assert all(secret in everything for secret in secrets)
    else:
        assert not [secret for secret in secrets if secret in everything]
        response = client_for(viewer).get(f"/work/items/{tree['outside'].pk}/")
        assert response.status_code == 404


def batch(account, *items, status=200):
    response = client_for(account).post(
        "/work/items/files.zip", {"items": [i.pk for i in items], "next": "/work/items/"}
    )
    assert response.status_code == status
    if status != 200:
        return None
    return zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))


def test_the_batch_export_holds_each_file_exactly_as_its_single_export(loop_county, tree):
    c = loop_county
    viewer = viewer_with(c, Role.Scope.OWN_AND_BELOW, c.unit_a)
    archive = batch(viewer, tree["root"], tree["below"])
    root, below = tree["root"].pk, tree["below"].pk
    names = set(archive.namelist())
    assert {n.split("/", 1)[0] for n in names} == {f"work-item-{root}", f"work-item-{below}"}
    single = client_for(viewer).get(f"/work/items/{root}/file.zip")
    alone = zipfile.ZipFile(BytesIO(b"".join(single.streaming_content)))
    assert {f"work-item-{root}/{n}" for n in alone.namelist()} == {
        n for n in names if n.startswith(f"work-item-{root}/")
    }
    assert archive.read(f"work-item-{root}/events.json") == alone.read("events.json")
    manifest = json.loads(archive.read(f"work-item-{below}/manifest.json"))
    assert manifest["root_item"] == below and "events.json" in manifest["files"]
    # the root's file leaves out the child outside the viewer's scope, as the single export does
    history = json.loads(archive.read(f"work-item-{root}/events.json"))
    assert tree["outside"].pk not in {i["id"] for i in history["items"]}


def test_the_batch_export_refuses_an_item_outside_the_scope_and_answers_nothing(loop_county, tree):
    c = loop_county
    viewer = viewer_with(c, Role.Scope.OWN_AND_BELOW, c.unit_a)
    assert batch(viewer, tree["root"], tree["outside"], status=404) is None
    outsider = viewer_with(c, Role.Scope.OWN, c.town2)
    assert batch(outsider, tree["root"], status=404) is None
    # without the export function, the button is absent and the address refuses
    assert batch(c.cadre, tree["own"], status=403) is None
    # nothing chosen: back to the list with a message
    response = client_for(viewer).post("/work/items/files.zip", {"next": "/work/items/"})
    assert response.status_code == 302 and response.url == "/work/items/"


def test_the_list_offers_the_batch_export_to_those_who_may_export(loop_county, tree):
    c = loop_county
    viewer = viewer_with(c, Role.Scope.OWN_AND_BELOW, c.unit_a)
    role = viewer.roles.get()
    role.permissions = [*role.permissions, "loop:item:view"]
    role.save()
    html = client_for(viewer).get("/work/items/").content.decode()
    assert 'data-testid="bulk-files"' in html and 'form="bulk-items"' in html
    assert 'data-testid="bulk-remind"' not in html  # reminding is the supervisors'
