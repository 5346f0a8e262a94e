"""Published key vectors, read in place from ../shared/vectors (each folder's README names them).

* vc-jwt-1.1/test-vectors/crypto_ed25519: RFC 8032 Ed25519 vectors as JWK + hex (web5 suite).
* did/did-key/test-vectors: W3C CCG did:key seeds, JWKs and DIDs (Ed25519, P-256).
* vc-di-eddsa / vc-di-ecdsa TestVectors: the Multikey pairs of the Data Integrity cryptosuites,
  and their signatures over ``combinedHash`` (Ed25519 is deterministic, so it must match exactly).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import base58
import pytest

from vcred.did import did_key_from_public_key
from vcred.errors import ErrorCode, KeyMaterialError, UnsupportedError
from vcred.keys import KeyPair, KeyType, PublicKey

pytestmark = pytest.mark.vectors


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# --- vc-jwt-1.1 crypto_ed25519 (RFC 8032 §7.1 keys and messages) ------------------------------


@pytest.fixture(scope="module")
def ed25519_dir(vectors: Path) -> Path:
    return vectors / "vc-jwt-1.1" / "test-vectors" / "crypto_ed25519"


def test_ed25519_sign_vectors(ed25519_dir: Path) -> None:
    cases = _json(ed25519_dir / "sign.json")["vectors"]
    assert len(cases) == 5
    for case in cases:
        key, data = case["input"]["key"], bytes.fromhex(case["input"]["data"])
        if case.get("errors"):
            # "error when given a public key": no private key, nothing to sign with.
            with pytest.raises(KeyMaterialError) as info:
                KeyPair.from_jwk(key)
            assert info.value.code is ErrorCode.KEY_PRIVATE_REQUIRED, case["description"]
            continue
        pair = KeyPair.from_jwk(key)
        assert pair.sign(data).hex() == case["output"], case["description"]
        # The suite's kid is the RFC 7638 thumbprint of the key.
        assert pair.public_key.thumbprint() == key["kid"], case["description"]


def test_ed25519_verify_vectors(ed25519_dir: Path) -> None:
    cases = _json(ed25519_dir / "verify.json")["vectors"]
    assert len(cases) == 7
    assert {c["output"] for c in cases} == {True, False}
    for case in cases:
        given = case["input"]
        key = PublicKey.from_jwk(given["key"])
        verified = key.verify(bytes.fromhex(given["signature"]), bytes.fromhex(given["data"]))
        assert verified is case["output"], case["description"]


# --- did:key (W3C CCG test vectors) ------------------------------------------------------------


@pytest.fixture(scope="module")
def did_key_dir(vectors: Path) -> Path:
    return vectors / "did" / "did-key" / "test-vectors"


def test_ed25519_seeds_give_the_published_public_keys_and_dids(did_key_dir: Path) -> None:
    entries = _json(did_key_dir / "ed25519-x25519.json")
    assert len(entries) == 5
    for did, entry in entries.items():
        pair = KeyPair.from_secret_bytes(KeyType.ED25519, bytes.fromhex(entry["seed"]))
        method = entry["verificationKeyPair"]
        if "publicKeyBase58" in method:
            assert pair.public_key.raw == base58.b58decode(method["publicKeyBase58"]), did
        assert did_key_from_public_key(pair.public_key) == did
        assert pair.public_key.to_multibase() == did.removeprefix("did:key:")


def test_ed25519_json_web_key_2020_entry(did_key_dir: Path) -> None:
    entries = _json(did_key_dir / "ed25519-x25519.json")
    (did, entry), *_ = [
        (d, e) for d, e in entries.items() if "privateKeyJwk" in e["verificationKeyPair"]
    ]
    method = entry["verificationKeyPair"]
    assert method["type"] == "JsonWebKey2020"
    pair = KeyPair.from_jwk(method["privateKeyJwk"])
    assert (
        pair.to_secret_multibase()
        == KeyPair.from_secret_bytes(
            KeyType.ED25519, bytes.fromhex(entry["seed"])
        ).to_secret_multibase()
    )
    assert pair.public_key == PublicKey.from_jwk(method["publicKeyJwk"])
    assert pair.public_key.to_jwk() == dict(sorted(method["publicKeyJwk"].items()))
    assert did_key_from_public_key(pair.public_key) == did


def test_p256_private_jwks_give_their_public_jwks_and_dids(did_key_dir: Path) -> None:
    entries = _json(did_key_dir / "nist-curves.json")
    p256 = {d: e for d, e in entries.items() if d.startswith("did:key:zDna")}
    assert len(p256) == 3
    checked = 0
    for did, entry in p256.items():
        method = entry["verificationMethod"]
        if method["type"] == "P256Key2021":
            # The older form: base58 compressed point and raw private scalar.
            secret = base58.b58decode(method["privateKeyBase58"])
            pair = KeyPair.from_secret_bytes(KeyType.P256, secret)
            assert pair.public_key.raw == base58.b58decode(method["publicKeyBase58"]), did
        else:
            pair = KeyPair.from_jwk(method["privateKeyJwk"])
            assert pair.public_key.to_jwk() == dict(sorted(method["publicKeyJwk"].items())), did
            assert pair.to_private_jwk()["d"] == method["privateKeyJwk"]["d"], did
        assert did_key_from_public_key(pair.public_key) == did
        checked += 1
    assert checked == 3


def test_other_nist_curves_are_unsupported(did_key_dir: Path) -> None:
    entries = _json(did_key_dir / "nist-curves.json")
    others = [
        e["verificationMethod"] for d, e in entries.items() if not d.startswith("did:key:zDn")
    ]
    assert {m["publicKeyJwk"]["crv"] for m in others} == {"P-384", "P-521"}
    for method in others:
        with pytest.raises(UnsupportedError) as info:
            KeyPair.from_jwk(method["privateKeyJwk"])
        assert info.value.code is ErrorCode.KEY_UNSUPPORTED


# --- Data Integrity Multikey pairs (vc-di-eddsa, vc-di-ecdsa) ----------------------------------


def _multikey_pairs(vectors: Path) -> list[tuple[str, dict[str, str]]]:
    eddsa = vectors / "vc-di-eddsa" / "TestVectors"
    ecdsa = vectors / "vc-di-ecdsa" / "TestVectors"
    pairs = [
        ("vc-di-eddsa keyPair.json", _json(eddsa / "keyPair.json")),
        ("vc-di-ecdsa p256KeyPair.json", _json(ecdsa / "p256KeyPair.json")),
    ]
    for name, pair in _json(eddsa / "proof-set-chain" / "multiKeyPairs.json").items():
        pairs.append((f"vc-di-eddsa multiKeyPairs.json {name}", pair))
    for name, pair in _json(ecdsa / "ecdsa-sd-2023" / "SDKeyMaterial.json").items():
        if isinstance(pair, dict):
            pairs.append((f"vc-di-ecdsa SDKeyMaterial.json {name}", pair))
    return pairs


def _secret(pair: dict[str, str]) -> str:
    # vc-di-eddsa's files name the secret privateKeyMultibase (its spec text: secretKeyMultibase).
    return pair.get("secretKeyMultibase") or pair["privateKeyMultibase"]


def test_multikey_secret_keys_give_their_public_keys(vectors: Path) -> None:
    pairs = _multikey_pairs(vectors)
    assert len(pairs) == 8
    for name, published in pairs:
        pair = KeyPair.from_multibase(_secret(published))
        assert pair.public_key.to_multibase() == published["publicKeyMultibase"], name
        assert pair.to_secret_multibase() == _secret(published), name
        assert PublicKey.from_multibase(published["publicKeyMultibase"]) == pair.public_key, name


def test_p384_multikey_pair_is_unsupported(vectors: Path) -> None:
    published = _json(vectors / "vc-di-ecdsa" / "TestVectors" / "p384KeyPair.json")
    for load, value in (
        (KeyPair.from_multibase, published["secretKeyMultibase"]),
        (PublicKey.from_multibase, published["publicKeyMultibase"]),
    ):
        with pytest.raises(UnsupportedError) as info:
            load(value)
        assert info.value.code is ErrorCode.KEY_UNSUPPORTED


@pytest.mark.parametrize(
    ("suite", "suffix"),
    [("eddsa-rdfc-2022", "DataInt"), ("eddsa-jcs-2022", "JCS"), ("Ed25519Signature2020", "EdSig")],
)
def test_eddsa_signature_over_combined_hash_is_exact(
    vectors: Path, suite: str, suffix: str
) -> None:
    folder = vectors / "vc-di-eddsa" / "TestVectors"
    pair = KeyPair.from_multibase(_secret(_json(folder / "keyPair.json")))
    combined = bytes.fromhex((folder / suite / f"combinedHash{suffix}.txt").read_text().strip())
    expected = (folder / suite / f"sigHex{suffix}.txt").read_text().strip()
    assert pair.sign(combined).hex() == expected


@pytest.mark.parametrize(
    ("suite", "suffix"),
    [("ecdsa-rdfc-2019-p256", "ECDSAP256"), ("ecdsa-jcs-2019-p256", "JCSECDSAP256")],
)
def test_ecdsa_p256_published_signature_verifies(vectors: Path, suite: str, suffix: str) -> None:
    folder = vectors / "vc-di-ecdsa" / "TestVectors"
    public = PublicKey.from_multibase(_json(folder / "p256KeyPair.json")["publicKeyMultibase"])
    combined = bytes.fromhex((folder / suite / f"combinedHash{suffix}.txt").read_text().strip())
    signature = bytes.fromhex((folder / suite / f"sigHex{suffix}.txt").read_text().strip())
    assert len(signature) == 64  # r || s, as vcred signs
    assert public.verify(signature, combined)
    assert not public.verify(signature, combined[::-1])
