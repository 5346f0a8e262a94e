"""``GET /salud`` (and ``/health``): is the service up and its database reachable."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.responses import Response

from issuer.deps import StoreDep
from issuer.problems import problem_response

__all__ = ["router"]

logger = logging.getLogger("issuer")

router = APIRouter(tags=["salud"])


@router.get(
    "/salud",
    summary="Estado del servicio / service health",
    responses={503: {"description": "Base de datos no disponible / database unavailable"}},
)
@router.get("/health", include_in_schema=False)
def salud(store: StoreDep) -> Response:
    """200 with ``{"estado": "ok"}`` when the database answers, else a 503 problem."""
    if not store.ping():
        logger.warning("health check: database unavailable")
        return problem_response(
            503,
            "service_unavailable",
            "La base de datos no responde. The database is not reachable.",
        )
    return JSONResponse(
        {"estado": "ok", "status": "ok", "baseDeDatos": "ok"},
        headers={"Cache-Control": "no-store"},
    )
