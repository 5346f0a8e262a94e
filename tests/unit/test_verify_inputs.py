"""What ``Verifier.verify`` accepts, and how it answers junk: always a result, never an exception.

Accepted shapes (VC DM 2.0 §4.13, VC-JOSE-COSE §3.1.1): the compact ``vc+jwt`` as text or bytes,
the embedded QR payload (``VC1:…``), a ``data:application/vc+jwt,`` URL, an
``EnvelopedVerifiableCredential`` object and its JSON text. Anything else fails the *format* check
with a stable code, and every later check is reported as skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examples.demo_setup import DemoIssuer
from vcred.errors import ErrorCode, InvalidInputError
from vcred.formats.base import MAX_INPUT_CHARS
from vcred.jsonutil import loads_bounded
from vcred.qr import encode_embedded
from vcred.verify import Check, Outcome, Verdict, VerificationResult, Verifier, create_verifier

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ALL_OK = {check.value: "ok" for check in Check}
LATER_CHECKS = [c.value for c in Check][1:]


@pytest.fixture(scope="module")
def demo() -> DemoIssuer:
    return DemoIssuer.create(clock=lambda: NOW)


@pytest.fixture(scope="module")
def token(demo: DemoIssuer) -> str:
    return demo.issue_paz_y_salvo()


@pytest.fixture(scope="module")
def verifier(demo: DemoIssuer) -> Verifier:
    return create_verifier(
        fetcher=demo.fetcher, trust=demo.trust_registry(), schemas=demo.schemas, clock=demo.clock
    )


def enveloped(token: str) -> dict[str, Any]:
    """VC DM 2.0 §4.13: the secured credential as the id of an EnvelopedVerifiableCredential."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def assert_format_failure(result: VerificationResult, code: ErrorCode) -> None:
    assert isinstance(result, VerificationResult)
    assert result.verdict is Verdict.INVALID
    assert not result.verified and not result.authentic
    assert result.codes() == {"format": code.value, **dict.fromkeys(LATER_CHECKS, "not_applicable")}
    assert result.check(Check.FORMAT).outcome is Outcome.FAILED
    assert all(c.outcome is Outcome.SKIPPED for c in result.checks[1:])
    assert all(c.message_es and c.message_en for c in result.checks)
    assert result.credential is None
    json.dumps(result.to_dict())


# -- every accepted shape ------------------------------------------------------------------
SHAPES: dict[str, Callable[[str], Any]] = {
    "compact": lambda t: t,
    "compact-with-whitespace": lambda t: f"  {t}\n",
    "bytes": lambda t: t.encode("ascii"),
    "qr-embedded": encode_embedded,
    "qr-embedded-bytes": lambda t: encode_embedded(t).encode("ascii"),
    "data-url": lambda t: f"data:application/vc+jwt,{t}",
    "enveloped-object": enveloped,
    "enveloped-json-text": lambda t: json.dumps(enveloped(t)),
    "enveloped-json-bytes": lambda t: json.dumps(enveloped(t)).encode("utf-8"),
    "enveloped-type-list": lambda t: {
        **enveloped(t),
        "type": ["VerifiableCredential", "EnvelopedVerifiableCredential"],
    },
}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_accepted_shape_verifies(verifier: Verifier, token: str, shape: str) -> None:
    result = verifier.verify(SHAPES[shape](token))
    assert result.verdict is Verdict.VALID
    assert result.codes() == ALL_OK
    assert result.format == "vc+jwt"
    assert result.credential_types == ("VerifiableCredential", "CertificadoPazYSalvo")


def test_qr_payload_is_the_same_credential(verifier: Verifier, token: str) -> None:
    direct = verifier.verify(token)
    scanned = verifier.verify(encode_embedded(token))
    assert scanned.credential == direct.credential


# -- shapes that are refused ---------------------------------------------------------------
def test_bare_unsigned_credential_is_not_verifiable(verifier: Verifier, token: str) -> None:
    result = verifier.verify(verifier.verify(token).credential or {})
    assert_format_failure(result, ErrorCode.UNKNOWN_FORMAT)


def test_bare_unsigned_credential_as_json_text(verifier: Verifier, token: str) -> None:
    credential = verifier.verify(token).credential
    assert_format_failure(verifier.verify(json.dumps(credential)), ErrorCode.UNKNOWN_FORMAT)


def test_data_integrity_credential_is_not_supported_yet(verifier: Verifier, token: str) -> None:
    credential = dict(verifier.verify(token).credential or {})
    credential["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": "did:web:localhost%3A8000:entidades:gobernacion-putumayo#key-1",
        "proofPurpose": "assertionMethod",
        "proofValue": "z58DAdFfa9SkqZMVPxAQpic7ndSayn1PzZs6ZjWp1CktyGesjuTSwRdo",
    }
    assert_format_failure(verifier.verify(credential), ErrorCode.UNKNOWN_FORMAT)
    assert_format_failure(verifier.verify(json.dumps(credential)), ErrorCode.UNKNOWN_FORMAT)


@pytest.mark.parametrize(
    "ident",
    [
        None,
        42,
        "urn:uuid:0b3c7f52-2a3e-4d0e-9a7c-6b1f0a2f3c11",
        "data:application/json,{}",
        "https://example.org/credential.jwt",
    ],
)
def test_enveloped_credential_needs_a_vc_jwt_data_url(verifier: Verifier, ident: object) -> None:
    value = {"type": "EnvelopedVerifiableCredential", "id": ident}
    assert_format_failure(verifier.verify(value), ErrorCode.MALFORMED_INPUT)


def test_enveloped_credential_with_junk_inside(verifier: Verifier) -> None:
    result = verifier.verify(enveloped("not.a.token"))
    assert_format_failure(result, ErrorCode.UNKNOWN_FORMAT)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("", ErrorCode.UNKNOWN_FORMAT),
        ("   ", ErrorCode.UNKNOWN_FORMAT),
        ("hola", ErrorCode.UNKNOWN_FORMAT),
        ("a.b.c", ErrorCode.UNKNOWN_FORMAT),
        ("..", ErrorCode.UNKNOWN_FORMAT),
        ("eyJhbGciOiJFZERTQSJ9", ErrorCode.UNKNOWN_FORMAT),
        ("data:application/vc+jwt,", ErrorCode.UNKNOWN_FORMAT),
        ("null", ErrorCode.UNKNOWN_FORMAT),
        ("[]", ErrorCode.UNKNOWN_FORMAT),
        ("{", ErrorCode.MALFORMED_JSON),
        ('{"a": NaN}', ErrorCode.MALFORMED_JSON),
        ('{"type": "x", "type": "y"}', ErrorCode.MALFORMED_JSON),
        ("VC1:", ErrorCode.QR_PAYLOAD_INVALID),
        ("VC1:A", ErrorCode.QR_PAYLOAD_INVALID),  # not base45
        ("VC1:UD0GECUJC93D", ErrorCode.QR_PAYLOAD_INVALID),  # text frame, corrupt deflate
        ("VC1:ABC", ErrorCode.QR_VERSION_UNSUPPORTED),  # a frame kind vcred does not know
        ("VC9:0000", ErrorCode.QR_VERSION_UNSUPPORTED),
        (b"\xff\xfe\x00", ErrorCode.MALFORMED_INPUT),
        (b"", ErrorCode.UNKNOWN_FORMAT),
        (None, ErrorCode.MALFORMED_INPUT),
        (42, ErrorCode.MALFORMED_INPUT),
        (["eyJ"], ErrorCode.MALFORMED_INPUT),
        ({}, ErrorCode.UNKNOWN_FORMAT),
    ],
    ids=repr,
)
def test_junk_fails_the_format_check(verifier: Verifier, data: Any, code: ErrorCode) -> None:
    assert_format_failure(verifier.verify(data), code)


def test_oversized_text_is_refused_before_parsing(verifier: Verifier, token: str) -> None:
    huge = token + "A" * (MAX_INPUT_CHARS + 1 - len(token))
    assert_format_failure(verifier.verify(huge), ErrorCode.INPUT_TOO_LARGE)
    assert_format_failure(verifier.verify(huge.encode()), ErrorCode.INPUT_TOO_LARGE)
    padded = json.dumps({**enveloped(token), "relleno": "x" * MAX_INPUT_CHARS})
    assert_format_failure(verifier.verify(padded), ErrorCode.INPUT_TOO_LARGE)


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_deeply_nested_json_is_refused(verifier: Verifier, depth: int) -> None:
    nested = '{"a":' * depth + "1" + "}" * depth
    if len(nested) > MAX_INPUT_CHARS:
        nested = "[" * depth + "]" * depth
    code = (
        ErrorCode.NESTING_TOO_DEEP if len(nested) <= MAX_INPUT_CHARS else ErrorCode.INPUT_TOO_LARGE
    )
    assert_format_failure(verifier.verify(nested), code)


def test_deeply_nested_payload_in_a_signed_token(verifier: Verifier, demo: DemoIssuer) -> None:
    """Nesting is bounded inside the JWS payload too, even when the issuer signed it."""
    from vcred.jose import issue_vc_jwt

    nested: Any = "fondo"
    for _ in range(40):
        nested = {"n": nested}
    credential = dict(verifier.verify(demo.issue_paz_y_salvo()).credential or {})
    credential["credentialSubject"] = {**credential["credentialSubject"], "anidado": nested}
    token = issue_vc_jwt(credential, signer=demo.signer, now=NOW, validate=False)
    result = verifier.verify(token)
    assert result.verdict is Verdict.INVALID
    assert result.codes()["format"] == "ok"
    assert result.codes()["signature"] == "nesting_too_deep"


def test_deeply_nested_open_brackets_only(verifier: Verifier) -> None:
    """A 100k-deep prefix is refused cleanly: malformed where it breaks JSON first, too deep
    where the parser's recursion bound is reached first; never a crash."""
    assert_format_failure(verifier.verify("{" + "[" * 100_000), ErrorCode.MALFORMED_JSON)
    assert_format_failure(verifier.verify("[" * 100_000), ErrorCode.UNKNOWN_FORMAT)
    with pytest.raises(InvalidInputError) as info:
        loads_bounded("[" * 100_000)
    assert info.value.code is ErrorCode.NESTING_TOO_DEEP


# -- never an exception ----------------------------------------------------------------------
def _never_raises(verifier: Verifier, data: Any) -> None:
    result = verifier.verify(data)
    assert isinstance(result, VerificationResult)
    assert [c.check for c in result.checks] == list(Check)
    assert result.verdict in set(Verdict)
    json.dumps(result.to_dict())


_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_raises(verifier: Verifier, text: str) -> None:
    _never_raises(verifier, text)


@_SETTINGS
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(verifier: Verifier, data: bytes) -> None:
    _never_raises(verifier, data)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@_SETTINGS
@given(value=st.dictionaries(st.sampled_from(["type", "id", "proof", "@context"]), _JSON))
def test_arbitrary_objects_never_raise(verifier: Verifier, value: dict[str, Any]) -> None:
    _never_raises(verifier, value)
    _never_raises(verifier, json.dumps(value))


@_SETTINGS
@given(
    header=st.dictionaries(st.sampled_from(["alg", "typ", "kid", "cty", "crit", "b64"]), _JSON),
    payload=st.binary(max_size=64),
    signature=st.binary(max_size=80),
)
def test_arbitrary_jws_shaped_text_never_raises(
    verifier: Verifier, header: dict[str, Any], payload: bytes, signature: bytes
) -> None:
    from vcred.keys import b64url_encode

    text = ".".join(
        [
            b64url_encode(json.dumps(header).encode()),
            b64url_encode(payload),
            b64url_encode(signature),
        ]
    )
    _never_raises(verifier, text)
    _never_raises(verifier, f"data:application/vc+jwt,{text}")


@_SETTINGS
@given(index=st.integers(min_value=0), char=st.characters(codec="ascii"))
def test_one_character_changed_in_a_real_token_never_verifies(
    verifier: Verifier, token: str, index: int, char: str
) -> None:
    index %= len(token)
    if token[index] == char:
        return
    mutated = token[:index] + char + token[index + 1 :]
    result = verifier.verify(mutated)
    assert result.verdict is not Verdict.VALID
    assert not result.authentic
