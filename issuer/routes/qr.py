"""QR images of issued credentials (issue #3, item 7).

``GET /entidades/{slug}/credenciales/{id}/qr.png`` and ``…/qr.svg`` with ``?modo=enlace``
(default) or ``?modo=embebido``:

* ``enlace``: the linked payload, the verifier page URL carrying the citizen-folder share token
  (the issue endpoint's ``links.verificar``, :meth:`IssuerService.links`); no credential data
  travels in the URL;
* ``embebido``: the whole signed credential as a ``VC1:`` payload
  (:func:`vcred.qr.encode_embedded` of the ``vc+jwt`` kept in the folder).

``{id}`` is the credential's path id (the UUID of a ``urn:uuid:`` id, as in the issue answer's
``links.qr``). Only API clients of the issuing entity with the ``issue`` scope (and, for clients
limited to some trámites, the credential's trámite) get the image: 401/403 problems otherwise;
an unknown credential, or one never deposited in the folder (VC API credentials), is a 404
problem. Images never change for a credential, so they are kept in a bounded in-memory LRU
(:data:`CACHE_SIZE` entries per app) keyed by ``(entity, credential id, modo, format)`` and sent
with ``Cache-Control: private, max-age=3600`` and a strong ``ETag`` (``If-None-Match`` → 304).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from typing import Annotated, Literal, cast

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from starlette.responses import Response

from issuer.auth import forbidden, require
from issuer.deps import ClientDep, IssuerServiceDep, StoreDep
from issuer.folder import Deposit
from issuer.issuance import IssuerService
from issuer.keystore import SLUG_PATTERN
from issuer.problems import ProblemError
from issuer.status_publication import LruCache
from issuer.store import ClientRecord, Store
from vcred.qr import encode_embedded, render_png, render_svg

__all__ = ["CACHE_SIZE", "MAX_AGE_SECONDS", "QrImage", "router"]

router = APIRouter(tags=["credenciales"])

Modo = Literal["enlace", "embebido"]
Formato = Literal["png", "svg"]

#: Rendered images kept per app (a PNG is a few kB; an embedded-payload PNG up to ~40 kB).
CACHE_SIZE = 512
MAX_AGE_SECONDS = 3600
_MEDIA_TYPES: dict[Formato, str] = {"png": "image/png", "svg": "image/svg+xml"}
_UUID_RE = re.compile(r"[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}", re.IGNORECASE)
_INSTALL_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class QrImage:
    """A rendered QR image and its validator."""

    body: bytes
    etag: str


_Cache = LruCache[tuple[str, str, str, str], QrImage]


def get_qr_cache(request: Request) -> _Cache:
    """The app's image cache, made on first use (``app.state.qr_images``)."""
    state = request.app.state
    cache = getattr(state, "qr_images", None)
    if cache is None:
        with _INSTALL_LOCK:
            cache = getattr(state, "qr_images", None)
            if cache is None:
                cache = _Cache(CACHE_SIZE)
                state.qr_images = cache
    return cast(_Cache, cache)


QrCacheDep = Annotated[_Cache, Depends(get_qr_cache)]


def _credential_id(path_id: str) -> str:
    """The credential id a path id names (inverse of ``credential_path_id``)."""
    if _UUID_RE.fullmatch(path_id):
        return f"urn:uuid:{path_id}"
    return path_id


def _not_in_folder() -> ProblemError:
    return ProblemError(
        404,
        "not_found",
        "La credencial no está en la carpeta ciudadana; no hay QR. "
        "The credential is not in the citizen folder; there is no QR code.",
    )


def _payload(service: IssuerService, deposit: Deposit, modo: Modo) -> str:
    if modo == "embebido":
        return encode_embedded(deposit.token)
    verificar = service.links(deposit.entity, deposit.credential_id, deposit.share_token)[
        "verificar"
    ]
    if not isinstance(verificar, str):
        raise ProblemError(
            503,
            "qr_unavailable",
            "La URL del verificador no cabe en un QR. The verifier URL does not fit a QR code.",
        )
    return verificar


def _render(payload: str, formato: Formato) -> QrImage:
    body = render_png(payload) if formato == "png" else render_svg(payload).encode("utf-8")
    return QrImage(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def _qr(
    slug: str,
    path_id: str,
    formato: Formato,
    modo: Modo,
    client: ClientRecord,
    service: IssuerService,
    store: Store,
    cache: _Cache,
    if_none_match: str | None,
) -> Response:
    require(client, scope="issue", entity=slug)
    record = store.get_credential(slug, _credential_id(path_id))
    if client.tramites and record.codigo_tramite not in client.tramites:
        raise forbidden(
            "tramite_forbidden",
            "El cliente no está autorizado para este trámite. "
            "The client may not act on this trámite.",
        )
    key = (slug, record.credential_id, modo, formato)
    image = cache.get(key)
    if image is None:
        deposit = service.folder.find(entity=slug, credential_id=record.credential_id)
        if deposit is None:
            raise _not_in_folder()
        image = cache.put(key, _render(_payload(service, deposit, modo), formato))
    headers = {"ETag": image.etag, "Cache-Control": f"private, max-age={MAX_AGE_SECONDS}"}
    if _matches(if_none_match, image.etag):
        return Response(status_code=304, headers=headers)
    return Response(image.body, headers=headers, media_type=_MEDIA_TYPES[formato])


SlugPath = Annotated[str, Path(pattern=f"^{SLUG_PATTERN}$")]
IdPath = Annotated[str, Path(min_length=1, max_length=200, description="UUID de la credencial")]
ModoQuery = Annotated[
    Modo, Query(description="enlace: URL del verificador; embebido: la credencial completa")
]
IfNoneMatch = Annotated[str | None, Header(max_length=1000)]
_RESPONSES: dict[int | str, dict[str, object]] = {
    304: {"description": "Sin cambios / not modified"},
    401: {"description": "Sin credenciales válidas / not authenticated"},
    403: {"description": "No autorizado / not allowed"},
    404: {"description": "Credencial desconocida / unknown credential"},
}


@router.get(
    "/entidades/{slug}/credenciales/{credential_id}/qr.png",
    summary="QR de la credencial (PNG) / the credential's QR code as PNG",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "QR"}, **_RESPONSES},
)
def qr_png(
    slug: SlugPath,
    credential_id: IdPath,
    client: ClientDep,
    service: IssuerServiceDep,
    store: StoreDep,
    cache: QrCacheDep,
    modo: ModoQuery = "enlace",
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The linked (``enlace``) or embedded (``embebido``) QR code of a credential, as PNG."""
    return _qr(slug, credential_id, "png", modo, client, service, store, cache, if_none_match)


@router.get(
    "/entidades/{slug}/credenciales/{credential_id}/qr.svg",
    summary="QR de la credencial (SVG) / the credential's QR code as SVG",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "QR"}, **_RESPONSES},
)
def qr_svg(
    slug: SlugPath,
    credential_id: IdPath,
    client: ClientDep,
    service: IssuerServiceDep,
    store: StoreDep,
    cache: QrCacheDep,
    modo: ModoQuery = "enlace",
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The linked (``enlace``) or embedded (``embebido``) QR code of a credential, as SVG."""
    return _qr(slug, credential_id, "svg", modo, client, service, store, cache, if_none_match)
