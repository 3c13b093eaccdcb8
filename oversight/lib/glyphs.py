"""Text drawn into a grey-level bitmap from a TrueType font, with nothing but the standard library
(no Django, no imaging library).

Posters need Chinese text in their PNG; the platform reads a CJK font installed from Debian's
packages (``fonts-wqy-microhei``: ``/usr/share/fonts/truetype/wqy/wqy-microhei.ttc``; Noto CJK's
TrueType collections work as well when their outlines are TrueType). Only what a poster needs is
read: the character map (formats 4 and 12), the glyph outlines (simple and composite glyphs of
``glyf``/``loca``), advance widths and the units per em; no hinting, no kerning, no shaping (CJK
and Latin text set left to right).

Outlines are filled with the non-zero rule, antialiased by sampling each pixel at 4 rows of 4
columns: for every sampled row the crossings of the outline's edges give spans that are added to
a row of quarter pixels, so the work grows with rows and edges, not with pixels.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

SAMPLES = 4  # per pixel, in each direction
# samples inked in a pixel (0 to 16) → its coverage byte
LEVEL = bytes(min(255, n * 255 // (SAMPLES * SAMPLES)) for n in range(256))
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


class FontError(ValueError):
    """The file is not a TrueType font (or collection) with outlines this module reads."""


def find_font(candidates=CANDIDATES) -> str | None:
    """The first installed font of ``candidates`` that this module can read."""
    for path in candidates:
        if path and Path(path).is_file():
            try:
                load(str(path))
            except (FontError, OSError, struct.error):
                continue
            return str(path)
    return None


@lru_cache(maxsize=4)
def load(path: str) -> Font:
    return Font(Path(path).read_bytes())


@dataclass(eq=False)
class Font:
    data: bytes
    tables: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        data = self.data
        offset = 0
        if data[:4] == b"ttcf":
            offset = struct.unpack(">I", data[12:16])[0]  # the first font of the collection
        version = data[offset : offset + 4]
        if version not in (b"\x00\x01\x00\x00", b"true"):
            raise FontError("not a TrueType font with glyf outlines")
        (count,) = struct.unpack(">H", data[offset + 4 : offset + 6])
        for i in range(count):
            at = offset + 12 + 16 * i
            tag, _sum, start, length = struct.unpack(">4sIII", data[at : at + 16])
            self.tables[tag.decode("latin-1")] = (start, length)
        for needed in ("cmap", "glyf", "loca", "head", "hhea", "hmtx", "maxp"):
            if needed not in self.tables:
                raise FontError(f"the font has no {needed} table")
        head = self.tables["head"][0]
        self.units_per_em = struct.unpack(">H", data[head + 18 : head + 20])[0]
        self.long_loca = struct.unpack(">h", data[head + 50 : head + 52])[0] == 1
        self.glyph_count = struct.unpack(">H", data[self.tables["maxp"][0] + 4 :][:2])[0]
        hhea = self.tables["hhea"][0]
        self.ascent, self.descent = struct.unpack(">hh", data[hhea + 4 : hhea + 8])
        self.metric_count = struct.unpack(">H", data[hhea + 34 : hhea + 36])[0]
        self.cmap = self._cmap()

    # --- reading ----------------------------------------------------------------------------

    def _cmap(self) -> dict[int, int]:
        data = self.data
        base = self.tables["cmap"][0]
        (count,) = struct.unpack(">H", data[base + 2 : base + 4])
        best = None
        for i in range(count):
            platform, encoding, offset = struct.unpack(
                ">HHI", data[base + 4 + 8 * i : base + 12 + 8 * i]
            )
            fmt = struct.unpack(">H", data[base + offset : base + offset + 2])[0]
            if platform in (0, 3) and fmt in (4, 12):
                if best is None or fmt == 12:
                    best = (fmt, base + offset)
        if best is None:
            raise FontError("the font has no Unicode character map")
        fmt, at = best
        mapping: dict[int, int] = {}
        if fmt == 12:
            (groups,) = struct.unpack(">I", data[at + 12 : at + 16])
            for g in range(groups):
                start, end, glyph = struct.unpack(">III", data[at + 16 + 12 * g : at + 28 + 12 * g])
                for code in range(start, end + 1):
                    mapping[code] = glyph + code - start
            return mapping
        segments = struct.unpack(">H", data[at + 6 : at + 8])[0] // 2
        ends = struct.unpack(f">{segments}H", data[at + 14 : at + 14 + 2 * segments])
        p = at + 16 + 2 * segments
        starts = struct.unpack(f">{segments}H", data[p : p + 2 * segments])
        deltas = struct.unpack(f">{segments}h", data[p + 2 * segments : p + 4 * segments])
        ranges_at = p + 4 * segments
        ranges = struct.unpack(f">{segments}H", data[ranges_at : ranges_at + 2 * segments])
        for s in range(segments):
            for code in range(starts[s], ends[s] + 1):
                if code == 0xFFFF:
                    continue
                if ranges[s] == 0:
                    glyph = (code + deltas[s]) & 0xFFFF
                else:
                    where = ranges_at + 2 * s + ranges[s] + 2 * (code - starts[s])
                    glyph = struct.unpack(">H", data[where : where + 2])[0]
                    if glyph:
                        glyph = (glyph + deltas[s]) & 0xFFFF
                if glyph:
                    mapping[code] = glyph
        return mapping

    def advance(self, glyph: int) -> int:
        base = self.tables["hmtx"][0]
        index = min(glyph, self.metric_count - 1)
        return struct.unpack(">H", self.data[base + 4 * index : base + 4 * index + 2])[0]

    def _glyph_range(self, glyph: int) -> tuple[int, int]:
        base = self.tables["loca"][0]
        if self.long_loca:
            start, end = struct.unpack(">II", self.data[base + 4 * glyph : base + 4 * glyph + 8])
        else:
            start, end = struct.unpack(">HH", self.data[base + 2 * glyph : base + 2 * glyph + 4])
            start, end = start * 2, end * 2
        return self.tables["glyf"][0] + start, end - start

    def contours(self, glyph: int, depth: int = 0) -> list[list[tuple[float, float, bool]]]:
        """The glyph's closed contours as ``(x, y, on_curve)`` points in font units."""
        if glyph >= self.glyph_count or depth > 8:
            return []
        at, length = self._glyph_range(glyph)
        if length <= 0:
            return []
        data = self.data
        (count,) = struct.unpack(">h", data[at : at + 2])
        if count < 0:
            return self._composite(at + 10, depth)
        ends = struct.unpack(f">{count}H", data[at + 10 : at + 10 + 2 * count])
        points = ends[-1] + 1 if ends else 0
        p = at + 10 + 2 * count
        (instructions,) = struct.unpack(">H", data[p : p + 2])
        p += 2 + instructions
        flags = []
        while len(flags) < points:
            flag = data[p]
            p += 1
            flags.append(flag)
            if flag & 8:
                repeat = data[p]
                p += 1
                flags.extend([flag] * repeat)
        xs, p = _coordinates(data, p, flags, 2, 16)
        ys, p = _coordinates(data, p, flags, 4, 32)
        result, start = [], 0
        for end in ends:
            result.append([(xs[i], ys[i], bool(flags[i] & 1)) for i in range(start, end + 1)])
            start = end + 1
        return result

    def _composite(self, p: int, depth: int) -> list:
        data = self.data
        result = []
        while True:
            flags, glyph = struct.unpack(">HH", data[p : p + 4])
            p += 4
            if flags & 1:
                dx, dy = struct.unpack(">hh", data[p : p + 4])
                p += 4
            else:
                dx, dy = struct.unpack(">bb", data[p : p + 2])
                p += 2
            if not flags & 2:
                dx = dy = 0  # point matching: not needed by the fonts read here
            a, b, c, d = 1.0, 0.0, 0.0, 1.0
            if flags & 8:
                (a,) = struct.unpack(">h", data[p : p + 2])
                a = d = a / 16384
                p += 2
            elif flags & 0x40:
                a, d = (v / 16384 for v in struct.unpack(">hh", data[p : p + 4]))
                p += 4
            elif flags & 0x80:
                a, b, c, d = (v / 16384 for v in struct.unpack(">hhhh", data[p : p + 8]))
                p += 8
            for contour in self.contours(glyph, depth + 1):
                result.append(
                    [(a * x + c * y + dx, b * x + d * y + dy, on) for x, y, on in contour]
                )
            if not flags & 0x20:
                return result

    # --- drawing ----------------------------------------------------------------------------

    def glyph_of(self, char: str) -> int:
        return self.cmap.get(ord(char), 0)

    def width(self, text: str, size: float) -> float:
        """The advance of ``text`` in pixels at ``size`` pixels per em."""
        scale = size / self.units_per_em
        return sum(self.advance(self.glyph_of(ch)) for ch in text) * scale


def _coordinates(data: bytes, p: int, flags: list[int], short: int, same: int):
    values, value = [], 0
    for flag in flags:
        if flag & short:
            delta = data[p]
            p += 1
            value += delta if flag & same else -delta
        elif not flag & same:
            value += struct.unpack(">h", data[p : p + 2])[0]
            p += 2
        values.append(value)
    return values, p


def _flatten(contour, steps: int = 4) -> list[tuple[float, float]]:
    """A contour's polygon: quadratic curves (with implied on-curve midpoints) cut into lines."""
    if not contour:
        return []
    points = list(contour)
    if not points[0][2]:  # start on an on-curve point, implied if need be
        last = points[-1]
        if last[2]:
            points = [last, *points[:-1]]
        else:
            mid = ((last[0] + points[0][0]) / 2, (last[1] + points[0][1]) / 2, True)
            points = [mid, *points]
    out = [(points[0][0], points[0][1])]
    n = len(points)
    i = 1
    current = points[0]
    while i <= n:
        point = points[i % n]
        if point[2]:
            out.append((point[0], point[1]))
            current = point
            i += 1
            continue
        following = points[(i + 1) % n]
        end = (
            following
            if following[2]
            else ((point[0] + following[0]) / 2, (point[1] + following[1]) / 2, True)
        )
        for k in range(1, steps + 1):
            t = k / steps
            u = 1 - t
            out.append((
                u * u * current[0] + 2 * u * t * point[0] + t * t * end[0],
                u * u * current[1] + 2 * u * t * point[1] + t * t * end[1],
            ))  # fmt: skip
        current = end
        i += 2 if following[2] else 1
    return out


def render_line(font: Font, text: str, size: float) -> tuple[int, int, bytearray]:
    """``text`` at ``size`` pixels per em as ``(width, height, coverage)``: one byte a pixel,
    0 (nothing) to 255 (fully inked), rows from the top; the height spans the font's ascent
    and descent."""
    scale = size / font.units_per_em
    ascent = font.ascent * scale
    height = max(1, round((font.ascent - font.descent) * scale))
    width = max(1, int(font.width(text, size)) + 2)
    edges = []  # (y_top, y_bottom, x_at_top, dx_per_y, winding) in quarter pixels
    pen = 1.0
    for ch in text:
        glyph = font.glyph_of(ch)
        for contour in font.contours(glyph):
            polygon = [
                ((pen + x * scale) * SAMPLES, (ascent - y * scale) * SAMPLES)
                for x, y in _flatten(contour)
            ]
            for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
                if y0 == y1:
                    continue
                winding = 1 if y1 > y0 else -1
                if y0 > y1:
                    x0, y0, x1, y1 = x1, y1, x0, y0
                edges.append((y0, y1, x0, (x1 - x0) / (y1 - y0), winding))
        pen += font.advance(glyph) * scale
    cells = width * SAMPLES
    coverage = bytearray(width * height)
    edges.sort()
    active: list = []
    next_edge = 0
    for row in range(height):
        diff = [0] * (cells + 1)
        inked = False
        for sub in range(row * SAMPLES, (row + 1) * SAMPLES):
            y = sub + 0.5
            while next_edge < len(edges) and edges[next_edge][0] <= y:
                active.append(edges[next_edge])
                next_edge += 1
            active = [e for e in active if e[1] > y]
            crossings = sorted((e[2] + (y - e[0]) * e[3], e[4]) for e in active if e[0] <= y < e[1])
            winding = 0
            for (x, turn), (next_x, _t) in zip(crossings, crossings[1:], strict=False):
                winding += turn
                if winding == 0:
                    continue
                begin = min(cells, max(0, int(x + 0.5)))
                stop = min(cells, max(begin, int(next_x + 0.5)))
                if stop > begin:
                    diff[begin] += 1
                    diff[stop] -= 1
                    inked = True
        if not inked:
            continue
        running = list(accumulate(diff[:cells]))
        groups = zip(*(running[k::SAMPLES] for k in range(SAMPLES)), strict=True)
        coverage[row * width : (row + 1) * width] = bytes(map(sum, groups)).translate(LEVEL)
    return width, height, coverage
