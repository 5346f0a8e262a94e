"""VC Data Model presentations (VCDM 2.0 §4.13, 1.1 §4.10), enveloped credentials (§4.13.1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcred.credential import (
    CONTEXT_V1,
    CONTEXT_V2,
    RULES,
    build_presentation,
    envelope_credential,
    validate_presentation,
)
from vcred.errors import DataModelError, ErrorCode, InvalidInputError, UsageError

Doc = dict[str, Any]

_TOKEN = "eyJhbGciOiJFUzI1NiIsInR5cCI6InZjK2p3dCJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTppIn0.c2lnbmF0dXJl"
_HOLDER = "did:example:ciudadano"


def enveloped(token: str = _TOKEN, media_type: str = "application/vc+jwt") -> Doc:
    return {
        "@context": CONTEXT_V2,
        "id": f"data:{media_type},{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def embedded(issuer: str = "did:example:issuer", *, proof: bool = True) -> Doc:
    credential: Doc = {
        "@context": [CONTEXT_V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "did:example:subject"},
    }
    if proof:
        credential["proof"] = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    return credential


def presentation(**members: Any) -> Doc:
    document: Doc = {
        "@context": [CONTEXT_V2],
        "type": ["VerifiablePresentation"],
        "holder": _HOLDER,
        "verifiableCredential": [enveloped()],
    }
    for key, value in members.items():
        key = "@context" if key == "context" else key
        if value is ...:
            document.pop(key, None)
        else:
            document[key] = value
    return document


def rules_of(document: object) -> set[str]:
    with pytest.raises(DataModelError) as caught:
        validate_presentation(document)
    assert caught.value.code is ErrorCode.DATA_MODEL_INVALID
    return {violation.rule for violation in caught.value.violations}


def test_presentation_with_an_enveloped_credential_is_summarised() -> None:
    info = validate_presentation(presentation(id="urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5"))
    assert info.version == "2.0"
    assert info.id == "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5"
    assert info.types == ("VerifiablePresentation",)
    assert info.holder_id == _HOLDER
    assert info.credentials == ()
    [credential] = info.enveloped
    assert credential.media_type == "application/vc+jwt"
    assert credential.data == _TOKEN
    assert not credential.base64
    assert credential.path == "/verifiableCredential/0"


def test_embedded_credentials_are_validated_and_summarised() -> None:
    info = validate_presentation(
        presentation(verifiableCredential=[embedded(), enveloped(), embedded(_HOLDER, proof=False)])
    )
    assert [c.issuer_id for c in info.credentials] == ["did:example:issuer", _HOLDER]
    assert len(info.enveloped) == 1


@pytest.mark.parametrize(
    "members",
    [
        {"verifiableCredential": ...},
        {"holder": ...},
        {"holder": {"id": "did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"}},
        {"verifiableCredential": enveloped()},  # a single object needs no array
        {"context": CONTEXT_V2},
        {"type": "VerifiablePresentation"},
        {"proof": {"type": "DataIntegrityProof"}},
        {"verifiableCredential": [enveloped(media_type="application/vc+cose;base64")]},
        {"verifiableCredential": [{**enveloped(), "@context": [CONTEXT_V2, "https://e.org/c"]}]},
    ],
    ids=lambda members: "+".join(members),
)
def test_valid_presentation_variations(members: Doc) -> None:
    validate_presentation(presentation(**members))


_BREAKS: list[tuple[str, Doc, str]] = [
    ("no context", {"context": ...}, "context.missing"),
    (
        "context order",
        {"context": [{"Example": "https://example.org/#Example"}, CONTEXT_V2]},
        "context.first",
    ),
    (
        "missing base context",
        {"context": ["https://www.w3.org/ns/credentials/examples/v2"]},
        "context.first",
    ),
    ("no type", {"type": ...}, "type.missing"),
    ("no VP type", {"type": ["CredentialManagerPresentation"]}, "type.vp_missing"),
    ("id not url", {"id": "presentation-1"}, "id.not_url"),
    (
        "holder not url",
        {"holder": "z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"},
        "holder.not_url",
    ),
    ("holder object not url", {"holder": {"id": "z6Mkp"}}, "holder.not_url"),
    ("holder object no id", {"holder": {"name": "Acme"}}, "holder.id_missing"),
    ("holder number", {"holder": 7}, "holder.invalid"),
    ("credential as string", {"verifiableCredential": [_TOKEN]}, "verifiableCredential.not_object"),
    (
        "credential as url",
        {"verifiableCredential": "https://e.org/vc/1"},
        "verifiableCredential.not_object",
    ),
    ("credential number", {"verifiableCredential": [1]}, "verifiableCredential.not_object"),
    ("no credentials", {"verifiableCredential": []}, "verifiableCredential.empty"),
    (
        "too many credentials",
        {"verifiableCredential": [enveloped()] * 65},
        "verifiableCredential.too_many",
    ),
    (
        "bad embedded credential",
        {"verifiableCredential": [{**embedded(), "type": []}]},
        "type.empty",
    ),
    (
        "unsecured credential of another issuer",
        {"verifiableCredential": [embedded(proof=False)]},
        "verifiableCredential.unsecured",
    ),
    (
        "unsecured credential without holder",
        {"holder": ..., "verifiableCredential": [embedded(_HOLDER, proof=False)]},
        "verifiableCredential.unsecured",
    ),
    (
        "envelope without context",
        {"verifiableCredential": [{k: v for k, v in enveloped().items() if k != "@context"}]},
        "envelope.context_missing",
    ),
    (
        "envelope with other context",
        {"verifiableCredential": [{**enveloped(), "@context": "https://example.org/ctx"}]},
        "envelope.context_invalid",
    ),
    (
        "envelope without type",
        {"verifiableCredential": [{k: v for k, v in enveloped().items() if k != "type"}]},
        "envelope.type_invalid",
    ),
    (
        "envelope id is the bare token",
        {"verifiableCredential": [{**enveloped(), "id": _TOKEN}]},
        "envelope.id_not_data_url",
    ),
    (
        "envelope data url without media type",
        {"verifiableCredential": [{**enveloped(), "id": f"data:,{_TOKEN}"}]},
        "envelope.id_not_data_url",
    ),
    (
        "envelope data url without data",
        {"verifiableCredential": [{**enveloped(), "id": "data:application/vc+jwt,"}]},
        "envelope.id_not_data_url",
    ),
    (
        "envelope data url with spaces",
        {"verifiableCredential": [{**enveloped(), "id": "data:application/vc+jwt,ab cd"}]},
        "envelope.id_not_data_url",
    ),
    ("proof without type", {"proof": {"proofValue": "z58"}}, "proof.type_missing"),
]


@pytest.mark.parametrize(
    ("members", "rule"), [(m, r) for _, m, r in _BREAKS], ids=[d for d, _, _ in _BREAKS]
)
def test_each_presentation_rule(members: Doc, rule: str) -> None:
    assert rule in RULES
    assert rule in rules_of(presentation(**members))


def test_embedded_violations_carry_their_path() -> None:
    bad = {**embedded(), "issuer": "issuer", "validFrom": "ayer"}
    with pytest.raises(DataModelError) as caught:
        validate_presentation(presentation(verifiableCredential=[enveloped(), bad]))
    assert {(v.rule, v.path) for v in caught.value.violations} == {
        ("issuer.not_url", "/verifiableCredential/1/issuer"),
        ("validFrom.not_datetimestamp", "/verifiableCredential/1/validFrom"),
    }


def test_v1_presentations_may_carry_vc_jwt_strings() -> None:
    document = {
        "@context": [CONTEXT_V1],
        "type": ["VerifiablePresentation"],
        "holder": _HOLDER,
        "verifiableCredential": [_TOKEN],
    }
    info = validate_presentation(document)
    assert info.version == "1.1"
    assert info.jwt_credentials == (_TOKEN,)
    document["verifiableCredential"] = ["not a jwt"]
    assert rules_of(document) == {"verifiableCredential.not_object"}


def test_non_object_presentations_are_rejected() -> None:
    assert rules_of([presentation()]) == {"document.not_object"}


# --- published vectors ----------------------------------------------------------------------


@pytest.mark.vectors
@pytest.mark.parametrize(
    ("name", "media_types"),
    [
        ("presentation-single.json", ["application/vc+jwt"]),
        ("presentation-selective.json", ["application/vc+sd-jwt"]),
        (
            "presentation-multiple.json",
            ["application/vc+jwt", "application/vc+sd-jwt", "application/vc+cose"],
        ),
    ],
)
def test_vc_jose_cose_presentations_validate(
    vectors: Path, name: str, media_types: list[str]
) -> None:
    document = json.loads((vectors / "vc-jose-cose/tests/input" / name).read_text())
    info = validate_presentation(document)
    assert info.holder_id == "https://example.issuer/vc-jose-cose"
    assert [e.media_type for e in info.enveloped] == media_types
    for entry in info.enveloped:
        # The COSE entry's data: URL ends in a newline, which URL parsing strips.
        assert not entry.data.endswith("\n")
        assert entry.id.startswith(f"data:{entry.media_type}")
        assert entry.base64 == (entry.media_type == "application/vc+cose")


# --- building ---------------------------------------------------------------------------------


def test_build_presentation_envelopes_compact_tokens() -> None:
    sd_jwt = _TOKEN + "~WyJzYWx0IiwiYSIsMV0~"
    document = build_presentation(
        holder=_HOLDER,
        credentials=[_TOKEN, sd_jwt, embedded()],
        contexts=["https://www.w3.org/ns/credentials/examples/v2"],
        types=["ExamplePresentation"],
    )
    assert document == {
        "@context": [CONTEXT_V2, "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiablePresentation", "ExamplePresentation"],
        "holder": _HOLDER,
        "verifiableCredential": [
            {
                "@context": CONTEXT_V2,
                "id": f"data:application/vc+jwt,{_TOKEN}",
                "type": "EnvelopedVerifiableCredential",
            },
            {
                "@context": CONTEXT_V2,
                "id": f"data:application/vc+sd-jwt,{sd_jwt}",
                "type": "EnvelopedVerifiableCredential",
            },
            embedded(),
        ],
    }


def test_build_presentation_without_credentials_or_holder() -> None:
    document = build_presentation(holder=None, credentials=[], presentation_id="urn:uuid:1-2")
    assert document == {
        "@context": [CONTEXT_V2],
        "id": "urn:uuid:1-2",
        "type": ["VerifiablePresentation"],
    }


def test_build_presentation_refuses_unsecured_foreign_credentials() -> None:
    with pytest.raises(DataModelError) as caught:
        build_presentation(holder=_HOLDER, credentials=[embedded(proof=False)])
    assert [v.rule for v in caught.value.violations] == ["verifiableCredential.unsecured"]
    # ...but a self-asserted one (issuer == holder) is allowed (VCDM 2.0 §4.13.4).
    build_presentation(holder=_HOLDER, credentials=[embedded(_HOLDER, proof=False)])


@pytest.mark.parametrize(
    "arguments",
    [
        {"holder": _HOLDER, "credentials": _TOKEN},
        {"holder": _HOLDER, "credentials": ["not a token"]},
        {"holder": _HOLDER, "credentials": [_TOKEN + "\n"]},
        {"holder": 5, "credentials": []},
        {"holder": None, "credentials": [], "types": "ExamplePresentation"},
    ],
)
def test_build_presentation_refuses_bad_arguments(arguments: Doc) -> None:
    with pytest.raises(UsageError):
        build_presentation(**arguments)


def test_envelope_credential_refuses_non_tokens() -> None:
    with pytest.raises(UsageError):
        envelope_credential(b"eyJ.e30.sig")  # type: ignore[arg-type]


# --- properties -------------------------------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
_members = st.sampled_from(
    ["@context", "id", "type", "holder", "verifiableCredential", "proof", "termsOfUse"]
)
_entries = st.sampled_from([enveloped(), embedded(), embedded(proof=False)]) | _json_values


@given(st.dictionaries(_members, _json_values, max_size=5), st.lists(_entries, max_size=3))
def test_arbitrary_presentations_only_raise_our_errors(members: Doc, entries: list[Any]) -> None:
    document = presentation(verifiableCredential=entries)
    document.update(members)
    try:
        validate_presentation(document)
    except DataModelError as error:
        assert error.violations
        assert {v.rule for v in error.violations} <= set(RULES)
    except InvalidInputError:
        pass


@given(st.from_regex(r"\A[A-Za-z0-9_-]{1,20}\.[A-Za-z0-9_-]{0,20}\.[A-Za-z0-9_-]{1,20}\Z"))
def test_built_presentations_always_validate(token: str) -> None:
    info = validate_presentation(build_presentation(holder=_HOLDER, credentials=[token]))
    assert info.enveloped[0].data == token
