"""QR codes of links (the workshop's join link on the projector, residents' cards)."""

from __future__ import annotations

import io

import segno


def qr_png(url: str, scale: int = 10) -> bytes:
    """A QR code of `url` as PNG, black on white with the standard quiet zone; `scale` px per module
    (10 prints sharp on a card, 12 reads well from the back of a room)."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=scale, border=4, dark="#000000", light="#ffffff")
    return buffer.getvalue()
