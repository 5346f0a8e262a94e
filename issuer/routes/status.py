"""Credential status (issue #3, item 6): changing it, and the status lists verifiers read.

``POST /credentials/status`` (W3C VC API) — body ``{"credentialId": "…", "credentialStatus":
{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"|"suspension"}, "status":
true|false}``; the earlier draft's form, ``"credentialStatus": [{"type": …, "statusPurpose": …,
"status": true|false}]``, is accepted too. ``revocation``/``true`` revokes (final),
``suspension``/``true`` suspends and ``suspension``/``false`` reactivates. The change is
committed before the ``200`` answer (``{"credentialId", "state", "changed"}``), so it survives a
crash, and the next fetch of the list shows it. Only the client's own entity's credentials are
found (another entity's credential is ``404``). An entry's ``id``, ``statusListIndex`` and
``statusListCredential`` are accepted and ignored: the credential id names the entry.

``GET /entidades/{slug}/estado/{revocacion|suspension}/{seq}`` — the signed
``BitstringStatusListCredential`` (``application/vc+jwt``), public, with ``ETag`` (``304`` on
``If-None-Match``) and ``Cache-Control: public, max-age=300`` (the list's ``ttl``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from starlette.responses import Response

from issuer.deps import ClientDep, IssuerServiceDep
from issuer.keystore import SLUG_PATTERN
from issuer.problems import ProblemError
from issuer.status_publication import PURPOSE_SEGMENTS
from issuer.store import CredentialState, StatusPurpose

__all__ = ["VC_JWT_MEDIA_TYPE", "router"]

VC_JWT_MEDIA_TYPE = "application/vc+jwt"
_PURPOSE_BY_SEGMENT: dict[str, StatusPurpose] = {v: k for k, v in PURPOSE_SEGMENTS.items()}

router = APIRouter(tags=["estado"])


class StatusEntryBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["BitstringStatusListEntry", "BitstringStatusList"]
    status_purpose: Literal["revocation", "suspension"] = Field(alias="statusPurpose")
    status: StrictBool | None = None
    id: str | None = Field(default=None, max_length=2000)
    status_list_index: str | None = Field(default=None, alias="statusListIndex", max_length=20)
    status_list_credential: str | None = Field(
        default=None, alias="statusListCredential", max_length=2000
    )


class UpdateStatusBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credential_id: str = Field(alias="credentialId", min_length=1, max_length=200)
    credential_status: (
        StatusEntryBody | Annotated[list[StatusEntryBody], Field(min_length=1, max_length=2)]
    ) = Field(alias="credentialStatus")
    status: StrictBool | None = None
    index_allocator: str | None = Field(default=None, alias="indexAllocator", max_length=2000)


class StatusUpdated(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    credential_id: str = Field(alias="credentialId")
    state: CredentialState
    changed: bool


@router.post(
    "/credentials/status",
    response_model_by_alias=True,
    summary="VC API: revocar, suspender o reactivar / update a credential's status",
    responses={
        401: {"description": "Sin credenciales válidas / not authenticated"},
        403: {"description": "No autorizado / not allowed"},
        404: {"description": "Credencial desconocida / credential not found"},
        409: {"description": "Cambio no permitido / transition not allowed"},
    },
)
def update_status(
    body: UpdateStatusBody, client: ClientDep, service: IssuerServiceDep
) -> StatusUpdated:
    """Apply each requested status change, durably, before answering."""
    entries = body.credential_status
    requested = entries if isinstance(entries, list) else [entries]
    changes: list[tuple[StatusPurpose, bool]] = []
    for entry in requested:
        value = entry.status if entry.status is not None else body.status
        if value is None:
            raise ProblemError(
                422,
                "request_invalid",
                "Falta el nuevo estado (status: true|false). The new status is missing.",
                extra={"errors": [{"field": "body.status", "message": "required"}]},
            )
        changes.append((entry.status_purpose, value))
    changed = False
    state: CredentialState = "active"
    for purpose, value in changes:
        result = service.update_status(client, body.credential_id, purpose, value)
        changed = changed or result.changed
        state = result.credential.state
    return StatusUpdated(credentialId=body.credential_id, state=state, changed=changed)


@router.head("/entidades/{slug}/estado/{purpose}/{seq}", include_in_schema=False)
@router.get(
    "/entidades/{slug}/estado/{purpose}/{seq}",
    summary="Lista de estado firmada / signed status list",
    response_class=Response,
    responses={
        200: {"content": {VC_JWT_MEDIA_TYPE: {}}, "description": "BitstringStatusListCredential"},
        304: {"description": "Sin cambios / not modified"},
        404: {"description": "Lista desconocida / unknown list"},
    },
)
def status_list(
    slug: Annotated[str, Path(pattern=f"^{SLUG_PATTERN}$")],
    purpose: Annotated[str, Path(max_length=32)],
    seq: Annotated[int, Path(ge=1, le=2**31 - 1)],
    service: IssuerServiceDep,
    if_none_match: Annotated[str | None, Header(max_length=1000)] = None,
) -> Response:
    """The list as a ``vc+jwt``, signed by the entity, regenerated from the committed bits."""
    if purpose not in _PURPOSE_BY_SEGMENT:
        raise ProblemError(
            404,
            "not_found",
            "Propósito desconocido (revocacion, suspension). Unknown status purpose.",
        )
    published = service.status_list(
        slug, _PURPOSE_BY_SEGMENT[purpose], seq, if_none_match=if_none_match
    )
    headers = {
        "ETag": published.etag,
        "Cache-Control": f"public, max-age={published.max_age}",
        "Access-Control-Allow-Origin": "*",
    }
    if published.body is None:
        return Response(status_code=304, headers=headers)
    return Response(published.body, headers=headers, media_type=VC_JWT_MEDIA_TYPE)
