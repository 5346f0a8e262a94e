"""did:web: the spec's DID ↔ URL mapping, issuer documents, and resolution through a fetcher."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcred.did import (
    WebDidResolver,
    build_did_web_document,
    default_resolver,
    did_web_to_url,
    resolve_verification_method,
    url_to_did_web,
)
from vcred.errors import ErrorCode, InvalidInputError, ResolutionError, UsageError, VcredError
from vcred.fetch import StaticFetcher
from vcred.keys import KeyPair, KeyType

SPEC_EXAMPLES = [
    ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
    ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
    ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
    ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ("did:web:example.com:u:bob", "https://example.com/u/bob/did.json"),
]


@pytest.mark.parametrize(("did", "url"), SPEC_EXAMPLES)
def test_spec_examples_map_both_ways(did: str, url: str) -> None:
    assert did_web_to_url(did) == url
    assert url_to_did_web(url) == did


def test_lowercase_percent_encoded_port_colon_is_decoded_too() -> None:
    assert (
        did_web_to_url("did:web:example.com%3a8443")
        == "https://example.com:8443/.well-known/did.json"
    )


@pytest.mark.parametrize(
    ("url", "did"),
    [
        ("https://example.com", "did:web:example.com"),
        ("https://example.com/", "did:web:example.com"),
        ("https://Example.COM/user/alice/", "did:web:example.com:user:alice"),
        (
            "https://example.com:8443/tramites/licencias",
            "did:web:example.com%3A8443:tramites:licencias",
        ),
        ("https://example.com/~alice/did.json", "did:web:example.com:%7Ealice"),
    ],
)
def test_base_urls_also_map_to_dids(url: str, did: str) -> None:
    assert url_to_did_web(url) == did


@pytest.mark.parametrize(
    "did",
    [
        "did:web:127.0.0.1",  # did:web: MUST NOT include IP addresses
        "did:web:192.168.1.10%3A8443",
        "did:web:example.com::alice",  # empty path segment
        "did:web:example.com:..:secret",  # path traversal
        "did:web:example.com:%2E%2E:secret",
        "did:web:example.com:a%2Fb",  # an encoded slash would split the segment
        "did:web:example.com:a%5Cb",
        "did:web:example.com:%00",
        "did:web:example.com:.well-known",  # collides with did:web:example.com
        "did:web:example.com%3A0",
        "did:web:example.com%3A65536",
        "did:web:example.com%3A08080",
        "did:web:example.com%3A80%3A81",
        "did:web:example.com%3A",
        "did:web:exa%6Dple.com",  # only the port colon may be percent-encoded in the host
        "did:web:-example.com",
        "did:web:example-.com",
        "did:web:" + "a" * 64 + ".com",
        "did:web:" + ".".join(["abcdefghi"] * 26),  # longer than 253 characters
        "did:web:example..com",
        "did:web:example.com.",
        "did:web:",
        "did:web:example.com:",
        "did:key:example.com",
        "did:web:example.com/path",
    ],
)
def test_invalid_did_web_forms_are_rejected(did: str) -> None:
    with pytest.raises(ResolutionError) as info:
        did_web_to_url(did)
    assert info.value.code is ErrorCode.DID_INVALID


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/.well-known/did.json",
        "https://example.com/.well-known/did.json?x=1",
        "https://example.com/.well-known/did.json#frag",
        "https://user:pw@example.com/.well-known/did.json",
        "https://127.0.0.1/.well-known/did.json",
        "https://[::1]/.well-known/did.json",
        "https://example.com/did.json",
        "https://example.com/a//b/did.json",
        "https://example.com/../did.json",
        "https://example.com:99999/",
        "https://exämple.com/",
        "not a url",
    ],
)
def test_urls_that_cannot_be_did_web_locations_are_rejected(url: str) -> None:
    with pytest.raises(InvalidInputError):
        url_to_did_web(url)


# -- issuer documents ---------------------------------------------------------------------------

ISSUER = "did:web:gobernacion.example.gov.co%3A8443:tramites"


def test_issuer_document_lists_keys_under_assertion_and_authentication() -> None:
    ed, p256 = KeyPair.generate().public_key, KeyPair.generate(KeyType.P256).public_key
    document = build_did_web_document(ISSUER, [("key-1", ed), ("#key-2", p256)])
    ids = [f"{ISSUER}#key-1", f"{ISSUER}#key-2"]
    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ISSUER,
        "verificationMethod": [
            {
                "id": ids[0],
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": ed.to_multibase(),
            },
            {
                "id": ids[1],
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": p256.to_multibase(),
            },
        ],
        "assertionMethod": ids,
        "authentication": ids,
    }


def test_rotated_keys_stay_for_assertions_only() -> None:
    old, new = KeyPair.generate().public_key, KeyPair.generate().public_key
    document = build_did_web_document(ISSUER, [("key-2", new)], rotated_keys=[("key-1", old)])
    fetcher = StaticFetcher({did_web_to_url(ISSUER): json.dumps(document)})
    resolver = default_resolver(fetcher=fetcher)
    vm = resolve_verification_method(f"{ISSUER}#key-1", resolver=resolver)
    assert vm.public_key == old
    with pytest.raises(ResolutionError) as info:
        resolve_verification_method(f"{ISSUER}#key-1", resolver=resolver, purpose="authentication")
    assert info.value.code is ErrorCode.KID_NOT_AUTHORIZED
    assert resolve_verification_method(f"{ISSUER}#key-2", resolver=resolver).public_key == new


def test_relationships_can_be_switched_off() -> None:
    pk = KeyPair.generate().public_key
    document = build_did_web_document(ISSUER, [("k", pk)], authentication=False)
    assert "authentication" not in document
    assert document["assertionMethod"] == [f"{ISSUER}#k"]


@pytest.mark.parametrize(
    "keys",
    [[], [("a", "not a key")], [("a b", None)], [("dup", None), ("dup", None)], [("", None)]],
)
def test_bad_builder_arguments_are_usage_errors(keys: list[tuple[str, object]]) -> None:
    pk = KeyPair.generate().public_key
    keys = [(fragment, pk if key is None else key) for fragment, key in keys]
    with pytest.raises(UsageError):
        build_did_web_document(ISSUER, keys)  # type: ignore[arg-type]


# -- resolution through a fetcher ---------------------------------------------------------------


def _published(did: str) -> tuple[StaticFetcher, KeyPair]:
    pair = KeyPair.generate()
    document = build_did_web_document(did, [("key-1", pair.public_key)])
    return StaticFetcher({did_web_to_url(did): json.dumps(document)}), pair


def test_did_web_resolves_through_the_injected_fetcher() -> None:
    fetcher, _pair = _published(ISSUER)
    resolver = WebDidResolver(fetcher)
    assert resolver.resolve(ISSUER)["id"] == ISSUER
    assert fetcher.calls == {"https://gobernacion.example.gov.co:8443/tramites/did.json": 1}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", ErrorCode.DID_DOCUMENT_INVALID),
        (b"[]", ErrorCode.DID_DOCUMENT_INVALID),
        (json.dumps({"id": "did:web:evil.example"}).encode(), ErrorCode.DID_DOCUMENT_INVALID),
        (
            json.dumps({"id": ISSUER, "verificationMethod": {}}).encode(),
            ErrorCode.DID_DOCUMENT_INVALID,
        ),
        (
            json.dumps({"id": ISSUER, "assertionMethod": [1]}).encode(),
            ErrorCode.DID_DOCUMENT_INVALID,
        ),
        (
            b'{"id": "' + ISSUER.encode() + b'", "x": "' + b"a" * 200_000 + b'"}',
            ErrorCode.DID_DOCUMENT_INVALID,
        ),
    ],
)
def test_bad_documents_are_rejected(body: bytes, code: ErrorCode) -> None:
    resolver = WebDidResolver(StaticFetcher({did_web_to_url(ISSUER): body}))
    with pytest.raises(ResolutionError) as info:
        resolver.resolve(ISSUER)
    assert info.value.code is code


def test_fetch_failures_are_did_not_found_with_the_cause_kept() -> None:
    with pytest.raises(ResolutionError) as info:
        WebDidResolver(StaticFetcher()).resolve(ISSUER)
    assert info.value.code is ErrorCode.DID_NOT_FOUND
    assert getattr(info.value.__cause__, "code", None) is ErrorCode.FETCH_NOT_FOUND


def test_without_a_fetcher_did_web_says_so() -> None:
    with pytest.raises(VcredError) as info:
        default_resolver().resolve(ISSUER)
    assert info.value.code is ErrorCode.DID_METHOD_UNSUPPORTED


# -- properties ---------------------------------------------------------------------------------

_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_domain = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_label, min_size=1, max_size=4),
    st.from_regex(r"[a-z]{2,6}", fullmatch=True),
)
_segment = st.from_regex(r"([A-Za-z0-9_-]|%[0-9A-F]{2}){1,12}", fullmatch=True).filter(
    lambda s: (
        s.replace("%2E", ".") not in (".", "..")
        and not any(f"%{b:02X}" in s for b in (*range(0x20), 0x2F, 0x3F, 0x23, 0x5C, 0x7F))
    )
)


@given(
    _domain,
    st.one_of(st.none(), st.integers(1, 65535)),
    st.lists(_segment, max_size=4).filter(lambda p: p != [".well-known"]),
)
def test_property_did_web_url_round_trip(domain: str, port: int | None, path: list[str]) -> None:
    did = "did:web:" + domain + (f"%3A{port}" if port else "") + "".join(f":{s}" for s in path)
    url = did_web_to_url(did)
    assert url.startswith(f"https://{domain}" + (f":{port}/" if port else "/"))
    assert url_to_did_web(url) == did
    assert did_web_to_url(url_to_did_web(url)) == url


@given(st.text(max_size=120))
def test_property_arbitrary_did_web_values_raise_only_vcred_errors(value: str) -> None:
    resolver = default_resolver(fetcher=StaticFetcher())
    with contextlib.suppress(VcredError):
        resolver.resolve("did:web:" + value)
    with contextlib.suppress(VcredError):
        url_to_did_web("https://" + value)
