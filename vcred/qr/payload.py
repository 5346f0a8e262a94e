"""QR payload texts: the *embedded* credential (``VC1:`` + base45 frame) and the *linked* URL.

Embedded payload, version 1 — enough for another implementation to read and write it:

``payload = "VC" + version + ":" + base45(frame)`` — ``version`` is a decimal number without
leading zeros naming the preset dictionary (:mod:`vcred.qr.dictionary`); ``1`` is the only one so
far. base45 is RFC 9285, whose alphabet *is* the QR alphanumeric charset, so the whole text
(uppercase prefix included) is one alphanumeric-mode QR segment: 5.5 bits per character.

``frame = kind (1 byte) || body``; integers are unsigned LEB128 varints in their shortest form
(at most 3 bytes); ``deflate(x)`` is raw DEFLATE (RFC 1951, no zlib header, window 2^15) with the
version's dictionary preset (zlib ``zdict``), and its stream must end exactly at the end of the
frame (nothing after the final block).

* kind ``0x01`` — compact JWS (RFC 7515 §7.1), e.g. a ``vc+jwt``:
  ``varint(len(H)) || varint(len(S)) || S || deflate(H || P)`` where ``H``, ``P``, ``S`` are the
  base64url-decoded header, payload and signature. Decoding rebuilds
  ``b64url(H) + "." + b64url(P) + "." + b64url(S)``, so it is byte-exact only for canonical
  base64url without padding — the encoder checks this and otherwise uses kind ``0x02``.
* kind ``0x02`` — any other text: ``deflate(UTF-8 bytes of the text)``.
* kind ``0x03`` — reserved for SD-JWT (``~``-separated); other kinds are reserved too. A decoder
  that meets a kind it does not know reports ``qr_version_unsupported``.

Decoding bounds the inflated size (``max_bytes``; more is ``qr_too_large``, which also stops
decompression bombs), refuses unknown prefixes or versions (``qr_version_unsupported``) and every
malformed text or frame (``qr_payload_invalid``); it raises nothing but :class:`QrError`.

Linked payload: ``<base_url>/<share_token>`` (or ``<base_url>#<share_token>``). The share token
is an unguessable random reference into the citizen folder — never credential data, and never in
a query string, which servers and proxies log and forward as ``Referer`` by default. The default
is the path form: the verifier page then works without JavaScript on cheap phones; the fragment
form keeps the token out of the request line entirely, for a page that fetches in the browser.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Callable
from typing import Literal
from urllib.parse import urlsplit

from vcred.errors import ErrorCode, InvalidInputError, QrError, UsageError
from vcred.keys import b64url_decode, b64url_encode
from vcred.qr.base45 import ALPHABET, b45decode, b45encode
from vcred.qr.dictionary import SUPPORTED_VERSIONS, dictionary
from vcred.qr.render import qr_version

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_PAYLOAD_CHARS",
    "PAYLOAD_VERSION",
    "decode_embedded",
    "encode_embedded",
    "is_embedded_payload",
    "linked_payload",
    "new_share_token",
    "parse_linked_payload",
]

PAYLOAD_VERSION = 1
DEFAULT_MAX_BYTES = 64 * 1024
# A version 40 QR symbol holds at most 4,296 alphanumeric characters (ISO/IEC 18004 Table 7).
MAX_PAYLOAD_CHARS = 4296

_KIND_JWS = 0x01
_KIND_TEXT = 0x02
_PREFIX = re.compile(r"VC(0|[1-9][0-9]{0,3}):")
_EMBEDDED = re.compile(r"VC(?:0|[1-9][0-9]{0,3}):[" + re.escape(ALPHABET) + r"]*")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22,128}")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})

Kind = Literal["auto", "jws", "text"]


# -- frame primitives ----------------------------------------------------------------------------
def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _read_varint(frame: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for shift in (0, 7, 14):
        if pos >= len(frame):
            raise QrError("truncated frame")
        byte = frame[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if byte == 0 and shift:  # a trailing zero group: not the shortest form
                raise QrError("non-minimal varint in frame")
            return value, pos
    raise QrError("varint longer than 3 bytes in frame")


def _deflate(data: bytes, zdict: bytes) -> bytes:
    # The smallest of two strategies; any raw DEFLATE stream is valid for the decoder.
    best = b""
    for strategy in (zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED):
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, strategy, zdict=zdict)
        out = compressor.compress(data) + compressor.flush()
        if not best or len(out) < len(best):
            best = out
    return best


def _inflate(data: bytes, zdict: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(-15, zdict=zdict)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error:
        raise QrError("corrupt compressed data in frame") from None
    if len(out) > max_bytes:
        raise QrError(f"payload inflates beyond {max_bytes} bytes", code=ErrorCode.QR_TOO_LARGE)
    if not inflater.eof or inflater.unused_data:
        raise QrError("compressed data truncated or followed by extra bytes")
    return out


def _split_jws(token: str) -> tuple[bytes, bytes, bytes] | None:
    parts = token.split(".")
    if len(parts) != 3 or not parts[0]:
        return None
    try:
        header, payload, signature = (b64url_decode(part) for part in parts)
    except (InvalidInputError, UnicodeEncodeError):
        return None  # not canonical base64url: the text kind keeps it byte-exact
    return header, payload, signature


# -- embedded ------------------------------------------------------------------------------------
def encode_embedded(token: str, *, kind: Kind = "auto") -> str:
    """Encode a signed credential (compact JWS or any text) as a ``VC1:`` QR payload.

    ``kind="auto"`` stores a canonical compact JWS as kind ``0x01`` (decoded parts, raw
    signature) and anything else as kind ``0x02``; ``kind="jws"`` refuses non-JWS input
    (``qr_payload_invalid``). The result fits a QR only up to 4,296 characters
    (``qr_too_large`` beyond). Format: this module's docstring.
    """
    if not isinstance(token, str):
        raise QrError("the token to embed must be a str")
    if len(token) > DEFAULT_MAX_BYTES:  # no QR code holds even its compressed form
        raise QrError("token too large to embed in a QR code", code=ErrorCode.QR_TOO_LARGE)
    zdict = dictionary(PAYLOAD_VERSION)
    parts = _split_jws(token) if kind in ("auto", "jws") else None
    if parts is not None:
        header, payload, signature = parts
        frame = (
            bytes([_KIND_JWS])
            + _varint(len(header))
            + _varint(len(signature))
            + signature
            + _deflate(header + payload, zdict)
        )
    elif kind == "jws":
        raise QrError("not a compact JWS with canonical base64url parts")
    elif kind in ("auto", "text"):
        try:
            data = token.encode("utf-8")
        except UnicodeEncodeError:
            raise QrError("text is not encodable as UTF-8") from None
        frame = bytes([_KIND_TEXT]) + _deflate(data, zdict)
    else:
        raise UsageError(f"unknown kind {kind!r}; use 'auto', 'jws' or 'text'")
    text = f"VC{PAYLOAD_VERSION}:{b45encode(frame)}"
    if len(text) > MAX_PAYLOAD_CHARS:
        raise QrError(
            f"embedded payload of {len(text)} characters does not fit in a QR code",
            code=ErrorCode.QR_TOO_LARGE,
        )
    return text


def decode_embedded(payload: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode a ``VC<n>:`` payload back to exactly the token that was encoded.

    ``max_bytes`` bounds the inflated content (``qr_too_large``); unknown prefixes, versions or
    frame kinds are ``qr_version_unsupported``; anything malformed is ``qr_payload_invalid``.
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise UsageError("max_bytes must be a positive integer")
    if not isinstance(payload, str):
        raise QrError("a QR payload is a str")
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise QrError("payload longer than any QR code holds", code=ErrorCode.QR_TOO_LARGE)
    match = _PREFIX.match(payload)
    if match is None or int(match.group(1)) not in SUPPORTED_VERSIONS:
        raise QrError(
            "not a vcred embedded payload of a supported version",
            code=ErrorCode.QR_VERSION_UNSUPPORTED,
        )
    zdict = dictionary(int(match.group(1)))
    frame = b45decode(payload[match.end() :])
    if not frame:
        raise QrError("empty frame")
    kind = frame[0]
    if kind == _KIND_TEXT:
        try:
            return _inflate(frame[1:], zdict, max_bytes).decode("utf-8")
        except UnicodeDecodeError:
            raise QrError("text frame is not UTF-8") from None
    if kind != _KIND_JWS:
        raise QrError(f"frame kind {kind} is not supported", code=ErrorCode.QR_VERSION_UNSUPPORTED)
    header_len, pos = _read_varint(frame, 1)
    signature_len, pos = _read_varint(frame, pos)
    if pos + signature_len > len(frame):
        raise QrError("signature length beyond the frame")
    signature = frame[pos : pos + signature_len]
    content = _inflate(frame[pos + signature_len :], zdict, max_bytes)
    if not 0 < header_len <= len(content):
        raise QrError("header length outside the compressed content")
    return ".".join(
        b64url_encode(part) for part in (content[:header_len], content[header_len:], signature)
    )


def is_embedded_payload(text: str) -> bool:
    """True when ``text`` has the shape of a vcred embedded payload (``VC<n>:`` + base45).

    Any version counts, so a scanner can route the text to :func:`decode_embedded`, which then
    tells an unsupported version from a malformed payload.
    """
    return (
        isinstance(text, str)
        and len(text) <= MAX_PAYLOAD_CHARS
        and _EMBEDDED.fullmatch(text) is not None
    )


# -- linked --------------------------------------------------------------------------------------
def new_share_token(*, rng: Callable[[int], bytes] = os.urandom, nbytes: int = 16) -> str:
    """A fresh unguessable share token: ``nbytes`` (≥ 16, i.e. 128 bits) random bytes, base64url."""
    if nbytes < 16 or nbytes > 96:
        raise UsageError("a share token needs between 16 and 96 random bytes")
    raw = rng(nbytes)
    if not isinstance(raw, bytes) or len(raw) != nbytes:
        raise UsageError("rng must return exactly the number of bytes asked for")
    return b64url_encode(raw)


def _check_base_url(base_url: str, *, allow_http: bool) -> str:
    if not isinstance(base_url, str) or not base_url.isascii() or not base_url.isprintable():
        raise QrError("base URL must be printable ASCII (use punycode for IDN hosts)")
    if any(char in base_url for char in " \"'<>\\^`{|}"):
        raise QrError("base URL contains characters that are not allowed in a URL")
    try:
        parts = urlsplit(base_url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise QrError("base URL is not a valid URL") from None
    if parts.scheme == "http":
        if not (allow_http or host in _LOOPBACK):
            raise QrError("base URL must use https (http only for loopback or allow_http)")
    elif parts.scheme != "https":
        raise QrError("base URL must be an https (or http) URL")
    if not host or parts.username is not None or parts.password is not None:
        raise QrError("base URL needs a host and no user information")
    if parts.query or parts.fragment or "?" in base_url or "#" in base_url:
        raise QrError("base URL must not have a query or fragment")
    return base_url


def linked_payload(
    base_url: str,
    share_token: str,
    *,
    placement: Literal["path", "fragment"] = "path",
    allow_http: bool = False,
    max_version: int = 6,
    error_correction: Literal["L", "M", "Q", "H"] = "M",
) -> str:
    """The linked QR payload: a short verifier-page URL carrying only the share token.

    ``base_url`` must be https (http only for loopback hosts, or with ``allow_http``), without
    query or fragment; the token (22 to 128 base64url characters) goes in the path
    (``base/<token>``) or, with ``placement="fragment"``, after ``#``. The URL must fit a QR of
    ``max_version`` (design: version 6) at ``error_correction``, else ``qr_too_large``.
    """
    base = _check_base_url(base_url, allow_http=allow_http)
    if not isinstance(share_token, str) or _TOKEN.fullmatch(share_token) is None:
        raise QrError("share token must be 22 to 128 base64url characters")
    if placement == "path":
        url = base.rstrip("/") + "/" + share_token
    elif placement == "fragment":
        url = base + "#" + share_token
    else:
        raise UsageError("placement must be 'path' or 'fragment'")
    if qr_version(url, error_correction=error_correction) > max_version:
        raise QrError(
            f"linked URL needs a QR larger than version {max_version}",
            code=ErrorCode.QR_TOO_LARGE,
        )
    return url


def parse_linked_payload(text: str, *, base_url: str) -> str:
    """The share token of a linked payload made by :func:`linked_payload` for ``base_url``."""
    if not isinstance(text, str) or not isinstance(base_url, str):
        raise QrError("linked payload and base URL must be str")
    for start in (base_url.rstrip("/") + "/", base_url + "#"):
        if text.startswith(start) and _TOKEN.fullmatch(text[len(start) :]):
            return text[len(start) :]
    raise QrError("not a linked payload for this verifier")
