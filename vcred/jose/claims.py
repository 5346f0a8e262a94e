"""The one mapping between JWT claims and credential properties, and its consistency checks.

VC-JOSE-COSE §3.1.3 asks issuers not to set JWT claims that conflict with credential properties;
vcred makes the pairing explicit and refuses tokens where a pair disagrees:

=========  ==========================================  ======================================
claim      credential property (VC 2.0 / VC 1.1)        rule
=========  ==========================================  ======================================
``iss``    ``issuer`` or ``issuer.id``                  equal when both present
``jti``    ``id``                                       equal when both present
``sub``    ``credentialSubject.id``                     one of the subjects' ids when present
``iat``    (time the JWS was signed)                    NumericDate; not in the future
``nbf``    ``validFrom`` / ``issuanceDate``             equal (to the second) when both present
``exp``    ``validUntil`` / ``expirationDate``          equal (to the second) when both present
=========  ==========================================  ======================================

When vcred issues a ``vc+jwt`` it writes ``iss`` (for JWT tooling that looks for it), ``iat`` (when
it was signed) and ``exp`` (from ``validUntil``, so generic JWT libraries honour the expiry). It
does not repeat ``id`` as ``jti`` or the subject as ``sub``: the credential already says both, and
every byte counts in an embedded QR code. It never writes ``nbf`` (NOT RECOMMENDED by §3.1.3).
A non-numeric ``iat`` (seen in the W3C test suite) is ignored with a warning, as claims that are
not understood MUST be ignored; a non-numeric ``nbf`` or ``exp`` is refused, since ignoring it
would silently extend a validity the issuer meant to limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from vcred.credential import issuer_id, parse_xsd_datetime
from vcred.errors import ErrorCode, InvalidInputError, VerificationError
from vcred.frozen import fast_init

__all__ = ["JwtTimes", "check_claims_consistency", "check_jwt_times", "claims_for_credential"]


@fast_init
@dataclass(frozen=True, slots=True)
class JwtTimes:
    """The JWS's own time claims, as aware datetimes (``None`` when absent)."""

    issued_at: datetime | None
    not_before: datetime | None
    expires: datetime | None
    warnings: tuple[str, ...] = ()


def _numeric_date(value: object, name: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(
            f"JWT claim {name!r} must be a NumericDate", code=ErrorCode.CLAIMS_MISMATCH
        )
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise InvalidInputError(
            f"JWT claim {name!r} is out of range", code=ErrorCode.CLAIMS_MISMATCH
        ) from None


def read_jwt_times(claims: Mapping[str, Any]) -> JwtTimes:
    """Read ``iat``/``nbf``/``exp`` (RFC 7519 §4.1.4-6)."""
    warnings: list[str] = []
    issued_at = None
    if "iat" in claims:
        try:
            issued_at = _numeric_date(claims["iat"], "iat")
        except InvalidInputError:
            warnings.append("jwt_iat_ignored")
    not_before = _numeric_date(claims["nbf"], "nbf") if "nbf" in claims else None
    expires = _numeric_date(claims["exp"], "exp") if "exp" in claims else None
    return JwtTimes(issued_at, not_before, expires, tuple(warnings))


def _subject_ids(credential: Mapping[str, Any]) -> set[str]:
    subjects = credential.get("credentialSubject")
    items = subjects if isinstance(subjects, list) else [subjects]
    return {s["id"] for s in items if isinstance(s, dict) and isinstance(s.get("id"), str)}


def _same_second(a: datetime, b: datetime) -> bool:
    return abs((a - b).total_seconds()) < 1


def _date_property(credential: Mapping[str, Any], *names: str) -> datetime | None:
    for name in names:
        value = credential.get(name)
        if isinstance(value, str):
            try:
                return parse_xsd_datetime(value, require_tz=False)
            except InvalidInputError:
                return None  # the data model check reports the bad date itself
    return None


def _mismatch(what: str) -> VerificationError:
    return VerificationError(
        f"JWT claim {what} contradicts the credential", code=ErrorCode.CLAIMS_MISMATCH
    )


def check_claims_consistency(claims: Mapping[str, Any], credential: Mapping[str, Any]) -> JwtTimes:
    """Refuse tokens whose JWT claims contradict the credential they carry (see module table)."""
    mismatch = _mismatch
    if "iss" in claims and claims["iss"] != issuer_id(credential):
        raise mismatch("iss")
    if "jti" in claims and "id" in credential and claims["jti"] != credential["id"]:
        raise mismatch("jti")
    if "sub" in claims:
        ids = _subject_ids(credential)
        sub_claim = claims["sub"]
        # RFC 7519 §4.1.2: sub is a string; anything else cannot name a subject.
        if not isinstance(sub_claim, str) or (ids and sub_claim not in ids):
            raise mismatch("sub")
    times = read_jwt_times(claims)
    valid_from = _date_property(credential, "validFrom", "issuanceDate")
    if times.not_before and valid_from and not _same_second(times.not_before, valid_from):
        raise mismatch("nbf")
    valid_until = _date_property(credential, "validUntil", "expirationDate")
    if times.expires and valid_until and not _same_second(times.expires, valid_until):
        raise mismatch("exp")
    return times


def check_jwt_times(times: JwtTimes, *, now: datetime, clock_skew: timedelta) -> None:
    """RFC 7519 §4.1.4-6 against ``now``, allowing ``clock_skew`` either way."""
    if times.expires is not None and now - clock_skew >= times.expires:
        raise VerificationError("the token has expired (exp)", code=ErrorCode.EXPIRED)
    if times.not_before is not None and now + clock_skew < times.not_before:
        raise VerificationError("the token is not valid yet (nbf)", code=ErrorCode.NOT_YET_VALID)
    if times.issued_at is not None and now + clock_skew < times.issued_at:
        raise VerificationError(
            "the token was issued in the future (iat)", code=ErrorCode.NOT_YET_VALID
        )


def claims_for_credential(credential: Mapping[str, Any], *, now: datetime) -> dict[str, Any]:
    """The JWT claims vcred adds when issuing a ``vc+jwt`` (see module table)."""
    claims: dict[str, Any] = {}
    issuer = issuer_id(credential)
    if issuer:
        claims["iss"] = issuer
    claims["iat"] = int(now.timestamp())
    valid_until = _date_property(credential, "validUntil")
    if valid_until is not None:
        claims["exp"] = int(valid_until.timestamp())
    return claims
