"""QR payloads for credentials: linked (a short verifier URL) and embedded (the whole credential).

See :mod:`vcred.qr.payload` for the embedded ``VC1:`` format and :mod:`vcred.qr.render` for
PNG/SVG rendering with ``qrcode``.
"""

from __future__ import annotations

from vcred.qr.payload import (
    DEFAULT_MAX_BYTES,
    MAX_PAYLOAD_CHARS,
    PAYLOAD_VERSION,
    decode_embedded,
    encode_embedded,
    is_embedded_payload,
    linked_payload,
    new_share_token,
    parse_linked_payload,
)
from vcred.qr.render import ErrorCorrection, qr_matrix, qr_version, render_png, render_svg

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_PAYLOAD_CHARS",
    "PAYLOAD_VERSION",
    "ErrorCorrection",
    "decode_embedded",
    "encode_embedded",
    "is_embedded_payload",
    "linked_payload",
    "new_share_token",
    "parse_linked_payload",
    "qr_matrix",
    "qr_version",
    "render_png",
    "render_svg",
]
