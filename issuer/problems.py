"""Every error the issuer answers, as RFC 9457 problem details (issue #3, item 10).

One place maps each failure to its HTTP status and a stable problem ``type``
(``https://vcred.example.gov.co/problemas/<code>``):

* :class:`vcred.errors.VcredError` → its :class:`~vcred.errors.ErrorCode` (4xx for input;
  data model and schema failures are 422 and list each failing field under ``errors``);
* :class:`issuer.store.StoreError` → ``not_found`` 404, ``conflict`` 409, …;
* :class:`ProblemError` → whatever a route raises on purpose (401, 403, …);
* Starlette/FastAPI HTTP errors (404, 405, …) and request validation errors (422);
* anything else → a generic 500 ``internal_error`` without internals, logged with an id.

Bodies are ``application/problem+json`` with ``type``, ``title``, ``status``, ``detail`` and
``code`` (RFC 9457 §3.2 extension member); titles are Spanish, ``detail`` says what to fix.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from issuer.store import StoreError, StoreErrorCode
from vcred.errors import (
    DataModelError,
    ErrorCode,
    FetchError,
    KeyMaterialError,
    SchemaValidationError,
    UsageError,
    VcredError,
)

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPE_BASE",
    "ProblemError",
    "install_problem_handlers",
    "internal_error_response",
    "problem_response",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://vcred.example.gov.co/problemas/"

logger = logging.getLogger("issuer")
_E = TypeVar("_E", bound=Exception)

_TITLES: dict[str, str] = {
    "not_found": "Recurso no encontrado",
    "method_not_allowed": "Método no permitido",
    "unauthorized": "Autenticación requerida",
    "forbidden": "Acceso denegado",
    "scope_missing": "El cliente no tiene el alcance necesario",
    "entity_forbidden": "El cliente pertenece a otra entidad",
    "issuer_forbidden": "El emisor de la credencial no es la entidad del cliente",
    "tramite_forbidden": "El cliente no está autorizado para este trámite",
    "body_too_large": "Cuerpo de la solicitud demasiado grande",
    "request_invalid": "Solicitud inválida",
    "malformed_json": "JSON mal formado",
    "conflict": "Conflicto con el estado actual",
    "idempotency_mismatch": "Clave de idempotencia reutilizada con otra solicitud",
    "invalid_transition": "Cambio de estado no permitido",
    "status_list_full": "Lista de estado llena",
    "invalid_input": "Dato inválido",
    "internal_error": "Error interno",
    "service_unavailable": "Servicio no disponible",
    "signing_key_unavailable": "Clave de firma no disponible",
    "data_model_invalid": "La credencial no cumple el modelo de datos",
    "schema_violation": "Los datos no cumplen el esquema del trámite",
}

_STORE_STATUS: dict[StoreErrorCode, int] = {
    StoreErrorCode.NOT_FOUND: 404,
    StoreErrorCode.CONFLICT: 409,
    # IETF Idempotency-Key header draft §2.7: a key reused with another payload is 422.
    StoreErrorCode.IDEMPOTENCY_MISMATCH: 422,
    StoreErrorCode.INVALID_TRANSITION: 409,
    StoreErrorCode.STATUS_LIST_FULL: 503,
    StoreErrorCode.INVALID_INPUT: 400,
}

_VCRED_STATUS: dict[ErrorCode, int] = {
    ErrorCode.DATA_MODEL_INVALID: 422,
    ErrorCode.SCHEMA_VIOLATION: 422,
    ErrorCode.SCHEMA_UNKNOWN: 422,
    ErrorCode.TRAMITE_UNKNOWN: 404,
    ErrorCode.INPUT_TOO_LARGE: 413,
    ErrorCode.TOKEN_TOO_LARGE: 413,
    ErrorCode.QR_TOO_LARGE: 422,
    ErrorCode.STATUS_LIST_FULL: 503,
    ErrorCode.DID_NOT_FOUND: 404,
}

_HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "request_invalid",
    429: "too_many_requests",
    503: "service_unavailable",
}


class ProblemError(Exception):
    """Raised by routes for an answer that is a problem (401, 403, 404 of a route's own…)."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


def _title(code: str, status: int) -> str:
    if code in _TITLES:
        return _TITLES[code]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, object] | None = None,
) -> Response:
    """An ``application/problem+json`` response (RFC 9457 §3)."""
    body: dict[str, object] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title or _title(code, status),
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update(extra or {})
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response_headers = {"Cache-Control": "no-store", **(headers or {})}
    return Response(content, status, headers=response_headers, media_type=PROBLEM_MEDIA_TYPE)


def internal_error_response() -> tuple[Response, str]:
    """The generic 500 problem and the id it carries (logged next to the traceback)."""
    error_id = str(uuid.uuid4())
    response = problem_response(
        500,
        "internal_error",
        "Ocurrió un error inesperado; se registró con el identificador de esta respuesta. "
        "An unexpected error occurred and was logged.",
        extra={"instance": f"urn:uuid:{error_id}"},
    )
    return response, error_id


def _expect(exc: Exception, kind: type[_E]) -> _E:
    # Handlers are registered per class, so this always holds; it narrows the type.
    if not isinstance(exc, kind):
        raise exc
    return exc


def _violations(exc: VcredError) -> list[dict[str, str]]:
    if isinstance(exc, DataModelError | SchemaValidationError):
        return [{"rule": v.rule, "path": v.path, "message": v.message} for v in exc.violations]
    return []


async def _vcred_error(request: Request, exc: Exception) -> Response:
    exc = _expect(exc, VcredError)
    if isinstance(exc, UsageError):
        # A programming error in the service, not bad input.
        logger.error("usage error on %s %s: %s", request.method, request.url.path, exc)
        return internal_error_response()[0]
    if isinstance(exc, KeyMaterialError):
        # The key file or passphrase is wrong on the server: say so, without details.
        logger.error("signing key unavailable on %s: %s", request.url.path, exc.code)
        return problem_response(
            503,
            "signing_key_unavailable",
            "La clave de firma de la entidad no está disponible. "
            "The entity's signing key is not available.",
        )
    if isinstance(exc, FetchError):
        return problem_response(502, str(exc.code), exc.message)
    status = _VCRED_STATUS.get(exc.code, 400)
    violations = _violations(exc)
    return problem_response(
        status, str(exc.code), exc.message, extra={"errors": violations} if violations else None
    )


async def _store_error(request: Request, exc: Exception) -> Response:
    exc = _expect(exc, StoreError)
    return problem_response(_STORE_STATUS.get(exc.code, 400), str(exc.code), exc.message)


async def _problem_error(request: Request, exc: Exception) -> Response:
    exc = _expect(exc, ProblemError)
    return problem_response(
        exc.status,
        exc.code,
        exc.detail,
        title=exc.title,
        headers=exc.headers,
        extra=exc.extra,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    exc = _expect(exc, StarletteHTTPException)
    status = exc.status_code
    code = _HTTP_CODES.get(status, f"http_{status}")
    detail = exc.detail if isinstance(exc.detail, str) else _title(code, status)
    if status == 404 and detail == "Not Found":
        detail = f"No hay nada en {request.url.path}. Nothing is served at this path."
    elif status == 405:
        detail = f"{request.method} no se admite aquí. {request.method} is not allowed here."
    return problem_response(status, code, detail, headers=exc.headers)


def _field(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


async def _validation_error(request: Request, exc: Exception) -> Response:
    exc = _expect(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(error.get("type") == "json_invalid" for error in errors):
        return problem_response(
            400,
            "malformed_json",
            "El cuerpo no es JSON válido. The request body is not valid JSON.",
        )
    # Only where and why: the submitted value ("input") is never echoed back.
    fields = [
        {"field": _field(error.get("loc", ())), "message": str(error.get("msg", ""))}
        for error in errors
    ]
    names = ", ".join(f["field"] for f in fields)
    return problem_response(
        422,
        "request_invalid",
        f"Campos inválidos / invalid fields: {names}",
        extra={"errors": fields},
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every known error into a problem response."""
    app.add_exception_handler(VcredError, _vcred_error)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
