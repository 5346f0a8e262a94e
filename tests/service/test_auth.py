"""API client authentication and authorisation: who may issue and revoke, for which entity.

Every failure to authenticate is the same 401 problem with a challenge; a known client acting
beyond its scopes, its entity or its trámites gets a 403 problem naming why.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from issuer.auth import Authenticator
from issuer.settings import Settings
from issuer.store import Store
from tests.service.conftest import AppClient
from tests.service.test_issue import (  # noqa: F401 - fixtures, used by name
    ISSUE_PATH,
    SLUG,
    basic,
    headers_fixture,
    issue,
    make_client_fixture,
    payload,
    svt135_claims,
    token_of,
)

OTHER = "alcaldia-mocoa"


@pytest.fixture
def other_entity(store: Store, settings: Settings, entity: str) -> str:
    store.create_entity(
        OTHER, nombre="Alcaldía de Mocoa", nit="800102891-7", did=settings.entity_did(OTHER)
    )
    return OTHER


def _problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


# -- 401 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Basic",
        "Basic !!!no-base64!!!",
        "Basic " + base64.b64encode(b"sin-dos-puntos").decode(),
        "Bearer sin-punto",
        "Digest username=x",
        "Basic " + "A" * 2000,
    ],
)
def test_missing_or_unreadable_credentials_are_401(
    client: AppClient, entity: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = issue(client, headers)
    _problem(response, 401, "unauthorized")
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Basic realm=") and "Bearer realm=" in challenge


def test_a_wrong_secret_or_unknown_client_is_401(
    client: AppClient, store: Store, entity: str
) -> None:
    record, _ = store.create_client(SLUG, scopes=["issue"])
    _problem(issue(client, basic(record.client_id, "otro-secreto")), 401, "unauthorized")
    _problem(issue(client, basic("nadie", "otro-secreto")), 401, "unauthorized")


def test_bearer_credentials_work_too(client: AppClient, store: Store, entity: str) -> None:
    record, secret = store.create_client(SLUG, scopes=["issue"], client_id="sistema.tramites.v2")
    response = issue(client, {"Authorization": f"Bearer {record.client_id}.{secret}"})
    assert response.status_code == 201, response.text


def test_a_revoked_client_is_refused_at_once_even_when_cached(
    client: AppClient, store: Store, entity: str
) -> None:
    record, secret = store.create_client(SLUG, scopes=["issue"])
    assert issue(client, basic(record.client_id, secret)).status_code == 201
    authenticator: Authenticator = client.app.state.authenticator
    assert authenticator.cached_count() == 1
    store.revoke_client(SLUG, record.client_id)  # e.g. from the CLI, another process
    _problem(issue(client, basic(record.client_id, secret)), 401, "unauthorized")
    assert authenticator.cached_count() == 0


def test_successful_checks_are_cached_without_the_secret(
    client: AppClient, store: Store, entity: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, secret = store.create_client(SLUG, scopes=["issue"])
    calls: list[str] = []
    verify = store.verify_client_secret

    def counting(client_id: str, given: str) -> Any:
        calls.append(client_id)
        return verify(client_id, given)

    monkeypatch.setattr(store, "verify_client_secret", counting)
    for _ in range(3):
        assert issue(client, basic(record.client_id, secret)).status_code == 201
    assert calls == [record.client_id]
    authenticator: Authenticator = client.app.state.authenticator
    assert secret.encode() not in repr(authenticator._cache).encode()
    # A wrong secret for a cached client is still checked, and refused.
    _problem(issue(client, basic(record.client_id, secret + "x")), 401, "unauthorized")


def test_the_cache_is_bounded_and_expires(store: Store, entity: str) -> None:
    now = [0.0]
    authenticator = Authenticator(store, ttl=10, size=2, monotonic=lambda: now[0])
    clients = [store.create_client(SLUG, scopes=["issue"]) for _ in range(3)]
    for record, secret in clients:
        authenticator.authenticate(f"Bearer {record.client_id}.{secret}")
    assert authenticator.cached_count() == 2
    now[0] = 11.0
    record, secret = clients[2]
    calls: list[str] = []
    original = store.verify_client_secret
    store.verify_client_secret = lambda c, s: calls.append(c) or original(c, s)  # type: ignore[method-assign]
    authenticator.authenticate(f"Bearer {record.client_id}.{secret}")
    assert calls == [record.client_id]  # expired: verified again


# -- 403 --------------------------------------------------------------------------------------


def test_a_client_without_the_scope_is_403(
    client: AppClient, make_client: Callable[..., dict[str, str]]
) -> None:
    _problem(issue(client, make_client(scopes=("status",))), 403, "scope_missing")
    response = client.post(
        "/credentials/status",
        json={
            "credentialId": "urn:uuid:00000000-0000-4000-8000-000000000000",
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=make_client(scopes=("issue",)),
    )
    _problem(response, 403, "scope_missing")


def test_a_tramite_not_allowed_is_403(
    client: AppClient, make_client: Callable[..., dict[str, str]]
) -> None:
    _problem(issue(client, make_client(tramites=("SVT-080",))), 403, "tramite_forbidden")
    # An empty list allows every trámite of the entity.
    assert issue(client, make_client(tramites=())).status_code == 201


def test_an_entity_never_issues_as_another(
    client: AppClient, make_client: Callable[..., dict[str, str]], other_entity: str
) -> None:
    intruder = make_client(slug=other_entity, tramites=())
    _problem(issue(client, intruder), 403, "entity_forbidden")
    # Unknown entities answer the same: nothing is learnt about which exist.
    response = client.post(
        "/entidades/no-existe/tramites/SVT-135/credenciales",
        json={"claims": svt135_claims()},
        headers=intruder,
    )
    _problem(response, 403, "entity_forbidden")


def test_an_entity_never_issues_as_another_through_the_vc_api(
    client: AppClient,
    headers: dict[str, str],
    make_client: Callable[..., dict[str, str]],
    other_entity: str,
) -> None:
    credential = payload(token_of(issue(client, headers).json()))
    for name in ("id", "iat", "exp", "credentialStatus"):
        credential.pop(name, None)
    intruder = make_client(slug=other_entity, tramites=())
    response = client.post("/credentials/issue", json={"credential": credential}, headers=intruder)
    _problem(response, 403, "issuer_forbidden")


def test_an_entity_never_revokes_as_another(
    client: AppClient,
    headers: dict[str, str],
    make_client: Callable[..., dict[str, str]],
    other_entity: str,
    store: Store,
) -> None:
    credential_id = issue(client, headers).json()["id"]
    intruder = make_client(slug=other_entity, scopes=("status",), tramites=())
    response = client.post(
        "/credentials/status",
        json={
            "credentialId": credential_id,
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=intruder,
    )
    _problem(response, 404, "not_found")
    assert store.get_credential(SLUG, credential_id).state == "active"


def test_a_client_revokes_only_its_tramites(
    client: AppClient,
    headers: dict[str, str],
    make_client: Callable[..., dict[str, str]],
    store: Store,
) -> None:
    credential_id = issue(client, headers).json()["id"]
    response = client.post(
        "/credentials/status",
        json={
            "credentialId": credential_id,
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=make_client(scopes=("status",), tramites=("SVT-080",)),
    )
    _problem(response, 403, "tramite_forbidden")
    assert store.get_credential(SLUG, credential_id).state == "active"


def test_auth_comes_before_the_body_is_used(client: AppClient, entity: str) -> None:
    response = client.post(ISSUE_PATH, json={"claims": svt135_claims()})
    _problem(response, 401, "unauthorized")
