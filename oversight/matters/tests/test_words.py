"""Timelines and the electronic file speak in labels and people's names, never in codes."""

from __future__ import annotations

import zipfile
from io import BytesIO

from django.utils import translation
from docx import Document as WordDocument

from oversight.conftest import client_for
from oversight.loop import efile
from oversight.loop import services as loop


def test_the_timeline_and_the_file_name_steps_states_and_people(loop_county, open_task):
    task = open_task()
    task = loop.item_transition(
        item=task, name="submit", actor=loop_county.town1_leader, comment="Done."
    )
    with translation.override("en"):
        page = client_for(loop_county.supervisor).get(
            f"/work/items/{task.pk}/", HTTP_ACCEPT_LANGUAGE="en"
        )
        html = page.content.decode()
        assert "Report completion: Assigned → Reported, awaiting verification" in html
        assert "assigned → submitted" not in html
        assert "Leader of Town 1" in html and ">town1-leader<" not in html
        package = efile.build(item=task.parent, viewer=loop_county.supervisor)
    package.seek(0)
    with zipfile.ZipFile(package) as archive:
        name = next(n for n in archive.namelist() if n.endswith("summary.docx"))
        summary = WordDocument(BytesIO(archive.read(name)))
    text = "\n".join(p.text for p in summary.paragraphs)
    assert "Assigned → Reported, awaiting verification" in text
    assert "assigned → submitted" not in text and "Leader of Town 1" in text
