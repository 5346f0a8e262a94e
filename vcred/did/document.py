"""DID documents: shape checks, verification methods and DID URL dereferencing.

Implements DID Core 1.0 §5.2 (verification methods, verification material), §5.3 (verification
relationships, embedded or referenced) and §7.2 (dereferencing a DID URL's fragment), reading the
key formats of Controlled Identifiers 1.0 §2.2 (Multikey, JsonWebKey) and the older
Ed25519VerificationKey2018/2020 and JsonWebKey2020 suites.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import base58

from vcred.did.syntax import parse_did_url
from vcred.errors import (
    ErrorCode,
    InvalidInputError,
    KeyMaterialError,
    ResolutionError,
    UnsupportedError,
    UsageError,
)
from vcred.keys import KeyType, PublicKey

if TYPE_CHECKING:
    from vcred.did.resolver import DidResolver

__all__ = [
    "DID_CONTEXT_V1",
    "MULTIKEY_CONTEXT_V1",
    "RELATIONSHIPS",
    "VerificationMethod",
    "check_document",
    "parse_verification_method",
    "resolve_verification_method",
]

DID_CONTEXT_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT_V1 = "https://w3id.org/security/multikey/v1"

#: The verification relationships of DID Core §5.3.
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
)

# DID Core §5.2.1: a verification method MUST NOT carry more than one material property.
_MATERIAL = frozenset(
    {
        "publicKeyMultibase",
        "publicKeyJwk",
        "publicKeyBase58",
        "publicKeyHex",
        "publicKeyPem",
        "blockchainAccountId",
        "ethereumAddress",
    }
)
# Members that only a private JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
_PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_MULTIBASE_TYPES = frozenset({"Multikey", "Ed25519VerificationKey2020"})
_JWK_TYPES = frozenset({"JsonWebKey", "JsonWebKey2020"})


@dataclass(frozen=True)
class VerificationMethod:
    """A verification method with its key (DID Core §5.2); ``id`` is always an absolute DID URL."""

    id: str
    type: str
    controller: str
    public_key: PublicKey


def _invalid(message: str) -> ResolutionError:
    return ResolutionError(message, code=ErrorCode.DID_DOCUMENT_INVALID)


def check_document(document: object, *, did: str) -> dict[str, Any]:
    """Check the shape of a DID document resolved for ``did`` (DID Core §4, §5.1.1, §5.3).

    ``id`` must equal ``did``; ``verificationMethod`` must be a list of objects; each
    relationship a list of DID URL strings or embedded method objects.
    """
    if not isinstance(document, dict):
        raise _invalid("a DID document must be a JSON object")
    # DID Core §7.1: the resolved document's id MUST be the DID that was resolved.
    if document.get("id") != did:
        raise _invalid("the DID document's id is not the DID that was resolved")
    methods = document.get("verificationMethod", [])
    if not isinstance(methods, list) or not all(isinstance(m, dict) for m in methods):
        raise _invalid("verificationMethod must be a list of objects")
    for name in RELATIONSHIPS:
        entries = document.get(name, [])
        if not isinstance(entries, list) or not all(isinstance(e, str | dict) for e in entries):
            raise _invalid(f"{name} must be a list of DID URLs or verification methods")
    return document


def _absolute(reference: object, did: str) -> str | None:
    """A method id or reference made absolute; relative ``#frag`` refs resolve against the DID."""
    if not isinstance(reference, str) or not reference:
        return None
    return did + reference if reference.startswith("#") else reference


def _candidates(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from document.get("verificationMethod", [])
    for name in RELATIONSHIPS:
        yield from (e for e in document.get(name, []) if isinstance(e, dict))


def _find(document: Mapping[str, Any], did: str, target: str) -> Mapping[str, Any] | None:
    found: Mapping[str, Any] | None = None
    for entry in _candidates(document):
        if _absolute(entry.get("id"), did) != target:
            continue
        if found is not None and found != entry:
            # DID Core §5.2: ids are unique; two different methods with one id are ambiguous.
            raise _invalid("two different verification methods share one id")
        found = entry
    return found


def _listed_under(document: Mapping[str, Any], purpose: str, did: str, target: str) -> bool:
    for entry in document.get(purpose, []):
        reference = entry.get("id") if isinstance(entry, dict) else entry
        if _absolute(reference, did) == target:
            return True
    return False


def _key_from_entry(entry: Mapping[str, Any], vm_type: str) -> PublicKey:
    if vm_type in _MULTIBASE_TYPES:
        value = entry.get("publicKeyMultibase")
        if not isinstance(value, str):
            raise _invalid(f"{vm_type} needs a publicKeyMultibase string")
        key = PublicKey.from_multibase(value)
        # CID 1.0 §2.2.2: one canonical encoding (P-256 keys compressed).
        if key.to_multibase() != value:
            raise _invalid("publicKeyMultibase is not in its canonical form")
        if vm_type == "Ed25519VerificationKey2020" and key.key_type is not KeyType.ED25519:
            raise _invalid("Ed25519VerificationKey2020 holds a key that is not Ed25519")
        return key
    if vm_type in _JWK_TYPES:
        jwk = entry.get("publicKeyJwk")
        if not isinstance(jwk, dict):
            raise _invalid(f"{vm_type} needs a publicKeyJwk object")
        if _PRIVATE_JWK_MEMBERS & jwk.keys():
            raise _invalid("publicKeyJwk contains private key members")
        return PublicKey.from_jwk(jwk)
    if vm_type == "Ed25519VerificationKey2018":
        value = entry.get("publicKeyBase58")
        if not isinstance(value, str) or not value or len(value) > 64:
            raise _invalid("Ed25519VerificationKey2018 needs a publicKeyBase58 string")
        try:
            raw = base58.b58decode(value)
        except ValueError:
            raise _invalid("publicKeyBase58 is not base58") from None
        return PublicKey.from_raw(KeyType.ED25519, raw)
    raise UnsupportedError(
        f"verification method type {vm_type!r} is not supported", code=ErrorCode.KEY_UNSUPPORTED
    )


def parse_verification_method(
    entry: Mapping[str, Any], *, did: str | None = None
) -> VerificationMethod:
    """Read a verification method object (DID Core §5.2.1); ``did`` resolves relative ids.

    Raises ``DID_DOCUMENT_INVALID`` for unreadable material, ``KEY_UNSUPPORTED`` for other
    key or method types.
    """
    vm_id = _absolute(entry.get("id"), did) if did else entry.get("id")
    vm_type, controller = entry.get("type"), entry.get("controller")
    if not isinstance(vm_id, str) or not isinstance(vm_type, str):
        raise _invalid("a verification method needs string id and type")
    if not isinstance(controller, str):
        raise _invalid("a verification method needs a string controller")
    if len(_MATERIAL & entry.keys()) > 1:
        raise _invalid("a verification method has more than one verification material property")
    try:
        key = _key_from_entry(entry, vm_type)
    except (KeyMaterialError, InvalidInputError):
        raise _invalid("the verification method's key material is invalid") from None
    return VerificationMethod(id=vm_id, type=vm_type, controller=controller, public_key=key)


def resolve_verification_method(
    did_url: str, *, resolver: DidResolver, purpose: str = "assertionMethod"
) -> VerificationMethod:
    """Dereference ``did_url`` to the verification method it names (DID Core §7.2).

    The method must be listed (by reference or embedded) under the ``purpose`` relationship
    (DID Core §5.3), else ``KID_NOT_AUTHORIZED``; its controller must be the DID of the URL.
    """
    if purpose not in RELATIONSHIPS:
        raise UsageError(f"unknown verification relationship {purpose!r}")
    parsed = parse_did_url(did_url)
    if parsed.fragment is None:
        raise ResolutionError(
            "the DID URL names no verification method (no fragment)",
            code=ErrorCode.VERIFICATION_METHOD_NOT_FOUND,
        )
    document = check_document(resolver.resolve(parsed.did), did=parsed.did)
    target = str(parsed)
    entry = _find(document, parsed.did, target)
    if entry is None:
        raise ResolutionError(
            "the DID document has no verification method with that id",
            code=ErrorCode.VERIFICATION_METHOD_NOT_FOUND,
        )
    if not _listed_under(document, purpose, parsed.did, target):
        raise ResolutionError(
            f"the verification method is not listed under {purpose}",
            code=ErrorCode.KID_NOT_AUTHORIZED,
        )
    method = parse_verification_method(entry, did=parsed.did)
    if method.controller != parsed.did:
        raise ResolutionError(
            "the verification method is controlled by another DID",
            code=ErrorCode.KID_NOT_AUTHORIZED,
        )
    return method
