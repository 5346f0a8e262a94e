"""did:key: Ed25519 and P-256 DIDs from keys, documents by expansion, and the CCG vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcred.did import (
    StaticResolver,
    build_did_key_document,
    default_resolver,
    did_key_from_public_key,
    public_key_from_did_key,
    resolve_verification_method,
)
from vcred.errors import ErrorCode, UnsupportedError, VcredError
from vcred.keys import KeyPair, KeyType, PublicKey

SPEC_ED25519 = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
SPEC_P256 = "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"


def _load(vectors: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((vectors / "did/did-key/test-vectors" / name).read_text())
    return data


@pytest.mark.parametrize("key_type", [KeyType.ED25519, KeyType.P256])
def test_did_key_round_trips_a_generated_key(key_type: KeyType) -> None:
    pk = KeyPair.generate(key_type).public_key
    did = did_key_from_public_key(pk)
    assert did.startswith("did:key:z6Mk" if key_type is KeyType.ED25519 else "did:key:zDn")
    assert public_key_from_did_key(did) == pk


@pytest.mark.parametrize("did", [SPEC_ED25519, SPEC_P256])
def test_document_uses_multikey_and_the_four_signature_relationships(did: str) -> None:
    document = build_did_key_document(did)
    fragment = did.removeprefix("did:key:")
    vm_id = f"{did}#{fragment}"
    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": fragment,
            }
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }


def test_verification_method_dereferences_from_the_did_url() -> None:
    pair = KeyPair.generate(KeyType.P256)
    did = did_key_from_public_key(pair.public_key)
    vm = resolve_verification_method(
        f"{did}#{did[8:]}", resolver=default_resolver(), purpose="authentication"
    )
    assert (vm.id, vm.type, vm.controller) == (f"{did}#{did[8:]}", "Multikey", did)
    assert vm.public_key == pair.public_key


def test_key_agreement_is_not_listed_without_key_derivation() -> None:
    did = did_key_from_public_key(KeyPair.generate().public_key)
    with pytest.raises(VcredError) as info:
        resolve_verification_method(
            f"{did}#{did[8:]}", resolver=default_resolver(), purpose="keyAgreement"
        )
    assert info.value.code is ErrorCode.KID_NOT_AUTHORIZED


@pytest.mark.parametrize(
    "did",
    [
        "did:key:",
        "did:key:6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",  # no multibase prefix
        "did:key:z0OIl",  # characters outside base58btc
        "did:key:1:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",  # versions are not read
        "did:key:z" + base58.b58encode(b"\xed\x01" + b"\x01" * 31).decode(),  # 31-byte Ed25519
        "did:key:z" + base58.b58encode(b"\x80\x24\x05" + b"\x02" * 32).decode(),  # bad SEC1 prefix
        "did:key:z" + base58.b58encode(b"\xed").decode(),  # truncated varint
        "did:KEY:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    ],
)
def test_malformed_did_key_is_did_invalid(did: str) -> None:
    with pytest.raises(VcredError) as info:
        default_resolver().resolve(did)
    assert info.value.code is ErrorCode.DID_INVALID


def test_uncompressed_p256_did_key_is_not_canonical() -> None:
    pk = KeyPair.generate(KeyType.P256).public_key
    point = base58.b58decode(pk.to_multibase()[1:])[2:]
    assert len(point) == 33
    # The same key as a 65-byte uncompressed point: did:key requires the 33-byte form.
    from cryptography.hazmat.primitives import serialization

    uncompressed = pk._key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    did = "did:key:z" + base58.b58encode(b"\x80\x24" + uncompressed).decode()
    with pytest.raises(VcredError) as info:
        build_did_key_document(did)
    assert info.value.code is ErrorCode.DID_INVALID


# -- published vectors (w3c-ccg/did-key-spec test-vectors) -------------------------------------


@pytest.mark.vectors
def test_ed25519_seeds_give_the_published_dids(vectors: Path) -> None:
    cases = _load(vectors, "ed25519-x25519.json")
    assert len(cases) == 5
    for did, case in cases.items():
        pair = KeyPair.from_secret_bytes(KeyType.ED25519, bytes.fromhex(case["seed"]))
        assert did_key_from_public_key(pair.public_key) == did
        vm = case["verificationKeyPair"]
        if "publicKeyBase58" in vm:
            assert base58.b58decode(vm["publicKeyBase58"]) == public_key_from_did_key(did).raw
        else:
            assert PublicKey.from_jwk(vm["publicKeyJwk"]) == public_key_from_did_key(did)


@pytest.mark.vectors
def test_published_ed25519_documents_are_read(vectors: Path) -> None:
    """The 2018-suite and JsonWebKey2020 documents of the vectors dereference to the same key."""
    cases = _load(vectors, "ed25519-x25519.json")
    resolver = StaticResolver({did: case["didDocument"] for did, case in cases.items()})
    for did in cases:
        vm = resolve_verification_method(f"{did}#{did[8:]}", resolver=resolver)
        assert vm.public_key == public_key_from_did_key(did)
        assert vm.type in ("Ed25519VerificationKey2018", "JsonWebKey2020")


@pytest.mark.vectors
def test_x25519_key_agreement_methods_are_unsupported_key_types(vectors: Path) -> None:
    cases = _load(vectors, "ed25519-x25519.json")
    resolver = StaticResolver({did: case["didDocument"] for did, case in cases.items()})
    for did, case in cases.items():
        with pytest.raises(UnsupportedError) as info:
            resolve_verification_method(
                case["keyAgreementKeyPair"]["id"].replace("#", f"{did}#", 1)
                if case["keyAgreementKeyPair"]["id"].startswith("#")
                else case["keyAgreementKeyPair"]["id"],
                resolver=resolver,
                purpose="keyAgreement",
            )
        assert info.value.code is ErrorCode.KEY_UNSUPPORTED


@pytest.mark.vectors
def test_nist_p256_dids_match_their_jwks(vectors: Path) -> None:
    cases = _load(vectors, "nist-curves.json")
    p256 = {did: c for did, c in cases.items() if did.startswith("did:key:zDn")}
    assert len(p256) == 3
    for did, case in p256.items():
        vm = case["verificationMethod"]
        if "publicKeyJwk" in vm:
            expected = PublicKey.from_jwk(vm["publicKeyJwk"])
            assert KeyPair.from_jwk(vm["privateKeyJwk"]).public_key == expected
        else:  # the older P256Key2021 form: base58 of the compressed point
            expected = PublicKey.from_raw(KeyType.P256, base58.b58decode(vm["publicKeyBase58"]))
        assert public_key_from_did_key(did) == expected
        assert did_key_from_public_key(expected) == did
        document = build_did_key_document(did)
        assert document["assertionMethod"] == case["didDocument"]["assertionMethod"]


@pytest.mark.vectors
@pytest.mark.parametrize("name", ["secp256k1.json", "bls12381.json", "rsa.json", "nist-curves"])
def test_other_key_types_are_key_unsupported(vectors: Path, name: str) -> None:
    if name == "nist-curves":
        dids = [d for d in _load(vectors, "nist-curves.json") if not d.startswith("did:key:zDn")]
    else:
        dids = list(_load(vectors, name))
    assert dids
    for did in dids:
        with pytest.raises(UnsupportedError) as info:
            default_resolver().resolve(did)
        assert info.value.code is ErrorCode.KEY_UNSUPPORTED


@pytest.mark.vectors
def test_x25519_only_did_key_is_key_unsupported(vectors: Path) -> None:
    for did in _load(vectors, "x25519.json")["didDocument"]:
        with pytest.raises(UnsupportedError) as info:
            build_did_key_document(did)
        assert info.value.code is ErrorCode.KEY_UNSUPPORTED


@pytest.mark.vectors
def test_data_integrity_vector_keys_are_valid_did_keys(vectors: Path) -> None:
    for path, secret in [
        ("vc-di-eddsa/TestVectors/keyPair.json", "privateKeyMultibase"),
        ("vc-di-ecdsa/TestVectors/p256KeyPair.json", "secretKeyMultibase"),
    ]:
        pair = json.loads((vectors / path).read_text())
        did = "did:key:" + pair["publicKeyMultibase"]
        assert public_key_from_did_key(did) == PublicKey.from_multibase(pair["publicKeyMultibase"])
        if secret == "secretKeyMultibase":
            assert KeyPair.from_multibase(pair[secret]).public_key == public_key_from_did_key(did)


# -- properties ---------------------------------------------------------------------------------


@given(st.binary(min_size=32, max_size=32), st.sampled_from([KeyType.ED25519, KeyType.P256]))
def test_property_any_valid_key_round_trips(seed: bytes, key_type: KeyType) -> None:
    try:
        pair = KeyPair.from_secret_bytes(key_type, seed)
    except VcredError:  # a P-256 scalar out of range
        return
    did = did_key_from_public_key(pair.public_key)
    assert public_key_from_did_key(did) == pair.public_key


@given(st.binary(max_size=80))
def test_property_arbitrary_multibase_payloads_raise_only_vcred_errors(payload: bytes) -> None:
    did = "did:key:z" + base58.b58encode(payload).decode()
    try:
        build_did_key_document(did)
    except VcredError as exc:
        assert exc.code in (ErrorCode.DID_INVALID, ErrorCode.KEY_UNSUPPORTED)
