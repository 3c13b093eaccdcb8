"""Make the demo's lesson videos (small WebM files that ship in the repository) offline.

Debian's Chromium, which the browser tests already drive through Playwright, encodes the frames
with WebCodecs (VP8); this script draws them on a canvas (a coloured card with a moving square
and the second's number), then writes the WebM container itself — EBML header, segment info
with the duration, the track, one cluster a second starting on a key frame, and the cues — so
that players know the length at once and seek by the cues.

    .venv/bin/python tools/make_lesson_video.py oversight/team/demo_media/lesson-1.webm \\
        --seconds 12 --colour "#a31f1f"
"""

from __future__ import annotations

import argparse
import http.server
import struct
import threading
from pathlib import Path

WIDTH, HEIGHT, FPS = 160, 90, 10

ENCODE = r"""
async ([W, H, FPS, FRAMES, colour]) => {
  const canvas = new OffscreenCanvas(W, H);
  const ctx = canvas.getContext("2d");
  const chunks = [];
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const bytes = new Uint8Array(chunk.byteLength);
      chunk.copyTo(bytes);
      chunks.push({key: chunk.type === "key", ts: chunk.timestamp, data: Array.from(bytes)});
    },
    error: (e) => { throw e; },
  });
  encoder.configure({codec: "vp8", width: W, height: H, bitrate: 60000, framerate: FPS});
  for (let i = 0; i < FRAMES; i++) {
    ctx.fillStyle = colour; ctx.fillRect(0, 0, W, H);
    ctx.fillStyle = "#f5d76e"; ctx.fillRect((i * 4) % (W - 20), 40, 20, 20);
    ctx.fillStyle = "#ffffff"; ctx.font = "18px sans-serif";
    ctx.fillText(String(Math.floor(i / FPS) + 1), 8, 24);
    const frame = new VideoFrame(canvas, {timestamp: i * 1e6 / FPS, duration: 1e6 / FPS});
    encoder.encode(frame, {keyFrame: i % FPS === 0});
    frame.close();
  }
  await encoder.flush();
  return chunks;
}
"""


def encode(seconds: int, colour: str) -> list[dict]:
    """The VP8 frames of the video, from Chromium's encoder (served a blank page over HTTP:
    WebCodecs wants a secure context, which localhost is)."""
    from playwright.sync_api import sync_playwright

    class Blank(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<!doctype html><title>encoder</title>")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Blank)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/")
            chunks = page.evaluate(ENCODE, [WIDTH, HEIGHT, FPS, seconds * FPS, colour])
            browser.close()
    finally:
        server.shutdown()
    return chunks


# --- the WebM (Matroska) container -------------------------------------------------------------


def _size(n: int) -> bytes:
    return b"\x01" + n.to_bytes(7, "big")  # an 8-byte size: every element's size is fixed


def el(element_id: int, payload: bytes) -> bytes:
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + _size(len(payload))


def element(element_id: int, payload: bytes) -> bytes:
    return el(element_id, payload) + payload


def uint(element_id: int, value: int) -> bytes:
    return element(element_id, value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def text(element_id: int, value: str) -> bytes:
    return element(element_id, value.encode())


def mux(chunks: list[dict], seconds: int) -> bytes:
    """The frames as a WebM file: a cluster a second, each starting on a key frame."""
    header = element(
        0x1A45DFA3,
        uint(0x4286, 1) + uint(0x42F7, 1) + uint(0x42F2, 4) + uint(0x42F3, 8)
        + text(0x4282, "webm") + uint(0x4287, 2) + uint(0x4285, 2),
    )  # fmt: skip
    info = element(
        0x1549A966,
        uint(0x2AD7B1, 1_000_000)  # timestamps in milliseconds
        + element(0x4489, struct.pack(">d", seconds * 1000.0))
        + text(0x4D80, "oversight tools/make_lesson_video.py")
        + text(0x5741, "oversight tools/make_lesson_video.py"),
    )
    video = uint(0xB0, WIDTH) + uint(0xBA, HEIGHT)
    tracks = element(
        0x1654AE6B,
        element(
            0xAE,
            uint(0xD7, 1) + uint(0x73C5, 1) + uint(0x83, 1) + uint(0x9C, 0)
            + text(0x86, "V_VP8") + element(0xE0, video),
        ),
    )  # fmt: skip
    clusters: list[tuple[int, bytes]] = []  # (start in ms, bytes)
    current: list[bytes] = []
    start_ms = 0
    for chunk in chunks:
        ms = round(chunk["ts"] / 1000)
        if chunk["key"] and current:
            clusters.append(
                (start_ms, element(0x1F43B675, uint(0xE7, start_ms) + b"".join(current)))
            )
            current = []
        if not current:
            start_ms = ms
        block = b"\x81" + struct.pack(">h", ms - start_ms) + (b"\x80" if chunk["key"] else b"\x00")
        current.append(element(0xA3, block + bytes(chunk["data"])))
    if current:
        clusters.append((start_ms, element(0x1F43B675, uint(0xE7, start_ms) + b"".join(current))))

    # Positions are from the start of the segment's payload; the seek head's own length does
    # not depend on the values (each position is written in 8 bytes below).
    def fixed(element_id: int, value: int) -> bytes:
        return element(element_id, value.to_bytes(8, "big"))

    def seek_head_fixed(positions: dict[int, int]) -> bytes:
        return element(
            0x114D9B74,
            b"".join(
                element(0x4DBB, element(0x53AB, eid.to_bytes(4, "big")) + fixed(0x53AC, pos))
                for eid, pos in positions.items()
            ),
        )

    ids = [0x1549A966, 0x1654AE6B, 0x1C53BB6B]
    head_length = len(seek_head_fixed(dict.fromkeys(ids, 0)))
    at = head_length
    info_at = at
    at += len(info)
    tracks_at = at
    at += len(tracks)
    cue_points = []
    for start, cluster in clusters:
        cue_points.append(
            element(0xBB, uint(0xB3, start) + element(0xB7, uint(0xF7, 1) + fixed(0xF1, at)))
        )
        at += len(cluster)
    cues_at = at
    cues = element(0x1C53BB6B, b"".join(cue_points))
    head = seek_head_fixed({0x1549A966: info_at, 0x1654AE6B: tracks_at, 0x1C53BB6B: cues_at})
    assert len(head) == head_length
    body = head + info + tracks + b"".join(c for _s, c in clusters) + cues
    return header + element(0x18538067, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seconds", type=int, default=12)
    parser.add_argument("--colour", default="#a31f1f")
    args = parser.parse_args()
    data = mux(encode(args.seconds, args.colour), args.seconds)
    args.out.write_bytes(data)
    print(f"{args.out}: {len(data)} bytes, {args.seconds} s, {WIDTH}×{HEIGHT} VP8")


if __name__ == "__main__":
    main()
