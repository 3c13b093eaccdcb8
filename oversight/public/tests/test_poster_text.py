"""PNG posters carry the window's name and the instructions in Chinese, set in the CJK font
installed from Debian's packages (nothing downloaded); without the font, the frame and code."""

from __future__ import annotations

import os
import struct
import zlib

import pytest
from django.utils import translation

from oversight.conftest import client_for
from oversight.lib import glyphs
from oversight.public import posters


def decode(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows (palette indexes) of a PNG posters.png wrote."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    at, idat, width, height = 8, b"", 0, 0
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    raw = zlib.decompress(idat)
    rows = [raw[y * (width + 1) : (y + 1) * (width + 1)] for y in range(height)]
    assert all(row[0] == 0 for row in rows)
    return width, height, [row[1:] for row in rows]


def text_pixels(rows, top: int, bottom: int) -> int:
    """Pixels of antialiased text (palette entries after white, black and red)."""
    return sum(sum(1 for p in row if p > posters.RED) for row in rows[top:bottom])


@pytest.fixture
def font_installed():
    if glyphs.find_font() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("no CJK font installed (apt-get install fonts-wqy-microhei)")
        pytest.skip("no CJK font installed")


def test_the_png_poster_carries_the_title_name_instructions_and_address(
    pc, settings, font_installed
):
    settings.PUBLIC_SITE_URL = "https://jiandu.example.gov.cn"
    response = client_for(pc.intake).get(f"/public-channel/posters/{pc.window_a2.pk}/a4.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    width, height, rows = decode(response.content)
    band = int(height * 0.13)
    qr_top = int(height * 0.3)
    assert text_pixels(rows, 0, band) > 1000  # the title, white on the red band
    assert text_pixels(rows, band, qr_top) > 1000  # the window's name
    assert text_pixels(rows, qr_top + width // 2 + 10, height) > 1000  # instructions, address
    # the name is what it says: another window's poster differs in the name's lines only
    other = client_for(pc.intake).get(f"/public-channel/posters/{pc.window_a2.parent.pk}/a4.png")
    _w, _h, other_rows = decode(other.content)
    assert rows[:band] == other_rows[:band]
    assert rows[band:qr_top] != other_rows[band:qr_top]


def test_the_text_is_chinese_under_the_chinese_interface(pc, settings, font_installed):
    settings.PUBLIC_SITE_URL = "https://jiandu.example.gov.cn"

    def title_row(language):
        with translation.override(language):
            width, height, rows = decode(posters.png(pc.window_a2, "card"))
        return rows[: int(height * 0.13)]

    assert title_row("zh-hans") != title_row("en")


def test_without_a_cjk_font_the_png_has_the_frame_and_code_only(pc, settings, monkeypatch):
    settings.PUBLIC_SITE_URL = "https://jiandu.example.gov.cn"
    monkeypatch.setattr(glyphs, "find_font", lambda *a, **k: None)
    width, height, rows = decode(posters.png(pc.window_a2, "card"))
    assert text_pixels(rows, 0, height) == 0
    assert any(posters.BLACK in row for row in rows)  # the code is there
