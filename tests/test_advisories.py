"""Known attacks on JOSE verifiers and credential checkers, one test each, named for the attack.

Each test builds the hostile input against the in-memory Gobernación del Putumayo issuer
(:class:`examples.demo_setup.DemoIssuer`) and asserts the stable code the verifier answers with.
References: RFC 8725 (JWT Best Current Practices), RFC 7515 (JWS), and the CVE/GHSA ids where
the attack was found in a real library.
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import hmac
import io
import json
import os
import zlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from examples.demo_setup import DID, STATUS_LIST_URL, DemoIssuer
from vcred.did import did_key_from_public_key, did_web_to_url
from vcred.errors import ErrorCode, FetchError, QrError
from vcred.http_fetch import HttpFetcher
from vcred.jose import issue_vc_jwt
from vcred.jose.jws import sign_compact
from vcred.keys import KeyPair, KeyType, b64url_encode
from vcred.qr import decode_embedded, encode_embedded
from vcred.qr.base45 import b45encode
from vcred.qr.dictionary import dictionary
from vcred.signer import KeySigner, Signer
from vcred.status import Bitstring, build_status_list_credential, status_entry
from vcred.verify import (
    Check,
    Outcome,
    Verdict,
    VerificationResult,
    Verifier,
    VerifyPolicy,
    create_verifier,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KID = f"{DID}#key-1"
ALL_OK = {check.value: "ok" for check in Check}
AFTER_SIGNATURE = ("data_model", "validity_period", "status", "schema", "issuer_trust")
JWT_CLAIMS = ("iss", "iat", "exp")


# -- helpers -----------------------------------------------------------------------------------
@pytest.fixture
def demo() -> DemoIssuer:
    return DemoIssuer.create(clock=lambda: NOW)


def make_verifier(demo: DemoIssuer, **kwargs: Any) -> Verifier:
    return create_verifier(
        fetcher=demo.fetcher,
        trust=demo.trust_registry(),
        schemas=demo.schemas,
        clock=demo.clock,
        **kwargs,
    )


def credential_of(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    payload = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return {k: v for k, v in payload.items() if k not in JWT_CLAIMS}


def raw_jws(header: bytes | Mapping[str, Any], payload: bytes, signer: Signer | None) -> str:
    """A compact JWS from exact header and payload bytes, signed by ``signer`` (empty if None)."""
    header_bytes = header if isinstance(header, bytes) else json.dumps(header).encode()
    signing_input = f"{b64url_encode(header_bytes)}.{b64url_encode(payload)}"
    signature = signer.sign(signing_input.encode()) if signer else b""
    return f"{signing_input}.{b64url_encode(signature)}"


def vc_header(**extra: Any) -> dict[str, Any]:
    return {"alg": "EdDSA", "kid": KID, "typ": "vc+jwt", "cty": "vc", **extra}


def payload_bytes(demo: DemoIssuer) -> bytes:
    return json.dumps(credential_of(demo.issue_paz_y_salvo())).encode()


def reissue_with(demo: DemoIssuer, signer: Signer, **changes: Any) -> str:
    """A demo credential with ``changes`` (None removes a property), signed by ``signer``."""
    credential = {**credential_of(demo.issue_paz_y_salvo()), **changes}
    credential = {k: v for k, v in credential.items() if v is not None}
    return issue_vc_jwt(credential, signer=signer, now=NOW, validate=False)


def stopped_at_signature(result: VerificationResult, code: ErrorCode) -> None:
    """The format was recognised, the proof refused, and nothing after it was run."""
    assert result.verdict is not Verdict.VALID
    assert result.authentic is False
    assert result.codes() == {
        "format": "ok",
        "signature": code.value,
        **dict.fromkeys(AFTER_SIGNATURE, "not_applicable"),
    }
    assert result.credential is None


def format_refused(result: VerificationResult, code: ErrorCode) -> None:
    assert result.verdict is Verdict.INVALID
    assert result.authentic is False
    assert result.codes()["format"] == code.value
    assert result.check(Check.FORMAT).outcome is Outcome.FAILED


def forger(key_id: str = KID, key_type: KeyType = KeyType.ED25519) -> KeySigner:
    return KeySigner(KeyPair.generate(key_type), key_id)


# -- algorithm attacks -------------------------------------------------------------------------
@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
@pytest.mark.parametrize("signed", [False, True], ids=["stripped", "with-signature"])
def test_alg_none(demo: DemoIssuer, alg: str, signed: bool) -> None:
    """RFC 8725 §3.1 / CVE-2015-9235: an unsecured JWS is never accepted, in any letter case."""
    token = raw_jws(vc_header(alg=alg), payload_bytes(demo), demo.signer if signed else None)
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.ALG_NONE)


@pytest.mark.parametrize("secret_form", ["raw", "pem", "jwk", "multibase"])
def test_hs256_key_confusion_with_the_public_key_as_hmac_secret(
    demo: DemoIssuer, secret_form: str
) -> None:
    """RFC 8725 §3.1 / CVE-2016-10555, CVE-2022-29217 (pyjwt GHSA-ffqj-6fqr-9h24): a token MACed
    with the issuer's *public* key must not verify as if it were signed."""
    public = demo.key.public_key
    secret = {
        "raw": public.raw,
        "pem": public.to_pem(),
        "jwk": json.dumps(public.to_jwk()).encode(),
        "multibase": public.to_multibase().encode(),
    }[secret_form]
    header = b64url_encode(json.dumps(vc_header(alg="HS256")).encode())
    body = b64url_encode(payload_bytes(demo))
    mac = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    token = f"{header}.{body}.{b64url_encode(mac)}"
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.ALG_NOT_ALLOWED)
    # Even a caller who wrongly allows HS256 gets no HMAC check with an asymmetric key.
    permissive = VerifyPolicy(algorithms=frozenset({"HS256", "EdDSA", "ES256"}))
    result = make_verifier(demo, policy=permissive).verify(token)
    stopped_at_signature(result, ErrorCode.ALG_KEY_MISMATCH)


def test_es256_token_for_an_ed25519_key(demo: DemoIssuer) -> None:
    """RFC 8725 §3.1 (algorithm confusion): ``alg`` must belong to the resolved key's type."""
    token = issue_vc_jwt(
        credential_of(demo.issue_paz_y_salvo()), signer=forger(key_type=KeyType.P256), now=NOW
    )
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.ALG_KEY_MISMATCH)


def test_eddsa_token_for_a_p256_key() -> None:
    """RFC 8725 §3.1: the reverse confusion, against an issuer whose key is P-256."""
    demo = DemoIssuer.create(clock=lambda: NOW, key_type=KeyType.P256)
    assert make_verifier(demo).verify(demo.issue_paz_y_salvo()).verdict is Verdict.VALID
    token = issue_vc_jwt(credential_of(demo.issue_paz_y_salvo()), signer=forger(), now=NOW)
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.ALG_KEY_MISMATCH)


def test_algorithm_outside_the_callers_allow_list(demo: DemoIssuer) -> None:
    """RFC 8725 §3.1: the caller names the algorithms; a valid EdDSA token is refused when only
    ES256 is allowed."""
    token = demo.issue_paz_y_salvo()
    only_es256 = VerifyPolicy(algorithms=frozenset({"ES256"}))
    result = make_verifier(demo, policy=only_es256).verify(token)
    stopped_at_signature(result, ErrorCode.ALG_NOT_ALLOWED)


# -- key discovery attacks ---------------------------------------------------------------------
def test_embedded_jwk_jku_x5u_x5c_headers_are_ignored(demo: DemoIssuer) -> None:
    """RFC 8725 §3.10 / CVE-2018-0114 (node-jose embedded ``jwk``): keys offered by the token
    itself are never used and URLs in it never fetched; only ``kid`` in the issuer's DID
    document counts."""
    attacker = forger()
    jwk = attacker.public_key.to_jwk()
    jku, x5u = "https://atacante.example/jwks.json", "https://atacante.example/cert.pem"
    demo.fetcher.put(jku, json.dumps({"keys": [jwk]}))
    demo.fetcher.put(x5u, b"-----BEGIN CERTIFICATE-----")
    hostile = {"jwk": jwk, "jku": jku, "x5u": x5u, "x5c": ["MIIBaTCCAQ+gAwIBAgIU"]}
    credential = credential_of(demo.issue_paz_y_salvo())
    token = sign_compact({"typ": "vc+jwt", "cty": "vc", **hostile}, credential, signer=attacker)
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.SIGNATURE_INVALID)
    assert jku not in demo.fetcher.calls and x5u not in demo.fetcher.calls
    # Without a kid, the embedded key does not stand in for one either.
    token = sign_compact(
        {"typ": "vc+jwt", "cty": "vc", "kid": None, **hostile}, credential, signer=attacker
    )
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.MISSING_KID)
    # The issuer's own token with the same extra headers still verifies: they are just ignored.
    token = sign_compact({"typ": "vc+jwt", "cty": "vc", **hostile}, credential, signer=demo.signer)
    assert make_verifier(demo).verify(token).codes() == ALL_OK


@pytest.mark.parametrize(
    ("kid", "code"),
    [
        ("../../../../etc/passwd", ErrorCode.KID_ISSUER_MISMATCH),
        ("/etc/passwd", ErrorCode.KID_ISSUER_MISMATCH),
        ("file:///etc/passwd", ErrorCode.KID_ISSUER_MISMATCH),
        ("https://atacante.example/key.json", ErrorCode.KID_ISSUER_MISMATCH),
        ("#../../../../etc/passwd", ErrorCode.KID_NOT_RESOLVED),
        (f"{DID}#../../../etc/shadow", ErrorCode.KID_NOT_RESOLVED),
        # Quotes and spaces are not DID URL syntax: refused before any lookup.
        (f"{DID}#key-1' OR '1'='1", ErrorCode.DID_INVALID),
        ("key-1'; DROP TABLE keys; --", ErrorCode.KID_ISSUER_MISMATCH),
        (f"{DID}:..:..:otra-entidad#key-1", ErrorCode.KID_ISSUER_MISMATCH),
        ("\x00/dev/zero", ErrorCode.KID_ISSUER_MISMATCH),
    ],
)
def test_kid_path_traversal_and_injection(
    demo: DemoIssuer, monkeypatch: pytest.MonkeyPatch, kid: str, code: ErrorCode
) -> None:
    """RFC 8725 §3.10: ``kid`` is attacker-controlled; it is only ever looked up in the issuer's
    DID document — never a file, a query, or a URL of its own."""
    verifier = make_verifier(demo)
    verifier.verify(demo.issue_paz_y_salvo())  # warm every cache and lazy import
    token = reissue_with(demo, KeySigner(demo.key, kid))
    demo.fetcher.calls.clear()

    def no_files(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("verification touched the filesystem")

    monkeypatch.setattr(builtins, "open", no_files)
    monkeypatch.setattr(io, "open", no_files)
    monkeypatch.setattr(os, "open", no_files)
    result = verifier.verify(token)
    monkeypatch.undo()
    stopped_at_signature(result, code)
    assert set(demo.fetcher.calls) <= {did_web_to_url(DID)}


def test_issuer_substitution_with_the_kid_of_another_did(demo: DemoIssuer) -> None:
    """VC-JOSE-COSE §4 / RFC 8725 §3.10: a token naming the Gobernación as issuer but signed with
    the attacker's own, perfectly resolvable did:key is refused: the key must be the issuer's."""
    pair = KeyPair.generate()
    attacker_did = did_key_from_public_key(pair.public_key)
    attacker = KeySigner(pair, f"{attacker_did}#{attacker_did.removeprefix('did:key:')}")
    token = reissue_with(demo, attacker)
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.KID_ISSUER_MISMATCH)
    # The reverse: the attacker's DID as issuer, the Gobernación's kid (and a forged signature).
    token = reissue_with(demo, forger(), issuer=attacker_did)
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.KID_ISSUER_MISMATCH)


def test_self_issued_lookalike_is_authentic_but_untrusted(demo: DemoIssuer) -> None:
    """Anyone can sign with their own did:key and call themselves "Gobernación del Putumayo":
    the signature is fine, the trust registry is what refuses it."""
    pair = KeyPair.generate()
    attacker_did = did_key_from_public_key(pair.public_key)
    attacker = KeySigner(pair, f"{attacker_did}#{attacker_did.removeprefix('did:key:')}")
    token = reissue_with(
        demo,
        attacker,
        issuer={"id": attacker_did, "name": "Gobernación del Putumayo"},
        credentialStatus=None,
    )
    result = make_verifier(demo).verify(token)
    assert result.verdict is Verdict.INVALID
    assert result.authentic is True
    assert result.codes() == {
        **ALL_OK,
        "status": "not_applicable",
        "issuer_trust": "issuer_untrusted",
    }


def test_lookalike_issuer_name_is_not_reported_as_the_entity(demo: DemoIssuer) -> None:
    """Display spoofing: with a trust registry, the entity name shown must come from it."""
    pair = KeyPair.generate()
    attacker_did = did_key_from_public_key(pair.public_key)
    attacker = KeySigner(pair, f"{attacker_did}#{attacker_did.removeprefix('did:key:')}")
    token = reissue_with(
        demo,
        attacker,
        issuer={"id": attacker_did, "name": "Gobernación del Putumayo"},
        credentialStatus=None,
    )
    result = make_verifier(demo).verify(token)
    assert result.codes()["issuer_trust"] == "issuer_untrusted"
    assert result.issuer_name is None


# -- header and encoding tricks ----------------------------------------------------------------
@pytest.mark.parametrize("crit", [["exp"], ["b64"], [], ["https://vcred.example/x"]])
def test_crit_header_is_refused(demo: DemoIssuer, crit: list[str]) -> None:
    """RFC 7515 §4.1.11: a JWS with critical extensions the recipient does not understand MUST be
    rejected (an attacker can otherwise add semantics the verifier silently drops)."""
    token = raw_jws(vc_header(crit=crit, exp=0), payload_bytes(demo), demo.signer)
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.CRIT_UNSUPPORTED)


@pytest.mark.parametrize("crit", [True, False], ids=["with-crit", "without-crit"])
def test_unencoded_payload_b64_false_is_refused(demo: DemoIssuer, crit: bool) -> None:
    """RFC 7797 §3, §6: ``b64: false`` changes what the signature covers; vcred does not do it."""
    extra: dict[str, Any] = {"b64": False, **({"crit": ["b64"]} if crit else {})}
    header = b64url_encode(json.dumps(vc_header(**extra)).encode())
    payload = payload_bytes(demo)
    signing_input = header.encode() + b"." + payload
    token = f"{header}.{b64url_encode(payload)}.{b64url_encode(demo.signer.sign(signing_input))}"
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.CRIT_UNSUPPORTED)


def test_duplicate_json_members_in_the_payload(demo: DemoIssuer) -> None:
    """RFC 7515 §5.2 / RFC 8259 §4: duplicate member names are refused, since parsers disagree on
    which one wins (here: two issuers, one signature)."""
    text = payload_bytes(demo).decode()
    duplicated = text.replace('"issuer":', '"issuer": "did:key:z6MkAtacante", "issuer":', 1)
    assert duplicated != text
    token = raw_jws(vc_header(), duplicated.encode(), demo.signer)
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.MALFORMED_JSON)


def test_duplicate_json_members_in_the_header(demo: DemoIssuer) -> None:
    """RFC 7515 §5.2: a header with two ``alg`` members is not a JWS vcred will read at all."""
    header = b'{"alg":"none","kid":"' + KID.encode() + b'","typ":"vc+jwt","cty":"vc","alg":"EdDSA"}'
    token = raw_jws(header, payload_bytes(demo), demo.signer)
    format_refused(make_verifier(demo).verify(token), ErrorCode.UNKNOWN_FORMAT)


def _flip_unused_bits(part: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    unused = {2: 0x0F, 3: 0x03}[len(part) % 4]
    last = alphabet.index(part[-1])
    return part[:-1] + alphabet[last | unused if not last & unused else last & ~unused]


@pytest.mark.parametrize("which", ["signature", "payload", "header"])
def test_non_canonical_base64url_is_refused(demo: DemoIssuer, which: str) -> None:
    """RFC 4648 §3.5 / RFC 7515 §2: flipping the unused low bits of the last character decodes
    to the same bytes; accepting it makes signatures malleable (one credential, many tokens)."""
    header, payload = json.dumps(vc_header()).encode(), payload_bytes(demo)
    # Pad with JSON whitespace until the part's last character carries unused bits.
    while which == "header" and len(b64url_encode(header)) % 4 not in (2, 3):
        header += b" "
    while which == "payload" and len(b64url_encode(payload)) % 4 not in (2, 3):
        payload += b" "
    token = raw_jws(header, payload, demo.signer)
    assert make_verifier(demo).verify(token).codes() == ALL_OK
    parts = dict(zip(["header", "payload", "signature"], token.split("."), strict=True))
    parts[which] = _flip_unused_bits(parts[which])
    mutated = ".".join(parts.values())
    assert mutated != token
    result = make_verifier(demo).verify(mutated)
    assert result.verdict is Verdict.INVALID
    assert not result.authentic
    if which == "header":  # an unreadable header is not recognised as a JWS at all
        format_refused(result, ErrorCode.UNKNOWN_FORMAT)
    else:
        stopped_at_signature(result, ErrorCode.MALFORMED_BASE64)


def test_ed25519_signature_is_always_64_bytes_so_the_last_char_has_unused_bits(
    demo: DemoIssuer,
) -> None:
    # 64 bytes → 86 base64url characters: the malleability above is always exercised for it.
    assert len(demo.issue_paz_y_salvo().split(".")[2]) % 4 == 2


# -- token type confusion ----------------------------------------------------------------------
def test_plain_jwt_typed_token_is_not_taken_as_vc_jwt(demo: DemoIssuer) -> None:
    """RFC 8725 §3.11 (explicit typing) / §2.8 (cross-JWT confusion): a ``typ: JWT`` token
    carrying a VC 2.0 credential is read only as VC-JWT 1.1 (which needs a ``vc`` claim), and
    is refused outright when the caller accepts only ``vc+jwt``."""
    credential = credential_of(demo.issue_paz_y_salvo())
    token = sign_compact({"typ": "JWT"}, credential, signer=demo.signer)
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.VC_CLAIM_MISSING)
    strict = make_verifier(demo, policy=VerifyPolicy(formats=("vc+jwt",)))
    format_refused(strict.verify(token), ErrorCode.BAD_TYP)


@pytest.mark.parametrize(
    "typ", ["vp+jwt", "dc+sd-jwt", "at+jwt", "application/vp+jwt", "JOSE", None, 1]
)
def test_other_token_types_are_not_taken_as_vc_jwt(demo: DemoIssuer, typ: object) -> None:
    """RFC 8725 §3.11: a presentation, an SD-JWT VC, an access token or an untyped JWS that happens
    to carry a credential-shaped payload is not a ``vc+jwt``."""
    header = {"typ": typ} if typ is not None else {"typ": None}
    credential = credential_of(demo.issue_paz_y_salvo())
    token = sign_compact({**header, "cty": "vc"}, credential, signer=demo.signer)
    format_refused(make_verifier(demo).verify(token), ErrorCode.BAD_TYP)


def test_wrong_cty_is_refused(demo: DemoIssuer) -> None:
    """VC-JOSE-COSE §3.1.1: ``cty`` names the secured content; a ``vp`` is not a credential."""
    credential = credential_of(demo.issue_paz_y_salvo())
    token = sign_compact({"typ": "vc+jwt", "cty": "vp"}, credential, signer=demo.signer)
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.BAD_CTY)


def test_vc_claim_inside_a_vc_jwt_is_refused(demo: DemoIssuer) -> None:
    """VC-JOSE-COSE §3.1.3: ``vc``/``vp`` claims MUST NOT appear, so a token cannot say two
    different things to a 1.1 reader and a 2.0 reader."""
    credential = credential_of(demo.issue_paz_y_salvo())
    token = sign_compact(
        {"typ": "vc+jwt", "cty": "vc"},
        {**credential, "vc": {"credentialSubject": {"nombres": "Otro"}}},
        signer=demo.signer,
    )
    stopped_at_signature(make_verifier(demo).verify(token), ErrorCode.VC_VP_CLAIMS_FORBIDDEN)


# -- signature stripping -----------------------------------------------------------------------
def test_signature_stripping(demo: DemoIssuer) -> None:
    """RFC 8725 §3.1: removing the signature (empty third part, or no third part) never yields
    an accepted token."""
    header, payload, _ = demo.issue_paz_y_salvo().split(".")
    verifier = make_verifier(demo)
    stopped_at_signature(verifier.verify(f"{header}.{payload}."), ErrorCode.SIGNATURE_INVALID)
    format_refused(verifier.verify(f"{header}.{payload}"), ErrorCode.UNKNOWN_FORMAT)
    stopped_at_signature(verifier.verify(f"{header}.{payload}.AA"), ErrorCode.SIGNATURE_INVALID)


# -- decompression bombs -----------------------------------------------------------------------
def test_decompression_bomb_in_the_status_list(demo: DemoIssuer) -> None:
    """Bitstring Status List §3.4 / CWE-409: a signed list whose ``encodedList`` gunzips beyond the
    cap is refused while streaming, without inflating it."""
    import gzip

    from vcred.status import DEFAULT_MAX_LIST_BYTES

    token = demo.issue_paz_y_salvo()
    credential = build_status_list_credential(
        list_url=STATUS_LIST_URL,
        issuer=DID,
        bitstring=Bitstring(),
        purpose="revocation",
        valid_from=NOW - timedelta(minutes=1),
        valid_until=NOW + timedelta(days=1),
    )
    bomb = gzip.compress(bytes(DEFAULT_MAX_LIST_BYTES + 2**20), compresslevel=9, mtime=0)
    credential["credentialSubject"]["encodedList"] = "u" + b64url_encode(bomb)
    demo.fetcher.put(STATUS_LIST_URL, issue_vc_jwt(credential, signer=demo.signer, now=NOW))
    result = make_verifier(demo).verify(token)
    assert result.verdict is Verdict.INDETERMINATE
    assert result.codes() == {**ALL_OK, "status": "status_list_too_large"}


def test_status_list_substitution_by_another_issuer(demo: DemoIssuer) -> None:
    """Whoever can serve bytes at the list URL (a compromised bucket or CDN, a poisoned offline
    bundle) must not be able to clear a revocation with a list signed by their own key."""
    token = demo.issue_paz_y_salvo()
    demo.revoke(credential_of(token)["id"])
    pair = KeyPair.generate()
    did = did_key_from_public_key(pair.public_key)
    attacker = KeySigner(pair, f"{did}#{did.removeprefix('did:key:')}")
    clean = build_status_list_credential(
        list_url=STATUS_LIST_URL,
        issuer=did,
        bitstring=Bitstring(),
        purpose="revocation",
        valid_from=NOW - timedelta(minutes=1),
        valid_until=NOW + timedelta(days=1),
    )
    demo.fetcher.put(STATUS_LIST_URL, issue_vc_jwt(clean, signer=attacker, now=NOW))
    result = make_verifier(demo).verify(token)
    assert result.codes()["status"] != "ok"
    assert result.verdict is not Verdict.VALID


def _qr_bomb(kind: int, size: int) -> str:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zdict=dictionary(1))
    deflated = compressor.compress(bytes(size)) + compressor.flush()
    # kind 0x01: header length 16, no signature, deflate(header || payload); kind 0x02: text.
    prefix = bytes([0x01, 0x10, 0x00]) if kind == 0x01 else bytes([0x02])
    frame = prefix + deflated
    return "VC1:" + b45encode(frame)


@pytest.mark.parametrize("kind", [0x01, 0x02], ids=["jws-frame", "text-frame"])
def test_decompression_bomb_in_the_embedded_qr_payload(demo: DemoIssuer, kind: int) -> None:
    """CWE-409: a payload that fits one QR code but would inflate to 2 MB is refused once the
    output passes the 64 kB cap (``qr_too_large``)."""
    bomb = _qr_bomb(kind, 2 * 1024 * 1024)
    assert len(bomb) < 4296  # it fits in a QR code
    with pytest.raises(QrError) as info:
        decode_embedded(bomb)
    assert info.value.code is ErrorCode.QR_TOO_LARGE
    format_refused(make_verifier(demo).verify(bomb), ErrorCode.QR_TOO_LARGE)
    # A real token still round-trips through the same path.
    token = demo.issue_paz_y_salvo()
    assert make_verifier(demo).verify(encode_embedded(token)).codes() == ALL_OK


# -- SSRF --------------------------------------------------------------------------------------
class FakeDns:
    """A ``resolve_host`` that answers from a table (no real DNS) and records the questions."""

    def __init__(self, answers: Mapping[str, Sequence[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host: str, port: int, timeout: float) -> Sequence[str]:
        self.asked.append(host)
        return self.answers[host]


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test."""
    import socket

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.5",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space
        "0.0.0.0",  # noqa: S104
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    ],
)
@pytest.mark.usefixtures("no_sockets")
def test_ssrf_did_web_resolving_to_internal_addresses_is_refused(address: str) -> None:
    """CWE-918 / RFC 8725 §3.10 / did:web §Security: a did:web host that resolves to a loopback,
    private, link-local or metadata address is never connected to."""
    dns = FakeDns({"gobernacion.example": [address]})
    fetcher = HttpFetcher(resolve_host=dns)
    with pytest.raises(FetchError) as info:
        fetcher.fetch(did_web_to_url("did:web:gobernacion.example"))
    assert info.value.code is ErrorCode.FETCH_BLOCKED_ADDRESS
    assert dns.asked == ["gobernacion.example"]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/.well-known/did.json",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/did.json",
        "https://10.1.2.3:8443/estado/1",
    ],
)
@pytest.mark.usefixtures("no_sockets")
def test_ssrf_ip_literal_urls_are_refused(url: str) -> None:
    """CWE-918: IP literals are checked like resolved names (and never reach DNS)."""
    dns = FakeDns({})
    with pytest.raises(FetchError) as info:
        HttpFetcher(resolve_host=dns).fetch(url)
    assert info.value.code is ErrorCode.FETCH_BLOCKED_ADDRESS
    assert dns.asked == []


def test_ssrf_mixed_answers_connect_only_to_the_public_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name resolving to both private and public addresses (DNS rebinding, split horizon) is
    connected only to the checked public one — and to exactly that address, never re-resolved."""
    import socket

    connected: list[object] = []

    class RecordingSocket:
        def __init__(self, *_args: object, **_kwargs: object) -> None:
            pass

        def settimeout(self, _value: float) -> None:
            pass

        def connect(self, address: object) -> None:
            connected.append(address)
            raise ConnectionRefusedError("no network in tests")

        def close(self) -> None:
            pass

    monkeypatch.setattr(socket, "socket", RecordingSocket)
    answers = ["127.0.0.1", "10.0.0.1", "203.0.114.7", "169.254.169.254"]
    fetcher = HttpFetcher(resolve_host=FakeDns({"mixto.example": answers}))
    with pytest.raises(FetchError) as info:
        fetcher.fetch("https://mixto.example/did.json")
    assert info.value.code is ErrorCode.FETCH_FAILED
    assert connected == [("203.0.114.7", 443)]


@pytest.mark.usefixtures("no_sockets")
def test_ssrf_through_the_verifier(demo: DemoIssuer) -> None:
    """End to end: a credential from ``did:web:metadata.example`` (which resolves to the cloud
    metadata address) is not authentic, undecided, and no connection is made."""
    issuer = "did:web:metadata.example"
    signer = KeySigner(KeyPair.generate(), f"{issuer}#key-1")
    token = reissue_with(demo, signer, issuer=issuer)
    dns = FakeDns({"metadata.example": ["169.254.169.254"]})
    verifier = create_verifier(fetcher=HttpFetcher(resolve_host=dns), clock=lambda: NOW)
    result = verifier.verify(token)
    assert dns.asked == ["metadata.example"]
    assert result.verdict is Verdict.INDETERMINATE
    stopped_at_signature(result, ErrorCode.DID_NOT_FOUND)


@pytest.mark.usefixtures("no_sockets")
def test_ssrf_through_a_status_list_url(demo: DemoIssuer) -> None:
    """Anyone can sign a did:key credential whose ``statusListCredential`` points inside the
    verifier's network. With a trust registry such a list is never fetched; without one, the
    fetcher's address policy is what stops it."""
    pair = KeyPair.generate()
    did = did_key_from_public_key(pair.public_key)
    signer = KeySigner(pair, f"{did}#{did.removeprefix('did:key:')}")
    internal = "https://estado.interno.example/lista/1"
    token = reissue_with(
        demo, signer, issuer=did, credentialStatus=status_entry(list_url=internal, index=7)
    )
    dns = FakeDns({"estado.interno.example": ["10.0.0.8"]})
    verifier = create_verifier(fetcher=HttpFetcher(resolve_host=dns), clock=lambda: NOW)
    result = verifier.verify(token)
    assert dns.asked == ["estado.interno.example"]
    assert result.authentic
    assert result.codes()["status"] == "status_unreachable"
    assert result.verdict is Verdict.INDETERMINATE
