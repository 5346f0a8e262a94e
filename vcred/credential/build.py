"""Build VC 2.0 credentials and presentations that pass their own validation (VCDM 2.0 §4)."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from vcred.credential.dates import format_datetime_stamp
from vcred.credential.model import validate_credential
from vcred.credential.presentation import validate_presentation
from vcred.credential.rules import COMPACT_JWS, CONTEXT_V2, LIMITS, Limits
from vcred.errors import DataModelError, ErrorCode, UsageError, Violation

__all__ = ["build_credential", "build_presentation", "copy_json", "envelope_credential"]

_SD_JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(~[A-Za-z0-9_.-]*)+", re.ASCII)

Text = str | Mapping[str, object] | Sequence[Mapping[str, object]]


class _Copy:
    """Copy caller data into plain dicts/lists (so the result never aliases the caller's
    objects), enforcing in the same pass what the data model's document scan would: JSON values
    only, bounded depth, size and node count. The built credential then skips that scan."""

    __slots__ = ("chars", "limits", "nodes")

    def __init__(self, limits: Limits = LIMITS) -> None:
        self.limits = limits
        self.nodes = self.chars = 0

    def __call__(self, value: object, depth: int = 2) -> object:
        self.nodes += 1
        kind = type(value)
        result: object
        if kind is str:
            self.chars += len(value)  # type: ignore[arg-type]
            result = value
        elif kind is dict or (kind is not list and isinstance(value, Mapping)):
            self._deeper(depth)
            members: dict[str, object] = {}
            for key, child in value.items():  # type: ignore[attr-defined]
                if not isinstance(key, str):
                    raise _not_json("member names must be strings")
                self.chars += len(key)
                members[key] = self(child, depth + 1)
            result = members
        elif kind is list or kind is tuple:
            self._deeper(depth)
            result = [self(child, depth + 1) for child in value]  # type: ignore[attr-defined]
        elif value is None or kind is bool or kind is int or _finite_float(value):
            result = value
        else:
            raise _not_json(f"a {kind.__name__} is not a JSON value")
        if self.nodes > self.limits.max_nodes or self.chars > self.limits.max_chars:
            raise DataModelError(
                "credential is larger than allowed",
                code=ErrorCode.INPUT_TOO_LARGE,
                violations=[Violation("document.too_large", "", "document too large")],
            )
        return result

    def _deeper(self, depth: int) -> None:
        if depth > self.limits.max_depth:
            raise DataModelError(
                f"credential nests deeper than {self.limits.max_depth} levels",
                code=ErrorCode.NESTING_TOO_DEEP,
                violations=[Violation("document.too_deep", "", "nested too deeply")],
            )


def _finite_float(value: object) -> bool:
    return type(value) is float and math.isfinite(value)


def _not_json(message: str) -> DataModelError:
    return DataModelError(message, violations=[Violation("document.not_json", "", message)])


def _json(value: object) -> object:
    """A bounded, JSON-only copy of ``value`` (for values built outside a credential)."""
    return _Copy()(value, 1)


def uuid4_urn(random: bytes) -> str:
    """``urn:uuid:`` of a version 4 UUID from 16 random bytes (RFC 9562 §5.4), as
    ``uuid.UUID(bytes=random, version=4).urn`` gives, without building a UUID object."""
    octets = bytearray(random)
    octets[6] = (octets[6] & 0x0F) | 0x40
    octets[8] = (octets[8] & 0x3F) | 0x80
    h = octets.hex()
    return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def copy_json(value: object, *, depth: int = 1, limits: Limits = LIMITS) -> object:
    """A plain, JSON-only copy of ``value`` found at nesting ``depth`` of a credential; raises
    :class:`~vcred.errors.DataModelError` for non-JSON values or beyond the ``limits``."""
    return _Copy(limits)(value, depth)


def _strings(values: Sequence[str], what: str) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise UsageError(f"{what} must be a sequence of strings, not a single string")
    if not all(isinstance(v, str) for v in values):
        raise UsageError(f"{what} must hold strings only")
    return list(dict.fromkeys(values))


def _aware(value: datetime | None, what: str) -> datetime | None:
    if value is not None and (not isinstance(value, datetime) or value.utcoffset() is None):
        raise UsageError(f"{what} must be a timezone-aware datetime")
    return value


def _one_or_many(
    value: Mapping[str, object] | Sequence[Mapping[str, object]],
    what: str,
    copy: Callable[[object, int], object] | None = None,
) -> object:
    copy = copy or _Copy()
    if isinstance(value, Mapping):
        return copy(value, 2)
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise UsageError(f"{what} must be a mapping or a sequence of mappings")
    items = [copy(v, 3) for v in value]
    return items[0] if len(items) == 1 else items


def _contexts(contexts: Sequence[str]) -> list[str]:
    return [CONTEXT_V2, *(c for c in _strings(contexts, "contexts") if c != CONTEXT_V2)]


def build_credential(
    *,
    types: Sequence[str],
    issuer: str | Mapping[str, object],
    subject: Mapping[str, object],
    contexts: Sequence[str] = (),
    credential_id: str | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    status: Mapping[str, object] | Sequence[Mapping[str, object]] | None = None,
    schema: Mapping[str, object] | Sequence[Mapping[str, object]] | None = None,
    name: Text | None = None,
    description: Text | None = None,
    now: datetime | None = None,
    rng: Callable[[int], bytes] | None = None,
) -> dict[str, object]:
    """Build a VC 2.0 credential (VCDM 2.0 §4) and validate it before returning it.

    The base context comes first, then ``contexts``; ``VerifiableCredential`` is the first type;
    ``credential_id`` defaults to a random ``urn:uuid:`` (bytes from ``rng``, default
    :func:`os.urandom`); ``validFrom`` defaults to ``now`` (default: the current time) truncated
    to the second. Raises :class:`~vcred.errors.UsageError` for arguments of the wrong kind and
    :class:`~vcred.errors.DataModelError` when the result would break a rule.
    """
    type_list = _strings(types, "types")
    if not isinstance(subject, Mapping):
        raise UsageError("subject must be a mapping of claims")
    if not isinstance(issuer, str | Mapping):
        raise UsageError("issuer must be a URL or a mapping with an id")
    _aware(valid_until, "valid_until")
    start = _aware(valid_from, "valid_from")
    if start is None:
        start = (_aware(now, "now") or datetime.now(UTC)).replace(microsecond=0)
    if credential_id is None:
        random = (rng or os.urandom)(16)
        if not isinstance(random, bytes) or len(random) != 16:
            raise UsageError("rng(16) must return 16 bytes")
        credential_id = uuid4_urn(random)
    credential: dict[str, object] = {
        "@context": _contexts(contexts),
        "id": credential_id,
        "type": ["VerifiableCredential", *(t for t in type_list if t != "VerifiableCredential")],
    }
    copy = _Copy()  # one pass over the caller's data: copied, JSON-only, bounded
    if name is not None:
        credential["name"] = copy(name)
    if description is not None:
        credential["description"] = copy(description)
    credential["issuer"] = copy(issuer)
    credential["validFrom"] = format_datetime_stamp(start)
    if valid_until is not None:
        credential["validUntil"] = format_datetime_stamp(valid_until)
    credential["credentialSubject"] = copy(subject)
    if status is not None:
        credential["credentialStatus"] = _one_or_many(status, "status", copy)
    if schema is not None:
        credential["credentialSchema"] = _one_or_many(schema, "schema", copy)
    validate_credential(credential, parsed_json=True)  # _Copy has done the document scan
    return credential


def envelope_credential(token: str) -> dict[str, object]:
    """Wrap a compact ``vc+jwt`` (or ``vc+sd-jwt``) as an enveloped credential (§4.13.1)."""
    if not isinstance(token, str):
        raise UsageError("an enveloped credential needs a compact token string")
    if COMPACT_JWS.fullmatch(token):
        media_type = "application/vc+jwt"
    elif _SD_JWT.fullmatch(token):
        media_type = "application/vc+sd-jwt"
    else:
        raise UsageError("not a compact JWS or SD-JWT token")
    return {
        "@context": CONTEXT_V2,
        "id": f"data:{media_type},{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def build_presentation(
    *,
    holder: str | None,
    credentials: Sequence[Mapping[str, object] | str],
    contexts: Sequence[str] = (),
    types: Sequence[str] = (),
    presentation_id: str | None = None,
) -> dict[str, object]:
    """Build a VC 2.0 presentation (VCDM 2.0 §4.13) and validate it before returning it.

    A ``str`` credential is a compact ``vc+jwt`` (``vc+sd-jwt`` when it has disclosures) and is
    wrapped by :func:`envelope_credential`; a mapping is embedded as it is (it must carry a proof
    unless its issuer is the holder). No ``id`` is added unless given: presentations are
    short-lived and an identifier only helps correlation.
    """
    if isinstance(credentials, str | Mapping) or not isinstance(credentials, Sequence):
        raise UsageError("credentials must be a sequence of credentials")
    if holder is not None and not isinstance(holder, str):
        raise UsageError("holder must be a URL string or None")
    type_list = _strings(types, "types")
    presentation: dict[str, object] = {"@context": _contexts(contexts)}
    if presentation_id is not None:
        presentation["id"] = presentation_id
    presentation["type"] = [
        "VerifiablePresentation",
        *(t for t in type_list if t != "VerifiablePresentation"),
    ]
    if holder is not None:
        presentation["holder"] = holder
    if credentials:
        presentation["verifiableCredential"] = [
            envelope_credential(c) if isinstance(c, str) else _json(c) for c in credentials
        ]
    validate_presentation(presentation)
    return presentation
