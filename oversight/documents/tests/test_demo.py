"""The demonstration documents: issued once, on the demo county's nodes."""

import random

from oversight.documents import demo
from oversight.documents.models import Document
from oversight.orgs import services
from oversight.orgs.models import OrgNode

T = OrgNode.Type


def test_it_issues_the_demo_documents_once(db):
    county = services.node_create(name="清河县", code="QH", type=T.DISTRICT, parent=None)
    commission = services.node_create(
        name="清河县纪委监委", code="QH-JW", type=T.COMMISSION, parent=county
    )
    services.node_create(name="县教育局", code="QH-U04", type=T.UNIT, parent=county)
    town = services.node_create(name="城关镇", code="QH-T01", type=T.TOWN, parent=county)
    services.node_create(name="张庄村", code="QH-T01-V01", type=T.VILLAGE, parent=town)
    demo.build(rng=random.Random(1))
    demo.build(rng=random.Random(2))
    documents = list(Document.objects.order_by("issuer_node__code", "doc_type"))
    assert [(d.issuer_node.code, d.recipient_unit) for d in documents] == [
        ("QH-JW", "县教育局"),
        ("QH-T01", "张庄村"),
    ]
    assert documents[0].serial.startswith("清纪建〔")
    assert documents[0].issuer_node == commission
