"""A closed file's receipt and its record's trace are for whoever may see the whole file: the
item page links them, supervisors and leaders in scope open them (not only administrators), and
anyone outside the scope, or who sees only part of the file, gets nothing."""

import json

from oversight.conftest import client_for
from oversight.ledger import keys
from oversight.ledger.models import Leaf
from oversight.ledger.tlog import verify_receipt
from oversight.loop import services
from oversight.orgs.models import Role

AUDIT = "ledger:audit:view"


def close(county, *tasks):
    for task in tasks:
        handler = county.town2_officer if task.responsible_node == county.town2 else None
        services.item_transition(
            item=task, name="submit", actor=handler or county.town1_officer, comment="ok"
        )
        services.item_transition(item=task, name="verify", actor=county.supervisor)
    matter = tasks[0].parent
    services.item_transition(item=matter, name="close", actor=county.supervisor)
    return matter, Leaf.objects.get(action="loop.efile.fix", target_id=str(matter.pk))


def grant_audit(role):
    Role.objects.filter(pk=role.pk).update(permissions=[*role.permissions, AUDIT])


def test_the_town_in_scope_downloads_the_closed_files_receipt_from_the_item_page(
    loop_county, open_task
):
    c = loop_county
    matter, leaf = close(c, open_task())
    for account in (c.town1_officer, c.town1_leader):  # no ledger permission needed
        client = client_for(account)
        page = client.get(f"/work/items/{matter.pk}/")
        assert page.status_code == 200
        assert f'href="/ledger/receipt/{leaf.index}" download' in page.content.decode()
        receipt = client.get(f"/ledger/receipt/{leaf.index}")
        assert receipt.status_code == 200
        document = json.loads(receipt.content)
        assert verify_receipt(document, keys.verifier()).record["items"][0]["id"] == matter.pk
        assert document["opening"]["target_id"] == str(matter.pk)


def test_outsiders_get_no_receipt_and_no_badge(loop_county, open_task, client):
    c = loop_county
    matter, leaf = close(c, open_task())
    grant_audit(c.role_town)  # even with the ledger's permission
    outsider = client_for(c.town2_officer)
    assert outsider.get(f"/ledger/receipt/{leaf.index}").status_code == 404
    assert outsider.get(f"/work/items/{matter.pk}/").status_code == 404
    assert client.get(f"/ledger/receipt/{leaf.index}").status_code == 404  # anonymous
    assert client_for(c.clerk).get(f"/ledger/receipt/{leaf.index}").status_code == 404


def test_who_sees_only_part_of_the_file_gets_no_receipt(loop_county, open_task):
    c = loop_county
    mine = open_task()
    theirs = services.item_open(
        kind="matters.task",
        title="Town 2's part",
        actor=c.supervisor,
        parent=mine.parent,
        responsible_node=c.town2,
        supervising_node=c.commission,
        final_deadline=mine.final_deadline,
    )
    matter, leaf = close(c, mine, theirs)
    town1 = client_for(c.town1_officer)
    page = town1.get(f"/work/items/{matter.pk}/")
    assert page.status_code == 200 and "/ledger/receipt/" not in page.content.decode()
    assert town1.get(f"/ledger/receipt/{leaf.index}").status_code == 404
    assert client_for(c.supervisor).get(f"/ledger/receipt/{leaf.index}").status_code == 200


def test_supervisors_in_scope_open_the_whole_trace_of_a_record_outsiders_nothing(
    loop_county, open_task
):
    c = loop_county
    matter, leaf = close(c, open_task())
    grant_audit(c.role_town)
    trace = f"/ledger/trace/?target_type=loop.workitem&target_id={matter.pk}"
    town1 = client_for(c.town1_officer)
    page = town1.get(f"/work/items/{matter.pk}/")
    assert f'href="/ledger/trace/?target_type=loop.workitem&amp;target_id={matter.pk}"' in (
        page.content.decode()
    )
    shown = [e.index for e in town1.get(trace).context["page"]]
    by_commission = Leaf.objects.filter(
        target_type="loop.workitem", target_id=str(matter.pk), actor=c.supervisor
    ).values_list("index", flat=True)
    assert by_commission and set(by_commission) <= set(shown)  # made outside the town's scope
    assert town1.get(f"/ledger/trace/{min(by_commission)}/").status_code == 200
    assert town1.get(f"/ledger/trace/{leaf.index}/").status_code == 200  # the file's fixing

    outsider = client_for(c.town2_officer)
    assert [e.index for e in outsider.get(trace).context["page"]] == []
    assert outsider.get(f"/ledger/trace/{min(by_commission)}/").status_code == 404
    assert outsider.get(f"/ledger/trace/{leaf.index}/").status_code == 404
    assert client_for(c.clerk).get(trace).status_code == 403  # no ledger permission
