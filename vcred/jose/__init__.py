"""JOSE securing of credentials: ``vc+jwt`` (VC-JOSE-COSE) and reading VC-JWT 1.1."""

from vcred.jose.jws import (
    DEFAULT_ALGORITHMS,
    CompactJws,
    parse_compact,
    sign_compact,
    verify_signature,
)
from vcred.jose.vc_jwt import (
    MEDIA_TYPE_VC_JWT,
    VerifiedJwt,
    issue_vc_jwt,
    verify_vc_jwt,
    verify_vc_jwt_legacy,
)

__all__ = [
    "DEFAULT_ALGORITHMS",
    "MEDIA_TYPE_VC_JWT",
    "CompactJws",
    "VerifiedJwt",
    "issue_vc_jwt",
    "parse_compact",
    "sign_compact",
    "verify_signature",
    "verify_vc_jwt",
    "verify_vc_jwt_legacy",
]
