"""The compiled fast path accepts only credentials the rule checker accepts, and reads them the
same way. Credentials are generated from pools of good and subtly bad values for every property
the fast path looks at, so both engines meet the edge cases together."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vcred.credential import CONTEXT_V1, CONTEXT_V2, validate_credential
from vcred.credential.fast import plain_credential_info
from vcred.credential.urls import PLAIN_URL_PATTERN, url_rules
from vcred.errors import DataModelError
from vcred.status.entry import entry_url_rules

URLS = [
    "https://vcred.example.gov.co/contexts/tramites/v1",
    "https://ex.example:8443/a/b?x=1#frag",
    "urn:uuid:0b3c7f52-2a3e-4d0e-9a7c-6b1f0a2f3c11",
    "did:web:localhost%3A8000:entidades:gobernacion-putumayo",
    "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6Mk",
    "did:web:x%zz",  # bad escape
    "https://",  # no host
    "https://a b.example/",  # space
    "http://[::1/x",  # broken IPv6 literal
    "urn:uuid:nope",
    "relative/path",
    "did:web:",
    "https://ex.example/#a#b",
    "mailto:ana@example.co",
    "",
    42,
    None,
]
TERMS = [
    "VerifiableCredential",
    "CertificadoPazYSalvo",
    "BitstringStatusListEntry",
    "JsonSchema",
    "has space",
    "@type",
    "ex:Term",
    "",
    7,
]
STAMPS = [
    "2026-01-01T00:00:00Z",
    "2027-01-01T00:00:00.123456-05:00",
    "2026-13-01T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:00:60Z",
    "2026-01-01T00:00:00",
    "2026-01-01",
    "2025-12-31T23:59:59+14:00",
    "2025-12-31T23:59:59+15:00",
    1,
]


def _one_of(pool: list[object]) -> st.SearchStrategy[object]:
    return st.sampled_from(pool)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(None), strategy)


entries = st.fixed_dictionaries(
    {},
    optional={
        "id": _one_of(URLS),
        "type": st.one_of(_one_of(TERMS), st.lists(_one_of(TERMS), max_size=2)),
        "statusPurpose": st.just("revocation"),
    },
)
subjects = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "id": _one_of(URLS),
            "nombres": st.just("Ana"),
            "confidenceMethod": st.just({"type": "X"}),
        },
    ),
    st.lists(st.fixed_dictionaries({"nombres": st.just("Ana")}), max_size=2),
    st.just("ana"),
)
issuers = st.one_of(
    _one_of(URLS),
    st.fixed_dictionaries(
        {},
        optional={
            "id": _one_of(URLS),
            "name": st.one_of(
                st.just("Gobernación"), st.just({"@value": "Gobernación", "@language": "es"})
            ),
            "extra": st.just(1),
        },
    ),
    st.lists(_one_of(URLS), max_size=2),
)
credentials = st.fixed_dictionaries(
    {},
    optional={
        "@context": st.one_of(
            st.lists(_one_of([CONTEXT_V2, CONTEXT_V1, *URLS[:4], {"@vocab": "x"}]), max_size=4),
            st.just(CONTEXT_V2),
        ),
        "id": st.one_of(_one_of(URLS), st.lists(_one_of(URLS), max_size=2)),
        "type": st.one_of(st.lists(_one_of(TERMS), max_size=3), _one_of(TERMS)),
        "name": st.one_of(
            st.just("Paz y salvo"), st.just({"@value": "x", "@language": "es"}), st.just(3)
        ),
        "issuer": issuers,
        "validFrom": _one_of(STAMPS),
        "validUntil": _one_of(STAMPS),
        "credentialSubject": subjects,
        "credentialStatus": st.one_of(entries, st.lists(entries, max_size=2)),
        "credentialSchema": st.one_of(entries, st.lists(entries, max_size=2)),
        "iss": st.just("did:example:x"),
        "proof": st.just({"type": "DataIntegrityProof"}),
        "evidence": st.just([{"type": "X"}]),
    },
)


def _slow(doc: dict[str, Any]) -> object:
    # limits passed explicitly (a copy) so the fast path is never taken: the rule checker's answer
    from vcred.credential.rules import Limits

    try:
        return validate_credential(doc, parsed_json=True, limits=Limits())
    except DataModelError as exc:
        return exc.code


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credentials)
def test_fast_path_accepts_only_what_the_rules_accept_and_reads_it_alike(
    doc: dict[str, Any],
) -> None:
    fast = plain_credential_info(doc)
    slow = _slow(doc)
    if fast is not None:
        assert slow == fast, doc


def test_fast_path_takes_the_plain_credentials_it_was_made_for() -> None:
    doc = {
        "@context": [CONTEXT_V2, "https://vcred.example.gov.co/contexts/tramites/v1"],
        "id": "urn:uuid:0b3c7f52-2a3e-4d0e-9a7c-6b1f0a2f3c11",
        "type": ["VerifiableCredential", "CertificadoPazYSalvo"],
        "issuer": {"id": "did:web:localhost%3A8000:entidades:gobernacion-putumayo", "name": "G"},
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2027-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:web:ana.example", "nombres": "Ana"},
        "credentialStatus": {"id": "https://x.example/1#5", "type": "BitstringStatusListEntry"},
        "credentialSchema": {"id": "https://x.example/s/v1", "type": "JsonSchema"},
        "iss": "did:web:localhost%3A8000:entidades:gobernacion-putumayo",
        "iat": 1,
    }
    info = plain_credential_info(doc)
    assert info is not None
    assert info == _slow(doc)


PLAIN = {
    "@context": [CONTEXT_V2, "https://vcred.example.gov.co/contexts/tramites/v1"],
    "id": "urn:uuid:0b3c7f52-2a3e-4d0e-9a7c-6b1f0a2f3c11",
    "type": ["VerifiableCredential", "CertificadoPazYSalvo"],
    "issuer": {"id": "did:web:localhost%3A8000:entidades:gobernacion-putumayo", "name": "G"},
    "validFrom": "2026-01-01T00:00:00Z",
    "validUntil": "2027-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:web:ana.example", "nombres": "Ana"},
    "credentialStatus": {"id": "https://x.example/1#5", "type": "BitstringStatusListEntry"},
    "credentialSchema": {"id": "https://x.example/s/v1", "type": "JsonSchema"},
}
MUTATIONS = st.dictionaries(
    st.sampled_from([*PLAIN, "proof", "name", "iss"]),
    st.one_of(
        _one_of(URLS),
        _one_of(TERMS),
        _one_of(STAMPS),
        entries,
        subjects,
        issuers,
        st.lists(_one_of([CONTEXT_V2, *URLS]), max_size=3),
    ),
    max_size=2,
)


@settings(max_examples=1500, deadline=None)
@given(MUTATIONS, st.sets(st.sampled_from(list(PLAIN)), max_size=2))
def test_near_plain_credentials_get_the_same_answer(
    changes: dict[str, Any], removed: set[str]
) -> None:
    """One or two properties changed or removed: the closest calls for the fast path."""
    doc = {k: v for k, v in PLAIN.items() if k not in removed} | changes
    fast = plain_credential_info(doc)
    if fast is not None:
        assert _slow(doc) == fast, doc


@settings(max_examples=400, deadline=None)
@given(st.from_regex(f"(?:{PLAIN_URL_PATTERN})", fullmatch=True))
def test_every_plain_url_passes_the_full_url_rules(url: str) -> None:
    """The shortcut never accepts what the rules (data model and status entries) would refuse."""
    assert url_rules(url)
    assert entry_url_rules(url) or len(url) > 2048
