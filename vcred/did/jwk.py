"""The did:jwk method (quartzjer/did-jwk spec.md), resolved offline.

The document is a pure transformation of the JWK, so a did:jwk of a key type vcred cannot use
(secp256k1, X25519…) still resolves; reading its verification method then raises
``KEY_UNSUPPORTED``. Ed25519 and P-256 JWKs are checked to be valid points at resolution.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from vcred.did.syntax import parse_did
from vcred.errors import ErrorCode, InvalidInputError, KeyMaterialError, ResolutionError
from vcred.jsonutil import loads_bounded
from vcred.keys import KeyType, PublicKey, b64url_decode, b64url_encode

__all__ = [
    "JwkDidResolver",
    "build_did_jwk_document",
    "did_jwk_from_public_key",
    "jwk_from_did_jwk",
]

_JWK_DOCUMENT_CONTEXT = [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/suites/jws-2020/v1",
]
_B64URL_RE = re.compile(r"[A-Za-z0-9_-]+")  # did:jwk ABNF: base64url-value := [A-Za-z0-9_-]+
_MAX_JWK_BYTES = 4096
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_SIGNING = ("assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation")


def did_jwk_from_public_key(pk: PublicKey, *, use: Literal["sig", "enc"] | None = None) -> str:
    """``did:jwk:`` + base64url of the compact public JWK (did:jwk §"To create the DID").

    Members are serialized in RFC 7638 order (``crv, kty, x[, y]``), as the spec's P-256
    example; ``use`` is appended when given (``sig`` drops ``keyAgreement`` from the document).
    """
    jwk: dict[str, str] = dict(pk.to_jwk())
    if use is not None:
        jwk["use"] = use
    text = json.dumps(jwk, separators=(",", ":"))
    return "did:jwk:" + b64url_encode(text.encode("utf-8"))


def _invalid(message: str) -> ResolutionError:
    return ResolutionError(message, code=ErrorCode.DID_INVALID)


def jwk_from_did_jwk(did: str) -> dict[str, Any]:
    """Decode and check the public JWK in a did:jwk DID (did:jwk §"Read", steps 1-4)."""
    method, msid = parse_did(did)
    if method != "jwk":
        raise _invalid("not a did:jwk DID")
    if _B64URL_RE.fullmatch(msid) is None:
        raise _invalid("did:jwk values are base64url without padding")
    try:
        raw = b64url_decode(msid)
        jwk = loads_bounded(raw, max_bytes=_MAX_JWK_BYTES, max_depth=4, what="did:jwk JWK")
    except InvalidInputError:
        raise _invalid("did:jwk value does not decode to a JSON JWK") from None
    if not isinstance(jwk, dict) or not isinstance(jwk.get("kty"), str):
        raise _invalid("did:jwk JWK must be a JSON object with a string 'kty'")
    # did:jwk §Security: a JWK of a private key MUST be rejected.
    if jwk["kty"] == "oct" or _PRIVATE_MEMBERS & jwk.keys():
        raise _invalid("did:jwk must hold a public key, never private or symmetric key material")
    use = jwk.get("use")
    if use is not None and use not in ("sig", "enc"):
        raise _invalid("did:jwk JWK 'use' must be 'sig' or 'enc'")
    if jwk.get("crv") in (KeyType.ED25519.value, KeyType.P256.value):
        try:
            PublicKey.from_jwk(jwk)
        except KeyMaterialError:
            raise _invalid("did:jwk JWK is not a valid public key") from None
    return jwk


def build_did_jwk_document(did: str) -> dict[str, Any]:
    """The DID document of a did:jwk DID (did:jwk §"To create the DID Document").

    One ``JsonWebKey2020`` method ``#0``; ``use: sig`` omits ``keyAgreement``, ``use: enc``
    keeps only ``keyAgreement``.
    """
    jwk = jwk_from_did_jwk(did)
    vm_id = f"{did}#0"
    document: dict[str, Any] = {
        "@context": list(_JWK_DOCUMENT_CONTEXT),
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
        ],
    }
    use = jwk.get("use")
    if use != "enc":
        for name in _SIGNING:
            document[name] = [vm_id]
    if use != "sig":
        document["keyAgreement"] = [vm_id]
    return document


class JwkDidResolver:
    """Resolves did:jwk DIDs offline by decoding the JWK (did:jwk §"Read")."""

    def resolve(self, did: str) -> dict[str, Any]:
        return build_did_jwk_document(did)
