"""Validate VC Data Model credentials (VCDM 2.0 §4; VCDM 1.1 read) and small read helpers.

:func:`validate_credential` checks every rule of
:data:`~vcred.credential.rules.RULES` that applies and raises one
:class:`~vcred.errors.DataModelError` listing *all* violations; on success it returns a frozen
summary normalising VC 2.0 and VC 1.1 (``issuanceDate`` → ``valid_from``, ``expirationDate`` →
``valid_until``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from vcred.credential.dates import parse_datetime_stamp, parse_xsd_datetime
from vcred.credential.rules import CONTEXT_V1, CONTEXT_V2, LIMITS, Checker, Limits, pointer
from vcred.credential.urls import is_url
from vcred.errors import InvalidInputError
from vcred.frozen import fast_init

__all__ = [
    "CredentialInfo",
    "credential_types",
    "issuer_id",
    "localized_text",
    "validate_credential",
]


@fast_init
@dataclass(frozen=True, slots=True)
class CredentialInfo:
    """A valid credential, normalised across VC 2.0 and VC 1.1 (VCDM 2.0 §4, 1.1 §4)."""

    version: str  # "2.0" or "1.1"
    id: str | None
    types: tuple[str, ...]
    issuer_id: str | None
    issuer_name: str | None
    subject_ids: tuple[str, ...]
    valid_from: datetime | None  # validFrom (2.0) or issuanceDate (1.1), aware UTC
    valid_until: datetime | None  # validUntil (2.0) or expirationDate (1.1), aware UTC
    status_entries: tuple[Mapping[str, object], ...]
    schemas: tuple[Mapping[str, object], ...]
    credential: Mapping[str, object]


def version_of(doc: Mapping[str, object]) -> str:
    context = doc.get("@context")
    items = [context] if isinstance(context, str) else context if isinstance(context, list) else []
    if CONTEXT_V2 not in items and CONTEXT_V1 in items:
        return "1.1"
    return "2.0"


def localized_text(value: object, *, language: str | None = None) -> str | None:
    """The text of a string or language value object(s) (VCDM 2.0 §11.1).

    With ``language`` the first value whose ``@language`` is that tag or a subtag of it
    (``es`` matches ``es-CO``) wins; otherwise, or when none matches, the first value.
    """
    if isinstance(value, str):  # the commonest case: a plain string is its own text
        return value
    entries = value if isinstance(value, list) else [value]
    texts: list[tuple[str | None, str]] = []
    for entry in entries:
        if isinstance(entry, str):
            texts.append((None, entry))
        elif isinstance(entry, Mapping) and isinstance(entry.get("@value"), str):
            tag = entry.get("@language")
            texts.append((tag.lower() if isinstance(tag, str) else None, entry["@value"]))
    if language is not None:
        wanted = language.lower()
        for tag, text in texts:
            if tag is not None and (tag == wanted or tag.startswith(wanted + "-")):
                return text
    return texts[0][1] if texts else None


def credential_types(credential: object) -> tuple[str, ...]:
    """The string values of ``type`` (VCDM 2.0 §4.5), without validating anything."""
    if not isinstance(credential, Mapping):
        return ()
    value = credential.get("type")
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(v for v in values if isinstance(v, str))


def issuer_id(credential: object) -> str | None:
    """The issuer URL — ``issuer`` or ``issuer.id`` (VCDM 2.0 §4.7) — without validating."""
    # dict first: parsed JSON is always a dict, and the Mapping ABC check is slow.
    if not isinstance(credential, dict | Mapping):
        return None
    issuer = credential.get("issuer")
    if isinstance(issuer, dict | Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _issuer(checker: Checker, doc: dict[str, object], path: str, version: str) -> str | None:
    at = pointer(path, "issuer")
    if "issuer" not in doc:
        checker.add("issuer.missing", at, "a credential needs an issuer")
        return None
    issuer = doc["issuer"]
    if isinstance(issuer, str):
        if is_url(issuer):
            return issuer
        checker.add("issuer.not_url", at, "issuer must be a URL")
    elif isinstance(issuer, dict):
        if version == "2.0":
            checker.text(issuer, at, "name")
            checker.text(issuer, at, "description")
        if "id" not in issuer:
            checker.add("issuer.id_missing", pointer(at, "id"), "an issuer object needs an id")
        elif is_url(issuer["id"]):
            return str(issuer["id"])
        else:
            checker.add("issuer.not_url", pointer(at, "id"), "issuer id must be a single URL")
    elif isinstance(issuer, list):
        checker.add("issuer.multiple", at, "a credential has exactly one issuer")
    else:
        checker.add("issuer.invalid", at, "issuer must be a URL or an object with an id")
    return None


def _subjects(checker: Checker, doc: dict[str, object], path: str, version: str) -> tuple[str, ...]:
    at = pointer(path, "credentialSubject")
    if "credentialSubject" not in doc:
        checker.add("credentialSubject.missing", at, "a credential needs a credentialSubject")
        return ()
    value = doc["credentialSubject"]
    if isinstance(value, list):
        entries: list[tuple[str, object]] = [(pointer(at, i), v) for i, v in enumerate(value)]
        if not entries:
            checker.add("credentialSubject.empty", at, "credentialSubject needs a subject")
        elif len(entries) > checker.limits.max_subjects:
            checker.add("credentialSubject.too_many", at, "too many subjects")
    else:
        entries = [(at, value)]
    ids: list[str] = []
    for entry_at, subject in entries:
        if not isinstance(subject, dict):
            checker.add("credentialSubject.not_object", entry_at, "a subject must be an object")
            continue
        if not subject:
            # §4.8: each object MUST be the subject of one or more claims.
            checker.add("credentialSubject.no_claims", entry_at, "a subject needs claims")
        subject_id = checker.identifier(subject, entry_at)
        if subject_id is not None:
            ids.append(subject_id)
        if version == "2.0":
            checker.objects(subject, entry_at, "confidenceMethod")
    return tuple(ids)


def _date(
    checker: Checker, doc: dict[str, object], path: str, prop: str, *, stamp: bool
) -> datetime | None:
    if prop not in doc:
        return None
    try:
        if stamp:
            return parse_datetime_stamp(doc[prop])
        return parse_xsd_datetime(doc[prop], require_tz=False)
    except InvalidInputError:
        rule = f"{prop}.not_datetimestamp" if stamp else f"{prop}.not_datetime"
        checker.add(rule, pointer(path, prop), f"{prop} must be an XML Schema date-time")
        return None


def _validity(
    checker: Checker, doc: dict[str, object], path: str, version: str
) -> tuple[datetime | None, datetime | None]:
    if version == "1.1":
        if "issuanceDate" not in doc:
            checker.add("issuanceDate.missing", pointer(path, "issuanceDate"), "required in 1.1")
        start = _date(checker, doc, path, "issuanceDate", stamp=False)
        return start, _date(checker, doc, path, "expirationDate", stamp=False)
    # VCDM 2.0 §4.9: validFrom / validUntil MUST be dateTimeStamp values, from <= until.
    start = _date(checker, doc, path, "validFrom", stamp=True)
    end = _date(checker, doc, path, "validUntil", stamp=True)
    if start is not None and end is not None and end < start:
        checker.add("validUntil.before_validFrom", pointer(path, "validUntil"), "ends too early")
    return start, end


def _related_resources(checker: Checker, doc: dict[str, object], path: str) -> None:
    seen: set[object] = set()
    for entry_at, entry in checker.objects(
        doc, path, "relatedResource", type_required=False, id_missing="relatedResource.id_missing"
    ):
        resource_id = entry.get("id")
        if isinstance(resource_id, str):
            if resource_id in seen:
                checker.add("relatedResource.id_duplicate", pointer(entry_at, "id"), "repeated id")
            seen.add(resource_id)
        if "digestSRI" not in entry and "digestMultibase" not in entry:
            checker.add("relatedResource.digest_missing", entry_at, "needs a digest")


def check_credential(checker: Checker, doc: dict[str, object], path: str) -> CredentialInfo:
    """Record every rule ``doc`` breaks in ``checker``; return what could be read of it."""
    version = version_of(doc)
    checker.context(doc, path, CONTEXT_V1 if version == "1.1" else CONTEXT_V2)
    credential_id = checker.identifier(doc, path)
    types = checker.types(
        doc, path, missing="type.missing", required=("VerifiableCredential", "type.vc_missing")
    )
    if version == "2.0":
        checker.text(doc, path, "name")
        checker.text(doc, path, "description")
    issuer = _issuer(checker, doc, path, version)
    subject_ids = _subjects(checker, doc, path, version)
    valid_from, valid_until = _validity(checker, doc, path, version)
    # VCDM 1.1 §4.9 required a status id; VCDM 2.0 §4.10 made it optional.
    status_id = "credentialStatus.id_missing" if version == "1.1" else None
    status = [e for _, e in checker.objects(doc, path, "credentialStatus", id_missing=status_id)]
    schemas = [
        entry
        for _, entry in checker.objects(
            doc,
            path,
            "credentialSchema",
            id_missing="credentialSchema.id_missing",
            id_not_url="credentialSchema.id_not_url",
        )
    ]
    for prop in ("proof", "refreshService", "termsOfUse", "evidence"):
        checker.objects(doc, path, prop)
    if version == "2.0":
        checker.objects(doc, path, "confidenceMethod")
        checker.objects(doc, path, "renderMethod")
        _related_resources(checker, doc, path)
    raw_issuer = doc.get("issuer")
    issuer_name = localized_text(raw_issuer.get("name")) if isinstance(raw_issuer, dict) else None
    return CredentialInfo(
        version=version,
        id=credential_id,
        types=types,
        issuer_id=issuer,
        issuer_name=issuer_name,
        subject_ids=subject_ids,
        valid_from=valid_from,
        valid_until=valid_until,
        status_entries=tuple(status),
        schemas=tuple(schemas),
        credential=doc,
    )


def validate_credential(
    credential: object, *, limits: Limits = LIMITS, parsed_json: bool = False
) -> CredentialInfo:
    """Validate a VC 2.0 or VC 1.1 credential against the VC Data Model (VCDM 2.0 §4).

    Raises :class:`~vcred.errors.DataModelError` (``data_model_invalid``; ``nesting_too_deep`` /
    ``input_too_large`` for the size bounds) whose ``violations`` name every rule broken.
    ``parsed_json=True`` says the document came from :func:`vcred.jsonutil.loads_bounded`, which
    already bounded its size and depth and can only produce JSON values, so that walk is skipped.
    """
    if parsed_json and limits is LIMITS and isinstance(credential, dict):
        info = _fast.plain_credential_info(credential)
        if info is not None:
            return info
    checker = Checker(limits=limits)
    doc = checker.check_document(credential, "credential", scan=not parsed_json)
    info = check_credential(checker, doc, "")
    checker.raise_if_any("credential")
    return info


# Last, as the fast path imports this module (its name is looked up when it is called).
from vcred.credential import fast as _fast  # noqa: E402
