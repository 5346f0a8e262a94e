"""Credentials for trámite outcomes: the catalogue's type, schema and context, filled in for you."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from vcred.credential import build_credential
from vcred.schema import TRAMITES_CONTEXT_URL, SchemaRegistry

__all__ = ["build_tramite_credential"]


def build_tramite_credential(
    codigo: str,
    *,
    issuer: str | Mapping[str, Any],
    claims: Mapping[str, Any],
    schemas: SchemaRegistry,
    status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    credential_id: str | None = None,
    now: datetime | None = None,
    rng: Callable[[int], bytes] | None = None,
    validate_claims: bool = True,
) -> dict[str, Any]:
    """Build the VC 2.0 credential for trámite ``codigo`` (e.g. ``"SVT-135"``).

    The credential gets the catalogue's type, the trámites JSON-LD context, ``codigoTramite`` in
    its subject and a ``credentialSchema`` of type ``JsonSchema`` (VC JSON Schema §3.1); the
    claims are validated against that schema unless ``validate_claims`` is false.
    """
    info = schemas.for_tramite(codigo)
    credential: dict[str, Any] = build_credential(
        types=["VerifiableCredential", info.credential_type],
        contexts=[TRAMITES_CONTEXT_URL],
        issuer=issuer,
        subject={**claims, "codigoTramite": info.codigo},
        credential_id=credential_id,
        valid_from=valid_from,
        valid_until=valid_until,
        status=status,
        schema={"id": info.schema_id, "type": "JsonSchema"},
        now=now,
        rng=rng,
    )
    if validate_claims:
        # build_credential has bounded the document's size and depth already.
        schemas.validate(credential, bounded=True)
    return credential
