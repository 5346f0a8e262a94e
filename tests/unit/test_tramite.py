"""Trámite credentials: the one-off builder and the prepared template give the same credential,
and the template refuses what the full data model check would refuse."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcred import SchemaRegistry, build_tramite_credential, validate_credential
from vcred.errors import DataModelError, ErrorCode, SchemaValidationError, UsageError
from vcred.status import status_entry
from vcred.tramite import prepare_tramite

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
ISSUER = {"id": "did:web:localhost%3A8000:entidades:gobernacion-putumayo", "name": "Gobernación"}
LIST = "https://localhost:8000/entidades/gobernacion-putumayo/estado/revocacion/1"
SCHEMAS = SchemaRegistry.default()


def _example(codigo: str) -> dict[str, Any]:
    info = SCHEMAS.for_tramite(codigo)
    schema = SCHEMAS.schema(info.schema_id)
    example = dict(schema["$defs"]["sujeto"]["examples"][0])
    example.pop("codigoTramite", None)
    return example


@pytest.mark.parametrize("codigo", [t.codigo for t in SCHEMAS.tramites()])
def test_template_and_builder_agree_for_every_tramite(codigo: str) -> None:
    claims = _example(codigo)
    common: dict[str, Any] = {
        "status": status_entry(list_url=LIST, index=42),
        "valid_from": NOW,
        "valid_until": NOW + timedelta(days=365),
        "credential_id": "urn:uuid:3b1f0a6e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    }
    expected = build_tramite_credential(
        codigo, issuer=ISSUER, claims=claims, schemas=SCHEMAS, **common
    )
    built = prepare_tramite(codigo, issuer=ISSUER, schemas=SCHEMAS).build(claims, **common)
    assert built == expected
    assert list(built) == list(expected)  # same member order, so the same signed bytes
    validate_credential(built)


def test_template_defaults_match_the_builder() -> None:
    template = prepare_tramite("SVT-135", issuer=ISSUER, schemas=SCHEMAS)
    counter = itertools.count()
    rng = lambda n: next(counter).to_bytes(n, "big")  # noqa: E731
    built = template.build(_example("SVT-135"), now=NOW, rng=rng)
    counter = itertools.count()
    expected = build_tramite_credential(
        "SVT-135", issuer=ISSUER, claims=_example("SVT-135"), schemas=SCHEMAS, now=NOW, rng=rng
    )
    assert built == expected


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"claims": {"id": "not a url"}}, "id.not_url"),
        ({"claims": {"id": ["did:a:b", "did:a:c"]}}, "id.multiple"),
        ({"credential_id": "sin-esquema"}, "id.not_url"),
        ({"valid_until": NOW - timedelta(days=1)}, "validUntil.before_validFrom"),
        ({"status": {"id": "https://x.example/1#2"}}, "credentialStatus.type_missing"),
        ({"status": []}, "credentialStatus.empty"),
        ({"status": [{"type": "X", "id": "no url"}]}, "id.not_url"),
    ],
)
def test_template_reports_the_same_rules_as_the_data_model(
    change: dict[str, Any], rule: str
) -> None:
    claims = {**_example("SVT-135"), **change.pop("claims", {})}
    kwargs: dict[str, Any] = {"valid_from": NOW, **change}
    template = prepare_tramite("SVT-135", issuer=ISSUER, schemas=SCHEMAS)
    with pytest.raises(DataModelError) as from_template:
        template.build(claims, **kwargs)
    with pytest.raises(DataModelError) as from_builder:
        build_tramite_credential("SVT-135", issuer=ISSUER, claims=claims, schemas=SCHEMAS, **kwargs)
    assert rule in {v.rule for v in from_template.value.violations}
    assert rule in {v.rule for v in from_builder.value.violations}


def test_template_validates_claims_against_the_schema() -> None:
    template = prepare_tramite("SVT-135", issuer=ISSUER, schemas=SCHEMAS)
    with pytest.raises(SchemaValidationError) as caught:
        template.build({**_example("SVT-135"), "placa": "no es placa"}, now=NOW)
    assert caught.value.code is ErrorCode.SCHEMA_VIOLATION
    assert {v.path for v in caught.value.violations} == {"/credentialSubject/placa"}


def test_template_refuses_deep_or_non_json_claims() -> None:
    template = prepare_tramite("SVT-135", issuer=ISSUER, schemas=SCHEMAS)
    nested: object = 1
    for _ in range(100):
        nested = [nested]
    with pytest.raises(DataModelError) as caught:
        template.build({**_example("SVT-135"), "x": nested}, now=NOW)
    assert caught.value.code is ErrorCode.NESTING_TOO_DEEP
    with pytest.raises(DataModelError):
        template.build({**_example("SVT-135"), "x": {1, 2}}, now=NOW)
    with pytest.raises(UsageError):
        template.build(_example("SVT-135"), valid_from=datetime(2026, 1, 1))  # naive


def test_preparing_checks_the_issuer_once() -> None:
    with pytest.raises(DataModelError):
        prepare_tramite("SVT-135", issuer={"name": "sin id"}, schemas=SCHEMAS)
    with pytest.raises(SchemaValidationError) as caught:
        prepare_tramite("SVT-999", issuer=ISSUER, schemas=SCHEMAS)
    assert caught.value.code is ErrorCode.TRAMITE_UNKNOWN


@settings(max_examples=60, deadline=None)
@given(
    nombres=st.text(min_size=1, max_size=60),
    numero=st.from_regex(r"[1-9][0-9]{5,9}", fullmatch=True),
    days=st.integers(min_value=0, max_value=4000),
)
def test_template_and_builder_agree_on_generated_claims(
    nombres: str, numero: str, days: int
) -> None:
    claims = {**_example("SVT-135"), "nombres": nombres, "numeroDocumento": numero}
    kwargs: dict[str, Any] = {
        "valid_from": NOW,
        "valid_until": NOW + timedelta(days=days),
        "credential_id": "urn:uuid:3b1f0a6e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    }
    template = prepare_tramite("SVT-135", issuer=ISSUER, schemas=SCHEMAS)
    outcomes = []
    for build in (
        lambda: template.build(claims, **kwargs),
        lambda: build_tramite_credential(
            "SVT-135", issuer=ISSUER, claims=claims, schemas=SCHEMAS, **kwargs
        ),
    ):
        try:
            outcomes.append(build())
        except (DataModelError, SchemaValidationError) as exc:
            outcomes.append(exc.code)
    assert outcomes[0] == outcomes[1]
