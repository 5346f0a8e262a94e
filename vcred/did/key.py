"""The did:key method for Ed25519 and P-256 keys (W3C CCG did:key v0.7), resolved offline."""

from __future__ import annotations

from typing import Any

import base58

from vcred.did.document import DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1
from vcred.did.syntax import parse_did
from vcred.errors import ErrorCode, KeyMaterialError, ResolutionError, UnsupportedError
from vcred.keys import KeyType, PublicKey

__all__ = [
    "KeyDidResolver",
    "build_did_key_document",
    "did_key_from_public_key",
    "public_key_from_did_key",
]

# did:key §"Signature Method Creation Algorithm": multicodec → expected raw key length.
_SUPPORTED = {0xED: (KeyType.ED25519, 32), 0x1200: (KeyType.P256, 33)}
# did:key relationships for a signature key (keyAgreement only with key derivation, not done here).
_SIGNATURE_RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)


def did_key_from_public_key(pk: PublicKey) -> str:
    """``did:key:`` + the key's Multikey value (did:key §"The did:key Format")."""
    return "did:key:" + pk.to_multibase()


def _invalid(message: str) -> ResolutionError:
    return ResolutionError(message, code=ErrorCode.DID_INVALID)


def _read_varint(data: bytes) -> tuple[int, int]:
    """Unsigned LEB128 (multiformats unsigned-varint, at most 9 bytes): (value, length)."""
    value = 0
    for index, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if index and byte == 0:
                raise _invalid("multicodec varint is not minimally encoded")
            return value, index + 1
    raise _invalid("truncated multicodec varint")


def public_key_from_did_key(did: str) -> PublicKey:
    """The public key a did:key DID encodes (did:key §"Decode Public Key Algorithm").

    Raises ``DID_INVALID`` for malformed values and ``KEY_UNSUPPORTED`` for key types other
    than Ed25519 and P-256 (secp256k1, X25519, P-384, RSA, BLS12-381…).
    """
    method, msid = parse_did(did)
    if method != "key":
        raise _invalid("not a did:key DID")
    # did:key ABNF: mb-value := z[a-km-zA-HJ-NP-Z1-9]+ (no version component accepted).
    if not msid.startswith("z") or len(msid) < 2:
        raise _invalid("did:key values are base58btc multibase ('z' prefix)")
    try:
        data = base58.b58decode(msid[1:])
    except ValueError:
        raise _invalid("did:key value is not base58btc") from None
    codec, length = _read_varint(data)
    raw = data[length:]
    if codec not in _SUPPORTED:
        raise UnsupportedError(
            f"did:key multicodec 0x{codec:x} is not a supported key type",
            code=ErrorCode.KEY_UNSUPPORTED,
        )
    key_type, expected = _SUPPORTED[codec]
    if len(raw) != expected:
        raise _invalid(f"{key_type} did:key keys are {expected} bytes (invalidPublicKeyLength)")
    try:
        key = PublicKey.from_raw(key_type, raw)
    except KeyMaterialError:
        raise _invalid("did:key value is not a valid public key (invalidPublicKey)") from None
    if did_key_from_public_key(key) != did:
        raise _invalid("did:key value is not in its canonical encoding")
    return key


def build_did_key_document(did: str) -> dict[str, Any]:
    """Expand a did:key DID into its DID document (did:key §"Document Creation Algorithm").

    Options used: ``publicKeyFormat`` Multikey, no encryption key derivation, default context
    ``https://www.w3.org/ns/did/v1`` plus the Multikey context.
    """
    key = public_key_from_did_key(did)
    multibase = key.to_multibase()
    vm_id = f"{did}#{multibase}"
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase}
        ],
    }
    for name in _SIGNATURE_RELATIONSHIPS:
        document[name] = [vm_id]
    return document


class KeyDidResolver:
    """Resolves did:key DIDs offline by expanding the key (did:key §"Read")."""

    def resolve(self, did: str) -> dict[str, Any]:
        return build_did_key_document(did)
