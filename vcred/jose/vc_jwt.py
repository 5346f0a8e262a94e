"""VC-JOSE-COSE §3.1.1: credentials secured as ``application/vc+jwt``; and reading VC-JWT 1.1.

The unsecured credential is the JWS payload, with ``typ: vc+jwt`` and ``cty: vc`` headers and
``kid`` naming the issuer's verification method (§4.1.1). Verification resolves ``kid`` through an
injected :class:`~vcred.key_resolver.KeyResolver`, accepts only the algorithms the caller allows and
that the key's type permits, and checks the JWT claims against the credential (:mod:`.claims`).
VC-JWT 1.1 tokens (VC Data Model 1.1 §6.3.1: the credential in the ``vc`` claim, ``typ: JWT``) are
verified for interoperability with older wallets and returned as the VC 1.1 credential they encode.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from vcred.credential import issuer_id, validate_credential
from vcred.did import VerificationMethod
from vcred.errors import ErrorCode, InvalidInputError, UsageError, VerificationError
from vcred.frozen import fast_init
from vcred.jose.claims import (
    JwtTimes,
    check_claims_consistency,
    check_jwt_times,
    claims_for_credential,
)
from vcred.jose.jws import (
    DEFAULT_ALGORITHMS,
    MAX_TOKEN_BYTES,
    parse_compact,
    sign_compact,
    verify_signature,
)
from vcred.jsonutil import loads_bounded
from vcred.key_resolver import KeyResolver
from vcred.signer import Signer

__all__ = [
    "MEDIA_TYPE_VC_JWT",
    "VerifiedJwt",
    "issue_vc_jwt",
    "verify_vc_jwt",
    "verify_vc_jwt_legacy",
]

MEDIA_TYPE_VC_JWT = "application/vc+jwt"
_VC_TYP = frozenset({"vc+jwt", "application/vc+jwt"})
_VC_CTY = frozenset({"vc", "application/vc"})
_LEGACY_TYP = frozenset({"jwt", "application/jwt"})
MAX_PAYLOAD_BYTES = 48 * 1024


@fast_init
@dataclass(frozen=True, slots=True)
class VerifiedJwt:
    """A token whose signature verified: the credential it secures and how it was secured."""

    format: str  # "vc+jwt" or "vc-jwt-1.1"
    credential: Mapping[str, Any]
    header: Mapping[str, Any]
    claims: Mapping[str, Any]
    verification_method: VerificationMethod
    times: JwtTimes
    warnings: tuple[str, ...] = field(default=())


def issue_vc_jwt(
    credential: Mapping[str, Any],
    *,
    signer: Signer,
    now: datetime | None = None,
    jwt_claims: bool = True,
    validate: bool = True,
) -> str:
    """Secure ``credential`` as a ``vc+jwt`` compact JWS (VC-JOSE-COSE §3.1.1)."""
    if "vc" in credential or "vp" in credential:
        # §3.1.3: the JWT claim names vc and vp MUST NOT be present.
        raise UsageError("a vc+jwt payload must not contain 'vc' or 'vp'")
    if now is not None and now.utcoffset() is None:
        raise UsageError("now must be a timezone-aware datetime")
    if validate:
        validate_credential(credential)
    payload = dict(credential)
    if jwt_claims:
        for name, value in claims_for_credential(credential, now=now or datetime.now(UTC)).items():
            payload.setdefault(name, value)
    return sign_compact({"typ": "vc+jwt", "cty": "vc"}, payload, signer=signer)


def _verify_common(
    token: str | bytes,
    *,
    key_resolver: KeyResolver,
    algorithms: frozenset[str] | set[str],
    max_bytes: int,
) -> tuple[Mapping[str, Any], dict[str, Any], bytes, Any]:
    jws = parse_compact(token, max_bytes=max_bytes, algorithms=algorithms)
    payload = loads_bounded(jws.payload, max_bytes=MAX_PAYLOAD_BYTES, what="JWS payload")
    if not isinstance(payload, dict):
        raise InvalidInputError(
            "the JWS payload must be a JSON object", code=ErrorCode.MALFORMED_TOKEN
        )
    return jws.header, payload, jws.payload, jws


def _check_times(times: JwtTimes, now: datetime | None, clock_skew: timedelta, check: bool) -> None:
    if check:
        check_jwt_times(times, now=now or datetime.now(UTC), clock_skew=clock_skew)


def verify_vc_jwt(
    token: str | bytes,
    *,
    key_resolver: KeyResolver,
    algorithms: frozenset[str] | set[str] = DEFAULT_ALGORITHMS,
    now: datetime | None = None,
    clock_skew: timedelta = timedelta(seconds=60),
    check_times: bool = True,
    max_bytes: int = MAX_TOKEN_BYTES,
) -> VerifiedJwt:
    """Verify a ``vc+jwt`` (VC-JOSE-COSE §3.1.1, §7.1); raise a ``VcredError`` on any failure.

    Checks the header media types, the signature with the key ``kid`` resolves to for the issuer
    (``assertionMethod``), the JWT claims against the credential and, unless ``check_times`` is
    false, ``exp``/``nbf``/``iat`` against ``now``. The data model is checked by the caller
    (:func:`vcred.verify.verify` does it as a separate check).
    """
    header, payload, _, jws = _verify_common(
        token, key_resolver=key_resolver, algorithms=algorithms, max_bytes=max_bytes
    )
    # RFC 7515 §4.1.9-10: media type names compare case-insensitively.
    if _lower(header.get("typ")) not in _VC_TYP:
        raise VerificationError("the JOSE header 'typ' must be vc+jwt", code=ErrorCode.BAD_TYP)
    if "cty" in header and _lower(header["cty"]) not in _VC_CTY:
        raise VerificationError("the JOSE header 'cty' must be vc", code=ErrorCode.BAD_CTY)
    if "vc" in payload or "vp" in payload:
        raise VerificationError(
            "vc and vp claims must not be present", code=ErrorCode.VC_VP_CLAIMS_FORBIDDEN
        )
    issuer = issuer_id(payload)
    if not issuer:
        raise InvalidInputError("the credential has no issuer", code=ErrorCode.DATA_MODEL_INVALID)
    method = key_resolver.resolve_key(kid=jws.kid, issuer=issuer, purpose="assertionMethod")
    verify_signature(jws, method.public_key)
    times = check_claims_consistency(payload, payload)
    _check_times(times, now, clock_skew, check_times)
    return VerifiedJwt("vc+jwt", payload, header, payload, method, times, times.warnings)


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _legacy_credential(claims: Mapping[str, Any]) -> dict[str, Any]:
    """VC DM 1.1 §6.3.1: rebuild the credential from the ``vc`` claim and registered claims."""
    vc = claims.get("vc")
    if not isinstance(vc, dict):
        raise InvalidInputError(
            "a VC-JWT 1.1 token needs a 'vc' object claim", code=ErrorCode.VC_CLAIM_MISSING
        )
    credential = dict(vc)
    iss = claims.get("iss")
    if not isinstance(iss, str) or not iss:
        raise VerificationError(
            "a VC-JWT 1.1 token needs an 'iss' claim", code=ErrorCode.CLAIMS_MISMATCH
        )
    existing = credential.get("issuer")
    if existing is not None and issuer_id(credential) != iss:
        raise VerificationError("'iss' contradicts vc.issuer", code=ErrorCode.CLAIMS_MISMATCH)
    if existing is None:
        credential["issuer"] = iss
    if "jti" in claims:
        if "id" in credential and credential["id"] != claims["jti"]:
            raise VerificationError("'jti' contradicts vc.id", code=ErrorCode.CLAIMS_MISMATCH)
        credential["id"] = claims["jti"]
    subject = credential.get("credentialSubject")
    if "sub" in claims and isinstance(subject, dict):
        if "id" in subject and subject["id"] != claims["sub"]:
            raise VerificationError(
                "'sub' contradicts credentialSubject.id", code=ErrorCode.CLAIMS_MISMATCH
            )
        credential["credentialSubject"] = {**subject, "id": claims["sub"]}
    for claim, prop in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        if claim in claims and prop not in credential:
            value = claims[claim]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidInputError(
                    f"'{claim}' must be a NumericDate", code=ErrorCode.CLAIMS_MISMATCH
                )
            try:
                stamp = datetime.fromtimestamp(value, UTC)
            except (OverflowError, OSError, ValueError):
                raise InvalidInputError(
                    f"'{claim}' is out of range", code=ErrorCode.CLAIMS_MISMATCH
                ) from None
            credential[prop] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return credential


def verify_vc_jwt_legacy(
    token: str | bytes,
    *,
    key_resolver: KeyResolver,
    algorithms: frozenset[str] | set[str] = DEFAULT_ALGORITHMS,
    now: datetime | None = None,
    clock_skew: timedelta = timedelta(seconds=60),
    check_times: bool = True,
    max_bytes: int = MAX_TOKEN_BYTES,
) -> VerifiedJwt:
    """Verify a VC-JWT 1.1 token (VC DM 1.1 §6.3.1) and return the VC 1.1 credential it carries.

    ``typ`` must be ``JWT`` (explicit typing, RFC 8725 §3.11: tokens without it are refused).
    """
    header, payload, _, jws = _verify_common(
        token, key_resolver=key_resolver, algorithms=algorithms, max_bytes=max_bytes
    )
    typ = header.get("typ")
    if not isinstance(typ, str) or typ.lower() not in _LEGACY_TYP:
        raise VerificationError("a VC-JWT 1.1 header needs typ JWT", code=ErrorCode.BAD_TYP)
    credential = _legacy_credential(payload)
    method = key_resolver.resolve_key(
        kid=jws.kid, issuer=str(payload["iss"]), purpose="assertionMethod"
    )
    verify_signature(jws, method.public_key)
    times = check_claims_consistency(
        {k: v for k, v in payload.items() if k in ("iat", "nbf", "exp")}, credential
    )
    _check_times(times, now, clock_skew, check_times)
    return VerifiedJwt("vc-jwt-1.1", credential, header, payload, method, times, times.warnings)
