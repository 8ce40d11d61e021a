#!/usr/bin/env python3
"""Draws the toolbar icons (PNG, no dependencies): a dark rounded square with
two offset bars, the two accounts a switch moves between."""
import struct, sys, zlib
from pathlib import Path

def png(size):
    def inside_rounded(x, y, r):
        cx = min(max(x, r), size - 1 - r); cy = min(max(y, r), size - 1 - r)
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            u, v = x / size, y / size
            px = (0, 0, 0, 0)
            if inside_rounded(x, y, size * 0.2):
                px = (0x23, 0x2f, 0x3e, 255)
                if 0.22 <= v < 0.42 and 0.16 <= u < 0.70:
                    px = (0xff, 0x99, 0x00, 255)
                if 0.58 <= v < 0.78 and 0.30 <= u < 0.84:
                    px = (0x83, 0xd4, 0xe8, 255)
            row += bytes(px)
        rows.append(bytes(row))
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b''))

out = Path(sys.argv[1] if len(sys.argv) > 1 else 'extension/icons')
out.mkdir(parents=True, exist_ok=True)
for size in (16, 32, 48, 128):
    (out / f'icon-{size}.png').write_bytes(png(size))
