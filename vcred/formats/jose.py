"""The JOSE formats in the registry: ``vc+jwt`` (issue and verify) and VC-JWT 1.1 (verify only)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from vcred.errors import ErrorCode, UnsupportedError
from vcred.formats.base import Envelope, SecuredCredential, VerifyContext
from vcred.jose.vc_jwt import VerifiedJwt, issue_vc_jwt, verify_vc_jwt, verify_vc_jwt_legacy
from vcred.signer import Signer

__all__ = ["VcJwtFormat", "VcJwtLegacyFormat"]


def _secured(result: VerifiedJwt, media_type: str) -> SecuredCredential:
    return SecuredCredential(
        format=result.format,
        media_type=media_type,
        credential=result.credential,
        verification_method=result.verification_method,
        not_before=result.times.not_before,
        expires=result.times.expires,
        issued_at=result.times.issued_at,
        warnings=result.warnings,
    )


def _verify(
    verifier: Callable[..., VerifiedJwt],
    envelope: Envelope,
    context: VerifyContext,
    media_type: str,
) -> SecuredCredential:
    # Times are checked by the verifier's validity check, together with validFrom/validUntil.
    result = verifier(
        envelope.text,
        key_resolver=context.key_resolver,
        algorithms=context.algorithms,
        now=context.now,
        clock_skew=context.clock_skew,
        check_times=False,
    )
    return _secured(result, media_type)


class VcJwtFormat:
    """``application/vc+jwt`` (VC-JOSE-COSE §3.1.1)."""

    name = "vc+jwt"
    media_type = "application/vc+jwt"

    def matches(self, envelope: Envelope) -> bool:
        header = envelope.header
        return header is not None and str(header.get("typ", "")).lower() in (
            "vc+jwt",
            "application/vc+jwt",
        )

    def verify(self, envelope: Envelope, context: VerifyContext) -> SecuredCredential:
        return _verify(verify_vc_jwt, envelope, context, self.media_type)

    def issue(self, credential: Mapping[str, Any], *, signer: Signer, now: datetime) -> str:
        return issue_vc_jwt(credential, signer=signer, now=now)


class VcJwtLegacyFormat:
    """VC-JWT 1.1 (VC Data Model 1.1 §6.3.1), read-only: vcred never issues it."""

    name = "vc-jwt-1.1"
    media_type = "application/jwt"

    def matches(self, envelope: Envelope) -> bool:
        header = envelope.header
        if header is None:
            return False
        typ = header.get("typ")
        # Only explicitly typed JWTs are taken as VC-JWT 1.1 (RFC 8725 §3.11).
        return isinstance(typ, str) and typ.lower() in ("jwt", "application/jwt")

    def verify(self, envelope: Envelope, context: VerifyContext) -> SecuredCredential:
        return _verify(verify_vc_jwt_legacy, envelope, context, self.media_type)

    def issue(self, credential: Mapping[str, Any], *, signer: Signer, now: datetime) -> str:
        raise UnsupportedError(
            "vcred reads VC-JWT 1.1 but never issues it", code=ErrorCode.FORMAT_NOT_ALLOWED
        )
