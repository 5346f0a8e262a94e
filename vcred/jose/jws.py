"""JWS compact serialization (RFC 7515 §7.1) with an explicit algorithm allow-list.

Only asymmetric algorithms that match the verification key's type are accepted: ``none`` and
every HMAC algorithm are refused before any key is looked at (RFC 8725 §3.1, §3.2), and an
``alg`` that does not belong to the resolved key's type is algorithm confusion, refused too.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from vcred.errors import ErrorCode, InvalidInputError, UnsupportedError, VerificationError
from vcred.frozen import fast_init
from vcred.jsonutil import dumps_bytes, loads_bounded
from vcred.keys import KeyType, PublicKey, b64url_decode, b64url_encode
from vcred.signer import Signer

__all__ = [
    "ALGORITHMS_BY_KEY_TYPE",
    "DEFAULT_ALGORITHMS",
    "MAX_HEADER_BYTES",
    "MAX_TOKEN_BYTES",
    "CompactJws",
    "decode_header",
    "parse_compact",
    "sign_compact",
    "verify_signature",
]

MAX_TOKEN_BYTES = 64 * 1024
MAX_HEADER_BYTES = 4 * 1024

# RFC 8037 "EdDSA" and its fully-specified RFC 9864 name "Ed25519"; RFC 7518 "ES256".
ALGORITHMS_BY_KEY_TYPE: Mapping[KeyType, frozenset[str]] = {
    KeyType.ED25519: frozenset({"EdDSA", "Ed25519"}),
    KeyType.P256: frozenset({"ES256"}),
}
DEFAULT_ALGORITHMS: frozenset[str] = frozenset({"EdDSA", "Ed25519", "ES256"})
_ASYMMETRIC_KNOWN = DEFAULT_ALGORITHMS | {
    "ES256K",
    "ES384",
    "ES512",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
}


@fast_init
@dataclass(frozen=True, slots=True)
class CompactJws:
    """A parsed (not yet verified) compact JWS."""

    header: Mapping[str, Any]
    payload: bytes
    signature: bytes
    signing_input: bytes

    @property
    def alg(self) -> str:
        return str(self.header["alg"])

    @property
    def kid(self) -> str | None:
        kid = self.header.get("kid")
        return kid if isinstance(kid, str) else None


def parse_compact(
    token: str | bytes,
    *,
    max_bytes: int = MAX_TOKEN_BYTES,
    algorithms: frozenset[str] | set[str] = DEFAULT_ALGORITHMS,
) -> CompactJws:
    """Split and decode a compact JWS; check ``alg`` against ``algorithms`` (RFC 7515 §5.2)."""
    if isinstance(token, str):
        try:
            raw = token.encode("ascii")
        except UnicodeEncodeError:
            raise InvalidInputError("a JWS is ASCII text", code=ErrorCode.MALFORMED_TOKEN) from None
    else:
        raw = token
    if len(raw) > max_bytes:
        raise InvalidInputError(
            f"token is larger than {max_bytes} bytes", code=ErrorCode.TOKEN_TOO_LARGE
        )
    parts = raw.strip().split(b".")
    if len(parts) != 3:
        raise InvalidInputError(
            "a compact JWS has exactly three parts", code=ErrorCode.MALFORMED_TOKEN
        )
    header_b64, payload_b64, signature_b64 = parts
    if len(header_b64) > MAX_HEADER_BYTES:
        raise InvalidInputError("JWS header too large", code=ErrorCode.TOKEN_TOO_LARGE)
    header = decode_header(header_b64)
    _check_alg(header.get("alg"), algorithms)
    # RFC 7515 §4.1.11: a crit parameter we do not understand makes the JWS invalid.
    if "crit" in header:
        raise UnsupportedError(
            "unsupported critical header parameters", code=ErrorCode.CRIT_UNSUPPORTED
        )
    if header.get("b64") is False:
        raise UnsupportedError(
            "unencoded payloads (RFC 7797) are not supported", code=ErrorCode.CRIT_UNSUPPORTED
        )
    return CompactJws(
        header=header,
        payload=b64url_decode(payload_b64),
        signature=b64url_decode(signature_b64),
        signing_input=header_b64 + b"." + payload_b64,
    )


@functools.lru_cache(maxsize=512)
def decode_header(segment: bytes) -> Mapping[str, Any]:
    """The JOSE header of a JWS segment, read-only. One issuer key signs thousands of tokens with
    the same header, so decoded headers are remembered (bounded)."""
    header = loads_bounded(b64url_decode(segment), max_depth=8, what="JWS header")
    if not isinstance(header, dict):
        raise InvalidInputError("JWS header must be a JSON object", code=ErrorCode.MALFORMED_TOKEN)
    frozen: Mapping[str, Any] = _freeze(header)
    return frozen


def _freeze(value: Any) -> Any:
    # Cached headers are shared by every caller: nothing in them may be changed in place.
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _check_alg(alg: object, algorithms: frozenset[str] | set[str]) -> None:
    if not isinstance(alg, str) or not alg:
        raise InvalidInputError("JWS header has no 'alg'", code=ErrorCode.MALFORMED_TOKEN)
    if alg.lower() == "none":
        raise VerificationError(
            "unsecured JWS (alg none) is never accepted", code=ErrorCode.ALG_NONE
        )
    if alg not in algorithms:
        if alg in _ASYMMETRIC_KNOWN:
            raise UnsupportedError(
                f"algorithm {alg!r} is not allowed", code=ErrorCode.ALG_NOT_ALLOWED
            )
        raise VerificationError(f"algorithm {alg!r} is not allowed", code=ErrorCode.ALG_NOT_ALLOWED)


def verify_signature(jws: CompactJws, key: PublicKey) -> None:
    """Check the signature with ``key``; ``alg`` must be one its key type allows."""
    if jws.alg not in ALGORITHMS_BY_KEY_TYPE[key.key_type]:
        raise VerificationError(
            f"algorithm {jws.alg!r} cannot be used with a {key.key_type} key",
            code=ErrorCode.ALG_KEY_MISMATCH,
        )
    if not key.verify(jws.signature, jws.signing_input):
        raise VerificationError("the signature does not verify", code=ErrorCode.SIGNATURE_INVALID)


def sign_compact(
    header: Mapping[str, Any], payload: Mapping[str, Any] | bytes, *, signer: Signer
) -> str:
    """Sign ``payload`` as a compact JWS; ``alg`` and ``kid`` come from ``signer``."""
    full_header = {"alg": signer.algorithm, "kid": signer.key_id, **header}
    if full_header["alg"] != signer.algorithm:
        raise UnsupportedError(
            "header alg differs from the signer's", code=ErrorCode.ALG_KEY_MISMATCH
        )
    payload_bytes = payload if isinstance(payload, bytes) else dumps_bytes(payload)
    signing_input = b64url_encode(dumps_bytes(full_header)) + "." + b64url_encode(payload_bytes)
    signature = signer.sign(signing_input.encode("ascii"))
    return signing_input + "." + b64url_encode(signature)
