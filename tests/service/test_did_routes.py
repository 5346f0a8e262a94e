"""``GET /entidades/{slug}/did.json``: the did:web document resolves and verifies tokens."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import jwt
import pytest

from issuer.keystore import FileKeyStore
from issuer.store import Store
from tests.service.conftest import AppClient, CliResult
from vcred import build_credential, issue_vc_jwt
from vcred.did import WebDidResolver, did_web_to_url
from vcred.errors import ErrorCode, FetchError
from vcred.verify import Check, Outcome, create_verifier

SLUG = "gobernacion-putumayo"
DID = f"did:web:localhost%3A8000:entidades:{SLUG}"
PATH = f"/entidades/{SLUG}/did.json"


class AppFetcher:
    """A vcred Fetcher that answers https://localhost:8000/… from the app in process."""

    def __init__(self, client: AppClient) -> None:
        self.client = client

    def fetch(self, url: str) -> bytes:
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.netloc == "localhost:8000"
        response = self.client.get(parts.path)
        if response.status_code != 200:
            raise FetchError(f"HTTP {response.status_code}", code=ErrorCode.FETCH_HTTP_STATUS)
        return response.content


def _token(store: Store, keystore: FileKeyStore, fragment: str | None = None) -> str:
    key = store.active_key(SLUG)
    if fragment is not None:
        key = next(k for k in store.keys(SLUG) if k.fragment == fragment)
    signer = keystore.signer(DID, key.fragment, key.key_ref)
    credential = build_credential(
        types=["VerifiableCredential"],
        issuer=DID,
        subject={"id": "did:example:ciudadana", "nombres": "Ana María"},
    )
    return issue_vc_jwt(credential, signer=signer)


def test_the_document_lists_the_entity_key(client: AppClient, entity: str, store: Store) -> None:
    assert did_web_to_url(DID) == f"https://localhost:8000{PATH}"
    response = client.get(PATH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/did+ld+json"
    document = response.json()
    assert document["id"] == DID
    assert document["@context"][0] == "https://www.w3.org/ns/did/v1"
    (method,) = document["verificationMethod"]
    assert method["id"] == f"{DID}#key-1"
    assert method["type"] == "Multikey"
    assert method["controller"] == DID
    assert method["publicKeyMultibase"].startswith("z6Mk")  # Ed25519 Multikey
    assert document["assertionMethod"] == [f"{DID}#key-1"]
    assert document["authentication"] == [f"{DID}#key-1"]
    assert set(method) == {"id", "type", "controller", "publicKeyMultibase"}  # public only


def test_caching_headers_and_conditional_requests(client: AppClient, entity: str) -> None:
    response = client.get(PATH)
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["access-control-allow-origin"] == "*"
    assert client.get(PATH).headers["etag"] == etag  # stable while the keys stay the same
    not_modified = client.get(PATH, headers={"If-None-Match": f'W/{etag}, "other"'})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    assert client.get(PATH, headers={"If-None-Match": '"other"'}).status_code == 200
    head = client.request("HEAD", PATH)
    assert head.status_code == 200 and head.headers["etag"] == etag


def test_the_did_resolves_through_vcred_and_verifies_a_token(
    client: AppClient, entity: str, store: Store, keystore: FileKeyStore
) -> None:
    fetcher = AppFetcher(client)
    document = WebDidResolver(fetcher).resolve(DID)
    assert document["id"] == DID
    token = _token(store, keystore)
    assert jwt.get_unverified_header(token)["kid"] == f"{DID}#key-1"
    result = create_verifier(fetcher=fetcher).verify(token)
    assert result.check(Check.SIGNATURE).outcome is Outcome.PASSED


def test_rotation_keeps_the_old_key_for_earlier_credentials(
    client: AppClient,
    entity: str,
    store: Store,
    keystore: FileKeyStore,
    cli: Callable[..., CliResult],
) -> None:
    before = client.get(PATH)
    old_token = _token(store, keystore)
    assert cli("key", "rotate", "--entity", SLUG).status == 0
    after = client.get(PATH)
    assert after.headers["etag"] != before.headers["etag"]
    document = after.json()
    assert [m["id"] for m in document["verificationMethod"]] == [f"{DID}#key-2", f"{DID}#key-1"]
    assert document["assertionMethod"] == [f"{DID}#key-2", f"{DID}#key-1"]
    assert document["authentication"] == [f"{DID}#key-2"]  # a retired key no longer authenticates

    new_token = _token(store, keystore)
    assert jwt.get_unverified_header(new_token)["kid"] == f"{DID}#key-2"
    verifier = create_verifier(fetcher=AppFetcher(client))
    for token in (old_token, new_token):
        assert verifier.verify(token).check(Check.SIGNATURE).outcome is Outcome.PASSED


@pytest.mark.parametrize("path", ["/entidades/nadie/did.json", "/entidades/%2e%2e/did.json"])
def test_an_unknown_entity_is_a_404_problem(client: AppClient, engine: object, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_an_entity_without_keys_has_no_document_yet(client: AppClient, store: Store) -> None:
    store.create_entity("sin-claves", nombre="X", nit="800094164-4", did=DID + "x")
    response = client.get("/entidades/sin-claves/did.json")
    assert response.status_code == 404
    assert response.json()["code"] == "did_not_found"
