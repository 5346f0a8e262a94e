"""vcred.trust: which issuer DIDs may issue which trámite credentials, and when."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcred.errors import ErrorCode, TrustRegistryError, UsageError
from vcred.schema import SchemaRegistry
from vcred.trust import TrustDecision, TrustedIssuer, TrustRegistry

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "trust-registry.json"
GOBERNACION = "did:web:localhost%3A8000:entidades:gobernacion-putumayo"
ALCALDIA = "did:web:alcaldia.example.gov.co"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def entry(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "did": ALCALDIA,
        "nombre": "Alcaldía de Mocoa",
        "nit": "800102891-6",
        "allowedTypes": ["CertificadoPazYSalvo"],
        "validFrom": "2025-01-01T00:00:00-05:00",
        "validUntil": "2026-12-31T23:59:59-05:00",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def registry_json(*entries: dict[str, Any]) -> str:
    return json.dumps({"version": 1, "issuers": list(entries)})


REGISTRY = TrustRegistry.from_json(registry_json(entry()))


# --- the sample registry -------------------------------------------------------------------


def test_example_registry_authorises_the_gobernacion_for_every_tramite() -> None:
    registry = TrustRegistry.from_file(EXAMPLE)
    issuer = registry.issuer(GOBERNACION)
    assert issuer is not None
    assert issuer.nombre == "Gobernación del Putumayo"
    assert issuer.nit == "800094164-4"
    catalogue = {t.credential_type for t in SchemaRegistry.default().tramites()}
    assert issuer.allowed_types == catalogue
    for credential_type in sorted(catalogue):
        decision = registry.evaluate(GOBERNACION, ["VerifiableCredential", credential_type], at=NOW)
        assert decision == TrustDecision(trusted=True, code=ErrorCode.OK, issuer=issuer)


# --- verdicts ------------------------------------------------------------------------------


def test_authorised_entity_and_type_is_trusted() -> None:
    decision = REGISTRY.evaluate(ALCALDIA, ["VerifiableCredential", "CertificadoPazYSalvo"], at=NOW)
    assert decision.trusted
    assert decision.code is ErrorCode.OK
    assert decision.issuer == REGISTRY.issuer(ALCALDIA)


def test_unknown_issuer_is_untrusted() -> None:
    """A forged or self-made credential: its signer is nobody the registry knows."""
    decision = REGISTRY.evaluate("did:key:z6MkForger", ["CertificadoPazYSalvo"], at=NOW)
    assert decision == TrustDecision(False, ErrorCode.ISSUER_UNTRUSTED, None)


def test_known_entity_outside_its_authorisation_is_not_authorised() -> None:
    """Authentic, but this entity may not issue driving licences."""
    decision = REGISTRY.evaluate(ALCALDIA, ["VerifiableCredential", "LicenciaConduccion"], at=NOW)
    assert decision.code is ErrorCode.ISSUER_NOT_AUTHORIZED
    assert not decision.trusted
    assert decision.issuer is not None and decision.issuer.did == ALCALDIA


@pytest.mark.parametrize(
    "types",
    [["VerifiableCredential"], [], ["EnvelopedVerifiableCredential", "VerifiableCredential"]],
)
def test_generic_types_never_authorise(types: list[str]) -> None:
    assert REGISTRY.evaluate(ALCALDIA, types, at=NOW).code is ErrorCode.ISSUER_NOT_AUTHORIZED


def test_one_allowed_specific_type_is_enough() -> None:
    types = ["VerifiableCredential", "LicenciaConduccion", "CertificadoPazYSalvo"]
    assert REGISTRY.evaluate(ALCALDIA, types, at=NOW).trusted


def test_a_single_type_string_is_not_split_into_characters() -> None:
    assert REGISTRY.evaluate(ALCALDIA, "CertificadoPazYSalvo", at=NOW).trusted


def test_authorisation_ends_at_valid_until() -> None:
    end = datetime(2026, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5)))
    types = ["CertificadoPazYSalvo"]
    assert REGISTRY.evaluate(ALCALDIA, types, at=end).trusted
    later = REGISTRY.evaluate(ALCALDIA, types, at=end + timedelta(seconds=1))
    assert later.code is ErrorCode.ISSUER_AUTHORIZATION_EXPIRED
    assert later.issuer is not None


def test_before_valid_from_the_entity_is_not_yet_authorised() -> None:
    at = datetime(2024, 12, 31, tzinfo=UTC)
    decision = REGISTRY.evaluate(ALCALDIA, ["CertificadoPazYSalvo"], at=at)
    assert decision.code is ErrorCode.ISSUER_NOT_AUTHORIZED


def test_a_type_never_allowed_stays_not_authorised_after_expiry() -> None:
    at = datetime(2030, 1, 1, tzinfo=UTC)
    decision = REGISTRY.evaluate(ALCALDIA, ["LicenciaConduccion"], at=at)
    assert decision.code is ErrorCode.ISSUER_NOT_AUTHORIZED


def test_open_ended_authorisation_never_expires() -> None:
    registry = TrustRegistry.from_json(registry_json(entry(validUntil=None)))
    at = datetime(2099, 1, 1, tzinfo=UTC)
    assert registry.evaluate(ALCALDIA, ["CertificadoPazYSalvo"], at=at).trusted


@pytest.mark.parametrize(
    "did",
    [
        ALCALDIA.upper(),
        ALCALDIA + ":tramites",
        ALCALDIA + "#key-1",
        "did:web:alcaldia.example.gov",
        " " + ALCALDIA,
    ],
)
def test_issuers_match_by_exact_did_only(did: str) -> None:
    decision = REGISTRY.evaluate(did, ["CertificadoPazYSalvo"], at=NOW)
    assert decision.code is ErrorCode.ISSUER_UNTRUSTED


def test_evaluation_time_must_be_timezone_aware() -> None:
    with pytest.raises(UsageError):
        REGISTRY.evaluate(ALCALDIA, ["CertificadoPazYSalvo"], at=datetime(2026, 11, 23))


# --- loading -------------------------------------------------------------------------------

BROKEN = {
    "not json": "{",
    "not an object": "[]",
    "wrong version": json.dumps({"version": 2, "issuers": []}),
    "boolean version": json.dumps({"version": True, "issuers": []}),
    "missing issuers": json.dumps({"version": 1}),
    "extra member": json.dumps({"version": 1, "issuers": [], "firma": "x"}),
    "issuers not a list": json.dumps({"version": 1, "issuers": {}}),
    "entry not an object": registry_json("did:web:x"),  # type: ignore[arg-type]
    "unknown member": registry_json(entry(sede="Mocoa")),
    "missing did": registry_json(entry(did=None)),
    "not a did": registry_json(entry(did="https://alcaldia.example.gov.co")),
    "did with spaces": registry_json(entry(did="did:web:a b")),
    "empty name": registry_json(entry(nombre=" ")),
    "nit check digit": registry_json(entry(nit="800102891-4")),
    "nit without check digit": registry_json(entry(nit="800102891")),
    "no types": registry_json(entry(allowedTypes=[])),
    "types not a list": registry_json(entry(allowedTypes="CertificadoPazYSalvo")),
    "generic type": registry_json(entry(allowedTypes=["VerifiableCredential"])),
    "repeated type": registry_json(entry(allowedTypes=["LicenciaConduccion"] * 2)),
    "non-string type": registry_json(entry(allowedTypes=[7])),
    "naive validFrom": registry_json(entry(validFrom="2025-01-01T00:00:00")),
    "date-only validFrom": registry_json(entry(validFrom="2025-01-01")),
    "impossible date": registry_json(entry(validFrom="2025-02-30T00:00:00Z")),
    "until before from": registry_json(entry(validUntil="2024-01-01T00:00:00Z")),
    "duplicate did": registry_json(entry(), entry(nombre="Otra")),
    "duplicate member": '{"version": 1, "version": 1, "issuers": []}',
    "too deep": json.dumps({"version": 1, "issuers": [[[[[[[[[]]]]]]]]]}),
}


@pytest.mark.parametrize("document", BROKEN.values(), ids=BROKEN.keys())
def test_invalid_registries_are_refused(document: str) -> None:
    with pytest.raises(TrustRegistryError) as caught:
        TrustRegistry.from_json(document)
    assert caught.value.code is ErrorCode.TRUST_REGISTRY_INVALID


def test_oversized_registry_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    path.write_text(registry_json(entry()), encoding="utf-8")
    with pytest.raises(TrustRegistryError) as caught:
        TrustRegistry.from_file(path, max_bytes=100)
    assert caught.value.code is ErrorCode.TRUST_REGISTRY_INVALID


def test_missing_file_is_a_trust_registry_error(tmp_path: Path) -> None:
    with pytest.raises(TrustRegistryError) as caught:
        TrustRegistry.from_file(tmp_path / "absent.json")
    assert caught.value.code is ErrorCode.TRUST_REGISTRY_INVALID


def test_empty_registry_trusts_nobody() -> None:
    registry = TrustRegistry.from_json(registry_json())
    assert len(registry) == 0
    decision = registry.evaluate(ALCALDIA, ["CertificadoPazYSalvo"], at=NOW)
    assert decision.code is ErrorCode.ISSUER_UNTRUSTED


def test_programmatic_entries_must_be_unique_and_aware() -> None:
    issuer = REGISTRY.issuers()[0]
    with pytest.raises(TrustRegistryError):
        TrustRegistry([issuer, issuer])
    naive = TrustedIssuer(
        ALCALDIA, "Alcaldía", "800102891-6", frozenset({"X"}), datetime(2025, 1, 1)
    )
    with pytest.raises(UsageError):
        TrustRegistry([naive])


# --- properties ----------------------------------------------------------------------------

INSTANTS = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2090, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))]),
)
TYPES = st.frozensets(
    st.sampled_from(["CertificadoPazYSalvo", "LicenciaConduccion", "Otro"]), min_size=1
)


@st.composite
def issuers(draw: st.DrawFn) -> TrustedIssuer:
    start = draw(INSTANTS)
    length = draw(
        st.none() | st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=9000))
    )
    host = draw(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True))
    return TrustedIssuer(
        did=f"did:web:{host}.example.gov.co",
        nombre=draw(st.text(min_size=1, max_size=40).filter(str.strip)),
        nit="800094164-4",
        allowed_types=draw(TYPES),
        valid_from=start,
        valid_until=None if length is None else start + length,
    )


@settings(max_examples=100)
@given(st.lists(issuers(), max_size=5, unique_by=lambda i: i.did))
def test_to_json_round_trips(entries: list[TrustedIssuer]) -> None:
    registry = TrustRegistry(entries)
    again = TrustRegistry.from_json(registry.to_json())
    assert again.issuers() == registry.issuers()


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_trust_registry_errors(data: bytes) -> None:
    try:
        TrustRegistry.from_json(data)
    except TrustRegistryError as exc:
        assert exc.code is ErrorCode.TRUST_REGISTRY_INVALID


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=15,
)


@settings(max_examples=80, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "version": st.just(1),
            "issuers": st.lists(st.dictionaries(st.sampled_from(sorted(entry())), JSON)),
        }
    )
)
def test_arbitrary_entries_raise_only_trust_registry_errors(document: dict[str, Any]) -> None:
    try:
        TrustRegistry.from_json(json.dumps(document))
    except TrustRegistryError as exc:
        assert exc.code is ErrorCode.TRUST_REGISTRY_INVALID


@given(
    issuer=issuers(),
    at=INSTANTS,
    types=st.lists(st.sampled_from(["VerifiableCredential", "Otro", "LicenciaConduccion"])),
)
def test_trusted_exactly_when_allowed_and_in_window(
    issuer: TrustedIssuer, at: datetime, types: list[str]
) -> None:
    decision = TrustRegistry([issuer]).evaluate(issuer.did, types, at=at)
    in_window = issuer.valid_from <= at and (issuer.valid_until is None or at <= issuer.valid_until)
    allowed = bool(set(types) & issuer.allowed_types)
    assert decision.trusted == (allowed and in_window)
    assert decision.issuer == issuer
