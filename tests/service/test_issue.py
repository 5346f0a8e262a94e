"""Issuing over HTTP: the trámite endpoint and the VC API ``/credentials/issue``.

Credentials come back as an ``EnvelopedVerifiableCredential`` that a verifier reaching the app
(for the DID document and the status list) finds valid; idempotent retries issue nothing.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from issuer.app import create_app
from issuer.db import create_engine_for
from issuer.db.models import IssuedCredential
from issuer.keystore import FileKeyStore
from issuer.settings import Settings
from issuer.store import Store
from tests.service.conftest import TEST_SECRET_COST, AppClient
from vcred import TrustRegistry
from vcred.errors import ErrorCode, FetchError
from vcred.verify import Verdict, Verifier, create_verifier

SLUG = "gobernacion-putumayo"
DID = f"did:web:localhost%3A8000:entidades:{SLUG}"
ISSUE_PATH = f"/entidades/{SLUG}/tramites/SVT-135/credenciales"
TRUST = Path(__file__).resolve().parents[2] / "examples" / "trust-registry.json"


def svt135_claims(**overrides: Any) -> dict[str, Any]:
    """Claims of a valid SVT-135 Certificado de paz y salvo."""
    return {
        "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "tipoDocumento": "CC",
        "numeroDocumento": "1123456789",
        "nombres": "María Fernanda",
        "apellidos": "Jamioy Chindoy",
        "entidad": {
            "nombre": "Gobernación del Putumayo",
            "nit": "800094164-4",
            "codigoDane": "86001",
        },
        "numeroCertificado": "PYS-2026-000123",
        "concepto": "IMPUESTO_VEHICULOS_AUTOMOTORES",
        "vigencia": 2026,
        "placa": "OQJ12F",
        "fechaExpedicion": datetime.now(UTC).date().isoformat(),
        "fechaVencimiento": "2026-12-31",
        **overrides,
    }


def basic(client_id: str, secret: str) -> dict[str, str]:
    """An ``Authorization: Basic`` header."""
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


class AppFetcher:
    """A vcred Fetcher answering localhost:8000 URLs (https or http) from the app in process."""

    def __init__(self, client: AppClient) -> None:
        self.client = client
        self.calls: list[str] = []

    def fetch(self, url: str) -> bytes:
        parts = urlsplit(url)
        assert parts.netloc == "localhost:8000", url
        self.calls.append(parts.path)
        response = self.client.get(parts.path)
        if response.status_code != 200:
            raise FetchError(f"HTTP {response.status_code}", code=ErrorCode.FETCH_HTTP_STATUS)
        return response.content


def fresh_verifier(client: AppClient) -> Verifier:
    """A verifier with empty caches that reaches the issuer through the app."""
    return create_verifier(fetcher=AppFetcher(client), trust=TrustRegistry.from_file(TRUST))


def token_of(response_json: dict[str, Any]) -> str:
    """The ``vc+jwt`` inside an ``EnvelopedVerifiableCredential`` response."""
    envelope = response_json["verifiableCredential"]
    assert envelope["type"] == "EnvelopedVerifiableCredential"
    assert envelope["@context"] == "https://www.w3.org/ns/credentials/v2"
    prefix = "data:application/vc+jwt,"
    assert envelope["id"].startswith(prefix)
    return str(envelope["id"][len(prefix) :])


def payload(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


@pytest.fixture(name="make_client")
def make_client_fixture(store: Store, entity: str) -> Callable[..., dict[str, str]]:
    """Create an API client of an entity; return its ``Authorization`` header."""

    def make(
        scopes: tuple[str, ...] = ("issue", "status"),
        tramites: tuple[str, ...] = ("SVT-135",),
        slug: str = SLUG,
    ) -> dict[str, str]:
        record, secret = store.create_client(slug, scopes=scopes, tramites=tramites)
        return basic(record.client_id, secret)

    return make


@pytest.fixture(name="headers")
def headers_fixture(make_client: Callable[..., dict[str, str]]) -> dict[str, str]:
    """An issue+status client of the Gobernación del Putumayo for SVT-135."""
    return make_client()


def issue(client: AppClient, headers: dict[str, str], **body: Any) -> Any:
    body.setdefault("claims", svt135_claims())
    return client.post(ISSUE_PATH, json=body, headers=headers)


def count_credentials(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(IssuedCredential)) or 0)


# -- the trámite endpoint ---------------------------------------------------------------------


def test_a_tramite_credential_is_issued_signed_and_valid(
    client: AppClient, headers: dict[str, str], store: Store
) -> None:
    response = issue(client, headers)
    assert response.status_code == 201, response.text
    body = response.json()
    token = token_of(body)
    claims = payload(token)
    assert claims["id"] == body["id"]
    assert claims["issuer"] == {"id": DID, "name": "Gobernación del Putumayo"}
    assert claims["type"] == ["VerifiableCredential", "CertificadoPazYSalvo"]
    status = claims["credentialStatus"]
    assert status["statusPurpose"] == "revocation"
    list_url = status["statusListCredential"]
    assert list_url == f"http://localhost:8000/entidades/{SLUG}/estado/revocacion/1"
    assert jwt.get_unverified_header(token)["kid"].startswith(DID + "#")

    result = fresh_verifier(client).verify(token)
    assert result.verdict is Verdict.VALID, result.codes()

    # Only a salted reference of the subject is kept; the folder holds the token.
    record = store.get_credential(SLUG, body["id"])
    assert record.codigo_tramite == "SVT-135"
    assert "1123456789" not in record.subject_ref and record.document is None
    assert record.status[0].index == int(status["statusListIndex"])
    uuid = body["id"].removeprefix("urn:uuid:")
    qr = f"http://localhost:8000/entidades/{SLUG}/credenciales/{uuid}/qr"
    assert body["links"]["qr"] == {"png": qr + ".png", "svg": qr + ".svg"}
    verificar = body["links"]["verificar"]
    assert verificar.startswith("http://localhost:8000/v/")
    deposit = client.app.state.issuer_service._folder.open(verificar.rsplit("/", 1)[1])
    assert deposit is not None and deposit.token == token


def test_the_verifier_link_uses_the_verifier_url(
    env: dict[str, str], store: Store, keystore: FileKeyStore, entity: str, headers: dict[str, str]
) -> None:
    settings = Settings.from_env({**env, "VCRED_ISSUER_VERIFIER_URL": "https://verificar.gov.co"})
    app = create_app(settings, store=store, keystore=keystore)
    response = issue(AppClient(app), headers)
    assert response.status_code == 201
    assert response.json()["links"]["verificar"].startswith("https://verificar.gov.co/v/")


def test_dates_and_a_suspension_entry_on_request(
    client: AppClient, headers: dict[str, str]
) -> None:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    end = start + timedelta(days=30)
    response = issue(
        client,
        headers,
        validFrom=start.isoformat(),
        validUntil=end.isoformat(),
        suspendable=True,
    )
    assert response.status_code == 201, response.text
    claims = payload(token_of(response.json()))
    assert claims["validFrom"] == start.isoformat().replace("+00:00", "Z")
    assert claims["exp"] == int(end.timestamp())
    purposes = [entry["statusPurpose"] for entry in claims["credentialStatus"]]
    assert purposes == ["revocation", "suspension"]
    assert fresh_verifier(client).verify(token_of(response.json())).verdict is Verdict.VALID


def test_schema_violations_list_the_fields_never_the_values(
    client: AppClient, headers: dict[str, str], engine: Engine
) -> None:
    claims = svt135_claims(numeroDocumento="¡no-es-un-número!", campoExtra="x")
    del claims["nombres"]
    response = issue(client, headers, claims=claims)
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "schema_violation"
    paths = {error["path"] for error in problem["errors"]}
    assert {
        "/credentialSubject/numeroDocumento",
        "/credentialSubject/nombres",
        "/credentialSubject/campoExtra",
    } <= paths
    assert "no-es-un" not in response.text
    assert count_credentials(engine) == 0


def test_an_unknown_tramite_is_404(client: AppClient, make_client: Callable[..., Any]) -> None:
    headers = make_client(tramites=())
    response = client.post(
        f"/entidades/{SLUG}/tramites/SVT-999/credenciales", json={"claims": {}}, headers=headers
    )
    assert response.status_code == 404
    assert response.json()["code"] == "tramite_unknown"


# -- idempotency ------------------------------------------------------------------------------


def test_the_same_idempotency_key_never_issues_twice(
    client: AppClient, headers: dict[str, str], engine: Engine
) -> None:
    keyed = {**headers, "Idempotency-Key": '"pedido-2026-0001"'}
    first = issue(client, keyed)
    again = issue(client, keyed)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert count_credentials(engine) == 1

    other = issue(client, keyed, claims=svt135_claims(placa="ABC123"))
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_mismatch"
    assert count_credentials(engine) == 1


def test_a_retry_after_a_lost_deposit_signs_the_same_credential(
    client: AppClient, headers: dict[str, str], settings: Settings
) -> None:
    keyed = {**headers, "Idempotency-Key": "k-1"}
    first = issue(client, keyed).json()
    for path in (settings.data_dir / "carpeta").rglob("*.json"):
        path.unlink()  # as if the first attempt stopped right after recording
    again = issue(client, keyed)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    old, new = payload(token_of(first)), payload(token_of(again.json()))
    assert new["credentialStatus"] == old["credentialStatus"]
    assert new["validFrom"] == old["validFrom"]
    assert fresh_verifier(client).verify(token_of(again.json())).verdict is Verdict.VALID


def test_keys_belong_to_their_client(
    client: AppClient, make_client: Callable[..., dict[str, str]], engine: Engine
) -> None:
    one, two = make_client(), make_client()
    assert issue(client, {**one, "Idempotency-Key": "k"}).status_code == 201
    assert issue(client, {**two, "Idempotency-Key": "k"}).status_code == 201
    assert count_credentials(engine) == 2


# -- the VC API -------------------------------------------------------------------------------


@pytest.fixture
def vc_api_template(client: AppClient, headers: dict[str, str]) -> dict[str, Any]:
    """A trámite credential as the trámite endpoint builds it (contexts and schema id)."""
    claims = payload(token_of(issue(client, headers).json()))
    for name in ("id", "iss", "iat", "exp", "credentialStatus", "validFrom", "nbf", "jti"):
        claims.pop(name, None)
    claims["issuer"] = DID
    return claims


def test_vc_api_issue(
    client: AppClient, headers: dict[str, str], vc_api_template: dict[str, Any], store: Store
) -> None:
    response = client.post(
        "/credentials/issue",
        json={
            "credential": vc_api_template,
            "options": {"credentialStatus": {"type": "BitstringStatusListEntry"}},
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert set(response.json()) == {"verifiableCredential"}
    token = token_of(response.json())
    claims = payload(token)
    assert claims["id"].startswith("urn:uuid:")
    assert claims["credentialStatus"]["statusPurpose"] == "revocation"
    assert store.get_credential(SLUG, claims["id"]).codigo_tramite == "SVT-135"
    assert fresh_verifier(client).verify(token).verdict is Verdict.VALID


def test_vc_api_refuses_another_issuer_and_bad_credentials(
    client: AppClient, headers: dict[str, str], vc_api_template: dict[str, Any]
) -> None:
    other = {**vc_api_template, "issuer": "did:web:localhost%3A8000:entidades:otra"}
    response = client.post("/credentials/issue", json={"credential": other}, headers=headers)
    assert (response.status_code, response.json()["code"]) == (403, "issuer_forbidden")

    broken = {**vc_api_template, "validFrom": "ayer"}
    response = client.post("/credentials/issue", json={"credential": broken}, headers=headers)
    assert (response.status_code, response.json()["code"]) == (422, "data_model_invalid")
    assert any(error["path"] == "/validFrom" for error in response.json()["errors"])

    subject = {**vc_api_template["credentialSubject"], "placa": 12}
    response = client.post(
        "/credentials/issue",
        json={"credential": {**vc_api_template, "credentialSubject": subject}},
        headers=headers,
    )
    assert (response.status_code, response.json()["code"]) == (422, "schema_violation")

    response = client.post(
        "/credentials/issue",
        json={"credential": vc_api_template, "options": {"credentialStatus": {"type": "X"}}},
        headers=headers,
    )
    assert (response.status_code, response.json()["code"]) == (422, "request_invalid")


def test_vc_api_idempotency(
    client: AppClient, headers: dict[str, str], vc_api_template: dict[str, Any], engine: Engine
) -> None:
    keyed = {**headers, "Idempotency-Key": "vc-api-1"}
    body = {"credential": vc_api_template}
    before = count_credentials(engine)
    first = client.post("/credentials/issue", json=body, headers=keyed)
    again = client.post("/credentials/issue", json=body, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 200)
    assert payload(token_of(first.json()))["id"] == payload(token_of(again.json()))["id"]
    assert count_credentials(engine) == before + 1


# -- bad input is never a 500 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b"[]", 422, "request_invalid"),
        (b'{"claims": "texto"}', 422, "request_invalid"),
        (b'{"claims": {}, "validUntil": "2026-01-01T00:00:00"}', 422, "request_invalid"),
        (b'{"claims": {}, "suspendable": "si"}', 422, "request_invalid"),
        (b'{"claims": {}, "otro": 1}', 422, "request_invalid"),
        (b'{"claims": {"a": ' * 3000 + b"1" + b"}" * 6000, 400, None),
    ],
)
def test_bad_bodies_get_a_problem(
    client: AppClient, headers: dict[str, str], content: bytes, status: int, code: str | None
) -> None:
    response = client.post(
        ISSUE_PATH, content=content, headers={**headers, "content-type": "application/json"}
    )
    assert response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if code is not None:
        assert (response.status_code, response.json()["code"]) == (status, code)


def test_a_huge_body_is_413(client: AppClient, headers: dict[str, str]) -> None:
    claims = svt135_claims(nombres="x" * 100_000)
    response = issue(client, headers, claims=claims)
    assert (response.status_code, response.json()["code"]) == (413, "body_too_large")


def test_a_bad_idempotency_key_is_400(client: AppClient, headers: dict[str, str]) -> None:
    response = issue(client, {**headers, "Idempotency-Key": "k" * 300})
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"


# -- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture
def pg_app(postgres_schema_url: str, settings: Settings, keystore: FileKeyStore) -> Iterator[Any]:
    """The app on the session's PostgreSQL schema, with a fresh entity and key."""
    from issuer.db import migrate

    engine = create_engine_for(postgres_schema_url)
    migrate(engine)
    store = Store(engine, secret_cost=TEST_SECRET_COST)
    slug = f"ent-{secrets.token_hex(4)}"
    entity = store.create_entity(
        slug, nombre="Entidad", nit="800094164-4", did=settings.entity_did(slug)
    )
    public, ref = keystore.create(slug, "key-1", "Ed25519")
    store.add_key(
        slug, fragment="key-1", algorithm=public.algorithm, public_jwk=public.to_jwk(), key_ref=ref
    )
    yield create_app(settings, store=store, keystore=keystore), store, entity.slug
    engine.dispose()


@pytest.mark.postgres
def test_postgres_issue_and_revoke(pg_app: Any) -> None:
    app, store, slug = pg_app
    assert isinstance(app, FastAPI)
    client = AppClient(app)
    record, secret = store.create_client(slug, scopes=["issue", "status"], tramites=["SVT-135"])
    response = client.post(
        f"/entidades/{slug}/tramites/SVT-135/credenciales",
        json={"claims": svt135_claims()},
        headers={**basic(record.client_id, secret), "Idempotency-Key": "pg-1"},
    )
    assert response.status_code == 201, response.text
    credential_id = response.json()["id"]
    token = token_of(response.json())
    verifier = create_verifier(fetcher=AppFetcher(client))
    assert verifier.verify(token).verdict is Verdict.VALID
    response = client.post(
        "/credentials/status",
        json={
            "credentialId": credential_id,
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=basic(record.client_id, secret),
    )
    assert response.status_code == 200, response.text
    assert store.get_credential(slug, credential_id).state == "revoked"
    result = create_verifier(fetcher=AppFetcher(client)).verify(token)
    assert result.verdict is Verdict.INVALID
    assert result.codes()["status"] == "status_revoked"


@pytest.mark.postgres
def test_postgres_refuses_cross_entity_issuance(pg_app: Any) -> None:
    app, store, slug = pg_app
    client = AppClient(app)
    other = f"ent-{secrets.token_hex(4)}"
    store.create_entity(other, nombre="Otra", nit="800094164-4", did=f"did:web:otra:{other}")
    record, secret = store.create_client(other, scopes=["issue", "status"])
    response = client.post(
        f"/entidades/{slug}/tramites/SVT-135/credenciales",
        json={"claims": svt135_claims()},
        headers=basic(record.client_id, secret),
    )
    assert (response.status_code, response.json()["code"]) == (403, "entity_forbidden")
