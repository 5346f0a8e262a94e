"""Credentials for trámite outcomes: the catalogue's type, schema and context, filled in for you.

:func:`build_tramite_credential` builds and validates one credential from scratch.
:func:`prepare_tramite` checks everything that stays the same across an entity's credentials of
one trámite (issuer, contexts, type, schema reference) once, and returns a
:class:`TramiteTemplate` whose :meth:`~TramiteTemplate.build` then checks only what varies: the
claims against the trámite's JSON Schema, and the identifiers, dates and status entries against
the data model rules that apply to them. Both give the same credential for the same input (a test
keeps them equal); the template is the hot path of bulk issuance.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vcred.credential import CONTEXT_V2, build_credential, copy_json, format_datetime_stamp, is_url
from vcred.credential.build import uuid4_urn
from vcred.errors import DataModelError, UsageError, Violation
from vcred.schema import TRAMITES_CONTEXT_URL, SchemaRegistry, TramiteInfo

__all__ = ["TramiteTemplate", "build_tramite_credential", "prepare_tramite"]

Status = Mapping[str, Any] | Sequence[Mapping[str, Any]]


def build_tramite_credential(
    codigo: str,
    *,
    issuer: str | Mapping[str, Any],
    claims: Mapping[str, Any],
    schemas: SchemaRegistry,
    status: Status | None = None,
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


@dataclass(frozen=True, slots=True)
class TramiteTemplate:
    """One issuer's credentials for one trámite, constant parts already checked."""

    info: TramiteInfo
    issuer: Mapping[str, Any] | str
    schemas: SchemaRegistry

    def build(
        self,
        claims: Mapping[str, Any],
        *,
        status: Status | None = None,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        credential_id: str | None = None,
        now: datetime | None = None,
        rng: Callable[[int], bytes] | None = None,
    ) -> dict[str, Any]:
        """The credential for ``claims``, equal to :func:`build_tramite_credential`'s."""
        if not isinstance(claims, Mapping):
            raise UsageError("claims must be a mapping")
        subject: dict[str, Any] = copy_json(claims, depth=2)  # type: ignore[assignment]
        subject["codigoTramite"] = self.info.codigo
        violations: list[Violation] = []
        # VCDM 2.0 §4.4: identifiers are URLs.
        if "id" in subject:
            _check_id(subject["id"], "/credentialSubject/id", violations)
        if credential_id is None:
            random = (rng or os.urandom)(16)
            if not isinstance(random, bytes) or len(random) != 16:
                raise UsageError("rng(16) must return 16 bytes")
            credential_id = uuid4_urn(random)
        elif not is_url(credential_id):
            violations.append(Violation("id.not_url", "/id", "must be a URL"))
        start = _aware(valid_from, "valid_from") or (
            _aware(now, "now") or datetime.now(UTC)
        ).replace(microsecond=0)
        end = _aware(valid_until, "valid_until")
        # VCDM 2.0 §4.9: validUntil must not come before validFrom.
        if end is not None and end < start:
            violations.append(
                Violation("validUntil.before_validFrom", "/validUntil", "ends too early")
            )
        credential: dict[str, Any] = {
            "@context": [CONTEXT_V2, TRAMITES_CONTEXT_URL],
            "id": credential_id,
            "type": ["VerifiableCredential", self.info.credential_type],
            "issuer": copy_json(self.issuer, depth=2),
            "validFrom": format_datetime_stamp(start),
        }
        if end is not None:
            credential["validUntil"] = format_datetime_stamp(end)
        credential["credentialSubject"] = subject
        if status is not None:
            credential["credentialStatus"] = _status(status, violations)
        credential["credentialSchema"] = {"id": self.info.schema_id, "type": "JsonSchema"}
        if violations:
            raise DataModelError("credential breaks VC Data Model rules", violations=violations)
        self.schemas.validate(credential, bounded=True)
        return credential


def prepare_tramite(
    codigo: str, *, issuer: str | Mapping[str, Any], schemas: SchemaRegistry
) -> TramiteTemplate:
    """Check the parts that never change (issuer, contexts, type, schema reference) once, through
    the full data model, and return the template that builds the credentials."""
    info = schemas.for_tramite(codigo)
    build_credential(
        types=["VerifiableCredential", info.credential_type],
        contexts=[TRAMITES_CONTEXT_URL],
        issuer=issuer,
        subject={"codigoTramite": info.codigo},
        schema={"id": info.schema_id, "type": "JsonSchema"},
    )
    return TramiteTemplate(info=info, issuer=copy_json(issuer), schemas=schemas)  # type: ignore[arg-type]


def _check_id(value: object, at: str, violations: list[Violation]) -> None:
    # VCDM 2.0 §4.4: an id is one URL.
    if isinstance(value, list):
        violations.append(Violation("id.multiple", at, "id must be a single URL"))
    elif not is_url(value):
        violations.append(Violation("id.not_url", at, "id must be a URL"))


def _aware(value: datetime | None, what: str) -> datetime | None:
    if value is not None and (not isinstance(value, datetime) or value.utcoffset() is None):
        raise UsageError(f"{what} must be a timezone-aware datetime")
    return value


def _status(status: Status, violations: list[Violation]) -> object:
    """VCDM 2.0 §4.10: each status entry is an object with a type, and a URL id when it has one."""
    if isinstance(status, Mapping):
        entries, many = [status], False
    elif isinstance(status, str) or not isinstance(status, Sequence):
        raise UsageError("status must be a mapping or a sequence of mappings")
    else:
        entries, many = list(status), True
        if not entries:
            violations.append(Violation("credentialStatus.empty", "/credentialStatus", "empty"))
    copied: list[Any] = []
    for position, entry in enumerate(entries):
        at = "/credentialStatus" + (f"/{position}" if many else "")
        item = copy_json(entry, depth=3 if many else 2)
        if not isinstance(item, dict):
            violations.append(Violation("credentialStatus.not_object", at, "must be an object"))
        else:
            if not isinstance(item.get("type"), str | list):
                violations.append(Violation("credentialStatus.type_missing", at, "needs a type"))
            if "id" in item:
                _check_id(item["id"], at + "/id", violations)
        copied.append(item)
    return copied if len(copied) != 1 else copied[0]
