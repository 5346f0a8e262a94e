"""A compiled fast path for the commonest credential shape; the rule checker stays the authority.

Verifiers see thousands of credentials of one plain shape: a VC 2.0 credential with URL ids,
term types, an issuer, one subject, date-time stamps, status entries and a schema reference.
:data:`PLAIN_CREDENTIAL` describes a *subset* of what :func:`~vcred.credential.validate_credential`
accepts — every pattern here is narrower than the rule it stands for (URLs are plain ``https``,
``urn:uuid`` or ``did`` URLs with well-formed escapes; types are simple terms; only the properties
listed may appear) — so a credential it accepts would pass every rule too. It is checked by the
compiled ``jsonschema-rs`` engine; whatever it does not accept goes through the full rule checker,
which names each broken rule. A property test keeps the two in agreement.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import jsonschema_rs

from vcred.credential.dates import parse_datetime_stamp
from vcred.credential.model import CredentialInfo, localized_text
from vcred.credential.rules import CONTEXT_V2
from vcred.credential.urls import PLAIN_URL_PATTERN
from vcred.errors import InvalidInputError

__all__ = ["PLAIN_CREDENTIAL", "plain_credential_info"]

_URL = {"type": "string", "maxLength": 2048, "pattern": f"^(?:{PLAIN_URL_PATTERN})$"}
_TERM = {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]{0,127}$"}
_STAMP = {
    "type": "string",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})$",
}


def _entries(required: list[str]) -> dict[str, Any]:
    entry = {
        "type": "object",
        "required": required,
        "properties": {"id": _URL, "type": _TERM},
    }
    return {"anyOf": [entry, {"type": "array", "minItems": 1, "maxItems": 32, "items": entry}]}


PLAIN_CREDENTIAL: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["@context", "type", "issuer", "credentialSubject"],
    "propertyNames": {
        "enum": [
            "@context",
            "id",
            "type",
            "name",
            "description",
            "issuer",
            "validFrom",
            "validUntil",
            "credentialSubject",
            "credentialStatus",
            "credentialSchema",
            # Registered JWT claims in vc+jwt payloads (VC-JOSE-COSE §3.1.3); not data model terms.
            "iss",
            "iat",
            "exp",
            "nbf",
            "jti",
            "sub",
        ]
    },
    "properties": {
        "@context": {
            "type": "array",
            "minItems": 1,
            "maxItems": 32,
            "prefixItems": [{"const": CONTEXT_V2}],
            "items": _URL,
        },
        "id": _URL,
        "type": {
            "type": "array",
            "minItems": 1,
            "maxItems": 32,
            "items": _TERM,
            "contains": {"const": "VerifiableCredential"},
        },
        "name": {"type": "string"},
        "description": {"type": "string"},
        "issuer": {
            "anyOf": [
                _URL,
                {
                    "type": "object",
                    "required": ["id"],
                    "additionalProperties": False,
                    "properties": {
                        "id": _URL,
                        "name": {"type": "string"},
                        "description": {"type": "string"},
                    },
                },
            ]
        },
        "validFrom": _STAMP,
        "validUntil": _STAMP,
        "credentialSubject": {
            "type": "object",
            "minProperties": 1,
            "properties": {"id": _URL},
            "not": {"required": ["confidenceMethod"]},
        },
        "credentialStatus": _entries(["type"]),
        "credentialSchema": _entries(["id", "type"]),
    },
}


@functools.cache
def _validator() -> Any:
    return jsonschema_rs.validator_for(PLAIN_CREDENTIAL, offline=True)


def plain_credential_info(doc: Mapping[str, Any]) -> CredentialInfo | None:
    """The credential's :class:`CredentialInfo` when it has the plain shape, else ``None`` (then
    the full rule checker must decide). Only for documents parsed from JSON (bounded already)."""
    if not _validator().is_valid(doc):
        return None
    try:
        start = parse_datetime_stamp(doc["validFrom"]) if "validFrom" in doc else None
        end = parse_datetime_stamp(doc["validUntil"]) if "validUntil" in doc else None
    except InvalidInputError:  # e.g. month 13: the checker reports it
        return None
    if start is not None and end is not None and end < start:
        return None
    issuer = doc["issuer"]
    subject = doc["credentialSubject"]
    status = doc.get("credentialStatus", ())
    schemas = doc.get("credentialSchema", ())
    return CredentialInfo(
        version="2.0",
        id=doc.get("id"),
        types=tuple(doc["type"]),
        issuer_id=issuer if isinstance(issuer, str) else issuer["id"],
        issuer_name=localized_text(issuer.get("name")) if isinstance(issuer, dict) else None,
        subject_ids=(subject["id"],) if "id" in subject else (),
        valid_from=start,
        valid_until=end,
        status_entries=(status,) if isinstance(status, dict) else tuple(status),
        schemas=(schemas,) if isinstance(schemas, dict) else tuple(schemas),
        credential=doc,
    )
