"""The did:web method (W3C CCG did:web Method Specification): DID ↔ URL, documents, resolution.

``did:web:example.com`` → ``https://example.com/.well-known/did.json``;
``did:web:example.com%3A3000:user:alice`` → ``https://example.com:3000/user/alice/did.json``.
Documents are fetched only through an injected :class:`~vcred.fetch.Fetcher`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from vcred.did.document import DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1, check_document
from vcred.did.syntax import parse_did, parse_did_url
from vcred.errors import (
    ErrorCode,
    FetchError,
    InvalidInputError,
    ResolutionError,
    UsageError,
)
from vcred.fetch import Fetcher
from vcred.jsonutil import loads_bounded
from vcred.keys import PublicKey

__all__ = [
    "DEFAULT_MAX_DOCUMENT_BYTES",
    "WebDidResolver",
    "build_did_web_document",
    "did_web_to_url",
    "url_to_did_web",
]

DEFAULT_MAX_DOCUMENT_BYTES = 128 * 1024

_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")  # RFC 1035 / RFC 1123
_PORT_RE = re.compile(r"[1-9][0-9]{0,4}")
_PORT_COLON_RE = re.compile(r"%3[Aa]")
_IDCHAR_RE = re.compile(r"[A-Za-z0-9._-]")
_PCT_RE = re.compile(r"%[0-9A-Fa-f]{2}")
_FORBIDDEN_DECODED = frozenset(b"/\\?#") | frozenset(range(0x20)) | {0x7F}


def _invalid(message: str) -> ResolutionError:
    return ResolutionError(message, code=ErrorCode.DID_INVALID)


def _check_domain(host: str) -> None:
    # did:web §Method-specific identifier: a domain name (RFC 1035/1123/2181), never an IP address.
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL_RE.fullmatch(label) for label in labels):
        raise _invalid("did:web host is not a valid domain name")
    if labels[-1].isdigit():  # an all-numeric top label is an IPv4 literal, not a domain
        raise _invalid("did:web must not use an IP address")


def _check_segment(segment: str) -> None:
    if not segment:
        raise _invalid("did:web path segments must not be empty")
    decoded = unquote_to_bytes(segment)
    if decoded in (b".", b"..") or _FORBIDDEN_DECODED & set(decoded):
        raise _invalid("did:web path segment is a dot-segment or encodes a separator")


def did_web_to_url(did: str) -> str:
    """The HTTPS URL of a did:web DID's document (did:web §Read, steps 1-5)."""
    method, msid = parse_did(did)
    if method != "web":
        raise _invalid("not a did:web DID")
    host_port, *path = msid.split(":")
    # Step 2: the port colon is the only percent-encoded character allowed in the host part.
    host, *port = _PORT_COLON_RE.split(host_port)
    if len(port) > 1 or (port and (not _PORT_RE.fullmatch(port[0]) or int(port[0]) > 65535)):
        raise _invalid("did:web port must be a number from 1 to 65535 after one %3A")
    _check_domain(host)
    for segment in path:
        _check_segment(segment)
    if path == [".well-known"]:  # would collide with the document of the bare domain
        raise _invalid("did:web path '.well-known' alone is ambiguous")
    authority = f"{host}:{port[0]}" if port else host
    # Steps 4-5: no path → /.well-known; then /did.json.
    location = "/" + "/".join(path) if path else "/.well-known"
    return f"https://{authority}{location}/did.json"


def _encode_segment(segment: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(segment):
        pct = _PCT_RE.match(segment, index)
        if pct:
            out.append(pct.group(0))
            index = pct.end()
            continue
        char = segment[index]
        out.append(
            char
            if _IDCHAR_RE.fullmatch(char)
            else "".join(f"%{b:02X}" for b in char.encode("utf-8"))
        )
        index += 1
    return "".join(out)


def url_to_did_web(url: str) -> str:
    """The did:web DID for an HTTPS URL (the inverse of :func:`did_web_to_url`, did:web §Create).

    Accepts the document URL (``…/.well-known/did.json``, ``…/user/alice/did.json``) or the
    bare base (``https://example.com``, ``https://example.com/user/alice``).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInputError("not a valid URL") from None
    if parts.scheme != "https":
        raise InvalidInputError("did:web documents are served over https only")
    if parts.username is not None or parts.query or parts.fragment or "#" in url:
        raise InvalidInputError("a did:web URL has no credentials, query or fragment")
    host = parts.hostname or ""
    path = parts.path
    if "//" in path:
        raise InvalidInputError("a did:web URL path has no empty segments")
    if path.endswith("/did.json"):
        path = path[: -len("/did.json")]
        if not path:
            raise InvalidInputError("/did.json at the root is not a did:web location")
    path = "" if path in ("/.well-known", "/") else path.rstrip("/")
    segments = path[1:].split("/") if path else []
    if any(not s for s in segments):
        raise InvalidInputError("a did:web URL path has no empty segments")
    did = "did:web:" + host + (f"%3A{port}" if port is not None else "")
    did += "".join(":" + _encode_segment(s) for s in segments)
    try:
        did_web_to_url(did)
    except ResolutionError as exc:
        raise InvalidInputError(f"URL cannot be a did:web location: {exc.message}") from None
    return did


def build_did_web_document(
    did: str,
    keys: Sequence[tuple[str, PublicKey]],
    *,
    assertion: bool = True,
    authentication: bool = True,
    rotated_keys: Sequence[tuple[str, PublicKey]] = (),
) -> dict[str, Any]:
    """The DID document an issuer publishes at :func:`did_web_to_url` (DID Core §5, did:web).

    ``keys`` are ``(fragment, public key)`` pairs, each a ``Multikey`` method (CID 1.0 §2.2.2)
    listed under ``assertionMethod`` and ``authentication`` as asked. ``rotated_keys`` stay
    published under ``assertionMethod`` only, so credentials they signed still verify.
    """
    did_web_to_url(did)
    if not keys:
        raise UsageError("a did:web document needs at least one key")
    methods: list[dict[str, str]] = []
    ids: list[str] = []
    for fragment, key in [*keys, *rotated_keys]:
        if not isinstance(key, PublicKey):
            raise UsageError("keys must be PublicKey objects")
        try:
            vm_id = str(parse_did_url(f"{did}#{fragment.removeprefix('#')}"))
        except ResolutionError:
            raise UsageError(f"invalid verification method fragment {fragment!r}") from None
        if vm_id in ids:
            raise UsageError(f"duplicate verification method fragment {fragment!r}")
        ids.append(vm_id)
        methods.append(
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.to_multibase(),
            }
        )
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
        "id": did,
        "verificationMethod": methods,
    }
    if assertion:
        document["assertionMethod"] = list(ids)
    if authentication:
        document["authentication"] = ids[: len(keys)]
    return document


class WebDidResolver:
    """Resolves did:web DIDs through an injected fetcher (did:web §Read).

    Fetch failures become ``DID_NOT_FOUND`` (the :class:`~vcred.errors.FetchError` is kept as
    ``__cause__``); unreadable or mismatched documents ``DID_DOCUMENT_INVALID``.
    """

    def __init__(
        self, fetcher: Fetcher, *, max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    ) -> None:
        self._fetcher = fetcher
        self._max_bytes = max_document_bytes

    def resolve(self, did: str) -> dict[str, Any]:
        url = did_web_to_url(did)
        try:
            body = self._fetcher.fetch(url)
        except FetchError as exc:
            raise ResolutionError(
                f"could not fetch the did:web document ({exc.code})", code=ErrorCode.DID_NOT_FOUND
            ) from exc
        try:
            document = loads_bounded(body, max_bytes=self._max_bytes, what="did:web document")
        except InvalidInputError as exc:
            raise ResolutionError(
                f"the did:web document is not readable JSON ({exc.code})",
                code=ErrorCode.DID_DOCUMENT_INVALID,
            ) from None
        return check_document(document, did=did)
