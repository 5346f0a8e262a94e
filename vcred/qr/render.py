"""Render QR payloads as PNG or SVG with ``qrcode`` (ISO/IEC 18004), in one single-mode segment.

The payload becomes exactly one segment in the most compact mode it allows (numeric,
alphanumeric, else byte), never the mixed segments of ``qrcode``'s optimiser: a ``VC1:`` embedded
payload is all alphanumeric, 5.5 bits a character, which is what keeps it at a small version.
Payloads must be ASCII: byte mode without an ECI designator is read as ISO-8859-1 by some
decoders and as UTF-8 by others, so anything else could not be guaranteed to scan back unchanged.
"""

from __future__ import annotations

import io
from typing import Literal

import qrcode
import qrcode.constants
import qrcode.exceptions
import qrcode.util

from vcred.errors import ErrorCode, QrError, UsageError

__all__ = ["ErrorCorrection", "qr_matrix", "qr_version", "render_png", "render_svg"]

ErrorCorrection = Literal["L", "M", "Q", "H"]

_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def _qr(
    payload: str, error_correction: str, *, box_size: int = 10, border: int = 4
) -> qrcode.QRCode:
    if not isinstance(payload, str) or not payload or not payload.isascii():
        raise QrError("a QR payload must be non-empty ASCII text")
    if error_correction not in _LEVELS:
        raise UsageError("error_correction must be one of 'L', 'M', 'Q', 'H'")
    if isinstance(box_size, bool) or not isinstance(box_size, int) or not 1 <= box_size <= 100:
        raise UsageError("box_size must be an integer from 1 to 100")
    if isinstance(border, bool) or not isinstance(border, int) or not 0 <= border <= 100:
        raise UsageError("border must be an integer from 0 to 100")
    if payload.isdigit():
        mode = qrcode.util.MODE_NUMBER
    elif _ALPHANUMERIC.issuperset(payload):
        mode = qrcode.util.MODE_ALPHA_NUM
    else:
        mode = qrcode.util.MODE_8BIT_BYTE
    qr = qrcode.QRCode(error_correction=_LEVELS[error_correction], box_size=box_size, border=border)
    # A QRData object is added as one segment as is; a str would go through the optimiser.
    qr.add_data(qrcode.util.QRData(payload.encode("ascii"), mode=mode))
    try:
        qr.best_fit()
    # qrcode 8 raises ValueError (version 41) where older releases raise DataOverflowError.
    except (qrcode.exceptions.DataOverflowError, ValueError):
        raise QrError(
            "payload does not fit in a version 40 QR code", code=ErrorCode.QR_TOO_LARGE
        ) from None
    return qr


def qr_version(payload: str, *, error_correction: ErrorCorrection = "M") -> int:
    """The smallest QR version (1 to 40) holding ``payload`` as one segment (ISO/IEC 18004 §7.3)."""
    return int(_qr(payload, error_correction).version)


def qr_matrix(
    payload: str, *, error_correction: ErrorCorrection = "M", border: int = 4
) -> tuple[tuple[bool, ...], ...]:
    """The module matrix (``True`` = dark), quiet zone of ``border`` modules included."""
    qr = _qr(payload, error_correction, border=border)
    qr.make(fit=False)
    return tuple(tuple(bool(cell) for cell in row) for row in qr.get_matrix())


def render_png(
    payload: str,
    *,
    error_correction: ErrorCorrection = "M",
    box_size: int = 10,
    border: int = 4,
) -> bytes:
    """A black-on-white PNG: ``box_size`` pixels a module, ``border`` modules of quiet zone."""
    qr = _qr(payload, error_correction, box_size=box_size, border=border)
    qr.make(fit=False)
    image = qr.make_image()
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def render_svg(
    payload: str,
    *,
    error_correction: ErrorCorrection = "M",
    box_size: int = 10,
    border: int = 4,
) -> str:
    """A standalone SVG of ``payload``: one path of dark runs on a white background.

    The ``viewBox`` counts modules (quiet zone included); ``width``/``height`` are
    ``box_size`` pixels a module, so the image scales without blurring
    (``shape-rendering="crispEdges"``).
    """
    qr = _qr(payload, error_correction, box_size=box_size, border=border)
    qr.make(fit=False)
    matrix = qr.get_matrix()
    size = len(matrix)
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    pixels = size * box_size
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{pixels}" height="{pixels}" '
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>\n'
    )
