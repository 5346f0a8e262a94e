"""The W3C vc-jose-cose test-suite cases (../shared/vectors/vc-jose-cose), JOSE credential part.

Presentations (vp+jwt), SD-JWT and COSE cases belong to later issues and are listed in the README
of this folder; the credential cases below run here with the suite's own keys.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from vcred.did import parse_verification_method
from vcred.errors import ErrorCode, VcredError
from vcred.jose import issue_vc_jwt, verify_vc_jwt
from vcred.key_resolver import StaticKeyResolver
from vcred.keys import KeyPair
from vcred.signer import KeySigner

pytestmark = pytest.mark.vectors

NOW = datetime(2026, 11, 23, tzinfo=UTC)
ISSUER = "https://example.issuer/vc-jose-cose"


@pytest.fixture(scope="module")
def suite(vectors: Path) -> Path:
    return vectors / "vc-jose-cose" / "tests" / "input"


def _method(suite: Path, name: str) -> tuple[object, dict[str, object]]:
    data = json.loads((suite / f"vm-{name}.json").read_text())
    public = {k: v for k, v in data.items() if k != "secretKeyJwk"}
    return parse_verification_method(public), data


def _resolver(suite: Path, *names: str) -> StaticKeyResolver:
    return StaticKeyResolver({ISSUER: [_method(suite, n)[0] for n in names]})  # type: ignore[misc]


def _token(suite: Path, name: str) -> str:
    return (suite / name).read_text().strip()


@pytest.mark.parametrize(
    ("case", "file", "key"),
    [
        ("6 basic credential (ES256)", "credential-jose-minimal.txt", "p256"),
        ("8 issuer match (EdDSA)", "credential-issuer-match-signed.txt", "ed25519"),
    ],
)
def test_credentials_the_suite_expects_to_verify(
    suite: Path, case: str, file: str, key: str
) -> None:
    verified = verify_vc_jwt(_token(suite, file), key_resolver=_resolver(suite, key), now=NOW)
    assert verified.credential["issuer"] == ISSUER
    # The suite writes iat as a date string; claims not understood are ignored, with a warning.
    assert verified.warnings == ("jwt_iat_ignored",)


@pytest.mark.parametrize(
    ("case", "file", "code"),
    [
        (
            "9 unknown extensions, paired with the Ed25519 key",
            "credential-jose-unknown-extensions.txt",
            ErrorCode.ALG_NOT_ALLOWED,
        ),
        ("12 invalid signature", "credential-jose-bad-signature.txt", ErrorCode.SIGNATURE_INVALID),
        ("13 invalid media type", "credential-jose-bad-media-type.txt", ErrorCode.BAD_TYP),
        (
            "15 vc and vp claims",
            "credential-jose-vc-vp-claims.txt",
            ErrorCode.VC_VP_CLAIMS_FORBIDDEN,
        ),
    ],
)
def test_credentials_the_suite_expects_to_fail(
    suite: Path, case: str, file: str, code: ErrorCode
) -> None:
    with pytest.raises(VcredError) as info:
        verify_vc_jwt(_token(suite, file), key_resolver=_resolver(suite, "ed25519"), now=NOW)
    assert info.value.code is code


@pytest.mark.parametrize("file", ["credential-minimal.json", "presentation-single.json"])
def test_unsecured_documents_do_not_verify(suite: Path, file: str) -> None:
    """Cases 10 and 11: a bare JSON document is not a vc+jwt."""
    with pytest.raises(VcredError) as info:
        verify_vc_jwt((suite / file).read_text(), key_resolver=_resolver(suite, "ed25519"), now=NOW)
    assert info.value.code is ErrorCode.MALFORMED_TOKEN


@pytest.mark.parametrize("key", ["p256", "ed25519"])
def test_issuing_the_suite_credential_round_trips(suite: Path, key: str) -> None:
    """Case 1 (with the suite's P-256 key) and the Ed25519 key: issue, then verify."""
    _, data = _method(suite, key)
    signer = KeySigner(KeyPair.from_jwk(data["secretKeyJwk"]), str(data["id"]))
    credential = json.loads((suite / "credential-minimal.json").read_text())
    token = issue_vc_jwt(credential, signer=signer, now=NOW)
    verified = verify_vc_jwt(token, key_resolver=_resolver(suite, key), now=NOW)
    assert verified.credential["credentialSubject"] == credential["credentialSubject"]


def test_p384_issuance_is_refused_as_unsupported(suite: Path) -> None:
    """Case 2 uses P-384, a key type vcred deliberately does not sign with."""
    data = json.loads((suite / "vm-p384.json").read_text())
    with pytest.raises(VcredError) as info:
        KeyPair.from_jwk(data["secretKeyJwk"])
    assert info.value.code is ErrorCode.KEY_UNSUPPORTED
