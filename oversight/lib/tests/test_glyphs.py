"""Text set from the CJK font installed from Debian's packages, with the standard library only."""

from __future__ import annotations

import os

import pytest

from oversight.lib import glyphs

FONT = glyphs.find_font()


@pytest.fixture
def font():
    if FONT is None:
        message = "no CJK font installed (apt-get install fonts-wqy-microhei)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return glyphs.load(FONT)


def ink(width, height, coverage, left, right) -> int:
    return sum(coverage[y * width + x] for y in range(height) for x in range(left, right))


def test_it_maps_chinese_and_latin_characters_to_glyphs(font):
    assert all(font.glyph_of(ch) for ch in "监督二维码Scan")
    assert font.glyph_of("\uffff") == 0
    # a Chinese character is one em wide; Latin letters are narrower
    assert font.width("监督", 48) == pytest.approx(96, abs=2)
    assert font.width("il", 48) < 48


def test_it_draws_each_character_where_it_stands(font):
    width, height, coverage = glyphs.render_line(font, "监 督", 40)
    assert height == pytest.approx(40 * (font.ascent - font.descent) / font.units_per_em, abs=1)
    em = round(font.width("监", 40))
    space = round(font.width(" ", 40))
    assert ink(width, height, coverage, 1, em) > 40 * 40 * 255 * 0.15  # a dense character
    assert ink(width, height, coverage, em + 3, em + space - 2) == 0  # the space stays blank
    assert ink(width, height, coverage, em + space + 1, width) > 0
    assert max(coverage) == 255 and 0 < sorted(set(coverage))[1] < 255  # antialiased edges
    # a character with a hole: its middle is blank, its strokes inked ("口")
    width, height, coverage = glyphs.render_line(font, "口", 60)
    middle = (height // 2) * width + width // 2
    assert coverage[middle] == 0 and max(coverage[(height // 2) * width : middle]) == 255


def test_it_refuses_a_file_that_is_no_truetype_font(tmp_path):
    bogus = tmp_path / "font.ttf"
    bogus.write_bytes(b"OTTO" + bytes(100))
    with pytest.raises(glyphs.FontError):
        glyphs.Font(bogus.read_bytes())
    assert glyphs.find_font([str(bogus), str(tmp_path / "missing.ttc")]) is None
