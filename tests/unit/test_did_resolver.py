"""Resolvers (method registry, static, caching) and DID URL → verification method dereferencing."""

from __future__ import annotations

import contextlib
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcred.did import (
    MAX_DID_LENGTH,
    CachingResolver,
    DidResolver,
    MethodResolver,
    StaticResolver,
    default_resolver,
    did_key_from_public_key,
    parse_verification_method,
    resolve_verification_method,
)
from vcred.errors import (
    ErrorCode,
    ResolutionError,
    UnsupportedError,
    UsageError,
    VcredError,
)
from vcred.fetch import StaticFetcher
from vcred.keys import KeyPair, KeyType

DID = "did:web:issuer.example.com"
SHORT_KEY = "z" + base58.b58encode(b"\xed\x01" + b"\x01" * 5).decode()


def _vm(fragment: str, pk: Any = None, **extra: Any) -> dict[str, Any]:
    pk = pk or KeyPair.generate().public_key
    return {
        "id": fragment,
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": pk.to_multibase(),
        **extra,
    }


class CountingResolver:
    """An inner resolver that counts calls and can be told to fail."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail = False

    def resolve(self, did: str) -> dict[str, Any]:
        self.calls += 1
        if self.fail:
            raise ResolutionError("down", code=ErrorCode.DID_NOT_FOUND)
        return {"id": did, "verificationMethod": []}


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


# -- method registry ----------------------------------------------------------------------------


def test_default_resolver_is_a_fresh_immutable_registry() -> None:
    resolver = default_resolver()
    assert resolver.methods == ("key", "jwk", "web")
    assert isinstance(resolver, DidResolver)
    assert default_resolver() is not resolver
    keys_only = resolver.only("key")
    assert keys_only.methods == ("key",)
    assert resolver.methods == ("key", "jwk", "web")  # the original is unchanged
    with pytest.raises(UsageError):
        resolver.only("ion")


def test_unknown_and_removed_methods_are_unsupported() -> None:
    did = did_key_from_public_key(KeyPair.generate().public_key)
    for resolver, target in [
        (default_resolver(), "did:example:123"),
        (default_resolver(methods=("jwk",)), did),
    ]:
        with pytest.raises(UnsupportedError) as info:
            resolver.resolve(target)
        assert info.value.code is ErrorCode.DID_METHOD_UNSUPPORTED


def test_with_method_adds_a_resolver_in_a_copy() -> None:
    static = StaticResolver({"did:example:123": {"id": "did:example:123"}})
    extended = default_resolver().with_method("example", static)
    assert extended.resolve("did:example:123") == {"id": "did:example:123"}
    assert "example" not in default_resolver().methods


@pytest.mark.parametrize(
    "did",
    [
        "",
        "did:",
        "did:key",
        "did::abc",
        "DID:key:z6Mk",
        "did:Key:z6Mk",
        "did:key:a b",
        "did:key:a%zz",
        "did:key:" + "z" * MAX_DID_LENGTH,
        "did:key:abc#frag",
    ],
)
def test_malformed_dids_are_did_invalid(did: str) -> None:
    with pytest.raises(ResolutionError) as info:
        MethodResolver({}).resolve(did)
    assert info.value.code is ErrorCode.DID_INVALID


# -- static resolver ----------------------------------------------------------------------------


def test_static_resolver_returns_copies_and_refuses_mismatched_ids() -> None:
    resolver = StaticResolver({DID: {"id": DID, "verificationMethod": []}})
    resolver.resolve(DID)["verificationMethod"].append("tampered")
    assert resolver.resolve(DID)["verificationMethod"] == []
    with pytest.raises(ResolutionError) as info:
        resolver.resolve("did:web:other.example.com")
    assert info.value.code is ErrorCode.DID_NOT_FOUND
    with pytest.raises(ResolutionError) as info:
        StaticResolver({DID: {"id": "did:web:other.example.com"}})
    assert info.value.code is ErrorCode.DID_DOCUMENT_INVALID


# -- caching resolver ---------------------------------------------------------------------------


def test_cache_serves_hits_until_the_ttl_expires() -> None:
    inner, clock = CountingResolver(), FakeClock()
    cache = CachingResolver(inner, ttl=timedelta(minutes=10), clock=clock)
    cache.resolve(DID)
    clock.now += timedelta(minutes=9, seconds=59)
    cache.resolve(DID)
    assert inner.calls == 1
    clock.now += timedelta(seconds=1)
    cache.resolve(DID)
    assert inner.calls == 2


def test_cache_evicts_the_least_recently_used_entry() -> None:
    inner = CountingResolver()
    cache = CachingResolver(inner, max_entries=2, clock=FakeClock())
    a, b, c = (f"did:web:{name}.example.com" for name in "abc")
    cache.resolve(a)
    cache.resolve(b)
    cache.resolve(a)  # a is now the most recent
    cache.resolve(c)  # evicts b
    assert len(cache) == 2
    cache.resolve(a)
    assert inner.calls == 3
    cache.resolve(b)
    assert inner.calls == 4


def test_errors_are_not_cached_by_default() -> None:
    inner = CountingResolver()
    inner.fail = True
    cache = CachingResolver(inner, clock=FakeClock())
    for _ in range(2):
        with pytest.raises(ResolutionError):
            cache.resolve(DID)
    assert inner.calls == 2
    inner.fail = False
    assert cache.resolve(DID)["id"] == DID


def test_errors_can_be_cached_briefly_with_error_ttl() -> None:
    inner, clock = CountingResolver(), FakeClock()
    inner.fail = True
    cache = CachingResolver(inner, error_ttl=timedelta(seconds=30), clock=clock)
    for _ in range(3):
        with pytest.raises(ResolutionError) as info:
            cache.resolve(DID)
        assert info.value.code is ErrorCode.DID_NOT_FOUND
    assert inner.calls == 1
    inner.fail = False
    clock.now += timedelta(seconds=30)
    assert cache.resolve(DID)["id"] == DID


def test_cache_returns_copies_and_can_be_invalidated() -> None:
    inner = CountingResolver()
    cache = CachingResolver(inner, clock=FakeClock())
    cache.resolve(DID)["verificationMethod"].append("tampered")
    assert cache.resolve(DID)["verificationMethod"] == []
    cache.invalidate(DID)
    cache.resolve(DID)
    cache.invalidate()
    assert len(cache) == 0
    assert inner.calls == 2


def test_cache_rejects_bad_settings_and_naive_clocks() -> None:
    with pytest.raises(UsageError):
        CachingResolver(CountingResolver(), max_entries=0)
    with pytest.raises(UsageError):
        CachingResolver(CountingResolver(), ttl=timedelta(0))
    with pytest.raises(UsageError):
        CachingResolver(CountingResolver(), clock=lambda: datetime(2026, 1, 1)).resolve(DID)


def test_cache_is_thread_safe() -> None:
    inner = CountingResolver()
    cache = CachingResolver(inner, max_entries=16, clock=FakeClock())
    dids = [f"did:web:host{i}.example.com" for i in range(64)]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                for did in dids:
                    assert cache.resolve(did)["id"] == did
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(cache) == 16


# -- dereferencing ------------------------------------------------------------------------------


def test_relative_ids_and_references_resolve_against_the_did() -> None:
    pk = KeyPair.generate(KeyType.P256).public_key
    document = {"id": DID, "verificationMethod": [_vm("#key-1", pk)], "assertionMethod": ["#key-1"]}
    vm = resolve_verification_method(f"{DID}#key-1", resolver=StaticResolver({DID: document}))
    assert (vm.id, vm.controller, vm.public_key) == (f"{DID}#key-1", DID, pk)


def test_embedded_relationship_methods_are_found() -> None:
    pk = KeyPair.generate().public_key
    document = {"id": DID, "assertionMethod": [_vm(f"{DID}#embedded", pk)]}
    resolver = StaticResolver({DID: document})
    assert resolve_verification_method(f"{DID}#embedded", resolver=resolver).public_key == pk
    with pytest.raises(ResolutionError) as info:
        resolve_verification_method(f"{DID}#embedded", resolver=resolver, purpose="authentication")
    assert info.value.code is ErrorCode.KID_NOT_AUTHORIZED


@pytest.mark.parametrize(
    ("document", "url", "code"),
    [
        (
            {"id": DID, "verificationMethod": [_vm("#a")], "assertionMethod": ["#a"]},
            f"{DID}#b",
            ErrorCode.VERIFICATION_METHOD_NOT_FOUND,
        ),
        (
            {"id": DID, "verificationMethod": [_vm("#a")], "assertionMethod": ["#a"]},
            DID,
            ErrorCode.VERIFICATION_METHOD_NOT_FOUND,
        ),
        (
            {"id": DID, "verificationMethod": [_vm("#a")], "authentication": ["#a"]},
            f"{DID}#a",
            ErrorCode.KID_NOT_AUTHORIZED,
        ),
        (
            {
                "id": DID,
                "verificationMethod": [_vm("#a", controller="did:web:other.example")],
                "assertionMethod": ["#a"],
            },
            f"{DID}#a",
            ErrorCode.KID_NOT_AUTHORIZED,
        ),
        (
            {
                "id": DID,
                "verificationMethod": [_vm("#a"), _vm(f"{DID}#a")],
                "assertionMethod": ["#a"],
            },
            f"{DID}#a",
            ErrorCode.DID_DOCUMENT_INVALID,
        ),
        (
            {
                "id": DID,
                "verificationMethod": [_vm("#a", publicKeyJwk={"kty": "OKP"})],
                "assertionMethod": ["#a"],
            },
            f"{DID}#a",
            ErrorCode.DID_DOCUMENT_INVALID,
        ),
        (
            {
                "id": DID,
                "verificationMethod": [_vm("#a", publicKeyMultibase=SHORT_KEY)],
                "assertionMethod": ["#a"],
            },
            f"{DID}#a",
            ErrorCode.DID_DOCUMENT_INVALID,
        ),
        (
            {
                "id": DID,
                "verificationMethod": [{**_vm("#a"), "controller": None}],
                "assertionMethod": ["#a"],
            },
            f"{DID}#a",
            ErrorCode.DID_DOCUMENT_INVALID,
        ),
        (
            {"id": DID, "verificationMethod": [_vm("#a")], "assertionMethod": ["#a"]},
            f"{DID}#",
            ErrorCode.DID_INVALID,
        ),
        (
            {"id": DID, "verificationMethod": [_vm("#a")], "assertionMethod": ["#a"]},
            f"{DID}/path#a",
            ErrorCode.DID_INVALID,
        ),
    ],
)
def test_dereferencing_failures_have_precise_codes(
    document: dict[str, Any], url: str, code: ErrorCode
) -> None:
    with pytest.raises(ResolutionError) as info:
        resolve_verification_method(url, resolver=StaticResolver({DID: document}))
    assert info.value.code is code


def test_unknown_purpose_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        resolve_verification_method(f"{DID}#a", resolver=StaticResolver(), purpose="signing")


def test_legacy_and_jwk_method_types_are_read() -> None:
    pair = KeyPair.generate()
    raw = base58.b58encode(pair.public_key.raw).decode()
    entries: list[dict[str, Any]] = [
        {"type": "Ed25519VerificationKey2018", "publicKeyBase58": raw},
        {
            "type": "Ed25519VerificationKey2020",
            "publicKeyMultibase": pair.public_key.to_multibase(),
        },
        {"type": "JsonWebKey2020", "publicKeyJwk": pair.public_key.to_jwk()},
        {"type": "JsonWebKey", "publicKeyJwk": pair.public_key.to_jwk()},
    ]
    for entry in entries:
        vm = parse_verification_method({"id": "#k", "controller": DID, **entry}, did=DID)
        assert (vm.id, vm.public_key) == (f"{DID}#k", pair.public_key)


@pytest.mark.parametrize(
    ("entry", "error", "code"),
    [
        (
            {"type": "JsonWebKey2020", "publicKeyJwk": KeyPair.generate().to_private_jwk()},
            ResolutionError,
            ErrorCode.DID_DOCUMENT_INVALID,
        ),
        (
            {
                "type": "Ed25519VerificationKey2020",
                "publicKeyMultibase": KeyPair.generate(KeyType.P256).public_key.to_multibase(),
            },
            ResolutionError,
            ErrorCode.DID_DOCUMENT_INVALID,
        ),
        (
            {
                "type": "Multikey",
                "publicKeyMultibase": "z" + base58.b58encode(b"\xe7\x01" + b"\x02" * 33).decode(),
            },
            UnsupportedError,
            ErrorCode.KEY_UNSUPPORTED,
        ),
        (
            {"type": "EcdsaSecp256k1RecoveryMethod2020", "blockchainAccountId": "eip155:1:0x89a9"},
            UnsupportedError,
            ErrorCode.KEY_UNSUPPORTED,
        ),
        (
            {
                "type": "JsonWebKey2020",
                "publicKeyJwk": {"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"},
            },
            UnsupportedError,
            ErrorCode.KEY_UNSUPPORTED,
        ),
        (
            {
                "type": "Multikey",
                "publicKeyMultibase": KeyPair.generate().public_key.to_multibase(),
                "publicKeyJwk": KeyPair.generate().public_key.to_jwk(),
            },
            ResolutionError,
            ErrorCode.DID_DOCUMENT_INVALID,
        ),
    ],
)
def test_unusable_methods_raise_typed_errors(
    entry: dict[str, Any], error: type[VcredError], code: ErrorCode
) -> None:
    with pytest.raises(error) as info:
        parse_verification_method({"id": "#k", "controller": DID, **entry}, did=DID)
    assert info.value.code is code


# -- properties ---------------------------------------------------------------------------------

_RESOLVER = default_resolver(fetcher=StaticFetcher())


@given(st.text(max_size=300))
def test_property_resolving_arbitrary_strings_raises_only_vcred_errors(value: str) -> None:
    for candidate in (value, "did:" + value, "did:key:" + value):
        with contextlib.suppress(VcredError):
            _RESOLVER.resolve(candidate)
        with contextlib.suppress(VcredError):
            resolve_verification_method(candidate, resolver=_RESOLVER)


@given(
    st.recursive(
        st.none() | st.booleans() | st.text(max_size=20) | st.integers(),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "id",
                        "type",
                        "controller",
                        "publicKeyMultibase",
                        "publicKeyJwk",
                        "publicKeyBase58",
                        "verificationMethod",
                        "assertionMethod",
                        "kty",
                        "crv",
                        "x",
                    ]
                ),
                inner,
                max_size=6,
            )
        ),
        max_leaves=20,
    )
)
def test_property_arbitrary_documents_raise_only_vcred_errors(document: Any) -> None:
    if isinstance(document, dict):
        document = {**document, "id": DID}
    try:
        resolver = StaticResolver({DID: document})
        resolve_verification_method(f"{DID}#k", resolver=resolver)
    except VcredError:
        pass
