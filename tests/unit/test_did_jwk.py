"""did:jwk: DIDs from keys, documents per the did:jwk spec, and the published examples."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcred.did import (
    build_did_jwk_document,
    default_resolver,
    did_jwk_from_public_key,
    jwk_from_did_jwk,
    resolve_verification_method,
)
from vcred.errors import ErrorCode, UnsupportedError, VcredError
from vcred.keys import KeyPair, KeyType, PublicKey, b64url_encode

SIGNING = ("assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation")


def _did_for(jwk: dict[str, Any]) -> str:
    return "did:jwk:" + b64url_encode(json.dumps(jwk, separators=(",", ":")).encode())


@pytest.mark.parametrize("key_type", [KeyType.ED25519, KeyType.P256])
def test_did_jwk_round_trips_a_generated_key(key_type: KeyType) -> None:
    pk = KeyPair.generate(key_type).public_key
    did = did_jwk_from_public_key(pk)
    assert jwk_from_did_jwk(did) == pk.to_jwk()
    vm = resolve_verification_method(f"{did}#0", resolver=default_resolver())
    assert (vm.id, vm.type, vm.controller, vm.public_key) == (
        f"{did}#0",
        "JsonWebKey2020",
        did,
        pk,
    )


def test_use_sig_drops_key_agreement_and_use_enc_keeps_only_it() -> None:
    pk = KeyPair.generate().public_key
    signing = build_did_jwk_document(did_jwk_from_public_key(pk, use="sig"))
    assert "keyAgreement" not in signing
    assert all(signing[name] == [signing["id"] + "#0"] for name in SIGNING)
    encrypting = build_did_jwk_document(did_jwk_from_public_key(pk, use="enc"))
    assert [k for k in encrypting if k in (*SIGNING, "keyAgreement")] == ["keyAgreement"]
    with pytest.raises(VcredError) as info:
        resolve_verification_method(
            encrypting["id"] + "#0", resolver=default_resolver(), purpose="assertionMethod"
        )
    assert info.value.code is ErrorCode.KID_NOT_AUTHORIZED


def test_only_fragment_zero_names_the_key() -> None:
    pk = KeyPair.generate().public_key
    did = _did_for({**pk.to_jwk(), "kid": "my-key"})
    with pytest.raises(VcredError) as info:
        resolve_verification_method(f"{did}#my-key", resolver=default_resolver())
    assert info.value.code is ErrorCode.VERIFICATION_METHOD_NOT_FOUND


@pytest.mark.parametrize(
    ("jwk", "why"),
    [
        ({**KeyPair.generate().to_private_jwk()}, "private key"),
        ({"kty": "oct", "k": "c2VjcmV0"}, "symmetric key"),
        ({"crv": "Ed25519", "x": "AAAA"}, "no kty"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, "short Ed25519 key"),
        ({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}, "bad P-256 point"),
        ({**KeyPair.generate().public_key.to_jwk(), "use": "both"}, "unknown use"),
    ],
)
def test_bad_jwks_are_did_invalid(jwk: dict[str, Any], why: str) -> None:
    with pytest.raises(VcredError) as info:
        default_resolver().resolve(_did_for(jwk))
    assert info.value.code is ErrorCode.DID_INVALID, why


@pytest.mark.parametrize(
    "did",
    [
        "did:jwk:",
        "did:jwk:e30=",  # padding is not base64url-value
        "did:jwk:W10",  # a JSON array
        "did:jwk:bm90IGpzb24",  # "not json"
        "did:jwk:_w",  # not UTF-8
        "did:jwk:eyJrdHkiOiJPS1AifQ:extra",
    ],
)
def test_malformed_did_jwk_is_did_invalid(did: str) -> None:
    with pytest.raises(VcredError) as info:
        default_resolver().resolve(did)
    assert info.value.code is ErrorCode.DID_INVALID


# -- published vectors --------------------------------------------------------------------------


@pytest.mark.vectors
def test_spec_p256_example_reproduces_did_and_document(vectors: Path) -> None:
    folder = vectors / "did/did-jwk"
    did = (folder / "example-p256-did.txt").read_text().strip()
    expected = json.loads((folder / "example-p256-did-document.json").read_text())
    # Erratum in the published example: a stray '$' in the authentication entry.
    expected["authentication"] = [
        a.replace("did:jwk:$", "did:jwk:") for a in expected["authentication"]
    ]
    pk = PublicKey.from_jwk(expected["verificationMethod"][0]["publicKeyJwk"])
    assert did_jwk_from_public_key(pk) == did
    assert build_did_jwk_document(did) == expected


@pytest.mark.vectors
def test_spec_x25519_example_resolves_to_key_agreement_only(vectors: Path) -> None:
    folder = vectors / "did/did-jwk"
    did = (folder / "example-x25519-did.txt").read_text().strip()
    expected = json.loads((folder / "example-x25519-did-document.json").read_text())
    assert build_did_jwk_document(did) == expected
    with pytest.raises(UnsupportedError) as info:
        resolve_verification_method(f"{did}#0", resolver=default_resolver(), purpose="keyAgreement")
    assert info.value.code is ErrorCode.KEY_UNSUPPORTED


def _web5_cases(vectors: Path) -> list[dict[str, Any]]:
    data = json.loads((vectors / "vc-jwt-1.1/test-vectors/did_jwk/resolve.json").read_text())
    cases: list[dict[str, Any]] = data["vectors"]
    return cases


@pytest.mark.vectors
def test_web5_resolution_vectors(vectors: Path) -> None:
    """web5 documents use type ``JsonWebKey`` and only the DID context; vcred follows the
    did:jwk spec (``JsonWebKey2020`` + jws-2020 context). Everything else must agree."""
    cases = _web5_cases(vectors)
    assert len(cases) == 3
    for case in cases:
        if case.get("errors"):
            assert case["output"]["didResolutionMetadata"]["error"] == "invalidDid"
            with pytest.raises(VcredError) as info:
                default_resolver().resolve(case["input"])
            assert info.value.code is ErrorCode.DID_INVALID
            continue
        expected = case["output"]["didDocument"]
        document = default_resolver().resolve(case["input"])
        assert document["@context"][0] == expected["@context"][0]
        for entry in (document, expected):
            entry.pop("@context")
            entry["verificationMethod"][0].pop("type")
        assert document == expected


@pytest.mark.vectors
def test_web5_secp256k1_key_resolves_but_is_key_unsupported(vectors: Path) -> None:
    case = next(c for c in _web5_cases(vectors) if "secp256k1" in json.dumps(c.get("output")))
    with pytest.raises(UnsupportedError) as info:
        resolve_verification_method(case["input"] + "#0", resolver=default_resolver())
    assert info.value.code is ErrorCode.KEY_UNSUPPORTED


@pytest.mark.vectors
def test_web5_ed25519_key_dereferences(vectors: Path) -> None:
    case = next(c for c in _web5_cases(vectors) if '"Ed25519"' in json.dumps(c.get("output")))
    vm = resolve_verification_method(case["input"] + "#0", resolver=default_resolver())
    jwk = case["output"]["didDocument"]["verificationMethod"][0]["publicKeyJwk"]
    assert vm.public_key == PublicKey.from_jwk(jwk)


# -- properties ---------------------------------------------------------------------------------


@given(st.binary(min_size=32, max_size=32), st.sampled_from([None, "sig", "enc"]))
def test_property_did_jwk_round_trip(seed: bytes, use: Any) -> None:
    pk = KeyPair.from_secret_bytes(KeyType.ED25519, seed).public_key
    did = did_jwk_from_public_key(pk, use=use)
    assert PublicKey.from_jwk(jwk_from_did_jwk(did)) == pk


@given(st.text(max_size=200))
def test_property_arbitrary_values_raise_only_vcred_errors(value: str) -> None:
    with contextlib.suppress(VcredError):
        default_resolver().resolve("did:jwk:" + value)


@given(st.binary(max_size=300))
def test_property_arbitrary_encoded_bytes_raise_only_vcred_errors(payload: bytes) -> None:
    with contextlib.suppress(VcredError):
        default_resolver().resolve("did:jwk:" + b64url_encode(payload))
