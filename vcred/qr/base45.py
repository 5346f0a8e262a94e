"""Base45 (RFC 9285): binary data as text in exactly the 45-character QR alphanumeric charset.

Every two bytes ``a, b`` become ``n = a*256 + b`` written as three base-45 digits ``c d e`` with
``n = c + d*45 + e*45*45`` (least significant first, RFC 9285 §4.1); an odd last byte becomes two
digits. Since the alphabet is the QR alphanumeric charset (ISO/IEC 18004 §7.4.4), base45 text is
coded at 5.5 bits per character, i.e. 8.25 bits per byte, against 8 bits per byte in byte mode but
10.67 for base64 text in byte mode.

Decoding is strict (RFC 9285 §4.2: a decoder MUST reject invalid input): characters outside the
alphabet, a dangling single character and groups whose value exceeds the byte range (a triplet
above 65535 or a final pair above 255) all raise :class:`~vcred.errors.QrError`
(``qr_payload_invalid``), so one byte string has exactly one text form.
"""

from __future__ import annotations

from vcred.errors import ErrorCode, QrError

__all__ = ["ALPHABET", "b45decode", "b45encode"]

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUES = {char: index for index, char in enumerate(ALPHABET)}


def b45encode(data: bytes) -> str:
    """Encode bytes as base45 text (RFC 9285 §4)."""
    out: list[str] = []
    full = len(data) - len(data) % 2
    for i in range(0, full, 2):
        n = data[i] << 8 | data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if full != len(data):
        d, c = divmod(data[-1], 45)
        out += (ALPHABET[c], ALPHABET[d])
    return "".join(out)


def _digits(text: str) -> list[int]:
    try:
        return [_VALUES[char] for char in text]
    except KeyError:
        raise QrError("character outside the base45 alphabet") from None


def b45decode(text: str) -> bytes:
    """Decode base45 text (RFC 9285 §4.2), refusing any non-canonical or invalid input."""
    if len(text) % 3 == 1:
        raise QrError("base45 text cannot have length 1 modulo 3")
    digits = _digits(text)
    out = bytearray()
    full = len(digits) - len(digits) % 3
    for i in range(0, full, 3):
        n = digits[i] + digits[i + 1] * 45 + digits[i + 2] * 2025
        if n > 0xFFFF:
            raise QrError("base45 triplet above 65535", code=ErrorCode.QR_PAYLOAD_INVALID)
        out += n.to_bytes(2, "big")
    if full != len(digits):
        n = digits[-2] + digits[-1] * 45
        if n > 0xFF:
            raise QrError("base45 final pair above 255", code=ErrorCode.QR_PAYLOAD_INVALID)
        out.append(n)
    return bytes(out)
