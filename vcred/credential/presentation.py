"""Validate VC Data Model presentations (VCDM 2.0 §4.13; VCDM 1.1 §4.10 read).

Contained credentials are checked as :func:`~vcred.credential.model.validate_credential` checks
them; enveloped credentials (§4.13.1) are checked for shape only — their ``data:`` URL is split,
never decoded (that is the securing format's job).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vcred.credential.model import CredentialInfo, check_credential, credential_types, version_of
from vcred.credential.rules import (
    COMPACT_JWS,
    CONTEXT_V1,
    CONTEXT_V2,
    LIMITS,
    Checker,
    Limits,
    pointer,
)
from vcred.credential.urls import is_url, parse_data_url

__all__ = ["EnvelopedCredential", "PresentationInfo", "validate_presentation"]

_ENVELOPED_VC = "EnvelopedVerifiableCredential"


@dataclass(frozen=True, slots=True)
class EnvelopedCredential:
    """An ``EnvelopedVerifiableCredential`` (VCDM 2.0 §4.13.1); ``data`` is not decoded."""

    id: str  # the data: URL, white space removed as a URL parser would
    media_type: str  # e.g. "application/vc+jwt" (lower case, no parameters)
    base64: bool
    data: str
    path: str  # JSON pointer of the object in the presentation


@dataclass(frozen=True, slots=True)
class PresentationInfo:
    """A valid presentation (VCDM 2.0 §4.13, 1.1 §4.10)."""

    version: str
    id: str | None
    types: tuple[str, ...]
    holder_id: str | None
    credentials: tuple[CredentialInfo, ...]  # embedded credential objects
    enveloped: tuple[EnvelopedCredential, ...]
    jwt_credentials: tuple[str, ...]  # VC 1.1 only: compact JWT strings
    presentation: Mapping[str, object]


def _is_envelope(entry: Mapping[str, object]) -> bool:
    if _ENVELOPED_VC in credential_types(entry):
        return True
    entry_id = entry.get("id")
    return "type" not in entry and isinstance(entry_id, str) and entry_id.startswith("data:")


def _envelope(checker: Checker, entry: dict[str, object], at: str) -> EnvelopedCredential | None:
    # VCDM 2.0 §4.13.1: @context present and including the base context, id a data: URL,
    # type EnvelopedVerifiableCredential.
    context = entry.get("@context")
    contexts = [context] if isinstance(context, str) else context
    if context is None:
        checker.add("envelope.context_missing", pointer(at, "@context"), "@context is required")
    elif not isinstance(contexts, list) or CONTEXT_V2 not in contexts:
        checker.add(
            "envelope.context_invalid", pointer(at, "@context"), f"must include {CONTEXT_V2}"
        )
    if _ENVELOPED_VC not in credential_types(entry):
        checker.add("envelope.type_invalid", pointer(at, "type"), f"type must be {_ENVELOPED_VC}")
    data_url = parse_data_url(entry.get("id"))
    if data_url is None:
        checker.add("envelope.id_not_data_url", pointer(at, "id"), "id must be a data: URL")
        return None
    return EnvelopedCredential(
        data_url.url, data_url.media_type, data_url.base64, data_url.data, at
    )


def _holder(checker: Checker, doc: dict[str, object]) -> str | None:
    if "holder" not in doc:
        return None
    holder = doc["holder"]
    if isinstance(holder, dict):
        if "id" not in holder:
            checker.add("holder.id_missing", "/holder/id", "a holder object needs an id")
            return None
        holder, at = holder["id"], "/holder/id"
    else:
        at = "/holder"
    if isinstance(holder, str):
        if is_url(holder):
            return holder
        checker.add("holder.not_url", at, "holder must be a URL")
    else:
        checker.add("holder.invalid", at, "holder must be a URL or an object with an id")
    return None


def validate_presentation(presentation: object, *, limits: Limits = LIMITS) -> PresentationInfo:
    """Validate a VC 2.0 or VC 1.1 presentation (VCDM 2.0 §4.13) and the credentials it holds.

    Embedded credentials are validated as by :func:`validate_credential` (their violations carry
    paths under ``/verifiableCredential``); enveloped ones are checked for shape, not decoded.
    """
    checker = Checker(limits=limits)
    doc = checker.check_document(presentation, "presentation")
    version = version_of(doc)
    checker.context(doc, "", CONTEXT_V1 if version == "1.1" else CONTEXT_V2)
    presentation_id = checker.identifier(doc, "")
    types = checker.types(
        doc, "", missing="type.missing", required=("VerifiablePresentation", "type.vp_missing")
    )
    holder = _holder(checker, doc)
    checker.objects(doc, "", "proof")
    checker.objects(doc, "", "termsOfUse")
    credentials: list[CredentialInfo] = []
    enveloped: list[EnvelopedCredential] = []
    jwts: list[str] = []
    value = doc.get("verifiableCredential")
    if isinstance(value, list):
        entries: list[tuple[str, object]] = [
            (pointer("/verifiableCredential", i), v) for i, v in enumerate(value)
        ]
        if not entries:
            checker.add("verifiableCredential.empty", "/verifiableCredential", "no credentials")
        elif len(entries) > limits.max_credentials:
            checker.add("verifiableCredential.too_many", "/verifiableCredential", "too many")
    else:
        entries = [] if "verifiableCredential" not in doc else [("/verifiableCredential", value)]
    for at, entry in entries:
        if isinstance(entry, dict):
            if _is_envelope(entry):
                envelope = _envelope(checker, entry, at)
                if envelope is not None:
                    enveloped.append(envelope)
                continue
            info = check_credential(checker, entry, at)
            credentials.append(info)
            # §4.13: contained credentials MUST be secured; §4.13.4: one secured only by the
            # presentation's own mechanism is self-asserted, its issuer being the holder.
            if "proof" not in entry and (holder is None or info.issuer_id != holder):
                checker.add("verifiableCredential.unsecured", at, "credential is not secured")
        elif version == "1.1" and isinstance(entry, str) and COMPACT_JWS.fullmatch(entry):
            jwts.append(entry)  # VCDM 1.1 §6.3.1: a JWT presentation carries VC-JWT strings
        else:
            checker.add("verifiableCredential.not_object", at, "credentials must be objects")
    checker.raise_if_any("presentation")
    return PresentationInfo(
        version=version,
        id=presentation_id,
        types=types,
        holder_id=holder,
        credentials=tuple(credentials),
        enveloped=tuple(enveloped),
        jwt_credentials=tuple(jwts),
        presentation=doc,
    )
