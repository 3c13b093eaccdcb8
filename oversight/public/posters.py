"""QR posters for windows and units: SVG (with the name and a line of instructions) and PNG,
at A4 or table-card size, one at a time or as a ZIP for a subtree.

The PNG is drawn here without an imaging library: a palette image with the frame, the header
band, the code and the same text as the SVG (title, the window's name, the instructions, the
note and the address), set in a CJK font installed from Debian's packages
(``fonts-wqy-microhei``, read by ``oversight.lib.glyphs``; nothing is downloaded). Without such a
font the PNG carries the frame and the code only, and says so in the log.
"""

from __future__ import annotations

import logging
import struct
import zipfile
import zlib
from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from oversight.lib import glyphs

from .services.places import point_for

log = logging.getLogger(__name__)

SIZES = {"a4": (210, 297), "card": (100, 150)}  # millimetres
RED = "#b71c1c"


LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


def public_address_configured() -> bool:
    """Whether ``PUBLIC_SITE_URL`` names an address citizens can reach (not a loopback one, as
    the default is): a poster must never send a phone to 127.0.0.1."""
    from urllib.parse import urlsplit

    host = (urlsplit(settings.PUBLIC_SITE_URL).hostname or "").lower()
    return host not in LOOPBACK and not host.startswith("127.")


def point_url(node) -> str:
    point = point_for(node)
    return settings.PUBLIC_SITE_URL.rstrip("/") + reverse("public:window", args=[point.token])


def _modules(url: str):
    return segno.make_qr(url, error="m").matrix


def svg(node, size: str = "a4", *, url: str = "", instructions: str = "", note: str = "") -> bytes:
    """An SVG poster: header, the window's name, the QR code, instructions and the address.
    Another module's board (a village's collective accounts) passes its own page's ``url``
    and words."""
    width, height = SIZES[size]
    url = url or point_url(node)
    matrix = _modules(url)
    count = len(matrix)
    side = width * (0.62 if size == "a4" else 0.7)
    module = side / count
    left = (width - side) / 2
    top = height * (0.3 if size == "a4" else 0.28)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < count:
            if row[x]:
                start = x
                while x < count and row[x]:
                    x += 1
                runs.append(
                    f"M{left + start * module:.3f} {top + y * module:.3f}h{(x - start) * module:.3f}"
                    f"v{module:.3f}h{-(x - start) * module:.3f}z"
                )
            else:
                x += 1
    scale = width / 210
    title = escape(_("Supervision at your fingertips"))
    instructions = escape(
        instructions or _("Scan to rate our service, report a style problem or file a complaint")
    )
    note = escape(note or _("Anonymous reports are welcome; your identity is protected."))
    name = escape(node.name)
    font = "font-family='Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif'"
    parts = [
        "<?xml version='1.0' encoding='utf-8'?>",
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}mm' height='{height}mm' viewBox='0 0 {width} {height}'>",
        f"<rect width='{width}' height='{height}' fill='#fff'/>",
        f"<rect x='{2 * scale:.2f}' y='{2 * scale:.2f}' width='{width - 4 * scale:.2f}' height='{height - 4 * scale:.2f}'"
        f" fill='none' stroke='{RED}' stroke-width='{1.2 * scale:.2f}'/>",
        f"<rect x='0' y='0' width='{width}' height='{height * 0.13:.2f}' fill='{RED}'/>",
        f"<text x='{width / 2}' y='{height * 0.085:.2f}' text-anchor='middle' fill='#fff' font-size='{14 * scale:.2f}'"
        f" font-weight='bold' {font}>{title}</text>",
        f"<text x='{width / 2}' y='{height * 0.21:.2f}' text-anchor='middle' fill='#222' font-size='{11 * scale:.2f}'"
        f" font-weight='bold' {font}>{name}</text>",
        f"<path fill='#000' d='{''.join(runs)}'/>",
        f"<text x='{width / 2}' y='{top + side + 14 * scale:.2f}' text-anchor='middle' fill='#222'"
        f" font-size='{7.5 * scale:.2f}' {font}>{instructions}</text>",
        f"<text x='{width / 2}' y='{top + side + 24 * scale:.2f}' text-anchor='middle' fill='#555'"
        f" font-size='{5.5 * scale:.2f}' {font}>{note}</text>",
        f"<text x='{width / 2}' y='{height - 8 * scale:.2f}' text-anchor='middle' fill='#777'"
        f" font-size='{4 * scale:.2f}' font-family='monospace'>{escape(url)}</text>",
        "</svg>",
    ]
    return "\n".join(parts).encode("utf-8")


def _png(width: int, height: int, rows: list[bytes], palette: list[tuple[int, int, int]]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + row for row in rows)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)),
            chunk(b"PLTE", b"".join(bytes(c) for c in palette)),
            chunk(b"pHYs", struct.pack(">IIB", 5906, 5906, 1)),  # 150 dpi
            chunk(b"IDAT", zlib.compress(raw, 6)),
            chunk(b"IEND", b""),
        ]
    )


WHITE, BLACK, RED = 0, 1, 2
INKS = {"dark": (0x22, 0x22, 0x22), "grey": (0x55, 0x55, 0x55), "light": (0x77, 0x77, 0x77)}
LEVELS = 16  # grey levels of antialiased text per ink


def _palette():
    """White, black, red, then ``LEVELS`` blends of each text ink over its background (white
    text on the red band; the inks on white), and the tables that turn a coverage byte into
    those palette indexes."""
    colours = [(255, 255, 255), (0, 0, 0), (0xB7, 0x1C, 0x1C)]
    tables = {}
    pairs = {"band": ((255, 255, 255), colours[RED], RED)}
    pairs.update({name: (ink, colours[WHITE], WHITE) for name, ink in INKS.items()})
    for name, (ink, ground, ground_index) in pairs.items():
        first = len(colours)
        for level in range(1, LEVELS + 1):
            t = level / LEVELS
            colours.append(tuple(round(g + (i - g) * t) for i, g in zip(ink, ground, strict=True)))
        table = bytes(
            ground_index if c == 0 else first + max(1, round(c * LEVELS / 255)) - 1
            for c in range(256)
        )
        tables[name] = table
    return colours, tables


PALETTE, TABLES = _palette()


def poster_font():
    """The CJK font the PNG posters are set in, or ``None`` when none is installed."""
    path = glyphs.find_font()
    if path is None:
        log.warning(
            "no CJK font installed (apt-get install fonts-wqy-microhei): PNG posters carry no text"
        )
        return None
    return glyphs.load(path)


@lru_cache(maxsize=128)
def _line(font, text: str, size: float):
    """A line of text as coverage (the title, instructions and note repeat on every poster of
    a ZIP: each is set once)."""
    return glyphs.render_line(font, text, size)


def png(node, size: str = "a4") -> bytes:
    """A PNG poster at 150 dpi: frame, header band, the QR code and its text (see the
    module's note)."""
    mm_w, mm_h = SIZES[size]
    width, height = round(mm_w / 25.4 * 150), round(mm_h / 25.4 * 150)
    url = point_url(node)
    matrix = _modules(url)
    count = len(matrix)
    module = int(width * (0.62 if size == "a4" else 0.7)) // count
    side = module * count
    left = (width - side) // 2
    top = int(height * (0.3 if size == "a4" else 0.28))
    border = max(4, width // 120)
    band = int(height * 0.13)
    blank = bytes([RED] * border + [WHITE] * (width - 2 * border) + [RED] * border)
    red_row = bytes([RED] * width)
    qr_rows = []
    for row in matrix:
        line = bytearray(blank)
        for x, dark in enumerate(row):
            if dark:
                line[left + x * module : left + (x + 1) * module] = bytes([BLACK]) * module
        qr_rows.append(bytes(line))
    rows = []
    for y in range(height):
        if y < band or y >= height - border:
            rows.append(bytearray(red_row))
        elif top <= y < top + side:
            rows.append(bytearray(qr_rows[(y - top) // module]))
        else:
            rows.append(bytearray(blank))
    font = poster_font()
    if font is not None:
        px = width / mm_w  # pixels per millimetre; the SVG's sizes and places, in pixels
        scale = mm_w / 210
        margin = border * 3
        y_px = height / mm_h
        svg_side = mm_w * (0.62 if size == "a4" else 0.7)
        svg_top = mm_h * (0.3 if size == "a4" else 0.28)
        lines = [
            (_("Supervision at your fingertips"), 14, mm_h * 0.085, "band"),
            (node.name, 11, mm_h * 0.21, "dark"),
            (_("Scan to rate our service, report a style problem or file a complaint"), 7.5,
             svg_top + svg_side + 14 * scale, "dark"),
            (_("Anonymous reports are welcome; your identity is protected."), 5.5,
             svg_top + svg_side + 24 * scale, "grey"),
            (url, 4, mm_h - 8 * scale, "light"),
        ]  # fmt: skip
        for text, mm, baseline, ink in lines:
            draw_text(rows, font, str(text), size=mm * scale * px, baseline=round(baseline * y_px),
                      ink=ink, width=width, margin=margin)  # fmt: skip
    return _png(width, height, [bytes(r) for r in rows], PALETTE)


def draw_text(rows, font, text: str, *, size: float, baseline: int, ink: str, width: int,
              margin: int) -> None:  # fmt: skip
    """``text`` centred on the poster with its baseline at ``baseline`` (pixels), shrunk to
    fit between the margins, antialiased over the row's background."""
    room = width - 2 * margin
    natural = font.width(text, size)
    if natural > room:
        size = size * room / natural
    w, h, coverage = _line(font, text, round(size, 2))
    top = baseline - round(font.ascent * size / font.units_per_em)
    left = max(margin, (width - w) // 2)
    shown = min(w, width - margin - left)
    table = TABLES[ink]
    for y in range(h):
        row = top + y
        if not 0 <= row < len(rows):
            continue
        ink_row = bytes(coverage[y * w : y * w + shown])
        if not any(ink_row):
            continue
        painted = ink_row.translate(table)
        target = rows[row]
        # keep what is already there where the text leaves the pixel blank
        target[left : left + shown] = bytes(
            p if c else t
            for p, c, t in zip(painted, ink_row, target[left : left + shown], strict=True)
        )


def render(node, *, fmt: str, size: str) -> tuple[bytes, str]:
    if fmt == "png":
        return png(node, size), "image/png"
    return svg(node, size), "image/svg+xml"


def bulk_zip(nodes, *, fmt: str, size: str) -> bytes:
    """Posters of every node in one ZIP, named by node code."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for node in nodes:
            content, _type = render(node, fmt=fmt, size=size)
            archive.writestr(f"{node.code}-{size}.{fmt}", content)
    return buffer.getvalue()
