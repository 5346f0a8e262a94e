"""vcred.schema: validating credentials against trámite JSON Schemas (W3C VC JSON Schema)."""

from __future__ import annotations

import contextlib
import copy
import socket
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcred.errors import (
    DataModelError,
    ErrorCode,
    SchemaValidationError,
    UnsupportedError,
    VcredError,
)
from vcred.schema import (
    JSON_SCHEMA_2020_12,
    TRAMITES_CONTEXT_URL,
    SchemaRegistry,
    TramiteInfo,
    is_valid_nit,
    load_tramites_context,
)

CATALOGUE = {
    "SVT-135": "CertificadoPazYSalvo",
    "SVT-080": "LicenciaConduccion",
    "SVT-030": "CertificadoTradicionVehiculo",
    "SVT-132": "CertificadoExistenciaLigaDeportiva",
    "SVT-133": "CertificadoPersoneriaOrganizacionComunal",
    "SVT-134": "CertificadoExistenciaInstitucionEducacionTrabajo",
    "SVT-110": "RegistroTituloSalud",
    "SVT-029": "CarneProteccionRadiologica",
    "SVT-042": "CredencialExpendedorDrogas",
    "SVT-043": "CertificadoManipulacionAlimentos",
}

REGISTRY = SchemaRegistry.default()


def credential_for(codigo: str, **subject_changes: Any) -> dict[str, Any]:
    """A credential for ``codigo`` whose subject is the schema's own example, then changed."""
    info = REGISTRY.for_tramite(codigo)
    subject = copy.deepcopy(REGISTRY.schema(info.schema_id)["$defs"]["sujeto"]["examples"][0])
    for name, value in subject_changes.items():
        if value is None:
            subject.pop(name, None)
        else:
            subject[name] = value
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", TRAMITES_CONTEXT_URL],
        "type": ["VerifiableCredential", info.credential_type],
        "issuer": "did:web:localhost%3A8000:entidades:gobernacion-putumayo",
        "validFrom": "2026-11-20T00:00:00Z",
        "credentialSubject": subject,
        "credentialSchema": {"id": info.schema_id, "type": "JsonSchema"},
    }


def violation_paths(credential: dict[str, Any], registry: SchemaRegistry = REGISTRY) -> set[str]:
    with pytest.raises(SchemaValidationError) as caught:
        registry.validate(credential)
    assert caught.value.code is ErrorCode.SCHEMA_VIOLATION
    assert all(v.rule == "schema" for v in caught.value.violations)
    return {v.path for v in caught.value.violations}


# --- the catalogue --------------------------------------------------------------------------


def test_default_registry_has_the_ten_putumayo_tramites() -> None:
    assert {t.codigo: t.credential_type for t in REGISTRY.tramites()} == CATALOGUE
    assert [t.codigo for t in REGISTRY.tramites()] == sorted(CATALOGUE)


def test_for_tramite_returns_the_catalogue_entry() -> None:
    info = REGISTRY.for_tramite("SVT-135")
    assert info == TramiteInfo(
        codigo="SVT-135",
        nombre="Certificado de paz y salvo",
        credential_type="CertificadoPazYSalvo",
        schema_id="https://vcred.example.gov.co/schemas/svt-135/v1",
    )
    assert REGISTRY.for_tramite(" svt-135 ") == info


@pytest.mark.parametrize("codigo", ["SVT-999", "", "paz y salvo"])
def test_unknown_tramite_code_is_tramite_unknown(codigo: str) -> None:
    with pytest.raises(SchemaValidationError) as caught:
        REGISTRY.for_tramite(codigo)
    assert caught.value.code is ErrorCode.TRAMITE_UNKNOWN


def test_the_shipped_context_is_served_for_its_url() -> None:
    context = load_tramites_context()["@context"]
    assert context["@protected"] is True
    assert context["CertificadoPazYSalvo"].startswith("https://vcred.example.gov.co/vocab#")


# --- valid credentials ----------------------------------------------------------------------


@pytest.mark.parametrize("codigo", sorted(CATALOGUE))
def test_the_schema_example_subject_validates(codigo: str) -> None:
    REGISTRY.validate(credential_for(codigo))


def test_credential_without_credential_schema_has_nothing_to_validate() -> None:
    credential = credential_for("SVT-080")
    del credential["credentialSchema"]
    REGISTRY.validate(credential)


def test_credential_schema_may_be_a_list() -> None:
    credential = credential_for("SVT-080")
    credential["credentialSchema"] = [credential["credentialSchema"]]
    REGISTRY.validate(credential)


def test_schemas_leave_credential_level_properties_open() -> None:
    credential = credential_for("SVT-135")
    credential["credentialStatus"] = {"type": "BitstringStatusListEntry"}
    credential["proof"] = {"type": "DataIntegrityProof"}
    REGISTRY.validate(credential)


def test_a_legal_person_can_hold_a_paz_y_salvo() -> None:
    credential = credential_for(
        "SVT-135",
        tipoDocumento="NIT",
        numeroDocumento="800197268-4",
        razonSocial="Transportes del Sur S.A.S.",
        nombres=None,
        apellidos=None,
    )
    REGISTRY.validate(credential)


# --- violations name each failing field -----------------------------------------------------


def test_missing_claim_points_at_the_missing_property() -> None:
    paths = violation_paths(credential_for("SVT-080", numeroLicencia=None))
    assert paths == {"/credentialSubject/numeroLicencia"}


def test_unexpected_claim_points_at_the_property() -> None:
    paths = violation_paths(credential_for("SVT-080", colorOjos="cafe"))
    assert paths == {"/credentialSubject/colorOjos"}


def test_unexpected_claim_in_a_nested_object() -> None:
    entidad = {"nombre": "Gobernación del Putumayo", "nit": "800094164-4", "sede": "Mocoa"}
    paths = violation_paths(credential_for("SVT-029", entidad=entidad))
    assert paths == {"/credentialSubject/entidad/sede"}


def test_a_failed_subschema_does_not_flag_its_own_properties_as_unexpected() -> None:
    paths = violation_paths(credential_for("SVT-080", nombres=None))
    assert paths == {"/credentialSubject/nombres"}


def test_json_pointer_paths_are_escaped() -> None:
    paths = violation_paths(credential_for("SVT-080", **{"a/b~c": 1}))
    assert paths == {"/credentialSubject/a~1b~0c"}


def test_every_violation_is_reported() -> None:
    credential = credential_for(
        "SVT-080",
        categorias=["B1", "Z9"],
        fechaVencimiento="2036-02-30",
        grupoSanguineo="O",
    )
    assert violation_paths(credential) == {
        "/credentialSubject/categorias/1",
        "/credentialSubject/fechaVencimiento",
        "/credentialSubject/grupoSanguineo",
    }


def test_credential_type_must_match_the_schema() -> None:
    credential = credential_for("SVT-080")
    credential["type"] = ["VerifiableCredential", "CertificadoPazYSalvo"]
    assert violation_paths(credential) == {"/type"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fechaExpedicion", "20261120"),  # format: date is asserted, not just annotated
        ("fechaExpedicion", "2026-11-31"),
        ("numeroDocumento", "12AB45"),  # a CC is numeric
        ("nombres", "x" * 201),  # every string is bounded
        ("nombres", "Ana\u0000María"),
        ("codigoTramite", "SVT-080"),  # const per schema
    ],
)
def test_claim_rules(field: str, value: str) -> None:
    paths = violation_paths(credential_for("SVT-135", **{field: value}))
    assert {p.split("/")[2] for p in paths} == {field}


def test_a_driving_licence_is_for_a_natural_person() -> None:
    paths = violation_paths(credential_for("SVT-080", tipoDocumento="NIT"))
    assert paths == {"/credentialSubject/tipoDocumento"}


def test_nit_check_digit_is_asserted() -> None:
    entidad = {"nombre": "Gobernación del Putumayo", "nit": "800094164-5"}
    assert violation_paths(credential_for("SVT-043", entidad=entidad)) == {
        "/credentialSubject/entidad/nit"
    }


def test_paz_y_salvo_for_vehicle_tax_requires_the_plate() -> None:
    paths = violation_paths(credential_for("SVT-135", placa=None))
    assert paths == {"/credentialSubject/placa"}


def test_paz_y_salvo_for_property_tax_requires_the_predio() -> None:
    credential = credential_for("SVT-135", concepto="IMPUESTO_PREDIAL_UNIFICADO", placa=None)
    assert violation_paths(credential) == {"/credentialSubject/predio"}


def test_messages_never_quote_the_claim_value() -> None:
    secret = "Ana\u0000Secreta"
    with pytest.raises(SchemaValidationError) as caught:
        REGISTRY.validate(credential_for("SVT-080", nombres=secret, numeroLicencia="ZZZ-777"))
    text = " ".join(str(v) for v in caught.value.violations) + str(caught.value)
    assert "Secreta" not in text
    assert "ZZZ-777" not in text


# --- credentialSchema handling --------------------------------------------------------------


def test_unknown_schema_id_is_schema_unknown() -> None:
    credential = credential_for("SVT-080")
    credential["credentialSchema"] = {
        "id": "https://evil.example/schema.json",
        "type": "JsonSchema",
    }
    with pytest.raises(SchemaValidationError) as caught:
        REGISTRY.validate(credential)
    assert caught.value.code is ErrorCode.SCHEMA_UNKNOWN


def test_one_unknown_schema_in_a_list_is_schema_unknown() -> None:
    credential = credential_for("SVT-080")
    known = credential["credentialSchema"]
    credential["credentialSchema"] = [known, {"id": "urn:x:unknown", "type": "JsonSchema"}]
    with pytest.raises(SchemaValidationError) as caught:
        REGISTRY.validate(credential)
    assert caught.value.code is ErrorCode.SCHEMA_UNKNOWN


@pytest.mark.parametrize("schema_type", ["JsonSchemaCredential", "JsonSchemaValidator2018"])
def test_other_credential_schema_types_are_unsupported(schema_type: str) -> None:
    credential = credential_for("SVT-080")
    credential["credentialSchema"]["type"] = schema_type
    with pytest.raises(UnsupportedError) as caught:
        REGISTRY.validate(credential)
    assert caught.value.code is ErrorCode.SCHEMA_TYPE_UNSUPPORTED


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("https://vcred.example.gov.co/schemas/svt-080/v1", "/credentialSchema"),
        ({"type": "JsonSchema"}, "/credentialSchema/id"),
        ({"id": "https://x.example/s", "type": ["JsonSchema"]}, "/credentialSchema/type"),
        ([{"id": 5, "type": "JsonSchema"}], "/credentialSchema/0/id"),
    ],
)
def test_malformed_credential_schema_is_a_data_model_error(value: object, path: str) -> None:
    credential = credential_for("SVT-080")
    credential["credentialSchema"] = value
    with pytest.raises(DataModelError) as caught:
        REGISTRY.validate(credential)
    assert caught.value.code is ErrorCode.DATA_MODEL_INVALID
    assert [v.path for v in caught.value.violations] == [path]


def test_a_credential_must_be_an_object() -> None:
    with pytest.raises(DataModelError):
        REGISTRY.validate(["not", "a", "credential"])  # type: ignore[arg-type]


def test_deeply_nested_credentials_are_refused_before_validation() -> None:
    deep: Any = "x"
    for _ in range(100):
        deep = [deep]
    with pytest.raises(VcredError) as caught:
        REGISTRY.validate(credential_for("SVT-080", restricciones=deep))
    assert caught.value.code is ErrorCode.NESTING_TOO_DEEP


# --- compiled validators ----------------------------------------------------------------------


def test_validator_is_compiled_once_and_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = SchemaRegistry.default()
    compiled: list[str] = []
    original = SchemaRegistry._compile

    def counting(self: SchemaRegistry, schema_id: str) -> Any:
        compiled.append(schema_id)
        return original(self, schema_id)

    monkeypatch.setattr(SchemaRegistry, "_compile", counting)
    for _ in range(5):
        registry.validate(credential_for("SVT-080"))
    info = registry.for_tramite("SVT-080")
    assert registry.validator(info.schema_id) is registry.validator(info.schema_id)
    assert compiled == [info.schema_id]


def test_registries_do_not_share_their_caches() -> None:
    schema_id = REGISTRY.for_tramite("SVT-080").schema_id
    assert SchemaRegistry.default().validator(schema_id) is not REGISTRY.validator(schema_id)


# --- registries built from a mapping ----------------------------------------------------------

SIMPLE_ID = "https://schemas.example/email/v1"


def simple_schema(**extra: Any) -> dict[str, Any]:
    return {
        "$schema": JSON_SCHEMA_2020_12,
        "$id": SIMPLE_ID,
        "type": "object",
        "properties": {
            "credentialSubject": {
                "type": "object",
                "properties": {"email": {"type": "string", "maxLength": 50}},
                "required": ["email"],
            }
        },
        **extra,
    }


def simple_credential(subject: object) -> dict[str, Any]:
    return {
        "credentialSubject": subject,
        "credentialSchema": {"id": SIMPLE_ID, "type": "JsonSchema"},
    }


def test_registry_from_a_mapping_validates_with_its_schemas() -> None:
    registry = SchemaRegistry({SIMPLE_ID: simple_schema()})
    registry.validate(simple_credential({"email": "a@b.co"}))
    assert violation_paths(simple_credential({}), registry) == {"/credentialSubject/email"}
    assert registry.tramites() == ()


def test_registry_keeps_its_own_copy_of_the_schemas() -> None:
    schema = simple_schema()
    registry = SchemaRegistry({SIMPLE_ID: schema})
    schema["properties"]["credentialSubject"]["required"] = []
    assert violation_paths(simple_credential({}), registry) == {"/credentialSubject/email"}


def test_remote_refs_are_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", lambda *a: attempts.append(a))
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: attempts.append(a))
    registry = SchemaRegistry({SIMPLE_ID: simple_schema(**{"$ref": "http://127.0.0.1:9/x"})})
    with pytest.raises(SchemaValidationError) as caught:
        registry.validate(simple_credential({"email": "a@b.co"}))
    assert caught.value.code is ErrorCode.SCHEMA_UNKNOWN
    assert attempts == []


def test_nested_remote_ref_is_refused_at_compile_time() -> None:
    schema = simple_schema()
    schema["properties"]["credentialSubject"]["properties"]["x"] = {"$ref": "other.json#/a"}
    with pytest.raises(SchemaValidationError) as caught:
        SchemaRegistry({SIMPLE_ID: schema}).validator(SIMPLE_ID)
    assert caught.value.code is ErrorCode.SCHEMA_UNKNOWN


def test_refs_between_registered_schemas_resolve() -> None:
    shared_id = "https://schemas.example/shared/v1"
    shared = {
        "$schema": JSON_SCHEMA_2020_12,
        "$id": shared_id,
        "$defs": {"email": {"type": "string", "pattern": "@", "maxLength": 50}},
    }
    schema = simple_schema()
    schema["properties"]["credentialSubject"]["properties"]["email"] = {
        "$ref": "../shared/v1#/$defs/email"
    }
    registry = SchemaRegistry({SIMPLE_ID: schema, shared_id: shared})
    registry.validate(simple_credential({"email": "a@b.co"}))
    assert violation_paths(simple_credential({"email": "ab.co"}), registry) == {
        "/credentialSubject/email"
    }


@pytest.mark.parametrize(
    "schema",
    [
        {"$id": SIMPLE_ID, "type": "object"},  # VC JSON Schema §4: no $schema, not processed
        {"$schema": "http://json-schema.org/draft-07/schema#", "$id": SIMPLE_ID},
        {"$schema": JSON_SCHEMA_2020_12, "$id": "https://schemas.example/other"},
        {"$schema": JSON_SCHEMA_2020_12},
    ],
)
def test_schemas_need_2020_12_and_a_matching_id(schema: dict[str, Any]) -> None:
    with pytest.raises(SchemaValidationError) as caught:
        SchemaRegistry({SIMPLE_ID: schema})
    assert caught.value.code is ErrorCode.SCHEMA_INVALID


def test_an_invalid_schema_fails_when_compiled() -> None:
    registry = SchemaRegistry({SIMPLE_ID: simple_schema(type=5)})
    with pytest.raises(SchemaValidationError) as caught:
        registry.validator(SIMPLE_ID)
    assert caught.value.code is ErrorCode.SCHEMA_INVALID


def test_tramites_must_name_registered_schemas() -> None:
    info = TramiteInfo("X-1", "Prueba", "Prueba", "https://schemas.example/missing")
    with pytest.raises(SchemaValidationError) as caught:
        SchemaRegistry({SIMPLE_ID: simple_schema()}, tramites=[info])
    assert caught.value.code is ErrorCode.SCHEMA_INVALID


def test_unknown_schema_id_for_schema_and_validator() -> None:
    for call in (REGISTRY.schema, REGISTRY.validator):
        with pytest.raises(SchemaValidationError) as caught:
            call("https://vcred.example.gov.co/schemas/svt-000/v1")
        assert caught.value.code is ErrorCode.SCHEMA_UNKNOWN


# --- NIT check digit --------------------------------------------------------------------------


@pytest.mark.parametrize("nit", ["800094164-4", "800197268-4", "899999001-7", "900123456-8"])
def test_known_nits_are_valid(nit: str) -> None:
    assert is_valid_nit(nit)


@pytest.mark.parametrize("nit", ["800094164-5", "800094164", "8000941644", "80009416-44", ""])
def test_malformed_nits_are_invalid(nit: str) -> None:
    assert not is_valid_nit(nit)


@given(st.integers(min_value=100_000, max_value=9_999_999_999))
def test_exactly_one_check_digit_is_valid(number: int) -> None:
    assert sum(is_valid_nit(f"{number}-{dv}") for dv in range(10)) == 1


# --- properties -------------------------------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(subject=JSON, codigo=st.sampled_from(sorted(CATALOGUE)))
def test_arbitrary_subjects_raise_only_vcred_errors(subject: object, codigo: str) -> None:
    credential = credential_for(codigo)
    credential["credentialSubject"] = subject
    with pytest.raises(SchemaValidationError) as caught:
        REGISTRY.validate(credential)
    assert caught.value.code is ErrorCode.SCHEMA_VIOLATION


@settings(max_examples=100, deadline=None)
@given(credential=st.dictionaries(st.sampled_from(["type", "credentialSchema", "x"]), JSON))
def test_arbitrary_credentials_raise_only_vcred_errors(credential: dict[str, Any]) -> None:
    with contextlib.suppress(VcredError):
        REGISTRY.validate(credential)


@settings(max_examples=60, deadline=None)
@given(codigo=st.sampled_from(sorted(CATALOGUE)), data=st.data())
def test_dropping_any_required_claim_is_reported_at_its_path(codigo: str, data: Any) -> None:
    info = REGISTRY.for_tramite(codigo)
    required = REGISTRY.schema(info.schema_id)["$defs"]["sujeto"]["required"]
    name = data.draw(st.sampled_from(required))
    assert f"/credentialSubject/{name}" in violation_paths(credential_for(codigo, **{name: None}))
