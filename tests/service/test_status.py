"""Revoking, suspending and reactivating, and the signed status lists verifiers fetch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from issuer.store import Store
from tests.service.conftest import AppClient
from tests.service.test_issue import (  # noqa: F401 - fixtures, used by name
    SLUG,
    fresh_verifier,
    headers_fixture,
    issue,
    make_client_fixture,
    payload,
    token_of,
)
from vcred.status.bitstring import expand_encoded_list, read_status
from vcred.verify import Verdict

LIST_PATH = f"/entidades/{SLUG}/estado/revocacion/1"


def change(
    client: AppClient, headers: dict[str, str], credential_id: str, purpose: str, status: bool
) -> Any:
    return client.post(
        "/credentials/status",
        json={
            "credentialId": credential_id,
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
            "status": status,
        },
        headers=headers,
    )


def bit(client: AppClient, entry: dict[str, Any]) -> int:
    """The bit of ``entry`` in the list as served now (read from the signed list)."""
    path = entry["statusListCredential"].removeprefix("http://localhost:8000")
    response = client.get(path)
    assert response.status_code == 200
    subject = payload(response.text)["credentialSubject"]
    return read_status(
        expand_encoded_list(subject["encodedList"]), index=int(entry["statusListIndex"])
    )


def test_a_revocation_shows_in_the_next_list_and_verdict(
    client: AppClient, headers: dict[str, str], store: Store
) -> None:
    response = issue(client, headers)
    credential_id, token = response.json()["id"], token_of(response.json())
    entry = payload(token)["credentialStatus"]
    verifier = fresh_verifier(client)
    assert verifier.verify(token).verdict is Verdict.VALID
    assert bit(client, entry) == 0

    response = change(client, headers, credential_id, "revocation", True)
    assert response.status_code == 200, response.text
    assert response.json() == {"credentialId": credential_id, "state": "revoked", "changed": True}
    assert store.get_credential(SLUG, credential_id).state == "revoked"  # committed
    assert bit(client, entry) == 1

    # The first verifier still holds the list it cached (its ttl); a fresh one sees the bit.
    assert verifier.verify(token).verdict is Verdict.VALID
    result = fresh_verifier(client).verify(token)
    assert result.verdict is Verdict.INVALID
    assert result.codes()["status"] == "status_revoked"

    # A retry changes nothing; a revocation is final.
    again = change(client, headers, credential_id, "revocation", True)
    assert again.json()["changed"] is False
    undo = change(client, headers, credential_id, "revocation", False)
    assert (undo.status_code, undo.json()["code"]) == (409, "invalid_transition")


def test_suspend_and_reactivate(client: AppClient, headers: dict[str, str]) -> None:
    response = issue(client, headers, suspendable=True)
    credential_id, token = response.json()["id"], token_of(response.json())
    revocation, suspension = payload(token)["credentialStatus"]

    # The earlier draft's form: the new status inside each entry.
    response = client.post(
        "/credentials/status",
        json={
            "credentialId": credential_id,
            "credentialStatus": [
                {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "suspension",
                    "status": True,
                }
            ],
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "suspended"
    assert (bit(client, suspension), bit(client, revocation)) == (1, 0)
    result = fresh_verifier(client).verify(token)
    assert result.codes()["status"] == "status_suspended"

    response = change(client, headers, credential_id, "suspension", False)
    assert response.json()["state"] == "active"
    assert bit(client, suspension) == 0
    assert fresh_verifier(client).verify(token).verdict is Verdict.VALID


def test_status_changes_that_cannot_apply(client: AppClient, headers: dict[str, str]) -> None:
    credential_id = issue(client, headers).json()["id"]
    response = change(client, headers, credential_id, "suspension", True)
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    response = change(
        client, headers, "urn:uuid:00000000-0000-4000-8000-000000000000", "revocation", True
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = client.post(
        "/credentials/status",
        json={
            "credentialId": credential_id,
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
        },
        headers=headers,
    )
    assert (response.status_code, response.json()["code"]) == (422, "request_invalid")
    for bad in (
        {"credentialId": credential_id, "credentialStatus": [], "status": True},
        {"credentialId": 7, "credentialStatus": {"type": "X", "statusPurpose": "revocation"}},
        {"credentialId": credential_id, "credentialStatus": {"statusPurpose": "otro"}},
    ):
        response = client.post("/credentials/status", json=bad, headers=headers)
        assert (response.status_code, response.json()["code"]) == (422, "request_invalid")


# -- the status list --------------------------------------------------------------------------


def test_the_list_is_a_signed_vc_jwt_at_its_own_url(
    client: AppClient, headers: dict[str, str]
) -> None:
    entry = payload(token_of(issue(client, headers).json()))["credentialStatus"]
    assert entry["statusListCredential"] == "http://localhost:8000" + LIST_PATH
    response = client.get(LIST_PATH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vc+jwt"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["access-control-allow-origin"] == "*"
    listed = payload(response.text)
    assert listed["id"] == entry["statusListCredential"]
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["credentialSubject"]["statusPurpose"] == "revocation"
    assert listed["credentialSubject"]["ttl"] == 300_000
    valid_until = datetime.fromisoformat(listed["validUntil"])
    assert valid_until >= datetime.now(UTC) + timedelta(hours=12)
    # Within one period every fetch (any worker) gets the same document.
    assert client.get(LIST_PATH).text == response.text


def test_etag_and_304(client: AppClient, headers: dict[str, str]) -> None:
    credential_id = issue(client, headers).json()["id"]
    first = client.get(LIST_PATH)
    etag = first.headers["etag"]
    same = client.get(LIST_PATH, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.content == b""
    assert same.headers["etag"] == etag

    change(client, headers, credential_id, "revocation", True)
    changed = client.get(LIST_PATH, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.text != first.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/entidades/{SLUG}/estado/revocacion/2", 404),
        (f"/entidades/{SLUG}/estado/otra-cosa/1", 404),
        ("/entidades/no-existe/estado/revocacion/1", 404),
        (f"/entidades/{SLUG}/estado/revocacion/0", 422),
        (f"/entidades/{SLUG}/estado/revocacion/uno", 422),
        (f"/entidades/{SLUG}/estado/revocacion/99999999999999999999", 422),
    ],
)
def test_unknown_lists_are_problems(
    client: AppClient, headers: dict[str, str], path: str, status: int
) -> None:
    issue(client, headers)
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
