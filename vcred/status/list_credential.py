"""The ``BitstringStatusListCredential``: building it (strict) and reading it (tolerant).

Bitstring Status List v1.0 §2.2. The builder emits the unsigned credential the issuer then
secures; :func:`parse_status_list_credential` reads a credential whose proof the caller has
already verified and returns what the status check needs, without expanding the bitstring.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from vcred.credential.dates import parse_datetime_stamp
from vcred.errors import ErrorCode, InvalidInputError, StatusListError, UsageError
from vcred.status.bitstring import MIN_ENTRIES, Bitstring
from vcred.status.entry import (
    KNOWN_PURPOSES,
    StatusMessage,
    is_url,
    parse_status_messages,
    parse_status_reference,
    parse_status_size,
    status_entry,
    status_message_items,
)

__all__ = [
    "CREDENTIALS_V2_CONTEXT",
    "LIST_CREDENTIAL_TYPE",
    "LIST_TYPE",
    "StatusListCredential",
    "build_status_list_credential",
    "parse_status_list_credential",
    "status_entry",
]

CREDENTIALS_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"

_TTL_TEXT = re.compile(r"[0-9]{1,15}")
_MAX_TTL_MS = 10**15  # ~31,700 years: anything larger is not a time-to-live


@dataclass(frozen=True, slots=True)
class StatusListCredential:
    """What the status check needs from a verified ``BitstringStatusListCredential`` (§2.2)."""

    id: str | None
    purposes: tuple[str, ...]
    encoded_list: str
    ttl: timedelta | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    status_size: int | None = None
    status_messages: tuple[StatusMessage, ...] = ()
    status_reference: tuple[str, ...] = ()
    issuer: str | None = None


def _issuer_of(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _list_error(message: str) -> StatusListError:
    return StatusListError(message, code=ErrorCode.STATUS_LIST_INVALID)


def _types(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def parse_date_time(value: object, *, name: str) -> datetime:
    """A VCDM 2.0 ``dateTimeStamp`` as an aware datetime; ``STATUS_LIST_INVALID`` otherwise."""
    # The same XML Schema dateTimeStamp reading as credentials get (VCDM 2.0 §4.9).
    try:
        return parse_datetime_stamp(value)
    except InvalidInputError:
        raise _list_error(f"{name} must be a dateTimeStamp with a time zone") from None


def _parse_ttl(value: object) -> timedelta:
    # §2.2 ttl: milliseconds. Tolerant reader: a digit string is accepted as well as a number.
    if isinstance(value, str) and _TTL_TEXT.fullmatch(value):
        value = int(value)
    if isinstance(value, float) and value.is_integer():  # JSON has one number type: 300000.0
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_TTL_MS:
        raise _list_error("ttl must be a non-negative integer number of milliseconds")
    return timedelta(milliseconds=value)


def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    found = [
        item
        for item in subjects
        if isinstance(item, Mapping) and LIST_TYPE in _types(item.get("type"))
    ]
    # §2.2 credentialSubject.type MUST be BitstringStatusList.
    if len(found) != 1:
        raise _list_error("credentialSubject must be one BitstringStatusList")
    return found[0]


def parse_status_list_credential(
    credential: Mapping[str, Any], *, url: str | None = None
) -> StatusListCredential:
    """Read a (verified) ``BitstringStatusListCredential`` (§2.2, §3.2 steps 4-6).

    When ``url`` is given and the credential has an ``id``, they must match: a list served at
    another list's URL would otherwise hide a revocation. Raises ``STATUS_LIST_INVALID``.
    """
    if not isinstance(credential, Mapping):
        raise _list_error("status list credential must be a JSON object")
    if LIST_CREDENTIAL_TYPE not in _types(credential.get("type")):
        raise _list_error("credential type must include BitstringStatusListCredential")
    list_id = credential.get("id")
    if list_id is not None and not isinstance(list_id, str):
        raise _list_error("status list credential id must be a string")
    # The list must say which list it is: one list of the issuer replayed at another list's URL
    # could otherwise hide a revocation.
    if url is not None and list_id != url:
        raise _list_error("status list credential id does not match its URL")
    subject = _subject(credential)
    purpose = subject.get("statusPurpose")
    purposes = [purpose] if isinstance(purpose, str) else purpose
    # §2.2 statusPurpose MUST be one or more strings.
    if not isinstance(purposes, list) or not purposes:
        raise _list_error("statusPurpose must be a string or a non-empty array of strings")
    if not all(isinstance(item, str) and item for item in purposes):
        raise _list_error("statusPurpose must be a string or a non-empty array of strings")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str) or not encoded:
        raise _list_error("encodedList must be a string")
    try:
        size = parse_status_size(subject["statusSize"]) if "statusSize" in subject else None
        # The v2 context defines statusMessage; the spec's prose calls it statusMessages.
        raw_messages = subject.get("statusMessage", subject.get("statusMessages"))
        messages: tuple[StatusMessage, ...] = ()
        if raw_messages is not None:
            messages = parse_status_messages(raw_messages, status_size=size or 1)
        reference = (
            parse_status_reference(subject["statusReference"])
            if "statusReference" in subject
            else ()
        )
    except StatusListError as exc:
        raise _list_error(f"status list: {exc.message}") from None
    return StatusListCredential(
        issuer=_issuer_of(credential),
        id=list_id,
        purposes=tuple(purposes),
        encoded_list=encoded,
        ttl=_parse_ttl(subject["ttl"]) if "ttl" in subject else None,
        valid_from=(
            parse_date_time(credential["validFrom"], name="validFrom")
            if "validFrom" in credential
            else None
        ),
        valid_until=(
            parse_date_time(credential["validUntil"], name="validUntil")
            if "validUntil" in credential
            else None
        ),
        status_size=size,
        status_messages=messages,
        status_reference=reference,
    )


def format_date_time(value: datetime) -> str:
    """An aware datetime as a UTC ``dateTimeStamp`` (``…Z``)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise UsageError("datetimes must be timezone-aware")
    text = value.astimezone(UTC).isoformat(timespec="seconds" if not value.microsecond else "auto")
    return text.replace("+00:00", "Z")


def build_status_list_credential(
    *,
    list_url: str,
    issuer: str | Mapping[str, Any],
    bitstring: Bitstring,
    purpose: str | Sequence[str],
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
    status_messages: Sequence[str] | None = None,
    status_reference: str | Sequence[str] | None = None,
    min_entries: int = MIN_ENTRIES,
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` for ``bitstring`` (§2.2, §3.1).

    ``id`` is ``list_url`` and the subject id ``list_url#list``. ``status_messages`` lists the
    message of each value (required for the ``message`` purpose, §2.2).
    """
    if not is_url(list_url):
        raise UsageError("list_url must be an absolute URL")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if not is_url(issuer_id):
        raise UsageError("issuer must be a URL or an object with a URL id")
    purposes = [purpose] if isinstance(purpose, str) else list(purpose)
    if not purposes or not all(item in KNOWN_PURPOSES for item in purposes):
        raise UsageError(f"purpose must be one or more of {sorted(KNOWN_PURPOSES)}")
    if not isinstance(bitstring, Bitstring):
        raise UsageError("bitstring must be a Bitstring")
    # §2.2 encodedList: the uncompressed bitstring MUST be at least 16KB (131,072 entries).
    if bitstring.length < min_entries:
        raise StatusListError(
            f"a status list needs at least {min_entries} entries",
            code=ErrorCode.STATUS_LIST_TOO_SHORT,
        )
    if "message" in purposes and status_messages is None:
        raise UsageError("the message purpose needs status_messages")
    valid_from_text = format_date_time(valid_from) if valid_from is not None else None
    valid_until_text = format_date_time(valid_until) if valid_until is not None else None
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        raise UsageError("valid_until must be later than valid_from")
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": LIST_TYPE,
        "statusPurpose": purposes[0] if isinstance(purpose, str) else purposes,
        "encodedList": bitstring.encode(),
    }
    if ttl_ms is not None:
        if isinstance(ttl_ms, bool) or not isinstance(ttl_ms, int) or ttl_ms < 0:
            raise UsageError("ttl_ms must be a non-negative integer")
        subject["ttl"] = ttl_ms
    if bitstring.status_size != 1 or status_messages is not None:
        subject["statusSize"] = bitstring.status_size
    if status_messages is not None:
        subject["statusMessage"] = status_message_items(
            status_messages, status_size=bitstring.status_size
        )
    if status_reference is not None:
        refs = [status_reference] if isinstance(status_reference, str) else list(status_reference)
        if not refs or not all(is_url(ref) for ref in refs):
            raise UsageError("status_reference must be a URL or a list of URLs")
        subject["statusReference"] = refs[0] if isinstance(status_reference, str) else refs
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": dict(issuer) if isinstance(issuer, Mapping) else issuer,
    }
    if valid_from_text is not None:
        credential["validFrom"] = valid_from_text
    if valid_until_text is not None:
        credential["validUntil"] = valid_until_text
    credential["credentialSubject"] = subject
    return credential
