"""Findings of an adversarial review of ``vcred/``: each test asserts the correct behaviour.

Each test pins a bug that the review found and that is now fixed, so it cannot come back.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.helpers import NOW, did_key_signer, sample_credential
from vcred import create_verifier
from vcred.credential import parse_datetime_stamp
from vcred.did import default_resolver, did_web_to_url, url_to_did_web
from vcred.errors import (
    ErrorCode,
    FetchError,
    InvalidInputError,
    StatusListError,
    TrustRegistryError,
    UsageError,
    VcredError,
)
from vcred.http_fetch import HttpFetcher
from vcred.jose.jws import sign_compact
from vcred.jose.vc_jwt import issue_vc_jwt, verify_vc_jwt
from vcred.jsonutil import loads_bounded
from vcred.key_resolver import DidKeyResolver
from vcred.schema import SchemaRegistry
from vcred.status import (
    Bitstring,
    StatusChecker,
    build_status_list_credential,
    parse_status_entries,
    parse_status_list_credential,
    status_entry,
)
from vcred.trust import TrustRegistry

LIST_URL = "https://gobernacion.example.gov.co/status/1"
SVT_135_SCHEMA = "https://vcred.example.gov.co/schemas/svt-135/v1"


def _signed(payload: Mapping[str, Any], typ: str = "vc+jwt") -> tuple[str, str]:
    """A token over ``payload`` signed by a fresh did:key issuer (anyone can make one)."""
    signer, did = did_key_signer()
    body = {**payload, "issuer": did}
    return sign_compact({"typ": typ, "cty": "vc"}, body, signer=signer), did


# -- JOSE / verifier -------------------------------------------------------------------------------


@pytest.mark.parametrize("sub", [[], {}, ["did:example:ciudadano"]])
def test_unhashable_sub_claim_is_a_claims_mismatch_not_a_crash(sub: object) -> None:
    token, _ = _signed({**sample_credential("did:x:placeholder"), "sub": sub})
    result = create_verifier().verify(token, now=NOW)
    assert result.check("signature").code is ErrorCode.CLAIMS_MISMATCH
    with pytest.raises(VcredError) as info:
        verify_vc_jwt(token, key_resolver=DidKeyResolver(default_resolver()), now=NOW)
    assert info.value.code is ErrorCode.CLAIMS_MISMATCH


def test_verifier_refuses_a_naive_now_with_a_usage_error() -> None:
    token, _ = _signed(sample_credential("did:x:placeholder"))
    with pytest.raises(UsageError):
        create_verifier().verify(token, now=NOW.replace(tzinfo=None))


def test_issue_refuses_a_naive_now() -> None:
    signer, did = did_key_signer()
    with pytest.raises(UsageError):
        issue_vc_jwt(sample_credential(did), signer=signer, now=datetime(2026, 11, 23, 12))


@pytest.mark.parametrize("typ", ["VC+JWT", "application/VC+JWT"])
def test_typ_media_type_is_case_insensitive(typ: str) -> None:
    signer, did = did_key_signer()
    token = sign_compact({"typ": typ, "cty": "vc"}, sample_credential(did), signer=signer)
    verified = verify_vc_jwt(token, key_resolver=DidKeyResolver(default_resolver()), now=NOW)
    assert verified.format == "vc+jwt"


# -- bounded JSON ----------------------------------------------------------------------------------


def test_lone_surrogate_escapes_are_malformed_json() -> None:
    with pytest.raises(InvalidInputError) as info:
        loads_bounded('{"a": "\\ud800"}')
    assert info.value.code is ErrorCode.MALFORMED_JSON


def test_trust_registry_with_lone_surrogate_is_refused_on_load() -> None:
    document = (
        '{"version":1,"issuers":[{"did":"did:web:example.com","nombre":"\\ud800",'
        '"nit":"800094164-4","allowedTypes":["A"],"validFrom":"2024-01-01T00:00:00Z"}]}'
    )
    with pytest.raises(TrustRegistryError):
        TrustRegistry.from_json(document).to_json()


def test_loads_bounded_caps_utf8_bytes_for_text_input() -> None:
    text = '"' + "é" * 100 + '"'  # 102 characters, 202 UTF-8 bytes
    with pytest.raises(InvalidInputError) as info:
        loads_bounded(text, max_bytes=150)
    assert info.value.code is ErrorCode.INPUT_TOO_LARGE


# -- schemas ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [b"bytes", {1, 2}, object()])
def test_schema_validate_refuses_non_json_values_with_a_vcred_error(value: object) -> None:
    credential = sample_credential(
        "did:example:issuer", credentialSchema={"id": SVT_135_SCHEMA, "type": "JsonSchema"}
    )
    credential["credentialSubject"] = value
    with pytest.raises(VcredError):
        SchemaRegistry.default().validate(credential)


# -- status lists ----------------------------------------------------------------------------------


def _list_credential(**extra: Any) -> dict[str, Any]:
    credential = build_status_list_credential(
        list_url=LIST_URL, issuer="did:web:example.com", bitstring=Bitstring(), purpose="revocation"
    )
    credential.update(extra)
    return credential


def test_status_list_without_id_is_refused() -> None:
    credential = _list_credential()
    del credential["id"]
    with pytest.raises(StatusListError) as info:
        parse_status_list_credential(credential, url=LIST_URL)
    assert info.value.code is ErrorCode.STATUS_LIST_INVALID


def test_status_list_dates_parse_like_credential_dates() -> None:
    info = parse_status_list_credential(_list_credential(validUntil="2027-01-01T24:00:00Z"))
    assert info.valid_until == parse_datetime_stamp("2027-01-01T24:00:00Z")


def test_concurrent_checks_of_one_list_fetch_it_once() -> None:
    body = json.dumps(_list_credential()).encode()
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    class SlowFetcher:
        def fetch(self, url: str) -> bytes:
            calls.append(url)
            started.set()
            release.wait(5)
            return body

    # The fetching thread reads the clock a moment after the thread that ends up waiting.
    times = [NOW + timedelta(milliseconds=5), NOW]
    clock_lock = threading.Lock()

    def clock() -> datetime:
        with clock_lock:
            return times.pop(0) if times else NOW

    def load(raw: bytes, url: str) -> Mapping[str, Any]:
        document: Mapping[str, Any] = loads_bounded(raw, max_bytes=1 << 20)
        return document

    checker = StatusChecker(SlowFetcher(), load_list=load, clock=clock)
    (entry,) = parse_status_entries({"credentialStatus": status_entry(list_url=LIST_URL, index=7)})
    first = threading.Thread(target=checker.check, args=(entry,))
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=checker.check, args=(entry,))
    second.start()
    deadline = time.monotonic() + 5
    while checker._inflight.get(LIST_URL, (None, 0))[1] < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    release.set()
    first.join(5)
    second.join(5)
    assert calls == [LIST_URL]


# -- fetching and did:web --------------------------------------------------------------------------


def test_https_never_downgrades_to_http_on_redirect(monkeypatch: pytest.MonkeyPatch) -> None:
    fetcher = HttpFetcher(allow_http=True, resolve_host=lambda host, port, timeout: ["8.8.8.8"])
    hops: list[str] = []

    def exchange(target: Any, addresses: list[str], deadline: float) -> bytes | str:
        hops.append(target.url)
        return "http://example.org/plain" if target.https else b"body"

    monkeypatch.setattr(fetcher, "_exchange", exchange)
    with pytest.raises(FetchError) as info:
        fetcher.fetch("https://example.org/list")
    assert info.value.code is ErrorCode.FETCH_SCHEME_NOT_ALLOWED
    assert hops == ["https://example.org/list"]


def test_url_to_did_web_refuses_urls_that_are_not_did_web_locations() -> None:
    url = "https://example.com//did.json"
    try:
        did = url_to_did_web(url)
    except InvalidInputError:
        return
    assert did_web_to_url(did) == url


def test_a_resolver_answering_non_addresses_is_a_fetch_error() -> None:
    """A custom resolver that returns a host name instead of an IP never reaches connect()."""
    from vcred.http_fetch import HttpFetcher

    fetcher = HttpFetcher(allow_private=True, resolve_host=lambda host, port, timeout: ["x.y"])
    with pytest.raises(FetchError) as caught:
        fetcher.fetch("https://example.com/did.json")
    assert caught.value.code is ErrorCode.FETCH_FAILED
