"""Base64url without padding (RFC 7515 §2), strict: one text form per value."""

from __future__ import annotations

import base64
import binascii

from vcred.errors import ErrorCode, InvalidInputError

__all__ = ["b64url_decode", "b64url_encode"]

# -_ become +/ for the decoder; +, / and = (never in base64url without padding) become "!",
# which the strict decoder refuses like any other character outside the alphabet.
_URLSAFE_TO_STANDARD = bytes.maketrans(b"-_+/=", b"+/!!!")
_PADDING = (b"", b"", b"==", b"=")
_B64URL_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str | bytes) -> bytes:
    """Strict base64url without padding (RFC 7515 §2); ``InvalidInputError`` on bad input.

    Only the URL-safe alphabet is accepted, and the unused low bits of the last character must
    be zero, so every value has exactly one text form (no malleable signatures or payloads).
    """
    try:
        raw = text.encode("ascii") if isinstance(text, str) else bytes(text)
    except UnicodeEncodeError:
        raise InvalidInputError("invalid base64url text", code=ErrorCode.MALFORMED_BASE64) from None
    remainder = len(raw) % 4
    if remainder == 1:
        raise InvalidInputError("invalid base64url text", code=ErrorCode.MALFORMED_BASE64)
    try:
        # strict_mode refuses every character outside the alphabet (after mapping -_ to +/).
        decoded = binascii.a2b_base64(
            raw.translate(_URLSAFE_TO_STANDARD) + _PADDING[remainder], strict_mode=True
        )
    except binascii.Error:
        raise InvalidInputError("invalid base64url text", code=ErrorCode.MALFORMED_BASE64) from None
    if remainder and _B64URL_ALPHABET.index(raw[-1]) & (0x0F if remainder == 2 else 0x03):
        raise InvalidInputError("non-canonical base64url text", code=ErrorCode.MALFORMED_BASE64)
    return decoded
