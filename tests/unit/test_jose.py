"""VC-JOSE-COSE `vc+jwt`: issuing, verifying, and every way a token is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import jwt
import pytest

from tests.helpers import NOW, did_key_signer, sample_credential
from vcred.did import default_resolver
from vcred.errors import ErrorCode, UsageError, VcredError
from vcred.jose import issue_vc_jwt, parse_compact, verify_vc_jwt
from vcred.key_resolver import DidKeyResolver
from vcred.keys import KeyPair, KeyType, b64url_encode
from vcred.signer import KeySigner

RESOLVER = DidKeyResolver(default_resolver())


def _b64(data: dict[str, object] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return b64url_encode(raw)


def _parts(token: str) -> tuple[dict[str, object], dict[str, object], str]:
    header, payload, signature = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(header))),
        json.loads(base64.urlsafe_b64decode(pad(payload))),
        signature,
    )


def _code(token: str, **kwargs: object) -> ErrorCode:
    with pytest.raises(VcredError) as info:
        verify_vc_jwt(token, key_resolver=RESOLVER, **({"now": NOW} | kwargs))  # type: ignore[arg-type]
    return info.value.code


@pytest.mark.parametrize("key_type", list(KeyType))
def test_issue_and_verify_round_trip(key_type: KeyType) -> None:
    signer, did = did_key_signer(key_type)
    credential = sample_credential(did)
    token = issue_vc_jwt(credential, signer=signer, now=NOW)
    verified = verify_vc_jwt(token, key_resolver=RESOLVER, now=NOW)
    assert verified.format == "vc+jwt"
    assert verified.verification_method.id == signer.key_id
    assert {k: verified.credential[k] for k in credential} == credential


def test_header_carries_media_types_and_kid() -> None:
    signer, did = did_key_signer()
    header, payload, _ = _parts(issue_vc_jwt(sample_credential(did), signer=signer, now=NOW))
    assert header == {"alg": "EdDSA", "kid": signer.key_id, "typ": "vc+jwt", "cty": "vc"}
    # The documented JWT claim mapping (vcred.jose.claims).
    assert payload["iss"] == did
    assert payload["iat"] == int(NOW.timestamp())
    assert payload["exp"] == 1798761600  # 2027-01-01T00:00:00Z
    assert not {"nbf", "jti", "sub", "vc"} & payload.keys()


def test_tokens_verify_with_pyjwt_too() -> None:
    """Interop: a maintained JOSE library accepts what vcred signs."""
    pair = KeyPair.generate(KeyType.P256)
    signer = KeySigner(pair, "did:example:issuer#key-1")
    token = issue_vc_jwt(sample_credential("did:example:issuer"), signer=signer, now=NOW)
    decoded = jwt.decode(
        token,
        pair.public_key.to_pem(),
        algorithms=["ES256"],
        options={"verify_exp": False, "verify_iat": False},
    )
    assert decoded["issuer"] == "did:example:issuer"


def test_issuing_refuses_vc_and_vp_members() -> None:
    signer, did = did_key_signer()
    with pytest.raises(UsageError):
        issue_vc_jwt(sample_credential(did, vc={}), signer=signer, now=NOW)


# -- tampering -----------------------------------------------------------------------------


@pytest.fixture
def token_and_did() -> tuple[str, str, KeySigner]:
    signer, did = did_key_signer()
    return issue_vc_jwt(sample_credential(did), signer=signer, now=NOW), did, signer


def test_tampered_payload_is_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, _ = token_and_did
    header, _payload, signature = token.split(".")
    claims = _parts(token)[1]
    claims["credentialSubject"] = {"id": "did:example:ciudadano", "nombres": "Mallory"}
    assert _code(f"{header}.{_b64(claims)}.{signature}") is ErrorCode.SIGNATURE_INVALID


def test_tampered_header_is_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, _ = token_and_did
    _, payload, signature = token.split(".")
    header = _parts(token)[0] | {"x-extra": 1}
    assert _code(f"{_b64(header)}.{payload}.{signature}") is ErrorCode.SIGNATURE_INVALID


def test_tampered_signature_is_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, _ = token_and_did
    head, payload, signature = token.split(".")
    flipped = b64url_encode(
        bytes([base64.urlsafe_b64decode(signature + "==")[0] ^ 1])
        + base64.urlsafe_b64decode(signature + "==")[1:]
    )
    assert _code(f"{head}.{payload}.{flipped}") is ErrorCode.SIGNATURE_INVALID


def test_signature_of_another_token_is_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, did, signer = token_and_did
    other = issue_vc_jwt(sample_credential(did, id="urn:uuid:other"), signer=signer, now=NOW)
    head, payload, _ = token.split(".")
    assert _code(f"{head}.{payload}.{other.split('.')[2]}") is ErrorCode.SIGNATURE_INVALID


# -- algorithms ----------------------------------------------------------------------------


def test_alg_none_is_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, _ = token_and_did
    header, payload, _ = _parts(token)
    assert _code(f"{_b64(header | {'alg': 'none'})}.{_b64(payload)}.") is ErrorCode.ALG_NONE
    assert _code(f"{_b64(header | {'alg': 'NoNe'})}.{_b64(payload)}.") is ErrorCode.ALG_NONE


def test_hs256_with_the_public_key_as_secret_is_refused(
    token_and_did: tuple[str, str, KeySigner],
) -> None:
    """The classic algorithm-confusion forgery: HMAC keyed with the issuer's public key."""
    token, _, signer = token_and_did
    header, payload, _ = _parts(token)
    signing_input = f"{_b64(header | {'alg': 'HS256'})}.{_b64(payload)}"
    secret = signer.public_key.raw
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    assert _code(f"{signing_input}.{b64url_encode(mac)}") is ErrorCode.ALG_NOT_ALLOWED


def test_alg_of_another_key_type_is_refused() -> None:
    """ES256 over an Ed25519 key is algorithm confusion, even when the caller allows both."""
    signer, did = did_key_signer(KeyType.ED25519)
    token = issue_vc_jwt(sample_credential(did), signer=signer, now=NOW)
    _header, payload, signature = token.split(".")
    forged_header = _b64(_parts(token)[0] | {"alg": "ES256"})
    assert _code(f"{forged_header}.{payload}.{signature}") is ErrorCode.ALG_KEY_MISMATCH


def test_caller_allow_list_is_enforced(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, _ = token_and_did
    assert _code(token, algorithms={"ES256"}) is ErrorCode.ALG_NOT_ALLOWED


def test_header_embedded_jwk_is_never_used_as_the_key() -> None:
    """An attacker's key in the header (jwk/jku/x5c) must not verify anything (RFC 8725 §3.10)."""
    signer, did = did_key_signer()
    attacker = KeySigner(KeyPair.generate(), signer.key_id)
    forged = issue_vc_jwt(sample_credential(did), signer=attacker, now=NOW)
    header, payload, _ = _parts(forged)
    signing_input = f"{_b64(header | {'jwk': attacker.public_key.to_jwk()})}.{_b64(payload)}"
    token = f"{signing_input}.{b64url_encode(attacker.sign(signing_input.encode()))}"
    assert _code(token) is ErrorCode.SIGNATURE_INVALID


def test_critical_header_parameters_are_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, signer = token_and_did
    header, payload, _ = _parts(token)
    signing_input = f"{_b64(header | {'crit': ['exp']})}.{_b64(payload)}"
    forged = f"{signing_input}.{b64url_encode(signer.sign(signing_input.encode()))}"
    assert _code(forged) is ErrorCode.CRIT_UNSUPPORTED


# -- keys ----------------------------------------------------------------------------------


def _resign(
    token: str,
    signer: KeySigner,
    *,
    header: dict[str, object] | None = None,
    payload: dict[str, object] | None = None,
) -> str:
    old_header, old_payload, _ = _parts(token)
    new_header = header if header is not None else old_header
    new_payload = payload if payload is not None else old_payload
    signing_input = f"{_b64(new_header)}.{_b64(new_payload)}"
    return f"{signing_input}.{b64url_encode(signer.sign(signing_input.encode()))}"


def test_unknown_kid_is_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, did, signer = token_and_did
    header = _parts(token)[0] | {"kid": f"{did}#not-a-key"}
    assert _code(_resign(token, signer, header=header)) is ErrorCode.KID_NOT_RESOLVED


def test_missing_kid_is_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, signer = token_and_did
    header = {k: v for k, v in _parts(token)[0].items() if k != "kid"}
    assert _code(_resign(token, signer, header=header)) is ErrorCode.MISSING_KID


def test_kid_of_another_did_is_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    """Signing with your own did:key while claiming someone else as issuer."""
    token, _, _ = token_and_did
    mallory, _mallory_did = did_key_signer()
    header = _parts(token)[0] | {"kid": mallory.key_id}
    assert _code(_resign(token, mallory, header=header)) is ErrorCode.KID_ISSUER_MISMATCH


# -- media types and claims ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"typ": "JWT"}, ErrorCode.BAD_TYP),
        ({"typ": "bad+typ"}, ErrorCode.BAD_TYP),
        ({"cty": "bad+cty"}, ErrorCode.BAD_CTY),
    ],
)
def test_wrong_media_types_are_refused(
    token_and_did: tuple[str, str, KeySigner], change: dict[str, str], code: ErrorCode
) -> None:
    token, _, signer = token_and_did
    assert _code(_resign(token, signer, header=_parts(token)[0] | change)) is code


def test_missing_typ_is_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, signer = token_and_did
    header = {k: v for k, v in _parts(token)[0].items() if k != "typ"}
    assert _code(_resign(token, signer, header=header)) is ErrorCode.BAD_TYP


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"vc": {}}, ErrorCode.VC_VP_CLAIMS_FORBIDDEN),
        ({"vp": {}}, ErrorCode.VC_VP_CLAIMS_FORBIDDEN),
        ({"iss": "did:example:other"}, ErrorCode.CLAIMS_MISMATCH),
        ({"jti": "urn:uuid:other"}, ErrorCode.CLAIMS_MISMATCH),
        ({"sub": "did:example:other"}, ErrorCode.CLAIMS_MISMATCH),
        ({"exp": 1798761600 + 3600}, ErrorCode.CLAIMS_MISMATCH),
        ({"nbf": 1}, ErrorCode.CLAIMS_MISMATCH),
        ({"exp": "2027-01-01"}, ErrorCode.CLAIMS_MISMATCH),
    ],
)
def test_contradicting_claims_are_refused(
    token_and_did: tuple[str, str, KeySigner], change: dict[str, object], code: ErrorCode
) -> None:
    token, _, signer = token_and_did
    assert _code(_resign(token, signer, payload=_parts(token)[1] | change)) is code


def test_non_numeric_iat_is_ignored_with_a_warning(
    token_and_did: tuple[str, str, KeySigner],
) -> None:
    token, _, signer = token_and_did
    forged = _resign(token, signer, payload=_parts(token)[1] | {"iat": "2010-01-01T19:23:24Z"})
    verified = verify_vc_jwt(forged, key_resolver=RESOLVER, now=NOW)
    assert verified.warnings == ("jwt_iat_ignored",)


# -- time ----------------------------------------------------------------------------------


def test_expired_token_is_refused_after_the_skew(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, _ = token_and_did
    expiry = NOW.replace(year=2027, month=1, day=1, hour=0)
    assert _code(token, now=expiry + timedelta(seconds=61)) is ErrorCode.EXPIRED
    verify_vc_jwt(token, key_resolver=RESOLVER, now=expiry + timedelta(seconds=59))
    assert _code(token, now=expiry, clock_skew=timedelta(0)) is ErrorCode.EXPIRED


def test_token_from_the_future_is_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, _ = token_and_did
    assert _code(token, now=NOW - timedelta(minutes=5)) is ErrorCode.NOT_YET_VALID
    verify_vc_jwt(token, key_resolver=RESOLVER, now=NOW - timedelta(seconds=30))


# -- malformed input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("", ErrorCode.MALFORMED_TOKEN),
        ("a.b", ErrorCode.MALFORMED_TOKEN),
        ("a.b.c.d", ErrorCode.MALFORMED_TOKEN),
        ("!!!.e30.AA", ErrorCode.MALFORMED_BASE64),
        (f"{_b64(b'not json')}.e30.AA", ErrorCode.MALFORMED_JSON),
        (f"{_b64(b'[1,2]')}.e30.AA", ErrorCode.MALFORMED_TOKEN),
        ("é.b.c", ErrorCode.MALFORMED_TOKEN),
    ],
)
def test_malformed_tokens_get_exact_codes(token: str, code: ErrorCode) -> None:
    assert _code(token) is code


def test_oversized_token_is_refused_before_parsing() -> None:
    assert _code("a" * (64 * 1024 + 1)) is ErrorCode.TOKEN_TOO_LARGE


def test_deeply_nested_payload_is_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, _ = token_and_did
    header = token.split(".")[0]
    payload = _b64(("[" * 5000 + "]" * 5000).encode())
    assert _code(f"{header}.{payload}.AA") is ErrorCode.NESTING_TOO_DEEP


def test_duplicate_json_members_are_refused(token_and_did: tuple[str, str, KeySigner]) -> None:
    token, _, signer = token_and_did
    header = token.split(".")[0]
    payload = _b64(b'{"issuer":"a","issuer":"b"}')
    signing_input = f"{header}.{payload}"
    forged = f"{signing_input}.{b64url_encode(signer.sign(signing_input.encode()))}"
    assert _code(forged) is ErrorCode.MALFORMED_JSON


def test_parse_compact_rejects_non_ascii() -> None:
    with pytest.raises(VcredError) as info:
        parse_compact("ñ.ñ.ñ")
    assert info.value.code is ErrorCode.MALFORMED_TOKEN
