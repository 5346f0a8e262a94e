"""Trust registry: which issuer DIDs are entities authorised to issue which credential types.

A valid signature proves who signed; the registry says whether that signer may issue the type.
:meth:`TrustRegistry.evaluate` therefore separates an unknown issuer (``issuer_untrusted``, the
verdict a forged or self-made credential gets) from a known entity acting outside its
authorisation (``issuer_not_authorized``) or outside its validity window
(``issuer_authorization_expired``).

File format (UTF-8 JSON, version 1)::

    {
      "version": 1,
      "issuers": [
        {
          "did": "did:web:gobernacion.example.gov.co",      exact DID, compared verbatim
          "nombre": "Gobernación del Putumayo",
          "nit": "800094164-4",                             with DIAN check digit
          "allowedTypes": ["CertificadoPazYSalvo", ...],    specific credential types, ≥ 1
          "validFrom": "2024-01-01T00:00:00Z",              RFC 3339 with offset
          "validUntil": "2027-12-31T23:59:59Z"              optional (absent or null: open-ended)
        }
      ]
    }

Unknown members, duplicate DIDs, generic types in ``allowedTypes`` and any malformed value make
the whole file invalid (:class:`~vcred.errors.TrustRegistryError`, ``trust_registry_invalid``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from vcred.errors import ErrorCode, TrustRegistryError, UsageError, VcredError
from vcred.frozen import fast_init
from vcred.jsonutil import dumps_compact, loads_bounded
from vcred.schema.formats import is_valid_nit

__all__ = [
    "DEFAULT_MAX_REGISTRY_BYTES",
    "GENERIC_TYPES",
    "TRUST_REGISTRY_VERSION",
    "TrustDecision",
    "TrustRegistry",
    "TrustedIssuer",
]

TRUST_REGISTRY_VERSION = 1
#: Roughly 8,000 entities with ten types each fit comfortably.
DEFAULT_MAX_REGISTRY_BYTES = 16 * 1024 * 1024
#: Types every credential carries; they never count as an authorisation (VCDM 2.0 §4.5).
GENERIC_TYPES = frozenset({"VerifiableCredential", "EnvelopedVerifiableCredential"})

_KEYS = frozenset({"did", "nombre", "nit", "allowedTypes", "validFrom", "validUntil"})
_REQUIRED = ("did", "nombre", "nit", "allowedTypes", "validFrom")
# DID Core §3.1 syntax: did:method:method-specific-id (pct-encoded allowed).
_ID_CHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID_RE = re.compile(rf"did:[a-z0-9]+:(?:{_ID_CHAR}*:)*{_ID_CHAR}+", re.ASCII)
# RFC 3339 date-time with a mandatory offset (XML Schema dateTimeStamp, as VCDM 2.0 uses).
_DATETIME_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})",
    re.ASCII,
)
_MAX_TEXT = 2048


@dataclass(frozen=True, slots=True)
class TrustedIssuer:
    """An entity authorised to issue some credential types during a validity window."""

    did: str
    nombre: str
    nit: str
    allowed_types: frozenset[str]
    valid_from: datetime
    valid_until: datetime | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class TrustDecision:
    """The trust verdict for one issuer and credential: ``code`` is ``ok`` when ``trusted``."""

    trusted: bool
    code: ErrorCode
    issuer: TrustedIssuer | None = None


def _fail(message: str) -> TrustRegistryError:
    return TrustRegistryError(message, code=ErrorCode.TRUST_REGISTRY_INVALID)


class TrustRegistry:
    """An immutable set of :class:`TrustedIssuer` keyed by exact DID."""

    def __init__(self, issuers: Iterable[TrustedIssuer] = ()) -> None:
        by_did: dict[str, TrustedIssuer] = {}
        for issuer in issuers:
            instants = (issuer.valid_from, issuer.valid_until or issuer.valid_from)
            if any(t.tzinfo is None or t.utcoffset() is None for t in instants):
                raise UsageError("TrustedIssuer validity instants must be timezone-aware")
            if issuer.did in by_did:
                raise _fail(f"issuer {issuer.did!r} is listed twice")
            by_did[issuer.did] = issuer
        self._issuers = by_did

    @classmethod
    def from_json(
        cls, data: bytes | str, *, max_bytes: int = DEFAULT_MAX_REGISTRY_BYTES
    ) -> TrustRegistry:
        """Parse a version-1 registry document (bounded: size, nesting, no duplicate members)."""
        try:
            document = loads_bounded(data, max_bytes=max_bytes, max_depth=8, what="trust registry")
        except VcredError as exc:
            raise _fail(exc.message) from None
        return cls(_parse_document(document))

    @classmethod
    def from_file(
        cls, path: str | Path, *, max_bytes: int = DEFAULT_MAX_REGISTRY_BYTES
    ) -> TrustRegistry:
        """Load a registry file; unreadable or invalid files raise ``trust_registry_invalid``."""
        try:
            with Path(path).open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise _fail(f"cannot read trust registry: {exc.strerror}") from None
        return cls.from_json(data, max_bytes=max_bytes)

    def to_json(self) -> str:
        """Serialise in the version-1 file format (issuers ordered by DID)."""
        return dumps_compact(
            {"version": TRUST_REGISTRY_VERSION, "issuers": [_dump(i) for i in self.issuers()]}
        )

    def issuers(self) -> tuple[TrustedIssuer, ...]:
        """Every entry, ordered by DID."""
        return tuple(self._issuers[did] for did in sorted(self._issuers))

    def issuer(self, did: str) -> TrustedIssuer | None:
        """The entry for exactly this DID, if any."""
        return self._issuers.get(did)

    def __len__(self) -> int:
        return len(self._issuers)

    def evaluate(
        self, issuer_did: str, credential_types: Sequence[str], *, at: datetime
    ) -> TrustDecision:
        """Decide whether ``issuer_did`` may issue a credential of ``credential_types`` at ``at``.

        ``at`` is timezone-aware: the verification time, or the credential's ``validFrom`` to ask
        whether the entity was authorised when it issued. At least one specific (non-generic)
        type must be in the entity's ``allowedTypes``.
        """
        if at.tzinfo is None or at.utcoffset() is None:
            raise UsageError("evaluate(at=...) needs a timezone-aware datetime")
        issuer = self._issuers.get(issuer_did) if isinstance(issuer_did, str) else None
        if issuer is None:
            return TrustDecision(False, ErrorCode.ISSUER_UNTRUSTED, None)
        types = [credential_types] if isinstance(credential_types, str) else credential_types
        allowed = issuer.allowed_types
        # At least one specific (non-generic) type the entity is authorised for.
        authorised = False
        for t in types:
            if isinstance(t, str) and t not in GENERIC_TYPES and t in allowed:
                authorised = True
                break
        if not authorised or at < issuer.valid_from:
            return TrustDecision(False, ErrorCode.ISSUER_NOT_AUTHORIZED, issuer)
        if issuer.valid_until is not None and at > issuer.valid_until:
            return TrustDecision(False, ErrorCode.ISSUER_AUTHORIZATION_EXPIRED, issuer)
        return TrustDecision(True, ErrorCode.OK, issuer)


def _parse_document(document: object) -> list[TrustedIssuer]:
    if not isinstance(document, dict):
        raise _fail("a trust registry must be a JSON object")
    if set(document) != {"version", "issuers"}:
        raise _fail("a trust registry has exactly the members 'version' and 'issuers'")
    version = document["version"]
    if type(version) is not int or version != TRUST_REGISTRY_VERSION:
        raise _fail(f"unsupported trust registry version (expected {TRUST_REGISTRY_VERSION})")
    if not isinstance(document["issuers"], list):
        raise _fail("'issuers' must be an array")
    return [_parse_issuer(entry, n) for n, entry in enumerate(document["issuers"])]


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT:
        raise _fail(f"{where}: '{key}' must be a non-empty string")
    return value


def _instant(value: object, key: str, where: str) -> datetime:
    if not isinstance(value, str) or not _DATETIME_RE.fullmatch(value):
        raise _fail(f"{where}: '{key}' must be an RFC 3339 date-time with offset")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"{where}: '{key}' is not a real date-time") from None


def _parse_issuer(entry: object, position: int) -> TrustedIssuer:
    where = f"issuers[{position}]"
    if not isinstance(entry, dict):
        raise _fail(f"{where} must be an object")
    unknown = set(entry) - _KEYS
    if unknown:
        raise _fail(f"{where} has unknown members {sorted(unknown)}")
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise _fail(f"{where} lacks {missing}")
    did = _text(entry, "did", where)
    if not _DID_RE.fullmatch(did):
        raise _fail(f"{where}: 'did' is not a DID")
    nit = _text(entry, "nit", where)
    if not is_valid_nit(nit):
        raise _fail(f"{where}: 'nit' must be digits-DV with a correct check digit")
    types = entry["allowedTypes"]
    if not isinstance(types, list) or not types:
        raise _fail(f"{where}: 'allowedTypes' must be a non-empty array")
    if not all(isinstance(t, str) and t and len(t) <= _MAX_TEXT for t in types):
        raise _fail(f"{where}: 'allowedTypes' must hold non-empty strings")
    if len(set(types)) != len(types) or GENERIC_TYPES & set(types):
        raise _fail(f"{where}: 'allowedTypes' must be unique specific types")
    valid_from = _instant(entry["validFrom"], "validFrom", where)
    raw_until = entry.get("validUntil")
    valid_until = None if raw_until is None else _instant(raw_until, "validUntil", where)
    if valid_until is not None and valid_until <= valid_from:
        raise _fail(f"{where}: 'validUntil' must be later than 'validFrom'")
    return TrustedIssuer(
        did=did,
        nombre=_text(entry, "nombre", where),
        nit=nit,
        allowed_types=frozenset(types),
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _stamp(value: datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _dump(issuer: TrustedIssuer) -> dict[str, Any]:
    out: dict[str, Any] = {
        "did": issuer.did,
        "nombre": issuer.nombre,
        "nit": issuer.nit,
        "allowedTypes": sorted(issuer.allowed_types),
        "validFrom": _stamp(issuer.valid_from),
    }
    if issuer.valid_until is not None:
        out["validUntil"] = _stamp(issuer.valid_until)
    return out
