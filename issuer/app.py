"""The issuer's FastAPI application factory (issue #3, items 1 and 10).

``create_app(settings)`` wires the store (SQLite or PostgreSQL, from the settings), the key
store, the routes, the problem handlers and one small ASGI guard that every request passes:

* request bodies larger than ``settings.max_body_bytes`` are refused with a 413 problem, from
  ``Content-Length`` before anything is read, or while a chunked body streams in;
* every response carries ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``;
* an unexpected exception becomes a generic 500 problem (no internals) and is logged with the
  id the problem carries.

All state lives in the database; the app keeps only caches, so several workers behave as one.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import metadata

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from issuer.auth import Authenticator
from issuer.db import create_engine_for
from issuer.folder import FolderClient, LocalFolderClient
from issuer.issuance import IssuerService
from issuer.keystore import FileKeyStore, KeyStore
from issuer.problems import install_problem_handlers, internal_error_response, problem_response
from issuer.routes import credentials, did, health, qr, status
from issuer.settings import Settings
from issuer.store import Store

__all__ = ["SECURITY_HEADERS", "GuardMiddleware", "create_app"]

logger = logging.getLogger("issuer")

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
)

_DESCRIPTION = """\
Servicio emisor de credenciales verificables (W3C VC 2.0, `application/vc+jwt`) para los
trámites de las entidades públicas colombianas: documentos DID (`did:web`) de cada entidad,
emisión, revocación y suspensión, listas de estado (Bitstring Status List) y códigos QR.

Issuer service for W3C Verifiable Credentials of Colombian government procedures. Every error
is an RFC 9457 `application/problem+json` document with a stable `code`.
"""


def _version() -> str:
    try:
        return metadata.version("vcred")
    except metadata.PackageNotFoundError:
        return "0"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` when a streamed body passes the limit (FastAPI re-raises it)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"El cuerpo supera {limit} bytes. The request body exceeds {limit} bytes.",
        )


class GuardMiddleware:
    """Body size limit, security headers and the last-resort 500 problem (pure ASGI)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        limit = self.max_body_bytes
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit():
                detail = "Content-Length inválido. Invalid Content-Length."
                await problem_response(400, "bad_request", detail)(
                    scope, receive, send_with_headers
                )
                return
            if int(declared) > limit:
                await self._too_large(scope, receive, send_with_headers)
                return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, bounded_receive, send_with_headers)
        except _BodyTooLarge:
            if started:
                raise
            await self._too_large(scope, receive, send_with_headers)
        except Exception:
            if started:
                raise  # too late for a problem response; the server closes the connection
            response, error_id = internal_error_response()
            logger.exception(
                "unexpected error %s on %s %s", error_id, scope.get("method"), scope.get("path")
            )
            await response(scope, receive, send_with_headers)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.max_body_bytes
        response = problem_response(
            413,
            "body_too_large",
            f"El cuerpo supera {limit} bytes. The request body exceeds {limit} bytes.",
            extra={"maxBytes": limit},
        )
        await response(scope, receive, send)


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    keystore: KeyStore | None = None,
    clock: Callable[[], datetime] | None = None,
    folder: FolderClient | None = None,
) -> FastAPI:
    """The issuer's ASGI application (OpenAPI docs at ``/docs``).

    Without ``store`` the app opens the database of ``settings.database_url`` (already migrated:
    :func:`issuer.server.serve` and ``python -m issuer migrate`` do that) and disposes of the
    engine on shutdown; a given store stays the caller's. Without ``folder``, credentials are
    deposited in the local stand-in for the citizen folder (``<DATA_DIR>/carpeta``).
    """
    owned_store = store is None
    if store is None:
        store = Store(create_engine_for(settings.database_url))
    active_store = store

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned_store:
                active_store.engine.dispose()

    app = FastAPI(
        title="Emisor de credenciales verificables — vcred",
        description=_DESCRIPTION,
        version=_version(),
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.keystore = keystore if keystore is not None else FileKeyStore(settings)
    app.state.clock = clock if clock is not None else _utcnow
    app.state.authenticator = Authenticator(store)
    app.state.issuer_service = IssuerService(
        settings,
        store=store,
        keystore=app.state.keystore,
        folder=folder if folder is not None else LocalFolderClient(settings.data_dir / "carpeta"),
        clock=app.state.clock,
    )
    install_problem_handlers(app)
    app.add_middleware(GuardMiddleware, max_body_bytes=settings.max_body_bytes)
    app.include_router(health.router)
    app.include_router(did.router)
    app.include_router(credentials.router)
    app.include_router(status.router)
    app.include_router(qr.router)
    return app
