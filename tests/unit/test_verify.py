"""The verification entry point: the verdict, check by check, on a real (in-memory) issuer.

Every test drives :class:`examples.demo_setup.DemoIssuer` — the Gobernación del Putumayo with its
did:web document and signed revocation list served by a ``StaticFetcher`` — through
``create_verifier`` and asserts ``result.verdict`` and ``result.codes()`` (check → code), never
message text. Time is a mutable :class:`Clock` shared by the issuer and the verifier.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from examples.demo_setup import DID, STATUS_LIST_URL, DemoIssuer
from vcred.errors import ErrorCode, VerificationError
from vcred.jose import issue_vc_jwt
from vcred.keys import KeyPair, b64url_encode
from vcred.signer import KeySigner
from vcred.status import Bitstring, build_status_list_credential, status_entry
from vcred.trust import TrustedIssuer, TrustRegistry
from vcred.verify import (
    Check,
    CheckResult,
    Outcome,
    Verdict,
    VerificationResult,
    Verifier,
    VerifyPolicy,
    create_verifier,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LIST_TTL = timedelta(minutes=5)  # DemoIssuer publishes its lists with ttl 300,000 ms
SUSPENSION_URL = "https://localhost:8000/entidades/gobernacion-putumayo/estado/suspension/1"
ALL_OK = {check.value: "ok" for check in Check}
_JWT_CLAIMS = ("iss", "iat", "exp")


class Clock:
    """A settable clock: ``clock()`` is now; ``clock.advance(minutes=6)`` moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def demo(clock: Clock) -> DemoIssuer:
    return DemoIssuer.create(clock=clock)


def make_verifier(
    demo: DemoIssuer,
    *,
    trust: TrustRegistry | str | None = "demo",
    policy: VerifyPolicy | None = None,
    max_status_staleness: timedelta = timedelta(hours=24),
) -> Verifier:
    """A fresh verifier (empty caches) that reaches the demo issuer only through its fetcher."""
    return create_verifier(
        fetcher=demo.fetcher,
        trust=demo.trust_registry() if trust == "demo" else trust,  # type: ignore[arg-type]
        schemas=demo.schemas,
        clock=demo.clock,
        policy=policy,
        max_status_staleness=max_status_staleness,
    )


def assert_explained(result: VerificationResult) -> None:
    """Every check is reported, in order, with a stable code and both messages."""
    assert [c.check for c in result.checks] == list(Check)
    for item in (*result.checks, *result.warnings):
        assert isinstance(item, CheckResult)
        assert isinstance(item.code, ErrorCode)
        assert item.message_es.strip()
        assert item.message_en.strip()


def run(verifier: Verifier, data: Any, **kwargs: Any) -> VerificationResult:
    result = verifier.verify(data, **kwargs)
    assert_explained(result)
    return result


def payload_of(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def credential_of(token: str) -> dict[str, Any]:
    """The unsecured credential of a demo token (without the JWT claims issuing adds)."""
    return {k: v for k, v in payload_of(token).items() if k not in _JWT_CLAIMS}


def reissue(
    demo: DemoIssuer,
    token: str,
    *,
    signer: KeySigner | None = None,
    subject: Mapping[str, Any] | None = None,
    **changes: Any,
) -> str:
    """Re-sign a demo credential with ``changes`` (a value of None removes the property), past
    every builder check (``validate=False``): what a faulty or hostile issuer could produce."""
    credential = credential_of(token)
    if subject is not None:
        credential["credentialSubject"] = {**credential["credentialSubject"], **subject}
    for name, value in changes.items():
        if value is None:
            credential.pop(name, None)
        else:
            credential[name] = value
    return issue_vc_jwt(credential, signer=signer or demo.signer, now=demo.clock(), validate=False)


def signed_list(demo: DemoIssuer, credential: Mapping[str, Any]) -> str:
    return issue_vc_jwt(credential, signer=demo.signer, now=demo.clock())


def list_credential(
    demo: DemoIssuer, *, url: str = STATUS_LIST_URL, purpose: str = "revocation", bits: Any = None
) -> dict[str, Any]:
    now = demo.clock()
    return build_status_list_credential(
        list_url=url,
        issuer=DID,
        bitstring=bits if bits is not None else Bitstring(),
        purpose=purpose,
        valid_from=now - timedelta(minutes=1),
        valid_until=now + timedelta(days=1),
        ttl_ms=int(LIST_TTL.total_seconds() * 1000),
    )


# -- a valid credential ----------------------------------------------------------------------
def test_valid_svt135_credential_passes_every_check(demo: DemoIssuer) -> None:
    token = demo.issue_paz_y_salvo()
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.VALID
    assert result.verified and result.authentic
    assert result.codes() == ALL_OK
    assert all(c.outcome is Outcome.PASSED for c in result.checks)
    assert result.warnings == ()
    assert result.format == "vc+jwt"
    assert result.issuer == DID
    # The entity's name comes from the trust registry, not from the credential.
    assert result.issuer_name == "Gobernación del Putumayo"
    assert result.credential_types == ("VerifiableCredential", "CertificadoPazYSalvo")
    assert result.credential is not None
    assert result.credential["credentialSubject"]["codigoTramite"] == "SVT-135"
    assert result.check(Check.SIGNATURE).details["verificationMethod"] == f"{DID}#key-1"
    assert result.check("format").details["format"] == "vc+jwt"


def test_module_level_verify_does_the_same_in_one_call() -> None:
    from vcred.verify import verify

    demo = DemoIssuer.create()  # on the wall clock, as verify() without `now` is
    token = demo.issue_paz_y_salvo()
    result = verify(token, fetcher=demo.fetcher, trust=demo.trust_registry())
    assert_explained(result)
    assert result.verdict is Verdict.VALID
    assert result.codes() == ALL_OK


def test_module_level_verify_checks_the_status_list_at_now() -> None:
    from vcred.verify import verify

    # A moment safely in the past: the demo's list (valid one day) has expired on the wall clock.
    past = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    demo = DemoIssuer.create(clock=lambda: past)
    token = demo.issue_paz_y_salvo()
    result = verify(token, fetcher=demo.fetcher, trust=demo.trust_registry(), now=past)
    assert result.codes() == ALL_OK


def test_check_enum_order_is_the_reporting_order() -> None:
    assert [c.value for c in Check] == [
        "format",
        "signature",
        "data_model",
        "validity_period",
        "status",
        "schema",
        "issuer_trust",
    ]


# -- status: revocation and suspension -------------------------------------------------------
def test_revocation_is_seen_once_the_cached_list_expires(demo: DemoIssuer, clock: Clock) -> None:
    """Lists are cached for their ttl; verdicts are not: a verify after the ttl sees the change."""
    token = demo.issue_paz_y_salvo()
    verifier = make_verifier(demo)
    assert run(verifier, token).verdict is Verdict.VALID  # caches the list

    demo.revoke(payload_of(token)["id"])
    clock.advance(minutes=1)
    cached = run(verifier, token)
    assert cached.verdict is Verdict.VALID  # still inside the cached list's ttl
    assert cached.warnings == ()

    clock.now = NOW + LIST_TTL + timedelta(seconds=1)
    result = run(verifier, token)
    assert result.verdict is Verdict.INVALID
    assert result.authentic
    assert result.codes() == {**ALL_OK, "status": "status_revoked"}
    assert result.check(Check.STATUS).outcome is Outcome.FAILED
    [entry] = result.check(Check.STATUS).details["entries"]
    assert entry["purpose"] == "revocation"
    assert entry["value"] == 1
    assert entry["index"] == demo.indexes[payload_of(token)["id"]]


def test_revocation_is_seen_at_once_by_a_fresh_verifier(demo: DemoIssuer) -> None:
    token = demo.issue_paz_y_salvo()
    demo.revoke(payload_of(token)["id"])
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INVALID
    assert result.codes()["status"] == "status_revoked"


def test_revoking_one_credential_leaves_the_others_valid(demo: DemoIssuer) -> None:
    revoked, kept = demo.issue_paz_y_salvo(), demo.issue_paz_y_salvo()
    demo.revoke(payload_of(revoked)["id"])
    verifier = make_verifier(demo)
    assert run(verifier, revoked).codes()["status"] == "status_revoked"
    assert run(verifier, kept).verdict is Verdict.VALID


def _with_suspension(demo: DemoIssuer, bits: Bitstring) -> str:
    """Publish a suspension list and issue a credential with a revocation and a suspension entry
    at the same index."""
    demo.fetcher.put(
        SUSPENSION_URL,
        signed_list(
            demo, list_credential(demo, url=SUSPENSION_URL, purpose="suspension", bits=bits)
        ),
    )
    token = demo.issue_paz_y_salvo()
    index = demo.indexes[payload_of(token)["id"]]
    return reissue(
        demo,
        token,
        credentialStatus=[
            status_entry(list_url=STATUS_LIST_URL, index=index),
            status_entry(list_url=SUSPENSION_URL, index=index, purpose="suspension"),
        ],
    )


def test_suspension_and_unsuspension(demo: DemoIssuer, clock: Clock) -> None:
    suspended = Bitstring()
    token = _with_suspension(demo, suspended)
    verifier = make_verifier(demo)
    assert run(verifier, token).verdict is Verdict.VALID
    index = demo.indexes[payload_of(token)["id"]]

    suspended.set(index, 1)
    demo.fetcher.put(
        SUSPENSION_URL,
        signed_list(
            demo, list_credential(demo, url=SUSPENSION_URL, purpose="suspension", bits=suspended)
        ),
    )
    clock.advance(minutes=6)
    result = run(verifier, token)
    assert result.verdict is Verdict.INVALID
    assert result.codes() == {**ALL_OK, "status": "status_suspended"}
    purposes = [e["purpose"] for e in result.check(Check.STATUS).details["entries"]]
    assert sorted(purposes) == ["revocation", "suspension"]

    suspended.set(index, 0)  # the entity lifts the suspension
    demo.fetcher.put(
        SUSPENSION_URL,
        signed_list(
            demo, list_credential(demo, url=SUSPENSION_URL, purpose="suspension", bits=suspended)
        ),
    )
    clock.advance(minutes=1)
    assert run(verifier, token).codes()["status"] == "status_suspended"  # cached list, ttl
    clock.advance(minutes=5)
    assert run(verifier, token).verdict is Verdict.VALID


def test_entry_pointing_at_a_list_of_another_purpose_is_not_trusted(demo: DemoIssuer) -> None:
    """§3.2 step 5: a suspension entry cannot be answered by a revocation list."""
    token = demo.issue_paz_y_salvo()
    index = demo.indexes[payload_of(token)["id"]]
    token = reissue(
        demo,
        token,
        credentialStatus=status_entry(list_url=STATUS_LIST_URL, index=index, purpose="suspension"),
    )
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INDETERMINATE
    assert result.codes()["status"] == "status_purpose_mismatch"
    assert result.check(Check.STATUS).outcome is Outcome.INDETERMINATE


def test_credential_without_status_skips_the_status_check(demo: DemoIssuer) -> None:
    token = reissue(demo, demo.issue_paz_y_salvo(), credentialStatus=None)
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.VALID
    assert result.codes() == {**ALL_OK, "status": "not_applicable"}
    assert result.check(Check.STATUS).outcome is Outcome.SKIPPED


def test_unknown_status_type_is_ignored_with_a_warning(demo: DemoIssuer) -> None:
    """VC-JOSE-COSE §7.2: a status mechanism that is not understood is ignored, not failed."""
    token = reissue(
        demo,
        demo.issue_paz_y_salvo(),
        credentialStatus={"id": "https://example.org/status/1#9", "type": "StatusList2021Entry"},
    )
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.VALID
    assert result.codes()["status"] == "not_applicable"
    assert [(w.check, w.code) for w in result.warnings] == [
        (Check.STATUS, ErrorCode.STATUS_ENTRY_INVALID)
    ]


# -- status: unreachable and stale lists -----------------------------------------------------
def test_unreachable_status_list_is_indeterminate(demo: DemoIssuer) -> None:
    token = demo.issue_paz_y_salvo()
    demo.fetcher.remove(STATUS_LIST_URL)
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INDETERMINATE
    assert result.authentic
    assert result.codes() == {**ALL_OK, "status": "status_unreachable"}
    assert result.check(Check.STATUS).outcome is Outcome.INDETERMINATE


def test_cached_list_stands_in_when_the_refetch_fails(demo: DemoIssuer, clock: Clock) -> None:
    token = demo.issue_paz_y_salvo()
    verifier = make_verifier(demo)
    run(verifier, token)
    demo.fetcher.remove(STATUS_LIST_URL)
    clock.advance(hours=2)  # past the ttl, within max staleness (24 h) and the list's validUntil
    result = run(verifier, token)
    assert result.verdict is Verdict.VALID
    assert result.codes() == ALL_OK
    assert [(w.check, w.code) for w in result.warnings] == [(Check.STATUS, ErrorCode.STATUS_STALE)]
    [entry] = result.warnings[0].details["entries"]
    assert entry["stale"] is True
    assert entry["checkedAt"] == NOW
    assert result.warnings[0].to_dict()["details"]["entries"][0]["checkedAt"] == NOW.isoformat()


def test_stale_list_is_indeterminate_when_the_policy_says_so(
    demo: DemoIssuer, clock: Clock
) -> None:
    token = demo.issue_paz_y_salvo()
    verifier = make_verifier(demo, policy=VerifyPolicy(stale_status="indeterminate"))
    assert run(verifier, token).verdict is Verdict.VALID
    demo.fetcher.remove(STATUS_LIST_URL)
    clock.advance(hours=2)
    result = run(verifier, token)
    assert result.verdict is Verdict.INDETERMINATE
    assert result.codes() == {**ALL_OK, "status": "status_stale"}


def test_cached_list_older_than_max_staleness_is_not_used(demo: DemoIssuer, clock: Clock) -> None:
    token = demo.issue_paz_y_salvo()
    verifier = make_verifier(demo, max_status_staleness=timedelta(hours=1))
    run(verifier, token)
    demo.fetcher.remove(STATUS_LIST_URL)
    clock.advance(hours=2)
    result = run(verifier, token)
    assert result.verdict is Verdict.INDETERMINATE
    assert result.codes()["status"] == "status_unreachable"


# -- status: hostile or broken lists ---------------------------------------------------------
def test_status_list_decompression_bomb_is_refused(demo: DemoIssuer) -> None:
    """A properly signed list whose encodedList gunzips past the 16 MiB cap."""
    from vcred.status import DEFAULT_MAX_LIST_BYTES

    token = demo.issue_paz_y_salvo()
    bomb = gzip.compress(bytes(DEFAULT_MAX_LIST_BYTES + 1), compresslevel=9, mtime=0)
    credential = list_credential(demo)
    credential["credentialSubject"]["encodedList"] = "u" + b64url_encode(bomb)
    demo.fetcher.put(STATUS_LIST_URL, signed_list(demo, credential))
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INDETERMINATE
    assert result.codes() == {**ALL_OK, "status": "status_list_too_large"}


def test_unsigned_status_list_is_refused(demo: DemoIssuer) -> None:
    token = demo.issue_paz_y_salvo()
    demo.fetcher.put(STATUS_LIST_URL, json.dumps(list_credential(demo)))
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INDETERMINATE
    assert result.codes() == {**ALL_OK, "status": "status_list_invalid"}


def test_status_list_signed_by_another_key_is_refused(demo: DemoIssuer) -> None:
    """A list that claims the issuer's key id but is signed by someone else."""
    token = demo.issue_paz_y_salvo()
    forger = KeySigner(KeyPair.generate(), demo.signer.key_id)
    demo.fetcher.put(
        STATUS_LIST_URL, issue_vc_jwt(list_credential(demo), signer=forger, now=demo.clock())
    )
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INDETERMINATE
    assert result.codes() == {**ALL_OK, "status": "status_list_invalid"}


def test_status_list_that_is_not_a_list_credential_is_refused(demo: DemoIssuer) -> None:
    token = demo.issue_paz_y_salvo()
    # A validly signed credential of the issuer served at the list URL: not a status list.
    demo.fetcher.put(STATUS_LIST_URL, token)
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INDETERMINATE
    assert result.codes()["status"] == "status_list_invalid"


# -- validity period -------------------------------------------------------------------------
def _republish_at(demo: DemoIssuer, clock: Clock, when: datetime) -> None:
    clock.now = when
    demo.publish_status_list()


def test_expired_credential(demo: DemoIssuer, clock: Clock) -> None:
    token = demo.issue_paz_y_salvo()  # validUntil = NOW + 90 days
    until = NOW + timedelta(days=90)
    _republish_at(demo, clock, until + timedelta(seconds=61))
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INVALID
    assert result.authentic
    assert result.codes() == {**ALL_OK, "validity_period": "expired"}
    details = result.check(Check.VALIDITY_PERIOD).details
    assert details["validUntil"] == until


@pytest.mark.parametrize(
    ("skew", "after_until", "code"),
    [
        (timedelta(seconds=60), timedelta(seconds=59), "ok"),
        (timedelta(seconds=60), timedelta(seconds=60), "expired"),
        (timedelta(minutes=10), timedelta(minutes=9), "ok"),
        (timedelta(minutes=10), timedelta(minutes=10), "expired"),
        (timedelta(0), timedelta(0), "expired"),  # validUntil itself is no longer valid
    ],
)
def test_expiry_boundary_respects_clock_skew(
    demo: DemoIssuer, clock: Clock, skew: timedelta, after_until: timedelta, code: str
) -> None:
    token = demo.issue_paz_y_salvo()
    _republish_at(demo, clock, NOW + timedelta(days=90) + after_until)
    result = run(make_verifier(demo, policy=VerifyPolicy(clock_skew=skew)), token)
    assert result.codes() == {**ALL_OK, "validity_period": code}
    assert result.verdict is (Verdict.VALID if code == "ok" else Verdict.INVALID)


@pytest.mark.parametrize(
    ("skew", "before_from", "code"),
    [
        (timedelta(seconds=60), timedelta(seconds=61), "not_yet_valid"),
        (timedelta(seconds=60), timedelta(seconds=60), "ok"),
        (timedelta(minutes=10), timedelta(minutes=9), "ok"),
        (timedelta(minutes=10), timedelta(minutes=11), "not_yet_valid"),
    ],
)
def test_not_yet_valid_boundary_respects_clock_skew(
    demo: DemoIssuer, clock: Clock, skew: timedelta, before_from: timedelta, code: str
) -> None:
    # The list is published at NOW; the credential is issued (validFrom, iat) an hour later.
    valid_from = NOW + timedelta(hours=1)
    clock.now = valid_from
    token = demo.issue_paz_y_salvo()
    clock.now = valid_from - before_from
    result = run(make_verifier(demo, policy=VerifyPolicy(clock_skew=skew)), token)
    assert result.codes() == {**ALL_OK, "validity_period": code}
    assert result.verdict is (Verdict.VALID if code == "ok" else Verdict.INVALID)


def test_explicit_now_overrides_the_verifier_clock(demo: DemoIssuer) -> None:
    token = demo.issue_paz_y_salvo()
    result = run(make_verifier(demo), token, now=NOW - timedelta(days=1))
    assert result.codes()["validity_period"] == "not_yet_valid"
    assert result.check(Check.VALIDITY_PERIOD).details["checkedAt"] == NOW - timedelta(days=1)


# -- schema ----------------------------------------------------------------------------------
def test_schema_violation(demo: DemoIssuer) -> None:
    token = demo.issue_paz_y_salvo()
    # The vehicle tax needs a plate (svt-135 if/then); the subject also gets a wrong document type.
    subject = {k: v for k, v in credential_of(token)["credentialSubject"].items() if k != "placa"}
    subject["tipoDocumento"] = "PASAPORTE-MARCIANO"
    token = reissue(demo, token, credentialSubject=subject)
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INVALID
    assert result.authentic
    assert result.codes() == {**ALL_OK, "schema": "schema_violation"}
    schema = result.check(Check.SCHEMA)
    assert schema.outcome is Outcome.FAILED
    violations = schema.details["violations"]
    assert violations
    assert all({"rule", "path", "message"} <= v.keys() for v in violations)
    paths = {v["path"] for v in violations}
    assert any(p.startswith("/credentialSubject") for p in paths)


def test_unknown_schema_is_skipped_with_a_warning(demo: DemoIssuer) -> None:
    """A credential type outside the catalogue may name a schema vcred does not hold: the
    schema check is reported as skipped, not failed (VC-JOSE-COSE §7.2)."""
    token = reissue(
        demo,
        demo.issue_paz_y_salvo(),
        type=["VerifiableCredential", "ConstanciaDeOtroEcosistema"],
        credentialSchema={"id": "https://example.org/schemas/desconocido/v1", "type": "JsonSchema"},
    )
    result = run(make_verifier(demo, trust=None), token)
    assert result.verdict is Verdict.VALID
    assert result.codes() == {
        **ALL_OK,
        "schema": "schema_unknown",
        "issuer_trust": "not_applicable",
    }
    assert result.check(Check.SCHEMA).outcome is Outcome.SKIPPED
    assert [(w.check, w.code) for w in result.warnings] == [
        (Check.SCHEMA, ErrorCode.SCHEMA_UNKNOWN)
    ]


@pytest.mark.parametrize(
    "schema",
    [
        {"id": "https://example.org/schemas/desconocido/v1", "type": "JsonSchema"},
        {"id": "https://vcred.example.gov.co/schemas/comun/v1", "type": "JsonSchema"},
        None,
    ],
)
def test_a_catalogue_type_must_use_its_own_schema(
    demo: DemoIssuer, schema: dict[str, str] | None
) -> None:
    """A CertificadoPazYSalvo that names another schema (or none) would have its claims go
    unchecked: that is a schema failure, not a skipped check."""
    token = reissue(demo, demo.issue_paz_y_salvo(), credentialSchema=schema)
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INVALID
    assert result.codes() == {**ALL_OK, "schema": "schema_violation"}
    assert result.check(Check.SCHEMA).details["expected"] == [
        "https://vcred.example.gov.co/schemas/svt-135/v1"
    ]


def test_no_schema_registry_skips_with_schema_unknown(demo: DemoIssuer) -> None:
    token = demo.issue_paz_y_salvo()
    verifier = create_verifier(
        fetcher=demo.fetcher, trust=demo.trust_registry(), schemas=None, clock=demo.clock
    )
    result = run(verifier, token)
    assert result.verdict is Verdict.VALID
    assert result.codes()["schema"] == "schema_unknown"
    assert [w.code for w in result.warnings] == [ErrorCode.SCHEMA_UNKNOWN]


def test_credential_without_schema_skips_quietly(demo: DemoIssuer) -> None:
    """Outside the catalogue, a credential with no credentialSchema has nothing to check."""
    token = reissue(
        demo,
        demo.issue_paz_y_salvo(),
        type=["VerifiableCredential", "ConstanciaDeOtroEcosistema"],
        credentialSchema=None,
    )
    result = run(make_verifier(demo, trust=None), token)
    assert result.verdict is Verdict.VALID
    assert result.codes()["schema"] == "not_applicable"
    assert result.warnings == ()


# -- issuer trust ----------------------------------------------------------------------------
def _registry(**overrides: Any) -> TrustRegistry:
    fields: dict[str, Any] = {
        "did": DID,
        "nombre": "Gobernación del Putumayo",
        "nit": "800094164-4",
        "allowed_types": frozenset({"CertificadoPazYSalvo"}),
        "valid_from": NOW - timedelta(days=365),
        "valid_until": None,
    }
    fields.update(overrides)
    return TrustRegistry([TrustedIssuer(**fields)])


def test_issuer_not_in_registry_is_authentic_but_invalid(demo: DemoIssuer) -> None:
    """Nobody vouches for the issuer: the verdict is invalid, and the status list the credential
    points at is not even fetched (its URL is the sender's choice)."""
    token = demo.issue_paz_y_salvo()
    other = _registry(did="did:web:example.gov.co:entidades:otra")
    result = run(make_verifier(demo, trust=other), token)
    assert result.verdict is Verdict.INVALID
    assert result.authentic is True
    assert result.codes() == {
        **ALL_OK,
        "status": "not_applicable",
        "issuer_trust": "issuer_untrusted",
    }
    assert result.check(Check.ISSUER_TRUST).details["issuer"] == DID
    assert STATUS_LIST_URL not in demo.fetcher.calls


def test_authentic_but_not_authorised_for_the_type_is_never_valid(demo: DemoIssuer) -> None:
    """The key distinction of DESIGN.md "Trust": authentic, yet not allowed to issue this type."""
    token = demo.issue_paz_y_salvo()
    registry = _registry(allowed_types=frozenset({"LicenciaConduccion"}))
    result = run(make_verifier(demo, trust=registry), token)
    assert result.verdict is Verdict.INVALID
    assert not result.verified
    assert result.authentic is True
    assert result.codes() == {**ALL_OK, "issuer_trust": "issuer_not_authorized"}
    trust = result.check(Check.ISSUER_TRUST)
    assert trust.outcome is Outcome.FAILED
    assert trust.details["entidad"] == "Gobernación del Putumayo"
    assert trust.details["nit"] == "800094164-4"


def test_generic_type_alone_does_not_authorise(demo: DemoIssuer) -> None:
    registry = _registry(allowed_types=frozenset({"VerifiableCredential"}))
    result = run(make_verifier(demo, trust=registry), demo.issue_paz_y_salvo())
    assert result.codes()["issuer_trust"] == "issuer_not_authorized"


def test_authorisation_not_yet_started_is_not_authorised(demo: DemoIssuer) -> None:
    registry = _registry(valid_from=NOW + timedelta(days=1))
    result = run(make_verifier(demo, trust=registry), demo.issue_paz_y_salvo())
    assert result.verdict is Verdict.INVALID
    assert result.codes()["issuer_trust"] == "issuer_not_authorized"


def test_expired_authorisation(demo: DemoIssuer) -> None:
    registry = _registry(valid_until=NOW - timedelta(days=1))
    result = run(make_verifier(demo, trust=registry), demo.issue_paz_y_salvo())
    assert result.verdict is Verdict.INVALID
    assert result.authentic
    assert result.codes() == {**ALL_OK, "issuer_trust": "issuer_authorization_expired"}


def test_no_trust_registry_skips_the_trust_check(demo: DemoIssuer) -> None:
    result = run(make_verifier(demo, trust=None), demo.issue_paz_y_salvo())
    assert result.verdict is Verdict.VALID
    assert result.codes() == {**ALL_OK, "issuer_trust": "not_applicable"}
    assert result.check(Check.ISSUER_TRUST).outcome is Outcome.SKIPPED
    assert result.warnings == ()


# -- forged and tampered ---------------------------------------------------------------------
_AFTER_SIGNATURE = ("data_model", "validity_period", "status", "schema", "issuer_trust")


def _assert_stopped_at_signature(result: VerificationResult, code: str, outcome: Outcome) -> None:
    assert result.codes() == {
        "format": "ok",
        "signature": code,
        **dict.fromkeys(_AFTER_SIGNATURE, "not_applicable"),
    }
    assert result.check(Check.SIGNATURE).outcome is outcome
    assert all(result.check(c).outcome is Outcome.SKIPPED for c in _AFTER_SIGNATURE)
    assert result.authentic is False
    assert result.credential is None  # nothing unverified is handed back
    assert result.issuer is None and result.issuer_name is None


def test_forged_with_another_key_claiming_the_issuer_kid(demo: DemoIssuer) -> None:
    forger = KeySigner(KeyPair.generate(), demo.signer.key_id)
    token = reissue(demo, demo.issue_paz_y_salvo(), signer=forger)
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INVALID
    _assert_stopped_at_signature(result, "signature_invalid", Outcome.FAILED)


def test_tampered_payload_breaks_the_signature(demo: DemoIssuer) -> None:
    header, _, signature = demo.issue_paz_y_salvo().split(".")
    payload = payload_of(demo.issue_paz_y_salvo())
    payload["credentialSubject"]["nombres"] = "Suplantador"
    forged_payload = b64url_encode(json.dumps(payload, separators=(",", ":")).encode())
    result = run(make_verifier(demo), f"{header}.{forged_payload}.{signature}")
    assert result.verdict is Verdict.INVALID
    _assert_stopped_at_signature(result, "signature_invalid", Outcome.FAILED)


def test_signature_of_another_credential_does_not_verify(demo: DemoIssuer) -> None:
    first, second = demo.issue_paz_y_salvo(), demo.issue_paz_y_salvo()
    spliced = ".".join(first.split(".")[:2] + second.split(".")[2:])
    result = run(make_verifier(demo), spliced)
    _assert_stopped_at_signature(result, "signature_invalid", Outcome.FAILED)


def test_unknown_did_method_fails_the_signature_check(demo: DemoIssuer) -> None:
    issuer = "did:foo:gobernacion-putumayo"
    signer = KeySigner(KeyPair.generate(), f"{issuer}#key-1")
    token = reissue(
        demo,
        demo.issue_paz_y_salvo(),
        signer=signer,
        issuer={"id": issuer, "name": "Gobernación del Putumayo"},
    )
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INVALID
    _assert_stopped_at_signature(result, "did_method_unsupported", Outcome.FAILED)


def test_unreachable_did_web_document_is_indeterminate(demo: DemoIssuer) -> None:
    from vcred.did import did_web_to_url

    token = demo.issue_paz_y_salvo()
    demo.fetcher.remove(did_web_to_url(DID))
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INDETERMINATE
    _assert_stopped_at_signature(result, "did_not_found", Outcome.INDETERMINATE)


def test_kid_naming_no_key_of_the_issuer(demo: DemoIssuer) -> None:
    signer = KeySigner(demo.key, f"{DID}#key-2")
    token = reissue(demo, demo.issue_paz_y_salvo(), signer=signer)
    result = run(make_verifier(demo), token)
    _assert_stopped_at_signature(result, "kid_not_resolved", Outcome.FAILED)


# -- data model ------------------------------------------------------------------------------
def test_data_model_violation_in_a_properly_signed_token(demo: DemoIssuer) -> None:
    token = reissue(demo, demo.issue_paz_y_salvo(), credentialSubject=None)
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INVALID
    assert result.authentic
    data_model = result.check(Check.DATA_MODEL)
    assert data_model.code is ErrorCode.DATA_MODEL_INVALID
    assert data_model.outcome is Outcome.FAILED
    violations = data_model.details["violations"]
    assert any(v["path"].startswith("/credentialSubject") for v in violations)
    # Without a readable credential the trust check has nothing to evaluate.
    assert result.codes()["issuer_trust"] == "not_applicable"
    assert result.check(Check.ISSUER_TRUST).outcome is Outcome.SKIPPED


def test_data_model_violation_bad_valid_from(demo: DemoIssuer) -> None:
    token = reissue(demo, demo.issue_paz_y_salvo(), validFrom="23/11/2026")
    result = run(make_verifier(demo), token)
    assert result.verdict is Verdict.INVALID
    assert result.codes()["data_model"] == "data_model_invalid"
    paths = [v["path"] for v in result.check(Check.DATA_MODEL).details["violations"]]
    assert "/validFrom" in paths


# -- the result object -----------------------------------------------------------------------
def test_raise_for_result_returns_self_when_valid(demo: DemoIssuer) -> None:
    result = run(make_verifier(demo), demo.issue_paz_y_salvo())
    assert result.raise_for_result() is result


def test_raise_for_result_raises_the_first_failing_code(demo: DemoIssuer) -> None:
    token = demo.issue_paz_y_salvo()
    demo.revoke(payload_of(token)["id"])
    registry = _registry(allowed_types=frozenset({"LicenciaConduccion"}))
    result = run(make_verifier(demo, trust=registry), token)
    assert [c.code for c in result.errors] == [
        ErrorCode.STATUS_REVOKED,
        ErrorCode.ISSUER_NOT_AUTHORIZED,
    ]
    with pytest.raises(VerificationError) as info:
        result.raise_for_result()
    assert info.value.code is ErrorCode.STATUS_REVOKED


def test_raise_for_result_on_indeterminate_raises_the_undecided_code(demo: DemoIssuer) -> None:
    token = demo.issue_paz_y_salvo()
    demo.fetcher.remove(STATUS_LIST_URL)
    result = run(make_verifier(demo), token)
    with pytest.raises(VerificationError) as info:
        result.raise_for_result()
    assert info.value.code is ErrorCode.STATUS_UNREACHABLE


def test_to_dict_is_json_serialisable(demo: DemoIssuer, clock: Clock) -> None:
    token = demo.issue_paz_y_salvo()
    verifier = make_verifier(demo)
    run(verifier, token)
    demo.fetcher.remove(STATUS_LIST_URL)
    clock.advance(hours=1)  # a stale-list warning, so warnings are not empty
    result = run(verifier, token)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["verdict"] == "valid"
    assert data["verified"] is True and data["authentic"] is True
    assert data["issuerName"] == "Gobernación del Putumayo"
    assert data["types"] == ["VerifiableCredential", "CertificadoPazYSalvo"]
    assert [c["check"] for c in data["checks"]] == [c.value for c in Check]
    assert all(c["message"]["es"] and c["message"]["en"] for c in data["checks"])
    assert [w["code"] for w in data["warnings"]] == ["status_stale"]


def test_to_dict_of_a_format_failure(demo: DemoIssuer) -> None:
    result = run(make_verifier(demo), "no es una credencial")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["verdict"] == "invalid"
    assert data["authentic"] is False
    assert data["checks"][0]["outcome"] == "failed"
    assert data["warnings"] == []


def test_result_is_immutable(demo: DemoIssuer) -> None:
    import dataclasses

    result = run(make_verifier(demo), demo.issue_paz_y_salvo())
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.verdict = Verdict.INVALID  # type: ignore[misc]


# -- performance guard -----------------------------------------------------------------------
def test_many_credentials_of_one_issuer_fetch_each_document_once(demo: DemoIssuer) -> None:
    from vcred.did import did_web_to_url

    tokens = [demo.issue_paz_y_salvo() for _ in range(200)]
    verifier = make_verifier(demo)
    demo.fetcher.calls.clear()
    verdicts = {run(verifier, token).verdict for token in tokens}
    assert verdicts == {Verdict.VALID}
    assert demo.fetcher.calls == {did_web_to_url(DID): 1, STATUS_LIST_URL: 1}
