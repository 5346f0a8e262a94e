"""Issuing credentials (issue #3, item 5): the trámite endpoint and the VC API.

``POST /entidades/{slug}/tramites/{codigo}/credenciales`` — body ``{"claims": {…},
"validFrom"?, "validUntil"?, "suspendable"?}`` (dates with a time zone; ``suspendable`` adds a
suspension entry beside the revocation entry). Answers ``201`` with the
``EnvelopedVerifiableCredential``, its ``id`` and its ``links`` (QR images; the verifier link of
the citizen-folder share token).

``POST /credentials/issue`` (W3C VC API) — body ``{"credential": {…}, "options"?: {
"credentialId"?, "credentialStatus"?: {"type": "BitstringStatusListEntry", "statusPurpose"?:
"revocation"|"suspension"} or a list of them, "mandatoryPointers"?}}``; the credential's issuer
must be the client's entity DID. Answers ``201 {"verifiableCredential": …}``.

Both take ``Idempotency-Key`` (at most 200 printable characters, optionally a quoted string):
the first request answers ``201``; a retry with the same key and body answers ``200`` with the
same credential and ``Idempotent-Replayed: true``, issuing nothing; the same key with another
body is a ``422`` problem ``idempotency_mismatch``. Keys are per client.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool

from issuer.deps import ClientDep, IssuerServiceDep
from issuer.issuance import IssueRequest, envelope
from issuer.keystore import SLUG_PATTERN
from issuer.problems import ProblemError
from issuer.store import StatusPurpose

__all__ = ["router"]

router = APIRouter(tags=["credenciales"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Sin credenciales válidas / not authenticated"},
    403: {"description": "No autorizado / not allowed"},
    413: {"description": "Cuerpo demasiado grande / body too large"},
    422: {"description": "Datos inválidos (campos listados) / invalid data (fields listed)"},
}


def _idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    # draft-ietf-httpapi-idempotency-key-header: an sf-string ("…"); a bare token is accepted.
    key = value.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key or len(key) > 200 or not key.isascii() or not key.isprintable():
        raise ProblemError(
            400,
            "bad_request",
            "Idempotency-Key debe ser texto ASCII imprimible. "
            "Idempotency-Key must be printable ASCII text.",
        )
    return key


IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", max_length=202, description="clave de reintento")
]


class TramiteIssueBody(BaseModel):
    """The outcome of a trámite to certify."""

    model_config = ConfigDict(extra="forbid")

    claims: dict[str, Any] = Field(description="credentialSubject del trámite (su esquema)")
    valid_from: AwareDatetime | None = Field(default=None, alias="validFrom")
    valid_until: AwareDatetime | None = Field(default=None, alias="validUntil")
    suspendable: StrictBool = False


class QrLinks(BaseModel):
    png: str
    svg: str


class Links(BaseModel):
    qr: QrLinks
    verificar: str | None


class TramiteIssued(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    verifiable_credential: dict[str, str] = Field(alias="verifiableCredential")
    id: str
    links: Links


class StatusOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["BitstringStatusListEntry"]
    status_purpose: Literal["revocation", "suspension"] = Field(
        default="revocation", alias="statusPurpose"
    )


class IssueOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credential_id: str | None = Field(default=None, alias="credentialId", max_length=200)
    credential_status: (
        StatusOption | Annotated[list[StatusOption], Field(min_length=1, max_length=2)] | None
    ) = Field(default=None, alias="credentialStatus")
    mandatory_pointers: list[str] | None = Field(default=None, alias="mandatoryPointers")


class IssueCredentialBody(BaseModel):
    credential: dict[str, Any]
    options: IssueOptions | None = None


class IssueCredentialResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    verifiable_credential: dict[str, str] = Field(alias="verifiableCredential")


def _replayed(response: Response, replayed: bool) -> None:
    if replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"


@router.post(
    "/entidades/{slug}/tramites/{codigo}/credenciales",
    status_code=201,
    response_model_by_alias=True,
    summary="Emitir la credencial de un trámite / issue a trámite credential",
    responses={200: {"description": "Reintento idempotente / idempotent retry"}, **_ERRORS},
)
def issue_tramite(
    slug: Annotated[str, Path(pattern=f"^{SLUG_PATTERN}$")],
    codigo: Annotated[str, Path(max_length=32)],
    body: TramiteIssueBody,
    client: ClientDep,
    service: IssuerServiceDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> TramiteIssued:
    """Build the trámite's credential from ``claims``, sign it, record it and deposit it."""
    issued = service.issue_tramite(
        client,
        slug,
        codigo,
        IssueRequest(body.claims, body.valid_from, body.valid_until, body.suspendable),
        digest_body=body.model_dump(mode="json", by_alias=True),
        idempotency_key=_idempotency_key(idempotency_key),
    )
    _replayed(response, issued.replayed)
    links = service.links(slug, issued.credential_id, issued.share_token)
    return TramiteIssued(
        verifiableCredential=envelope(issued.token),
        id=issued.credential_id,
        links=Links(qr=QrLinks(**links["qr"]), verificar=links["verificar"]),
    )


@router.post(
    "/credentials/issue",
    status_code=201,
    response_model_by_alias=True,
    summary="VC API: emitir una credencial / issue a credential",
    responses={200: {"description": "Reintento idempotente / idempotent retry"}, **_ERRORS},
)
def issue_credential(
    body: IssueCredentialBody,
    client: ClientDep,
    service: IssuerServiceDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> IssueCredentialResponse:
    """Check the client's credential (issuer, data model, schema), add status entries, sign."""
    options = body.options or IssueOptions()
    requested = options.credential_status
    entries = [] if requested is None else requested if isinstance(requested, list) else [requested]
    purposes: tuple[StatusPurpose, ...] = tuple(dict.fromkeys(e.status_purpose for e in entries))
    issued = service.issue_credential(
        client,
        body.credential,
        status_purposes=purposes,
        credential_id=options.credential_id,
        digest_body=body.model_dump(mode="json", by_alias=True),
        idempotency_key=_idempotency_key(idempotency_key),
    )
    _replayed(response, issued.replayed)
    return IssueCredentialResponse(verifiableCredential=envelope(issued.token))
