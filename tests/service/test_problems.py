"""Every error is RFC 9457 problem+json with a stable code; bad input never gets a 500."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from issuer.problems import PROBLEM_TYPE_BASE, ProblemError
from issuer.store import Conflict
from tests.service.conftest import AppClient
from vcred.errors import DataModelError, ErrorCode, KeyMaterialError, Violation


class Solicitud(BaseModel):
    nombre: str
    edad: int


@pytest.fixture
def probe(app: FastAPI) -> AppClient:
    """The app with a few extra routes that fail in each way a real route may."""

    @app.post("/prueba/eco")
    def eco(solicitud: Solicitud) -> dict[str, str]:
        return {"nombre": solicitud.nombre}

    @app.get("/prueba/fallo")
    def fallo() -> dict[str, str]:
        raise RuntimeError("secreto interno: postgresql://admin:hunter2@db")

    @app.get("/prueba/conflicto")
    def conflicto() -> dict[str, str]:
        raise Conflict("ya existe")

    @app.get("/prueba/modelo")
    def modelo() -> dict[str, str]:
        raise DataModelError(
            "bad credential",
            violations=[Violation("validFrom.not_datetimestamp", "/validFrom", "not a date")],
        )

    @app.get("/prueba/clave")
    def clave() -> dict[str, str]:
        raise KeyMaterialError("wrong passphrase", code=ErrorCode.KEY_PASSPHRASE)

    @app.get("/prueba/prohibido")
    def prohibido() -> dict[str, str]:
        raise ProblemError(401, "unauthorized", "falta", headers={"WWW-Authenticate": "Basic"})

    return AppClient(app)


def _problem(response: object, status: int, code: str) -> dict[str, object]:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    body = response.json()
    assert body["type"] == PROBLEM_TYPE_BASE + code
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"] and body["detail"]
    return dict(body)


def test_unknown_path_is_404(probe: AppClient) -> None:
    _problem(probe.get("/no/existe"), 404, "not_found")


def test_wrong_method_is_405_with_allow(probe: AppClient) -> None:
    response = probe.request("DELETE", "/salud")
    _problem(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET"


def test_invalid_fields_are_422_and_named_without_echoing_values(probe: AppClient) -> None:
    response = probe.post("/prueba/eco", json={"nombre": "Ana", "edad": "muchos-años-secreto"})
    body = _problem(response, 422, "request_invalid")
    assert body["errors"] == [{"field": "body.edad", "message": body["errors"][0]["message"]}]  # type: ignore[index]
    assert "muchos-años-secreto" not in response.text


def test_malformed_json_is_400(probe: AppClient) -> None:
    response = probe.post(
        "/prueba/eco", content=b"{nombre:", headers={"content-type": "application/json"}
    )
    _problem(response, 400, "malformed_json")


def test_a_declared_oversized_body_is_413_before_it_is_read(probe: AppClient) -> None:
    body = b'{"nombre": "' + b"a" * (64 * 1024) + b'", "edad": 1}'
    response = probe.post("/prueba/eco", content=body, headers={"content-type": "application/json"})
    problem = _problem(response, 413, "body_too_large")
    assert problem["maxBytes"] == 64 * 1024


def test_a_streamed_oversized_body_is_413(probe: AppClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"nombre": "'
        for _ in range(80):
            yield b"a" * 1024
        yield b'", "edad": 1}'

    response = probe.post(
        "/prueba/eco", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    _problem(response, 413, "body_too_large")


def test_a_body_within_the_limit_passes(probe: AppClient) -> None:
    response = probe.post("/prueba/eco", json={"nombre": "Ana", "edad": 30})
    assert response.status_code == 200
    assert response.json() == {"nombre": "Ana"}
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_an_invalid_content_length_is_400(probe: AppClient) -> None:
    response = probe.post("/prueba/eco", content=b"{}", headers={"content-length": "abc"})
    _problem(response, 400, "bad_request")


def test_an_unexpected_error_is_a_generic_500_and_is_logged(
    probe: AppClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="issuer"):
        response = probe.get("/prueba/fallo")
    body = _problem(response, 500, "internal_error")
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    error_id = str(body["instance"]).removeprefix("urn:uuid:")
    (record,) = [r for r in caplog.records if error_id in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def test_store_and_vcred_errors_map_to_their_codes(probe: AppClient) -> None:
    _problem(probe.get("/prueba/conflicto"), 409, "conflict")
    body = _problem(probe.get("/prueba/modelo"), 422, "data_model_invalid")
    assert body["errors"] == [
        {"rule": "validFrom.not_datetimestamp", "path": "/validFrom", "message": "not a date"}
    ]
    key = _problem(probe.get("/prueba/clave"), 503, "signing_key_unavailable")
    assert "passphrase" not in str(key["detail"])


def test_route_problems_keep_their_headers(probe: AppClient) -> None:
    response = probe.get("/prueba/prohibido")
    _problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Basic"


def test_health_and_docs(probe: AppClient) -> None:
    for path in ("/salud", "/health"):
        response = probe.get(path)
        assert response.status_code == 200
        assert response.json()["estado"] == "ok"
        assert response.headers["x-content-type-options"] == "nosniff"
    docs = probe.get("/docs")
    assert docs.status_code == 200
    schema = probe.get("/openapi.json").json()
    assert schema["info"]["title"].startswith("Emisor de credenciales")
    assert "/entidades/{slug}/did.json" in schema["paths"]


def test_health_reports_an_unreachable_database(probe: AppClient, app: FastAPI) -> None:
    app.state.store.engine.dispose()
    from issuer.db import create_engine_for
    from issuer.store import Store

    app.state.store = Store(create_engine_for("postgresql+psycopg://nadie@127.0.0.1:1/x"))
    _problem(probe.get("/salud"), 503, "service_unavailable")
