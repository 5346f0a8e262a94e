"""URL checks for VC Data Model identifiers (VCDM 2.0 §4.4) and enveloped credentials (§4.13.1).

:func:`is_url` is a syntax check, never a fetch. It accepts an absolute URL (RFC 3986 §4.3: a
scheme followed by ``:`` and a non-empty rest) whose characters are those RFC 3986 allows, plus
non-ASCII letters as RFC 3987 IRIs and WHATWG URLs do. White space, control and format characters,
``"<>\\^`{|}`` and malformed percent-escapes are refused. ``http(s)``/``ws(s)``/``ftp`` URLs need
a host; ``did:`` URLs follow DID Core §3.1 syntax; ``urn:`` URNs need a namespace and a name
(RFC 8141).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["PLAIN_URL", "PLAIN_URL_PATTERN", "DataUrl", "is_url", "parse_data_url"]

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*", re.ASCII)
_ASCII_ALLOWED = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)
_ASCII_URL = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*", re.ASCII)
_PCT = re.compile(r"%(?![0-9A-Fa-f]{2})", re.ASCII)
_HOST_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
_DID = re.compile(r"did:[a-z0-9]+:(?:[A-Za-z0-9._%-]*:)*[A-Za-z0-9._%-]+", re.ASCII)
_URN = re.compile(r"urn:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]:[^?#]+", re.ASCII | re.I)
_PORT = re.compile(r"[0-9]*", re.ASCII)
_TOKEN = re.compile(r"[A-Za-z0-9!#$&^_.+\-]+", re.ASCII)
_WHATWG_STRIP = "".join(chr(c) for c in range(0x21))

# The plain URLs nearly every credential uses — http(s) with a host name, urn:uuid, did with
# well-formed escapes — as one strict pattern. It accepts only what is_url accepts (each
# alternative is narrower than the rule it stands for), so it can answer first, quickly.
_PLAIN_ESC = r"%[0-9A-Fa-f]{2}"
_PLAIN_HTTP = (
    r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?"
    rf"(?:/(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|{_PLAIN_ESC})*)*"
    rf"(?:\?(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|{_PLAIN_ESC})*)?"
    rf"(?:#(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|{_PLAIN_ESC})*)?"
)
_PLAIN_UUID = (
    r"urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_PLAIN_DID = (
    rf"did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|{_PLAIN_ESC})+:)*(?:[A-Za-z0-9._-]|{_PLAIN_ESC})+"
    r"(?:#[A-Za-z0-9._~-]+)?"
)
PLAIN_URL_PATTERN = f"{_PLAIN_HTTP}|{_PLAIN_UUID}|{_PLAIN_DID}"
PLAIN_URL = re.compile(f"(?:{PLAIN_URL_PATTERN})", re.ASCII)


def _chars_ok(value: str) -> bool:
    if _ASCII_URL.fullmatch(value):
        return _PCT.search(value) is None
    for char in value:
        if char < "\x80":
            if char not in _ASCII_ALLOWED:
                return False
        elif unicodedata.category(char)[0] in "CZ":
            # controls, format characters (bidi overrides), surrogates, private use, separators
            return False
    return _PCT.search(value) is None


def _authority_ok(authority: str, *, need_host: bool) -> bool:
    host_port = authority.rpartition("@")[2]
    if "@" in host_port or "[" in authority.rpartition("@")[0]:
        return False
    if host_port.startswith("["):
        end = host_port.find("]")
        if end < 2:
            return False
        host, rest = host_port[: end + 1], host_port[end + 1 :]
        if rest and not rest.startswith(":"):
            return False
        port = rest[1:]
    else:
        host, _, port = host_port.partition(":")
        if "[" in host or "]" in host:
            return False
    if "[" in port or "]" in port or ":" in port or not _PORT.fullmatch(port):
        return False
    return bool(host) or not need_host


def is_url(value: object) -> bool:
    """Whether ``value`` is an absolute URL, as VCDM 2.0 §4.4 requires of ``id`` values."""
    if not isinstance(value, str):
        return False
    # Issuer, context, schema and status-list URLs repeat in every credential: remember answers.
    return _is_url_text(value) if len(value) <= _CACHED_URL_LENGTH else _check_url(value)


_CACHED_URL_LENGTH = 512


@functools.lru_cache(maxsize=4096)
def _is_url_text(value: str) -> bool:
    return _check_url(value)


def _check_url(value: str) -> bool:
    return PLAIN_URL.fullmatch(value) is not None or url_rules(value)


def url_rules(value: str) -> bool:
    """The full rule check behind :func:`is_url` (without the plain-URL shortcut)."""
    if not _chars_ok(value):
        return False
    scheme, colon, rest = value.partition(":")
    if not colon or not rest or not _SCHEME.fullmatch(scheme):
        return False
    if rest.count("#") > 1:
        return False
    scheme = scheme.lower()
    before_fragment = rest.partition("#")[0]
    if rest.startswith("//"):
        authority_end = len(rest)
        for delimiter in "/?#":
            index = rest.find(delimiter, 2)
            if index != -1:
                authority_end = min(authority_end, index)
        authority = rest[2:authority_end]
        if not _authority_ok(authority, need_host=scheme in _HOST_SCHEMES):
            return False
        before_fragment = rest[authority_end:].partition("#")[0]
    elif scheme in _HOST_SCHEMES:
        return False
    if "[" in before_fragment or "]" in before_fragment or "[" in rest.partition("#")[2]:
        return False
    if scheme == "did":
        match = _DID.match(value)
        if match is None or value[match.end() : match.end() + 1] not in ("", "/", "?", "#"):
            return False
    elif scheme == "urn":
        return _URN.match(value) is not None
    return True


@dataclass(frozen=True, slots=True)
class DataUrl:
    """The parts of an RFC 2397 ``data:`` URL: media type (lower case), parameters, payload."""

    url: str  # the URL as parsed (white space removed)
    media_type: str
    parameters: tuple[str, ...]
    base64: bool
    data: str


def parse_data_url(value: object) -> DataUrl | None:
    """Split an RFC 2397 ``data:`` URL with a media type; ``None`` when ``value`` is not one.

    As a WHATWG URL parser does, leading/trailing C0 controls and spaces are stripped and ASCII
    tabs and newlines removed first (long base64 payloads are often line-wrapped). The payload is
    not decoded.
    """
    if not isinstance(value, str):
        return None
    cleaned = value.strip(_WHATWG_STRIP).replace("\t", "").replace("\n", "").replace("\r", "")
    if cleaned[:5].lower() != "data:" or not is_url(cleaned):
        return None
    header, comma, data = cleaned[5:].partition(",")
    if not comma or not data:
        return None
    parts = header.split(";")
    is_base64 = len(parts) > 1 and parts[-1].lower() == "base64"
    if is_base64:
        parts = parts[:-1]
    kind, slash, subtype = parts[0].partition("/")
    if not slash or not _TOKEN.fullmatch(kind) or not _TOKEN.fullmatch(subtype):
        return None
    parameters = tuple(parts[1:])
    if any("=" not in parameter for parameter in parameters):
        return None
    return DataUrl(cleaned, parts[0].lower(), parameters, is_base64, data)
