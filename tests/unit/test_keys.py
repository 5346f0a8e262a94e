"""Keys: Ed25519 and P-256 generation, signing, PEM/JWK/Multikey, signers, strict base64url.

Spec examples used here: RFC 8037 Appendix A (the Ed25519 JWK, its RFC 7638 thumbprint and the
JWS signing example), RFC 4648 §10 (base64 test vectors, written unpadded as RFC 7515 §2 wants).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import json
import logging
import os
import pickle
import stat
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import base58
import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import NOW, sample_credential
from vcred.did import VerificationMethod
from vcred.errors import (
    ErrorCode,
    InvalidInputError,
    KeyMaterialError,
    UnsupportedError,
    UsageError,
    VcredError,
)
from vcred.jose import issue_vc_jwt, verify_vc_jwt
from vcred.key_resolver import StaticKeyResolver
from vcred.keys import KeyPair, KeyType, PublicKey, b64url_decode, b64url_encode
from vcred.signer import KeySigner, Signer

KEY_TYPES = [KeyType.ED25519, KeyType.P256]
# Made once: hypothesis tests cannot take function-scoped fixtures.
ED = KeyPair.generate(KeyType.ED25519)
P256 = KeyPair.generate(KeyType.P256)
PAIRS = {KeyType.ED25519: ED, KeyType.P256: P256}

# RFC 8037 Appendix A.1 (private key), A.2 (public key), A.3 (thumbprint), A.4 (JWS signing).
RFC8037_PRIVATE = {
    "kty": "OKP",
    "crv": "Ed25519",
    "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
}
RFC8037_PUBLIC = {"kty": "OKP", "crv": "Ed25519", "x": RFC8037_PRIVATE["x"]}
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
RFC8037_HEADER = "eyJhbGciOiJFZERTQSJ9"  # {"alg":"EdDSA"}
RFC8037_PAYLOAD = "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"  # Example of Ed25519 signing
RFC8037_SIGNATURE = (
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)


@pytest.fixture(scope="module")
def other_keys() -> dict[str, Any]:
    """Private keys of types vcred does not sign with."""
    return {
        "RSA": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "P-384": ec.generate_private_key(ec.SECP384R1()),
        "X25519": x25519.X25519PrivateKey.generate(),
    }


def _pem_of(key: Any, passphrase: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    pem: bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    return pem


def _public_pem_of(key: Any) -> bytes:
    pem: bytes = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem


def _crypto_private(pair: KeyPair) -> Any:
    return serialization.load_pem_private_key(pair.to_pem(), password=None)


def _raises(code: ErrorCode, kind: type[VcredError], call: Callable[[], object]) -> VcredError:
    with pytest.raises(kind) as info:
        call()
    assert info.value.code is code
    return info.value


# --- generation and signing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key_type", "alg", "kty"), [(KeyType.ED25519, "EdDSA", "OKP"), (KeyType.P256, "ES256", "EC")]
)
def test_generated_keys_have_their_one_algorithm(key_type: KeyType, alg: str, kty: str) -> None:
    pair = KeyPair.generate(key_type)
    assert pair.key_type is key_type
    assert pair.algorithm == alg == pair.public_key.algorithm
    assert pair.public_key.to_jwk()["kty"] == kty
    assert KeyPair.generate(key_type.value).key_type is key_type  # the crv name works too


@pytest.mark.parametrize("key_type", ["P-384", "secp256k1", "X25519", "RSA"])
def test_other_key_types_cannot_be_generated(key_type: str) -> None:
    _raises(ErrorCode.KEY_UNSUPPORTED, UnsupportedError, lambda: KeyPair.generate(key_type))


def test_a_p384_private_key_object_is_refused() -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    _raises(ErrorCode.KEY_UNSUPPORTED, UnsupportedError, lambda: KeyPair(key))


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_sign_verify_round_trip(key_type: KeyType) -> None:
    pair = PAIRS[key_type]
    signature = pair.sign(b"tramite 42")
    assert len(signature) == 64
    assert pair.public_key.verify(signature, b"tramite 42") is True


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_wrong_data_wrong_key_or_tampered_signature_do_not_verify(key_type: KeyType) -> None:
    pair = PAIRS[key_type]
    signature = pair.sign(b"tramite 42")
    other = KeyPair.generate(key_type)
    tampered = bytes([signature[0] ^ 1]) + signature[1:]
    assert pair.public_key.verify(signature, b"tramite 43") is False
    assert other.public_key.verify(signature, b"tramite 42") is False
    assert pair.public_key.verify(tampered, b"tramite 42") is False
    for wrong_length in (b"", signature[:-1], signature + b"\x00"):
        assert pair.public_key.verify(wrong_length, b"tramite 42") is False


def test_ed25519_signatures_are_deterministic() -> None:
    assert ED.sign(b"same") == ED.sign(b"same")


def test_p256_signatures_are_jose_r_concat_s() -> None:
    """RFC 7518 §3.4: ES256 signatures are the 32-byte big-endian r and s, concatenated."""
    signature = P256.sign(b"data")
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    public = serialization.load_pem_public_key(P256.public_key.to_pem())
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(encode_dss_signature(r, s), b"data", ec.ECDSA(hashes.SHA256()))


def test_a_der_ecdsa_signature_is_refused() -> None:
    der = _crypto_private(P256).sign(b"data", ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    assert P256.public_key.verify(der, b"data") is False
    # …while the same signature in JOSE form verifies.
    assert P256.public_key.verify(r.to_bytes(32, "big") + s.to_bytes(32, "big"), b"data")


@pytest.mark.parametrize(("key_type", "alg"), [(KeyType.P256, "ES256"), (KeyType.ED25519, "EdDSA")])
def test_signatures_interoperate_with_pyjwt(key_type: KeyType, alg: str) -> None:
    pair = PAIRS[key_type]
    # vcred signs, pyjwt verifies (with the key imported from our public JWK).
    signing_input = (
        b64url_encode(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        + "."
        + b64url_encode(b'{"sub":"ana"}')
    )
    token = signing_input + "." + b64url_encode(pair.sign(signing_input.encode()))
    pyjwk = jwt.PyJWK(pair.public_key.to_jwk(), algorithm=alg)
    assert jwt.decode(token, key=pyjwk.key, algorithms=[alg]) == {"sub": "ana"}
    # pyjwt signs, vcred verifies.
    other = jwt.encode({"sub": "luis"}, key=_crypto_private(pair), algorithm=alg)
    their_input, their_signature = other.rsplit(".", 1)
    assert pair.public_key.verify(b64url_decode(their_signature), their_input.encode())


@given(data=st.binary(max_size=200), signature=st.binary(max_size=80))
def test_verify_only_ever_answers_true_or_false(data: bytes, signature: bytes) -> None:
    for pair in (ED, P256):
        assert pair.public_key.verify(signature, data) is False
        assert pair.public_key.verify(pair.sign(data), data) is True


# --- public keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_one_public_key_from_every_encoding_is_equal(key_type: KeyType) -> None:
    pk = PAIRS[key_type].public_key
    same = [
        PublicKey.from_jwk(pk.to_jwk()),
        PublicKey.from_multibase(pk.to_multibase()),
        PublicKey.from_pem(pk.to_pem()),
        PublicKey.from_pem(pk.to_pem().decode("ascii")),
        PublicKey.from_raw(key_type, pk.raw),
    ]
    assert all(candidate == pk for candidate in same)
    assert len({pk, *same}) == 1  # hashable, equal keys hash alike
    assert pk != KeyPair.generate(key_type).public_key


def test_p256_raw_keys_are_compressed_and_uncompressed_points_are_accepted() -> None:
    pk = P256.public_key
    assert len(pk.raw) == 33 and pk.raw[0] in (2, 3)
    jwk = pk.to_jwk()
    uncompressed = b"\x04" + b64url_decode(jwk["x"]) + b64url_decode(jwk["y"])
    assert PublicKey.from_raw(KeyType.P256, uncompressed) == pk


@pytest.mark.parametrize(
    ("key_type", "raw"),
    [
        (KeyType.ED25519, b"\x01" * 31),
        (KeyType.ED25519, b"\x01" * 33),
        (KeyType.P256, b""),
        (KeyType.P256, b"\x02" + b"\xff" * 32),  # x beyond the field: no such point
        (KeyType.P256, b"\x05" + b"\x01" * 32),  # unknown SEC1 prefix
    ],
)
def test_bad_raw_public_keys_are_key_invalid(key_type: KeyType, raw: bytes) -> None:
    _raises(ErrorCode.KEY_INVALID, KeyMaterialError, lambda: PublicKey.from_raw(key_type, raw))


@given(raw=st.binary(max_size=70))
def test_arbitrary_raw_public_keys_raise_only_vcred_errors(raw: bytes) -> None:
    for key_type in KEY_TYPES:
        with contextlib.suppress(VcredError):
            PublicKey.from_raw(key_type, raw)


@pytest.mark.parametrize("kind", ["RSA", "P-384", "X25519"])
def test_other_public_key_pems_are_unsupported(other_keys: dict[str, Any], kind: str) -> None:
    pem = _public_pem_of(other_keys[kind])
    _raises(ErrorCode.KEY_UNSUPPORTED, UnsupportedError, lambda: PublicKey.from_pem(pem))


def test_a_garbage_public_pem_is_key_invalid() -> None:
    _raises(ErrorCode.KEY_INVALID, KeyMaterialError, lambda: PublicKey.from_pem(b"not a pem"))
    private_pem = ED.to_pem()
    _raises(ErrorCode.KEY_INVALID, KeyMaterialError, lambda: PublicKey.from_pem(private_pem))


# --- PEM ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_unencrypted_pkcs8_round_trip(key_type: KeyType) -> None:
    pair = PAIRS[key_type]
    pem = pair.to_pem()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    for loaded in (KeyPair.from_pem(pem), KeyPair.from_pem(pem.decode("ascii"))):
        assert loaded.public_key == pair.public_key
        assert loaded.to_private_jwk() == pair.to_private_jwk()


@pytest.mark.parametrize("key_type", KEY_TYPES)
@pytest.mark.parametrize("passphrase", ["contraseña segura", b"bytes passphrase"])
def test_encrypted_pkcs8_round_trip(key_type: KeyType, passphrase: str | bytes) -> None:
    pair = PAIRS[key_type]
    pem = pair.to_pem(passphrase)
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    assert KeyPair.from_pem(pem, passphrase).to_private_jwk() == pair.to_private_jwk()


def test_passphrase_problems_are_key_passphrase() -> None:
    encrypted = ED.to_pem("correcta")
    for call in (
        lambda: KeyPair.from_pem(encrypted),  # needs a passphrase
        lambda: KeyPair.from_pem(encrypted, "incorrecta"),
        lambda: KeyPair.from_pem(encrypted, b"incorrecta"),
        lambda: KeyPair.from_pem(ED.to_pem(), "not encrypted at all"),
    ):
        _raises(ErrorCode.KEY_PASSPHRASE, KeyMaterialError, call)


@pytest.mark.parametrize(
    "pem",
    [
        b"",
        b"not a pem",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\n@@@@\n-----END PRIVATE KEY-----\n",
        ED.public_key.to_pem(),  # a public key is not a private key
    ],
)
def test_garbage_private_pem_is_key_invalid(pem: bytes | str) -> None:
    _raises(ErrorCode.KEY_INVALID, KeyMaterialError, lambda: KeyPair.from_pem(pem))


@pytest.mark.parametrize("kind", ["RSA", "P-384", "X25519"])
def test_other_private_key_pems_are_unsupported(other_keys: dict[str, Any], kind: str) -> None:
    pem = _pem_of(other_keys[kind])
    _raises(ErrorCode.KEY_UNSUPPORTED, UnsupportedError, lambda: KeyPair.from_pem(pem))


@pytest.mark.parametrize("load", [KeyPair.from_pem, PublicKey.from_pem])
def test_non_ascii_pem_text_is_key_invalid(load: Callable[[str], object]) -> None:
    _raises(ErrorCode.KEY_INVALID, KeyMaterialError, lambda: load("-----BEGIN ñ-----"))


def _unknown_algorithm_pem(*, private: bool) -> bytes:
    """A well-formed PKCS#8 / SPKI structure whose algorithm OID (1.3.101.121) is unknown."""
    key = ed25519.Ed25519PrivateKey.generate()
    if private:
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        label = b"PRIVATE KEY"
    else:
        der = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        label = b"PUBLIC KEY"
    der = der.replace(bytes.fromhex("06032b6570"), bytes.fromhex("06032b6579"))  # 1.3.101.112 → 121
    body = base64.encodebytes(der)
    return b"-----BEGIN " + label + b"-----\n" + body + b"-----END " + label + b"-----\n"


@pytest.mark.parametrize("private", [True, False], ids=["pkcs8", "spki"])
def test_a_pem_with_an_unknown_algorithm_is_unsupported(private: bool) -> None:
    pem = _unknown_algorithm_pem(private=private)
    load: Callable[[bytes], object] = KeyPair.from_pem if private else PublicKey.from_pem
    _raises(ErrorCode.KEY_UNSUPPORTED, UnsupportedError, lambda: load(pem))


@given(pem=st.binary(max_size=300) | st.text(alphabet=st.characters(max_codepoint=127)))
def test_arbitrary_pem_input_raises_only_vcred_errors(pem: bytes | str) -> None:
    for load in (KeyPair.from_pem, PublicKey.from_pem):
        with contextlib.suppress(VcredError):
            load(pem)


@pytest.mark.parametrize("passphrase", ["", b""])
def test_an_empty_passphrase_is_refused_rather_than_ignored(passphrase: str | bytes) -> None:
    _raises(ErrorCode.USAGE, UsageError, lambda: ED.to_pem(passphrase))


# --- files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key_type", KEY_TYPES)
@pytest.mark.parametrize("passphrase", [None, "clave del archivo"])
def test_save_writes_owner_only_and_load_reads_it_back(
    tmp_path: Path, key_type: KeyType, passphrase: str | None
) -> None:
    pair = PAIRS[key_type]
    path = tmp_path / "issuer.pem"
    pair.save(path, passphrase)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert KeyPair.load(path, passphrase).to_private_jwk() == pair.to_private_jwk()
    assert KeyPair.load(str(path), passphrase).public_key == pair.public_key
    signer = KeySigner.from_file(path, key_id="did:example:1#k", passphrase=passphrase)
    assert pair.public_key.verify(signer.sign(b"x"), b"x")


def test_save_over_a_world_readable_file_leaves_it_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "issuer.pem"
    path.write_bytes(b"old")
    path.chmod(0o644)
    ED.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert KeyPair.load(path).public_key == ED.public_key


def test_save_never_writes_the_key_into_a_readable_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "issuer.pem"
    path.write_bytes(b"old")
    path.chmod(0o644)
    modes_when_written: list[int] = []
    real_fdopen = os.fdopen

    def recording_fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        modes_when_written.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", recording_fdopen)
    ED.save(path)
    assert modes_when_written == [0o600]


def test_loading_a_missing_or_unreadable_file_is_key_material_error(tmp_path: Path) -> None:
    _raises(ErrorCode.KEY_INVALID, KeyMaterialError, lambda: KeyPair.load(tmp_path / "none.pem"))
    _raises(ErrorCode.KEY_INVALID, KeyMaterialError, lambda: KeyPair.load(tmp_path))
    with pytest.raises(KeyMaterialError):
        KeySigner.from_file(tmp_path / "none.pem", key_id="k")


# --- JWK ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_jwk_round_trips(key_type: KeyType) -> None:
    pair = PAIRS[key_type]
    public = pair.public_key.to_jwk()
    private = pair.to_private_jwk()
    assert list(public) == sorted(public)  # RFC 7638 member order
    assert private == {**public, "d": private["d"]}
    assert len(b64url_decode(private["d"])) == 32
    assert PublicKey.from_jwk(public) == pair.public_key
    assert PublicKey.from_jwk(private) == pair.public_key  # the public part of a private JWK
    again = KeyPair.from_jwk(private)
    assert again.to_private_jwk() == private
    assert pair.public_key.verify(again.sign(b"m"), b"m")


def test_p256_jwk_coordinates_are_32_bytes() -> None:
    jwk = P256.public_key.to_jwk()
    assert len(b64url_decode(jwk["x"])) == len(b64url_decode(jwk["y"])) == 32


def test_rfc8037_a1_a2_private_key_gives_the_published_public_key() -> None:
    pair = KeyPair.from_jwk(RFC8037_PRIVATE)
    assert pair.public_key.to_jwk() == {"crv": "Ed25519", "kty": "OKP", "x": RFC8037_PUBLIC["x"]}
    assert pair.to_private_jwk() == {**RFC8037_PUBLIC, "d": RFC8037_PRIVATE["d"]}


def test_rfc8037_a3_thumbprint() -> None:
    assert PublicKey.from_jwk(RFC8037_PUBLIC).thumbprint() == RFC8037_THUMBPRINT


def test_rfc8037_a4_signing_gives_the_published_signature() -> None:
    assert b64url_decode(RFC8037_HEADER) == b'{"alg":"EdDSA"}'
    assert b64url_decode(RFC8037_PAYLOAD) == b"Example of Ed25519 signing"
    signing_input = f"{RFC8037_HEADER}.{RFC8037_PAYLOAD}".encode("ascii")
    signature = KeyPair.from_jwk(RFC8037_PRIVATE).sign(signing_input)
    assert b64url_encode(signature) == RFC8037_SIGNATURE


def test_rfc8037_a5_validation() -> None:
    signing_input = f"{RFC8037_HEADER}.{RFC8037_PAYLOAD}".encode("ascii")
    public = PublicKey.from_jwk(RFC8037_PUBLIC)
    assert public.verify(b64url_decode(RFC8037_SIGNATURE), signing_input)
    assert not public.verify(b64url_decode(RFC8037_SIGNATURE), signing_input + b"x")


def test_p256_thumbprint_hashes_the_rfc7638_canonical_members() -> None:
    jwk = P256.public_key.to_jwk()
    canonical = '{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}'.format(jwk["x"], jwk["y"])
    expected = b64url_encode(hashlib.sha256(canonical.encode()).digest())
    assert P256.public_key.thumbprint() == expected
    # Members other than the required ones do not change the thumbprint.
    assert PublicKey.from_jwk({**jwk, "kid": "x", "use": "sig"}).thumbprint() == expected


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_a_private_jwk_whose_d_does_not_match_x_is_refused(key_type: KeyType) -> None:
    jwk = PAIRS[key_type].to_private_jwk()
    wrong = {**jwk, "d": KeyPair.generate(key_type).to_private_jwk()["d"]}
    _raises(ErrorCode.KEY_INVALID, KeyMaterialError, lambda: KeyPair.from_jwk(wrong))


@pytest.mark.parametrize("jwk", [RFC8037_PUBLIC, P256.public_key.to_jwk(), "not a dict", None])
def test_a_public_jwk_is_not_a_key_pair(jwk: object) -> None:
    _raises(ErrorCode.KEY_PRIVATE_REQUIRED, KeyMaterialError, lambda: KeyPair.from_jwk(jwk))


_ED = RFC8037_PUBLIC
_EC = P256.public_key.to_jwk()


@pytest.mark.parametrize(
    "jwk",
    [
        pytest.param({**_ED, "kty": "EC"}, id="OKP key labelled EC"),
        pytest.param({**_EC, "kty": "OKP"}, id="EC key labelled OKP"),
        pytest.param({"crv": "Ed25519", "x": _ED["x"]}, id="no kty"),
        pytest.param({"kty": "OKP", "x": _ED["x"]}, id="no crv"),
        pytest.param({**_ED, "crv": 25519}, id="crv not a string"),
        pytest.param({"kty": "OKP", "crv": "Ed25519"}, id="no x"),
        pytest.param({**_ED, "x": 7}, id="x not a string"),
        pytest.param({**_ED, "x": _ED["x"] + "="}, id="x padded"),
        pytest.param({**_ED, "x": _ED["x"].replace("_", "/")}, id="x standard base64"),
        pytest.param({**_ED, "x": _ED["x"][:-1] + "p"}, id="x non-canonical last char"),
        pytest.param({**_ED, "x": _ED["x"][:-3]}, id="Ed25519 x too short"),
        pytest.param({k: v for k, v in _EC.items() if k != "y"}, id="no y"),
        pytest.param({**_EC, "x": b64url_encode(b64url_decode(_EC["x"])[1:])}, id="x 31 bytes"),
        pytest.param({**_EC, "y": b64url_encode(b"\x00" + b64url_decode(_EC["y"]))}, id="y 33"),
        pytest.param({**_EC, "y": _EC["x"]}, id="point not on the curve"),
        pytest.param([], id="not an object"),
    ],
)
def test_malformed_public_jwks_are_key_invalid(jwk: Any) -> None:
    _raises(ErrorCode.KEY_INVALID, KeyMaterialError, lambda: PublicKey.from_jwk(jwk))


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"},
        {"kty": "EC", "crv": "secp256k1", "x": "AA", "y": "AA"},
        {"kty": "OKP", "crv": "X25519", "x": "AA"},
        {"kty": "OKP", "crv": "Ed448", "x": "AA"},
    ],
    ids=lambda j: j["crv"],
)
def test_other_curves_are_unsupported(jwk: dict[str, str]) -> None:
    _raises(ErrorCode.KEY_UNSUPPORTED, UnsupportedError, lambda: PublicKey.from_jwk(jwk))
    _raises(ErrorCode.KEY_UNSUPPORTED, UnsupportedError, lambda: KeyPair.from_jwk({**jwk, "d": ""}))


@pytest.mark.parametrize(
    "d",
    [
        7,
        RFC8037_PRIVATE["d"] + "=",
        RFC8037_PRIVATE["d"][:-4],  # 29 bytes
        RFC8037_PRIVATE["d"] + "AAAA",  # 35 bytes
    ],
)
def test_malformed_d_is_key_invalid(d: object) -> None:
    _raises(ErrorCode.KEY_INVALID, KeyMaterialError, lambda: KeyPair.from_jwk({**_ED, "d": d}))


def test_out_of_range_p256_scalars_are_key_invalid() -> None:
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    for scalar in (0, order, 2**256 - 1):
        with pytest.raises(KeyMaterialError) as info:
            KeyPair.from_secret_bytes(KeyType.P256, scalar.to_bytes(32, "big"))
        assert info.value.code is ErrorCode.KEY_INVALID


_JWK_VALUES = st.one_of(st.text(max_size=60), st.integers(), st.none(), st.just(_ED["x"]))


@given(
    jwk=st.dictionaries(
        st.sampled_from(["kty", "crv", "x", "y", "d"]),
        _JWK_VALUES | st.sampled_from(["OKP", "EC", "Ed25519", "P-256", _EC["x"], _EC["y"]]),
    )
)
def test_arbitrary_jwks_raise_only_vcred_errors(jwk: dict[str, object]) -> None:
    for load in (PublicKey.from_jwk, KeyPair.from_jwk):
        with contextlib.suppress(VcredError):
            load(jwk)


# --- Multikey ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key_type", "public_prefix", "secret_prefix"),
    [(KeyType.ED25519, "z6Mk", "z3u2"), (KeyType.P256, "zDna", "z42")],
)
def test_multikey_round_trip_and_prefixes(
    key_type: KeyType, public_prefix: str, secret_prefix: str
) -> None:
    pair = KeyPair.generate(key_type)
    public, secret = pair.public_key.to_multibase(), pair.to_secret_multibase()
    assert public.startswith(public_prefix)
    assert secret.startswith(secret_prefix)
    assert PublicKey.from_multibase(public) == pair.public_key
    again = KeyPair.from_multibase(secret)
    assert again.public_key == pair.public_key
    assert again.to_secret_multibase() == secret


def _multibase(header: bytes, raw: bytes) -> str:
    return "z" + base58.b58encode(header + raw).decode("ascii")


@pytest.mark.parametrize(
    ("header", "size"),
    [
        (b"\xe7\x01", 33),  # secp256k1-pub
        (b"\xec\x01", 32),  # x25519-pub
        (b"\x81\x24", 49),  # p384-pub
        (b"\x85\x24", 32),  # rsa-pub (any length)
        (b"\x00\x00", 32),
    ],
)
def test_other_multicodec_headers_are_unsupported(header: bytes, size: int) -> None:
    value = _multibase(header, b"\x02" * size)
    _raises(ErrorCode.KEY_UNSUPPORTED, UnsupportedError, lambda: PublicKey.from_multibase(value))
    _raises(ErrorCode.KEY_UNSUPPORTED, UnsupportedError, lambda: KeyPair.from_multibase(value))


def test_public_and_secret_multikeys_are_not_interchangeable() -> None:
    public, secret = ED.public_key.to_multibase(), ED.to_secret_multibase()
    _raises(ErrorCode.KEY_UNSUPPORTED, UnsupportedError, lambda: KeyPair.from_multibase(public))
    _raises(ErrorCode.KEY_UNSUPPORTED, UnsupportedError, lambda: PublicKey.from_multibase(secret))


@pytest.mark.parametrize(
    "value",
    [
        "",
        ED.public_key.to_multibase()[1:],  # no multibase prefix at all
        "u" + b64url_encode(b"\xed\x01" + ED.public_key.raw),  # base64url multibase
        "f" + (b"\xed\x01" + ED.public_key.raw).hex(),  # base16 multibase
        "z6Mk0OIl",  # characters outside the base58btc alphabet
        "zé",
        _multibase(b"\xed\x01", b"\x01" * 31),  # wrong length after a good header
        _multibase(b"\x80\x24", b"\x02" + b"\xff" * 32),  # no such P-256 point
        "z" + "2" * 250,  # absurdly long
    ],
)
def test_malformed_multikeys_are_key_material_errors(value: str) -> None:
    _raises(ErrorCode.KEY_INVALID, KeyMaterialError, lambda: PublicKey.from_multibase(value))


@given(value=st.text(max_size=80) | st.text(alphabet="123456789ABCDEFGHJKLMNPQRSTUVWXYZabcz"))
def test_arbitrary_multikey_text_raises_only_vcred_errors(value: str) -> None:
    for load in (PublicKey.from_multibase, KeyPair.from_multibase):
        with contextlib.suppress(VcredError):
            load(value)


# --- secrets never leak -----------------------------------------------------------------------


def _secret_forms(pair: KeyPair) -> list[str]:
    """Every way the private key could appear in text."""
    d = pair.to_private_jwk()["d"]
    raw = b64url_decode(d)
    pem_lines = [line for line in pair.to_pem().decode().splitlines() if "-----" not in line]
    return [
        d,
        d[:16],
        raw.hex(),
        raw.hex().upper(),
        raw.hex()[:16],
        base64.b64encode(raw).decode(),
        pair.to_secret_multibase(),
        str(int.from_bytes(raw, "big")),
        *pem_lines,
    ]


def _assert_no_secret(text: str, pair: KeyPair) -> None:
    for form in _secret_forms(pair):
        assert form not in text


def _failing_loads(pair: KeyPair, tmp_path: Path) -> list[Callable[[], object]]:
    jwk = pair.to_private_jwk()
    d, kt = jwk["d"], pair.key_type
    raw = b64url_decode(d)
    other = KeyPair.generate(kt).public_key.to_jwk()
    encrypted = pair.to_pem("la buena")
    plain = pair.to_pem()
    secret_mb = pair.to_secret_multibase()
    path = tmp_path / f"{kt.value}.pem"
    path.write_bytes(encrypted)
    return [
        lambda: KeyPair.from_pem(encrypted, "la mala"),
        lambda: KeyPair.from_pem(encrypted),
        lambda: KeyPair.from_pem(plain, "sobra"),
        lambda: KeyPair.from_pem(plain[: len(plain) // 2]),
        lambda: KeyPair.load(path, "la mala"),
        lambda: KeyPair.from_jwk({**jwk, **other}),  # d does not match
        lambda: KeyPair.from_jwk({**jwk, "d": d + "="}),
        lambda: KeyPair.from_jwk({**jwk, "d": d + "AAAA"}),
        lambda: KeyPair.from_jwk({**jwk, "kty": "RSA"}),
        lambda: KeyPair.from_jwk({**jwk, "crv": "P-384"}),
        lambda: KeyPair.from_multibase(secret_mb + "0"),
        lambda: KeyPair.from_multibase(secret_mb[:-3]),
        lambda: KeyPair.from_secret_bytes(kt, raw + b"\x00"),
        lambda: PublicKey.from_pem(plain),
    ]


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_errors_while_loading_keys_never_show_the_key(key_type: KeyType, tmp_path: Path) -> None:
    pair = PAIRS[key_type]
    for call in _failing_loads(pair, tmp_path):
        with pytest.raises(VcredError) as info:
            call()
        exc = info.value
        shown = "\n".join([str(exc), repr(exc), *traceback.format_exception(exc)])
        _assert_no_secret(shown, pair)


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_repr_of_pairs_and_signers_shows_only_public_facts(key_type: KeyType) -> None:
    pair = PAIRS[key_type]
    signer = KeySigner(pair, "did:example:emisor#clave-1")
    assert pair.public_key.thumbprint() in repr(pair)
    assert "did:example:emisor#clave-1" in repr(signer)
    for text in (repr(pair), str(pair), repr(signer), str(signer), repr(pair.public_key)):
        _assert_no_secret(text, pair)


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_logging_a_key_pair_shows_only_its_thumbprint(
    key_type: KeyType, caplog: pytest.LogCaptureFixture
) -> None:
    pair = PAIRS[key_type]
    logger = logging.getLogger("vcred.tests.keys")
    with caplog.at_level(logging.INFO, logger="vcred.tests.keys"):
        logger.info("loaded issuer key %s", pair)
        logger.info("loaded issuer key %r", pair)
        logger.info("pair=%s signer=%s", pair, KeySigner(pair, "k"))
    assert len(caplog.records) == 3
    assert all(pair.public_key.thumbprint() in r.getMessage() for r in caplog.records)
    _assert_no_secret(caplog.text, pair)


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_key_pairs_and_signers_cannot_be_pickled_or_copied(key_type: KeyType) -> None:
    pair = PAIRS[key_type]
    for value in (pair, KeySigner(pair, "k")):
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            with pytest.raises(TypeError):
                pickle.dumps(value, protocol=protocol)
    with pytest.raises(TypeError):
        copy.deepcopy(pair)


# --- the Signer protocol ----------------------------------------------------------------------


class HsmStandIn:
    """A duck-typed signer that is not a KeyPair (as an HSM or cloud KMS client would be)."""

    def __init__(self, private: Any, key_id: str) -> None:
        self._private = private
        self.key_id = key_id
        self.algorithm = "EdDSA" if isinstance(private, ed25519.Ed25519PrivateKey) else "ES256"
        self.calls = 0

    def sign(self, data: bytes) -> bytes:
        self.calls += 1
        if isinstance(self._private, ed25519.Ed25519PrivateKey):
            signature: bytes = self._private.sign(data)
            return signature
        r, s = decode_dss_signature(self._private.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def public_key(self) -> PublicKey:
        return PublicKey.from_object(self._private.public_key())


def test_key_signer_is_a_signer() -> None:
    signer = KeySigner(P256, "did:example:emisor#clave-1")
    assert isinstance(signer, Signer)
    assert signer.key_id == "did:example:emisor#clave-1"
    assert signer.algorithm == "ES256"
    assert signer.public_key == P256.public_key
    assert P256.public_key.verify(signer.sign(b"hola"), b"hola")


def test_any_object_with_algorithm_key_id_and_sign_is_a_signer() -> None:
    assert isinstance(HsmStandIn(ed25519.Ed25519PrivateKey.generate(), "k"), Signer)

    class NoSign:
        algorithm = "EdDSA"
        key_id = "k"

    assert not isinstance(NoSign(), Signer)
    assert not isinstance(ED, Signer)  # a key pair has no key_id: wrap it in a KeySigner


@pytest.mark.parametrize(
    "private",
    [ed25519.Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256R1())],
    ids=["EdDSA", "ES256"],
)
def test_a_duck_typed_signer_issues_a_credential_that_verifies(private: Any) -> None:
    issuer = "https://tramites.example.gov.co/emisor"
    hsm = HsmStandIn(private, f"{issuer}#hsm-1")
    token = issue_vc_jwt(sample_credential(issuer), signer=hsm, now=NOW)
    assert hsm.calls == 1
    method = VerificationMethod(
        id=hsm.key_id, type="JsonWebKey", controller=issuer, public_key=hsm.public_key()
    )
    resolver = StaticKeyResolver({issuer: [method]})
    verified = verify_vc_jwt(token, key_resolver=resolver, now=NOW)
    assert verified.header["alg"] == hsm.algorithm
    assert verified.header["kid"] == hsm.key_id
    assert verified.credential["issuer"] == issuer


# --- base64url ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", ""),
        (b"f", "Zg"),
        (b"fo", "Zm8"),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg"),
        (b"fooba", "Zm9vYmE"),
        (b"foobar", "Zm9vYmFy"),
        (b"\xfb\xff", "-_8"),  # the URL-safe characters (RFC 4648 §5)
    ],
)
def test_b64url_rfc4648_vectors_without_padding(data: bytes, text: str) -> None:
    assert b64url_encode(data) == text
    assert b64url_decode(text) == data
    assert b64url_decode(text.encode("ascii")) == data


@given(data=st.binary(max_size=300))
def test_b64url_round_trip(data: bytes) -> None:
    text = b64url_encode(data)
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert b64url_decode(text) == data


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Zg==", id="padding"),
        pytest.param("Zm8=", id="one pad"),
        pytest.param("+_8", id="plus"),
        pytest.param("-/8", id="slash"),
        pytest.param(" Zm9v", id="leading space"),
        pytest.param("Zm9v\n", id="trailing newline"),
        pytest.param("Zm 9v", id="inner space"),
        pytest.param("Zm9v\t", id="tab"),
        pytest.param("Zm9vé", id="non-ASCII"),
        pytest.param("Zm9v\u0660", id="non-ASCII digit"),
        pytest.param(b"Zm9v\xff", id="non-ASCII byte"),
        pytest.param("Z", id="length 1 mod 4"),
        pytest.param("Zm9vY", id="length 5"),
        pytest.param("AB", id="non-canonical 2 chars (AA is canonical)"),
        pytest.param("Zh", id="non-canonical Zh (Zg is canonical)"),
        pytest.param("Zm9", id="non-canonical 3 chars (Zm8 is canonical)"),
        pytest.param("AAB", id="non-canonical AAB (AAA is canonical)"),
        pytest.param("Zm9v.", id="dot"),
        pytest.param("Zm9v\x00", id="NUL"),
    ],
)
def test_b64url_decode_is_strict(text: str | bytes) -> None:
    _raises(ErrorCode.MALFORMED_BASE64, InvalidInputError, lambda: b64url_decode(text))


@given(text=st.text(max_size=40) | st.text(alphabet="AZaz09-_+/= \n", max_size=12))
def test_b64url_decode_of_arbitrary_text(text: str) -> None:
    """Anything decodes to bytes whose one canonical encoding is the text, or raises our error."""
    try:
        data = b64url_decode(text)
    except InvalidInputError as exc:
        assert exc.code is ErrorCode.MALFORMED_BASE64
    else:
        assert b64url_encode(data) == text


@given(raw=st.binary(max_size=40))
def test_b64url_decode_of_arbitrary_bytes(raw: bytes) -> None:
    try:
        data = b64url_decode(raw)
    except InvalidInputError as exc:
        assert exc.code is ErrorCode.MALFORMED_BASE64
    else:
        assert b64url_encode(data).encode("ascii") == raw
