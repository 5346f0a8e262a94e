"""VC Data Model credentials: validation rules (VCDM 2.0 §4, 1.1 read), builders and helpers."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vcred.credential
from vcred.credential import (
    CONTEXT_V1,
    CONTEXT_V2,
    RULES,
    Limits,
    build_credential,
    credential_types,
    is_url,
    issuer_id,
    localized_text,
    validate_credential,
)
from vcred.errors import DataModelError, ErrorCode, InvalidInputError, UsageError

Doc = dict[str, Any]


def minimal_v2() -> Doc:
    return {
        "@context": [CONTEXT_V2, "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "http://university.example/credentials/3732",
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "issuer": "https://university.example/issuers/565049",
        "validFrom": "2010-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "degree": {"type": "ExampleBachelorDegree", "name": "Bachelor of Science and Arts"},
        },
    }


def minimal_v1() -> Doc:
    return {
        "@context": [CONTEXT_V1, "https://www.w3.org/2018/credentials/examples/v1"],
        "id": "http://example.edu/credentials/3732",
        "type": ["VerifiableCredential", "UniversityDegreeCredential"],
        "issuer": "https://example.edu/issuers/14",
        "issuanceDate": "2010-01-01T19:23:24Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21"},
    }


def rules_of(document: object) -> set[str]:
    with pytest.raises(DataModelError) as caught:
        validate_credential(document)
    assert caught.value.code is ErrorCode.DATA_MODEL_INVALID
    return {violation.rule for violation in caught.value.violations}


def changed(base: Callable[[], Doc], **members: Any) -> Doc:
    document = base()
    for key, value in members.items():
        key = key.replace("__", "@") if key.startswith("__") else key
        if value is ...:
            document.pop(key, None)
        else:
            document[key] = value
    return document


# --- the rule table -------------------------------------------------------------------------


def test_docstring_table_lists_exactly_the_rules() -> None:
    doc = vcred.credential.__doc__ or ""
    listed = re.findall(r"^``([A-Za-z]+\.[a-z_A-Z]+)``", doc, flags=re.MULTILINE)
    assert len(listed) == len(set(listed))
    assert set(listed) == set(RULES)


# --- valid credentials ------------------------------------------------------------------------


def test_minimal_v2_credential_is_summarised() -> None:
    info = validate_credential(minimal_v2())
    assert info.version == "2.0"
    assert info.id == "http://university.example/credentials/3732"
    assert info.types == ("VerifiableCredential", "ExampleDegreeCredential")
    assert info.issuer_id == "https://university.example/issuers/565049"
    assert info.issuer_name is None
    assert info.subject_ids == ("did:example:ebfeb1f712ebc6f1c276e12ec21",)
    assert info.valid_from == datetime(2010, 1, 1, tzinfo=UTC)
    assert info.valid_until is None
    assert info.status_entries == ()
    assert info.schemas == ()


def test_v1_credential_maps_issuance_and_expiration_dates() -> None:
    document = changed(minimal_v1, expirationDate="2030-01-01T00:00:00")
    info = validate_credential(document)
    assert info.version == "1.1"
    assert info.valid_from == datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC)
    # xsd:dateTime without a zone is allowed in 1.1 and read as UTC
    assert info.valid_until == datetime(2030, 1, 1, tzinfo=UTC)
    assert info.credential is document


def test_issuer_object_with_language_values_and_status_and_schemas() -> None:
    status = [
        {"id": "https://license.example/status/84#14278", "type": "BitstringStatusListEntry"},
        {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"},  # 2.0: id optional
    ]
    schema = {"id": "https://example.org/examples/degree.json", "type": "JsonSchema"}
    issuer = {
        "id": "did:example:76e12ec712ebc6f1c221ebfeb1f",
        "name": [
            {"@value": "Example University", "@language": "en"},
            {"@value": "جامعة المثال", "@language": "ar", "@direction": "rtl"},
        ],
    }
    document = changed(minimal_v2, issuer=issuer, credentialStatus=status, credentialSchema=schema)
    info = validate_credential(document)
    assert info.issuer_id == "did:example:76e12ec712ebc6f1c221ebfeb1f"
    assert info.issuer_name == "Example University"
    assert info.status_entries == tuple(status)
    assert info.schemas == (schema,)


def test_type_order_does_not_matter_in_v2() -> None:
    # VCDM 2.0 §4.5: "If more than one value is provided, the order does not matter."
    document = changed(minimal_v2, type=["https://example.org/#Example", "VerifiableCredential"])
    assert validate_credential(document).types[1] == "VerifiableCredential"


@pytest.mark.parametrize(
    "members",
    [
        {"__context": CONTEXT_V2},  # a single value stands for a one-item set (VCDM 2.0 §6)
        {"__context": [CONTEXT_V2, {"Example": "https://example.org/#Example"}]},
        {"type": "VerifiableCredential"},
        {"id": ...},
        {"validFrom": ...},
        {"validFrom": "2023-02-25T19:10:39-06:00", "validUntil": "2023-02-26T01:10:39Z"},
        {"name": "Example University Degree", "description": {"@value": "Un título"}},
        {"credentialSubject": [{"id": "did:example:a"}, {"name": "Morgan Doe"}]},
        {"credentialSubject": {"id": "did:example:a"}},
        {"evidence": [{"type": ["Evidence"], "id": "https://example.edu/evidence/1"}]},
        {"termsOfUse": {"type": "TrustFrameworkPolicy"}},
        {"refreshService": {"type": "VerifiableCredentialRefreshService2021"}},
        {"proof": [{"type": "DataIntegrityProof"}, {"type": "DataIntegrityProof"}]},
        {
            "relatedResource": [
                {"id": "https://www.w3.org/ns/credentials/v2", "digestSRI": "sha384-abc"},
                {"id": "https://example.org/a", "digestMultibase": "uEiBZlVztZpfWHgPyslVv"},
            ]
        },
        {"renderMethod": {"type": "SvgRenderingTemplate", "id": "https://example.org/r.svg"}},
        {"badExtension": {"huh": "what?"}},  # unknown members are ignored
    ],
    ids=lambda members: "+".join(members),
)
def test_valid_variations(members: dict[str, Any]) -> None:
    validate_credential(changed(minimal_v2, **members))


# --- each rule ------------------------------------------------------------------------------

_V2_BREAKS: list[tuple[str, dict[str, Any], str]] = [
    ("no context", {"__context": ...}, "context.missing"),
    ("empty context", {"__context": []}, "context.empty"),
    ("context object", {"__context": {"@vocab": "https://example.org/"}}, "context.first"),
    (
        "context order",
        {"__context": ["https://www.w3.org/ns/credentials/examples/v2", CONTEXT_V2]},
        "context.first",
    ),
    (
        "context not url",
        {"__context": [CONTEXT_V2, "https ://not-a-url/v1"]},
        "context.invalid_item",
    ),
    ("context number", {"__context": [CONTEXT_V2, 123192875]}, "context.invalid_item"),
    (
        "context too many",
        {"__context": [CONTEXT_V2] + ["https://e.org/c"] * 40},
        "context.too_many",
    ),
    ("id not url", {"id": "https ://not-a-url/vcs/1"}, "id.not_url"),
    ("id null", {"id": None}, "id.not_url"),
    ("id relative", {"id": "credentials/1"}, "id.not_url"),
    ("id multiple", {"id": ["https://example.org/1", "https://example.net/1"]}, "id.multiple"),
    ("no type", {"type": ...}, "type.missing"),
    ("null type", {"type": None}, "type.missing"),
    ("empty type", {"type": []}, "type.empty"),
    ("type number", {"type": ["VerifiableCredential", 2]}, "type.invalid_value"),
    ("type object", {"type": {"VerifiableCredential": True}}, "type.invalid_value"),
    ("type bad url", {"type": ["VerifiableCredential", "https ://x#T"]}, "type.invalid_value"),
    ("type keyword", {"type": ["VerifiableCredential", "@id"]}, "type.invalid_value"),
    ("no VC type", {"type": ["ExampleDegreeCredential"]}, "type.vc_missing"),
    (
        "type too many",
        {"type": ["VerifiableCredential"] + [f"T{i}" for i in range(40)]},
        "type.too_many",
    ),
    ("name number", {"name": 7}, "name.invalid"),
    ("name empty list", {"name": []}, "name.invalid"),
    (
        "name extra key",
        {"name": {"@value": "Example", "@language": "en", "url": "did:example:credential"}},
        "name.invalid_language_value",
    ),
    ("name no value", {"name": {"@language": "en"}}, "name.invalid_language_value"),
    (
        "name direction",
        {"name": [{"@value": "x", "@direction": "up"}]},
        "name.invalid_language_value",
    ),
    ("description list of numbers", {"description": [1]}, "description.invalid"),
    (
        "description extra key",
        {"description": {"@value": "An Example", "@type": "xsd:string"}},
        "description.invalid_language_value",
    ),
    ("no issuer", {"issuer": ...}, "issuer.missing"),
    ("issuer null", {"issuer": None}, "issuer.invalid"),
    ("issuer number", {"issuer": 12345}, "issuer.invalid"),
    ("issuer list", {"issuer": ["https://a.example", "https://b.example"]}, "issuer.multiple"),
    ("issuer not url", {"issuer": "fake-issuer"}, "issuer.not_url"),
    ("issuer object id not url", {"issuer": {"id": "fake-issuer"}}, "issuer.not_url"),
    ("issuer object id null", {"issuer": {"id": None}}, "issuer.not_url"),
    ("issuer object no id", {"issuer": {"name": "Example"}}, "issuer.id_missing"),
    (
        "issuer name extra key",
        {"issuer": {"id": "did:example:i", "name": {"@value": "E", "url": "did:example:x"}}},
        "name.invalid_language_value",
    ),
    ("no subject", {"credentialSubject": ...}, "credentialSubject.missing"),
    ("subject empty list", {"credentialSubject": []}, "credentialSubject.empty"),
    ("subject string", {"credentialSubject": "did:example:abc"}, "credentialSubject.not_object"),
    ("subject no claims", {"credentialSubject": {}}, "credentialSubject.no_claims"),
    (
        "one subject without claims",
        {"credentialSubject": [{"id": "did:example:subject"}, {}]},
        "credentialSubject.no_claims",
    ),
    ("subject id multiple", {"credentialSubject": {"id": ["did:ex:1", "did:ex:2"]}}, "id.multiple"),
    ("subject id not url", {"credentialSubject": {"id": "Jane"}}, "id.not_url"),
    (
        "subjects too many",
        {"credentialSubject": [{"id": f"did:example:{i}"} for i in range(101)]},
        "credentialSubject.too_many",
    ),
    (
        "validFrom prose",
        {"validFrom": "Sat 25 Feb 2023 07:16:31 PM CST"},
        "validFrom.not_datetimestamp",
    ),
    ("validFrom no zone", {"validFrom": "2010-01-01T00:00:00"}, "validFrom.not_datetimestamp"),
    ("validFrom number", {"validFrom": 1262304000}, "validFrom.not_datetimestamp"),
    (
        "validUntil rfc2822",
        {"validUntil": "Sun, 26 Feb 2023 01:22:14 +0000"},
        "validUntil.not_datetimestamp",
    ),
    (
        "validUntil before validFrom",
        {"validFrom": "2030-01-01T00:00:00Z", "validUntil": "2020-01-01T00:00:00Z"},
        "validUntil.before_validFrom",
    ),
    ("status string", {"credentialStatus": "false"}, "credentialStatus.not_object"),
    ("status empty", {"credentialStatus": []}, "credentialStatus.empty"),
    (
        "status no type",
        {"credentialStatus": {"id": "did:example:status"}},
        "credentialStatus.type_missing",
    ),
    ("status type number", {"credentialStatus": {"type": 2}}, "type.invalid_value"),
    (
        "status id multiple",
        {"credentialStatus": {"id": ["did:ex:s1", "did:ex:s2"], "type": "StatusList"}},
        "id.multiple",
    ),
    (
        "status id not url",
        {"credentialStatus": {"id": "https ://not-a-url/4", "type": "StatusList"}},
        "id.not_url",
    ),
    (
        "status too many",
        {"credentialStatus": [{"type": "BitstringStatusListEntry"}] * 33},
        "credentialStatus.too_many",
    ),
    ("schema no id", {"credentialSchema": {"type": "JsonSchema"}}, "credentialSchema.id_missing"),
    (
        "schema no type",
        {"credentialSchema": {"id": "did:example:schemas/1"}},
        "credentialSchema.type_missing",
    ),
    (
        "schema id not url",
        {"credentialSchema": {"type": "JsonSchema", "id": "https ://not-a-url.org/s"}},
        "credentialSchema.id_not_url",
    ),
    (
        "schema id multiple",
        {"credentialSchema": {"type": "JsonSchema", "id": ["https://a.org/s", "https://b.org/s"]}},
        "credentialSchema.id_not_url",
    ),
    (
        "schema list of strings",
        {"credentialSchema": ["https://a.org/s"]},
        "credentialSchema.not_object",
    ),
    ("proof no type", {"proof": {"proofPurpose": "assertionMethod"}}, "proof.type_missing"),
    ("proof string", {"proof": "eyJhbGciOiJFUzI1NiJ9..sig"}, "proof.not_object"),
    ("evidence no type", {"evidence": {}}, "evidence.type_missing"),
    ("evidence empty", {"evidence": []}, "evidence.empty"),
    ("terms no type", {"termsOfUse": {"id": "did:example:terms/1"}}, "termsOfUse.type_missing"),
    (
        "refresh no type",
        {"refreshService": {"id": "did:example:refresh/1"}},
        "refreshService.type_missing",
    ),
    ("refresh number", {"refreshService": 3}, "refreshService.not_object"),
    (
        "render no type",
        {"renderMethod": {"id": "https://e.org/r.svg"}},
        "renderMethod.type_missing",
    ),
    (
        "confidence no type",
        {"confidenceMethod": {"id": "did:ex:k"}},
        "confidenceMethod.type_missing",
    ),
    (
        "subject confidence no type",
        {"credentialSubject": {"id": "did:ex:a", "confidenceMethod": {"id": "did:ex:k"}}},
        "confidenceMethod.type_missing",
    ),
    (
        "related no id",
        {"relatedResource": {"digestSRI": "sha384-abc"}},
        "relatedResource.id_missing",
    ),
    (
        "related no digest",
        {"relatedResource": [{"id": "https://example.org/a"}]},
        "relatedResource.digest_missing",
    ),
    (
        "related duplicate",
        {"relatedResource": [{"id": "https://e.org/a", "digestSRI": "sha384-a"}] * 2},
        "relatedResource.id_duplicate",
    ),
    ("related string", {"relatedResource": "https://example.org/a"}, "relatedResource.not_object"),
]


@pytest.mark.parametrize(
    ("members", "rule"), [(m, r) for _, m, r in _V2_BREAKS], ids=[d for d, _, _ in _V2_BREAKS]
)
def test_each_v2_rule(members: dict[str, Any], rule: str) -> None:
    assert rule in RULES
    assert rule in rules_of(changed(minimal_v2, **members))


@pytest.mark.parametrize(
    ("members", "rule"),
    [
        ({"issuanceDate": ...}, "issuanceDate.missing"),
        ({"issuanceDate": "2010-01-01T19:23:24+25:00"}, "issuanceDate.not_datetime"),
        ({"expirationDate": "never"}, "expirationDate.not_datetime"),
        ({"credentialStatus": {"type": "CredentialStatusList2017"}}, "credentialStatus.id_missing"),
        (
            {"__context": ["https://www.w3.org/2018/credentials/examples/v1", CONTEXT_V1]},
            "context.first",
        ),
        ({"type": ["UniversityDegreeCredential"]}, "type.vc_missing"),
    ],
    ids=lambda value: "+".join(value) if isinstance(value, dict) else value,
)
def test_each_v1_rule(members: dict[str, Any], rule: str) -> None:
    assert rule in rules_of(changed(minimal_v1, **members))


def test_v1_ignores_validfrom_and_v2_ignores_issuance_date() -> None:
    validate_credential(changed(minimal_v1, validFrom="not checked in 1.1"))
    validate_credential(changed(minimal_v2, issuanceDate="not checked in 2.0"))


def test_every_violation_is_reported_with_its_path() -> None:
    document = changed(
        minimal_v2,
        __context=["https://www.w3.org/ns/credentials/examples/v2"],
        type=["Example"],
        issuer="example",
        validFrom="yesterday",
        credentialSubject=[{"id": "x"}],
    )
    with pytest.raises(DataModelError) as caught:
        validate_credential(document)
    found = {(v.rule, v.path) for v in caught.value.violations}
    assert found == {
        ("context.first", "/@context/0"),
        ("type.vc_missing", "/type"),
        ("issuer.not_url", "/issuer"),
        ("validFrom.not_datetimestamp", "/validFrom"),
        ("id.not_url", "/credentialSubject/0/id"),
    }


# --- document bounds ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, [], "credential", 3, [minimal_v2()]])
def test_non_objects_are_rejected(value: object) -> None:
    assert rules_of(value) == {"document.not_object"}


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), b"bytes", datetime(2020, 1, 1, tzinfo=UTC), {1, 2}]
)
def test_non_json_values_are_rejected(value: object) -> None:
    document = minimal_v2()
    document["credentialSubject"]["odd"] = value
    with pytest.raises(DataModelError) as caught:
        validate_credential(document)
    assert [(v.rule, v.path) for v in caught.value.violations] == [
        ("document.not_json", "/credentialSubject/odd")
    ]


def test_non_string_keys_are_rejected() -> None:
    document = minimal_v2()
    document["credentialSubject"][1] = "one"
    assert rules_of(document) == {"document.not_json"}


def test_deep_nesting_is_refused_with_nesting_code() -> None:
    document = minimal_v2()
    nested: Doc = {"leaf": True}
    for _ in range(100_000):
        nested = {"n": nested}
    document["credentialSubject"]["deep"] = nested
    with pytest.raises(DataModelError) as caught:
        validate_credential(document)
    assert caught.value.code is ErrorCode.NESTING_TOO_DEEP
    assert [v.rule for v in caught.value.violations] == ["document.too_deep"]


@pytest.mark.parametrize(
    "payload", [{"big": "x" * 300_000}, {"many": list(range(30_000))}], ids=["chars", "nodes"]
)
def test_large_documents_are_refused_with_size_code(payload: Doc) -> None:
    document = minimal_v2()
    document["credentialSubject"].update(payload)
    with pytest.raises(DataModelError) as caught:
        validate_credential(document)
    assert caught.value.code is ErrorCode.INPUT_TOO_LARGE
    assert [v.rule for v in caught.value.violations] == ["document.too_large"]


def test_limits_can_be_tightened_per_call() -> None:
    with pytest.raises(DataModelError) as caught:
        validate_credential(minimal_v2(), limits=Limits(max_types=1, max_depth=4))
    assert [v.rule for v in caught.value.violations] == ["type.too_many"]


# --- published vectors ----------------------------------------------------------------------

_JOSE_COSE_CREDENTIALS = [
    "credential-minimal.json",
    "credential-full.json",
    "credential-selective.json",
    "credential-nested-selective.json",
    # Case 5 of the suite expects issuance to fail, but for its key pairing (see the vectors
    # README); unknown extensions MUST be ignored (VC-JOSE-COSE test statement 26).
    "credential-unknown-extensions.json",
]


@pytest.mark.vectors
@pytest.mark.parametrize("name", _JOSE_COSE_CREDENTIALS)
def test_vc_jose_cose_inputs_validate(vectors: Path, name: str) -> None:
    document = json.loads((vectors / "vc-jose-cose/tests/input" / name).read_text())
    info = validate_credential(document)
    assert info.version == "2.0"
    assert info.issuer_id == "https://example.issuer/vc-jose-cose"


# VC-JWT 1.1 "create" vectors: each reject case and the rule it breaks.
_CREATE_REJECTS = {
    "bad no credential subject": {"credentialSubject.missing"},
    "bad missing context": {"context.empty"},
    "bad first context item": {"context.first"},
    "bad multiple id values": {"id.multiple"},
    "bad id must be a uri": {"id.not_url"},
    "bad type must have at least one value": {"type.empty"},
    "bad type must have VerifiableCredential as first value": {"type.vc_missing"},
    "bad issuance date": {"issuanceDate.not_datetime"},
    "bad multiple issuers": {"issuer.multiple"},
    "bad issuer must be uri": {"issuer.not_url"},
    "bad issuer as object without id": {"issuer.id_missing"},
    "bad issuer as numeric id": {"issuer.invalid"},
    "bad missing issuance date": {"issuanceDate.missing"},
    "bad missing issuer": {"issuer.missing"},
    "bad expiration date with multiple values": {"expirationDate.not_datetime"},
    "bad expiration date value": {"expirationDate.not_datetime"},
    # VCDM 1.1 §4.9 required the status id; VCDM 2.0 §4.10 does not.
    "bad credential status with missing id": {"credentialStatus.id_missing"},
    "bad credential status with missing type": {"credentialStatus.type_missing"},
    "bad credential status as a string": {"credentialStatus.not_object"},
}


def _create_vectors(vectors: Path) -> list[dict[str, Any]]:
    path = vectors / "vc-jwt-1.1/test-vectors/credentials/create.json"
    result: list[dict[str, Any]] = json.loads(path.read_text())["vectors"]
    return result


@pytest.mark.vectors
def test_vc_jwt_create_vectors_are_rejected_for_the_right_rule(vectors: Path) -> None:
    cases = _create_vectors(vectors)
    rejected = [case for case in cases if case.get("errors")]
    assert {case["description"] for case in rejected} == set(_CREATE_REJECTS)
    for case in rejected:
        found = rules_of(case["input"]["credential"])
        assert found == _CREATE_REJECTS[case["description"]], case["description"]


@pytest.mark.vectors
def test_vc_jwt_create_success_vectors_validate_as_v1(vectors: Path) -> None:
    accepted = [case for case in _create_vectors(vectors) if not case.get("errors")]
    assert len(accepted) == 2
    for case in accepted:
        info = validate_credential(case["input"]["credential"])
        assert info.version == "1.1"
        assert info.issuer_id == case["input"]["signerPortableDid"]["uri"]


def test_v2_status_without_id_is_fine_but_v1_is_not() -> None:
    status = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
    validate_credential(changed(minimal_v2, credentialStatus=status))
    assert rules_of(changed(minimal_v1, credentialStatus=status)) == {"credentialStatus.id_missing"}


# --- helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.issuer/vc-jose-cose",
        "http://university.example/credentials/1872",
        "https://[2001:db8::1]:8443/a?b=c#d",
        "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "did:web:gobernacion.example.gov.co:certificados",
        "did:key:z6MkfUhjsZUJkzioGDULpcqxXFSNs6McMJo31txYnEaqn9dY#z6Mkf",
        "did:example:123/path?service=x#key-1",
        "https://münchen.example/ñandú",
        "data:application/vc+jwt,eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
        "mailto:tramites@example.gov.co",
        "https://example.org/%C3%B1",
    ],
)
def test_is_url_accepts_absolute_urls(url: str) -> None:
    assert is_url(url)


@pytest.mark.parametrize(
    "value",
    [
        "example",
        "fake-issuer",
        "https ://not-a-url/x",
        "https://exa mple.org",
        "https://example.org/\n",
        "https://example.org/\u202e",  # bidi override
        "https:///path-without-host",
        "https:relative",
        "https://example.org:port/",
        "https://example.org/a#b#c",
        "https://example.org/%zz",
        "https://example.org/a[1]",
        "https://example.org/<script>",
        "did:example",
        "did:Example:123",
        "did:example:",
        "urn:uuid",
        "urn:x:",
        "1https://example.org",
        ":no-scheme",
        "",
        None,
        42,
        ["https://example.org"],
    ],
)
def test_is_url_refuses_everything_else(value: object) -> None:
    assert not is_url(value)


def test_small_helpers_never_validate() -> None:
    assert credential_types(minimal_v2()) == ("VerifiableCredential", "ExampleDegreeCredential")
    assert credential_types({"type": "VerifiableCredential"}) == ("VerifiableCredential",)
    assert credential_types({"type": [1, "X"]}) == ("X",)
    assert credential_types("nope") == ()
    assert issuer_id(minimal_v2()) == "https://university.example/issuers/565049"
    assert issuer_id({"issuer": {"id": "did:example:i"}}) == "did:example:i"
    assert issuer_id({"issuer": 5}) is None
    assert issuer_id(None) is None


def test_localized_text_picks_a_language() -> None:
    name = [
        {"@value": "Certificate", "@language": "en"},
        {"@value": "Certificado", "@language": "es-CO"},
    ]
    assert localized_text(name) == "Certificate"
    assert localized_text(name, language="es") == "Certificado"
    assert localized_text(name, language="fr") == "Certificate"
    assert localized_text("Paz y salvo") == "Paz y salvo"
    assert localized_text(7) is None


# --- building ---------------------------------------------------------------------------------

_NOW = datetime(2026, 11, 23, 12, 0, 0, 987654, tzinfo=UTC)
_GOBERNACION = "did:web:gobernacion.example.gov.co"


def _build(**overrides: Any) -> Doc:
    arguments: Doc = {
        "types": ["PazYSalvoCredential"],
        "issuer": _GOBERNACION,
        "subject": {"id": "did:example:ciudadano", "tramite": "paz-y-salvo"},
        "now": _NOW,
        "rng": lambda n: bytes(range(n)),
    }
    arguments.update(overrides)
    return build_credential(**arguments)


def test_build_credential_defaults() -> None:
    credential = _build(contexts=["https://example.gov.co/contexts/v1", CONTEXT_V2])
    assert credential == {
        "@context": [CONTEXT_V2, "https://example.gov.co/contexts/v1"],
        "id": "urn:uuid:00010203-0405-4607-8809-0a0b0c0d0e0f",
        "type": ["VerifiableCredential", "PazYSalvoCredential"],
        "issuer": _GOBERNACION,
        "validFrom": "2026-11-23T12:00:00Z",
        "credentialSubject": {"id": "did:example:ciudadano", "tramite": "paz-y-salvo"},
    }


def test_build_credential_with_everything() -> None:
    bogota = timezone(timedelta(hours=-5))
    status = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
    schema = [{"id": "https://example.gov.co/schemas/paz-y-salvo.json", "type": "JsonSchema"}]
    credential = _build(
        types=["VerifiableCredential", "PazYSalvoCredential", "VerifiableCredential"],
        issuer={"id": _GOBERNACION, "name": {"@value": "Gobernación", "@language": "es"}},
        credential_id="https://example.gov.co/credentials/1",
        valid_from=datetime(2026, 1, 1, 7, 0, 0, 500000, tzinfo=bogota),
        valid_until=datetime(2027, 1, 1, tzinfo=UTC),
        status=status,
        schema=schema,
        name="Paz y salvo",
        description=[{"@value": "Paz y salvo municipal", "@language": "es"}],
    )
    assert credential["type"] == ["VerifiableCredential", "PazYSalvoCredential"]
    assert credential["validFrom"] == "2026-01-01T12:00:00.5Z"
    assert credential["validUntil"] == "2027-01-01T00:00:00Z"
    assert credential["credentialStatus"] == status
    assert credential["credentialSchema"] == schema[0]
    info = validate_credential(credential)
    assert info.issuer_name == "Gobernación"
    assert info.id == "https://example.gov.co/credentials/1"


def test_build_credential_copies_its_inputs() -> None:
    subject: Doc = {"id": "did:example:ciudadano", "predios": [{"ficha": "01"}]}
    credential: Any = _build(subject=subject)
    credential["credentialSubject"]["predios"][0]["ficha"] = "02"
    assert subject["predios"][0]["ficha"] == "01"


def test_build_credential_uses_the_clock_when_no_now() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    credential = build_credential(types=[], issuer=_GOBERNACION, subject={"x": 1})
    valid_from = validate_credential(credential).valid_from
    assert valid_from is not None
    assert valid_from >= before
    assert str(credential["id"]).startswith("urn:uuid:")


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"issuer": "gobernacion"}, "issuer.not_url"),
        ({"subject": {}}, "credentialSubject.no_claims"),
        ({"credential_id": "not a url"}, "id.not_url"),
        ({"valid_until": datetime(2020, 1, 1, tzinfo=UTC)}, "validUntil.before_validFrom"),
        ({"status": {"id": "https://e.org/s"}}, "credentialStatus.type_missing"),
        ({"schema": {"type": "JsonSchema"}}, "credentialSchema.id_missing"),
        ({"name": {"@value": "x", "extra": 1}}, "name.invalid_language_value"),
        ({"contexts": ["not a url"]}, "context.invalid_item"),
    ],
)
def test_build_credential_refuses_bad_results(overrides: Doc, rule: str) -> None:
    with pytest.raises(DataModelError) as caught:
        _build(**overrides)
    assert rule in {v.rule for v in caught.value.violations}


@pytest.mark.parametrize(
    "overrides",
    [
        {"types": "PazYSalvoCredential"},
        {"types": ["A", 1]},
        {"subject": "did:example:ciudadano"},
        {"issuer": 7},
        {"valid_from": datetime(2026, 1, 1)},
        {"now": datetime(2026, 1, 1)},
        {"status": "revoked"},
        {"rng": lambda n: b"short"},
    ],
)
def test_build_credential_refuses_bad_arguments(overrides: Doc) -> None:
    with pytest.raises(UsageError) as caught:
        _build(**overrides)
    assert caught.value.code is ErrorCode.USAGE


# --- properties -------------------------------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
_members = st.sampled_from(
    [
        "@context", "id", "type", "issuer", "name", "description", "credentialSubject",
        "validFrom", "validUntil", "issuanceDate", "expirationDate", "credentialStatus",
        "credentialSchema", "proof", "evidence", "termsOfUse", "refreshService",
        "relatedResource", "renderMethod", "confidenceMethod",
    ]
)  # fmt: skip


def _check_only_our_errors(document: object) -> None:
    try:
        validate_credential(document)
    except DataModelError as error:
        assert error.violations
        assert {v.rule for v in error.violations} <= set(RULES)
    except InvalidInputError:
        pass


@given(_json_values)
def test_arbitrary_json_only_raises_our_errors(value: object) -> None:
    _check_only_our_errors(value)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(_members, _json_values, max_size=8), st.sampled_from([minimal_v2, minimal_v1])
)
def test_mutated_credentials_only_raise_our_errors(members: Doc, base: Callable[[], Doc]) -> None:
    document = base()
    document.update(copy.deepcopy(members))
    _check_only_our_errors(document)


_urls = st.sampled_from(
    ["https://example.gov.co/a", "did:example:123", "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5"]
)
_claims = st.dictionaries(
    st.text(min_size=1, max_size=10).filter(lambda k: k != "id"),
    st.text(max_size=10) | st.integers() | st.booleans(),
    min_size=1,
    max_size=4,
)


@given(
    types=st.lists(st.from_regex(r"\A[A-Z][A-Za-z]{0,15}\Z"), max_size=3),
    issuer=_urls,
    subject=_claims,
    now=st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    lifetime=st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650)),
    name=st.none() | st.text(max_size=20),
)
def test_built_credentials_always_validate(
    types: list[str],
    issuer: str,
    subject: Doc,
    now: datetime,
    lifetime: timedelta | None,
    name: str | None,
) -> None:
    start = now.replace(microsecond=0)
    credential = build_credential(
        types=types,
        issuer=issuer,
        subject=subject,
        now=now,
        valid_until=None if lifetime is None else start + lifetime,
        name=name,
    )
    info = validate_credential(json.loads(json.dumps(credential)))
    assert info.types[0] == "VerifiableCredential"
    assert info.valid_from == start


def test_building_with_very_deep_claims_is_a_typed_error_not_a_recursion_crash() -> None:
    nested: object = "fondo"
    for _ in range(5000):
        nested = {"n": nested}
    with pytest.raises(DataModelError) as caught:
        build_credential(
            types=["VerifiableCredential"], issuer="did:example:i", subject={"n": nested}
        )
    assert caught.value.code is ErrorCode.NESTING_TOO_DEEP


def test_building_with_non_json_claims_is_refused() -> None:
    with pytest.raises(DataModelError) as caught:
        build_credential(
            types=["VerifiableCredential"], issuer="did:example:i", subject={"when": object()}
        )
    assert [v.rule for v in caught.value.violations] == ["document.not_json"]


@given(st.binary(min_size=16, max_size=16))
def test_uuid4_urn_matches_the_standard_library(random: bytes) -> None:
    import uuid

    from vcred.credential.build import uuid4_urn

    assert uuid4_urn(random) == uuid.UUID(bytes=random, version=4).urn
