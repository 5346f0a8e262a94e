"""``GET /entidades/{slug}/did.json``: each entity's ``did:web`` document (issue #3, item 3).

did:web §Read: ``did:web:<host>:entidades:<slug>`` resolves to
``https://<host>/entidades/<slug>/did.json``, which this route serves. The active key is listed
under ``assertionMethod`` and ``authentication``; retired keys stay under ``assertionMethod``
so the credentials they signed still verify.

Media type: the did:web method stores the document as a JSON-LD file and the document carries
``@context``, so it is served as ``application/did+ld+json`` (DID Core §6.3.1). It is public:
``Cache-Control: public, max-age=300`` with an ``ETag`` (``If-None-Match`` → 304), and
``Access-Control-Allow-Origin: *`` so that browser verifiers can read it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from fastapi import APIRouter, Header
from starlette.responses import Response

from issuer.deps import StoreDep
from issuer.problems import ProblemError
from issuer.store import KeyRecord
from vcred.did import build_did_web_document
from vcred.keys import PublicKey

__all__ = ["DID_MEDIA_TYPE", "router"]

DID_MEDIA_TYPE = "application/did+ld+json"
#: How long verifiers and proxies may reuse a document before revalidating (a new key is
#: seen within this time after a rotation).
DID_MAX_AGE_SECONDS = 300

router = APIRouter(tags=["entidades"])


def _document(did: str, keys: list[KeyRecord]) -> bytes:
    pairs = [(k.fragment, PublicKey.from_jwk(dict(k.public_jwk)), k.state) for k in keys]
    active = [(fragment, key) for fragment, key, state in pairs if state == "active"]
    retired = [(fragment, key) for fragment, key, state in pairs if state != "active"]
    if active:
        document = build_did_web_document(did, active, rotated_keys=retired)
    else:  # every key retired: still publish them for the credentials they signed
        document = build_did_web_document(did, retired, authentication=False)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if if_none_match is None:
        return False
    # RFC 9110 §13.1.2: weak comparison; "*" matches any current representation.
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


@router.head("/entidades/{slug}/did.json", include_in_schema=False)
@router.get(
    "/entidades/{slug}/did.json",
    summary="Documento DID de la entidad / the entity's DID document",
    response_class=Response,
    responses={
        200: {"content": {DID_MEDIA_TYPE: {}}, "description": "Documento DID (did:web)"},
        304: {"description": "Sin cambios / not modified"},
        404: {"description": "Entidad desconocida / unknown entity"},
    },
)
def did_document(
    slug: str,
    store: StoreDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The entity's DID document with every key it has had."""
    entity = store.get_entity(slug)
    keys = store.keys(slug)
    if not keys:
        raise ProblemError(
            404,
            "did_not_found",
            f"La entidad {slug} aún no tiene claves. Entity {slug} has no keys yet.",
        )
    body = _document(entity.did, keys)
    etag = _etag(body)
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={DID_MAX_AGE_SECONDS}",
        "Access-Control-Allow-Origin": "*",
    }
    if _matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type=DID_MEDIA_TYPE)
