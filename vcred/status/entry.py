"""``BitstringStatusListEntry``: building one and reading a credential's ``credentialStatus``.

Bitstring Status List v1.0 §2.1. The writer (:func:`status_entry`) emits only the four purposes
the spec names and always writes ``statusListIndex`` as a base-10 string; the reader
(:func:`parse_status_entries`) checks every MUST of §2.1 on ``BitstringStatusListEntry`` values
and reports entries of other types as unsupported instead of failing on them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from vcred.credential.urls import PLAIN_URL
from vcred.errors import ErrorCode, StatusListError, UsageError
from vcred.frozen import fast_init

__all__ = [
    "ENTRY_TYPE",
    "KNOWN_PURPOSES",
    "MAX_STATUS_SIZE",
    "StatusEntry",
    "StatusMessage",
    "parse_status_entries",
    "status_entry",
]

ENTRY_TYPE = "BitstringStatusListEntry"
#: §2.1 ``statusPurpose`` values with a meaning the spec fixes.
KNOWN_PURPOSES = frozenset({"refresh", "revocation", "suspension", "message"})
#: A ``statusSize`` of n needs 2**n ``statusMessage`` items, so larger sizes are never usable.
MAX_STATUS_SIZE = 16

_INDEX_TEXT = re.compile(r"[0-9]{1,64}")  # ASCII digits only: int() would also take "1_0", "٣"
_HEX_STATUS = re.compile(r"0x[0-9a-fA-F]{1,8}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_MAX_URL = 2048
_BAD_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class StatusMessage:
    """One ``statusMessage`` item: the status value and its (developer-facing) message."""

    status: int
    message: str


@fast_init
@dataclass(frozen=True, slots=True)
class StatusEntry:
    """One ``credentialStatus`` entry (§2.1).

    ``supported`` is False for entries of another ``type`` (e.g. ``StatusList2021Entry``):
    those are not checked, and only ``type`` and ``purpose`` (when a string) are filled in.
    """

    type: str
    purpose: str
    index: int
    list_url: str
    status_size: int = 1
    status_messages: tuple[StatusMessage, ...] = ()
    status_reference: tuple[str, ...] = ()
    entry_id: str | None = None
    supported: bool = True

    def message_for(self, value: int) -> str | None:
        """The entry's message for ``value``, or None when the entry carries no messages."""
        for item in self.status_messages:
            if item.status == value:
                return item.message
        return None


def is_url(value: object) -> TypeGuard[str]:
    """A bounded absolute URL with no whitespace (http(s) URLs must have a host)."""
    if not isinstance(value, str) or not value or len(value) > _MAX_URL:
        return False
    # One issuer's credentials all point at a few status lists: remember the answers.
    return _is_url_text(value)


@functools.lru_cache(maxsize=1024)
def _is_url_text(value: str) -> bool:
    # The common case first, without splitting the URL.
    return PLAIN_URL.fullmatch(value) is not None or entry_url_rules(value)


def entry_url_rules(value: str) -> bool:
    """The full rule check behind :func:`is_url` (without the plain-URL shortcut)."""
    if _BAD_URL_CHARS.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if not parts.scheme or not _SCHEME.fullmatch(parts.scheme):
        return False
    if parts.scheme.lower() in ("http", "https"):
        return bool(parts.netloc)
    return len(value) > len(parts.scheme) + 1


def _is_index_fragment(entry_id: object, list_url: str, index_text: str) -> bool:
    """True when ``entry_id`` is ``list_url#index`` (as :func:`status_entry` writes it) and so,
    ``list_url`` being a URL without a fragment, a URL too: one id per credential, no cache."""
    return (
        isinstance(entry_id, str)
        and len(entry_id) <= _MAX_URL
        and "#" not in list_url
        and entry_id == f"{list_url}#{index_text}"
    )


def _entry_error(message: str) -> StatusListError:
    return StatusListError(message, code=ErrorCode.STATUS_ENTRY_INVALID)


def parse_status_size(value: object) -> int:
    """§2.1: ``statusSize`` MUST be an integer greater than zero (capped at MAX_STATUS_SIZE)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_STATUS_SIZE:
        raise _entry_error(f"statusSize must be an integer in [1, {MAX_STATUS_SIZE}]")
    return value


def parse_status_messages(value: object, *, status_size: int) -> tuple[StatusMessage, ...]:
    """§2.1 ``statusMessage``: 2**statusSize objects, each with a ``0x`` hex ``status`` and a
    ``message`` string; values are distinct and fit in ``statusSize`` bits."""
    count = 1 << status_size
    if not isinstance(value, list) or len(value) != count:
        raise _entry_error(f"statusMessage must be an array of {count} items")
    items: list[StatusMessage] = []
    seen: set[int] = set()
    for item in value:
        if not isinstance(item, Mapping):
            raise _entry_error("statusMessage items must be objects")
        status, message = item.get("status"), item.get("message")
        if not isinstance(status, str) or not _HEX_STATUS.fullmatch(status):
            raise _entry_error("statusMessage status must be a 0x-prefixed hexadecimal string")
        if not isinstance(message, str):
            raise _entry_error("statusMessage message must be a string")
        number = int(status, 16)
        if number >= count or number in seen:
            raise _entry_error("statusMessage status values must be distinct and in range")
        seen.add(number)
        items.append(StatusMessage(number, message))
    return tuple(items)


def parse_status_reference(value: object) -> tuple[str, ...]:
    """§2.1 ``statusReference``: a URL or an array of URLs."""
    urls = value if isinstance(value, list) else [value]
    if not urls or not all(is_url(url) for url in urls):
        raise _entry_error("statusReference must be a URL or an array of URLs")
    return tuple(str(url) for url in urls)


def _types(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return []


def _parse_entry(raw: object) -> StatusEntry:
    if not isinstance(raw, dict | Mapping):  # dict first: the ABC check is slow
        raise _entry_error("credentialStatus entries must be objects")
    types = _types(raw.get("type"))
    if not types:
        raise _entry_error("credentialStatus entries must have a type")
    purpose = raw.get("statusPurpose")
    if ENTRY_TYPE not in types:
        return StatusEntry(
            type=" ".join(types),
            purpose=purpose if isinstance(purpose, str) else "",
            index=-1,
            list_url="",
            entry_id=raw["id"] if isinstance(raw.get("id"), str) else None,
            supported=False,
        )
    if not isinstance(purpose, str) or not purpose:
        raise _entry_error("statusPurpose must be a non-empty string")
    index_text = raw.get("statusListIndex")
    # §2.1: statusListIndex MUST be an integer ≥ 0 expressed as a base-10 string.
    if not isinstance(index_text, str) or not _INDEX_TEXT.fullmatch(index_text):
        raise _entry_error("statusListIndex must be a base-10 integer string")
    list_url = raw.get("statusListCredential")
    if not is_url(list_url):
        raise _entry_error("statusListCredential must be a URL")
    entry_id = raw.get("id")
    if entry_id is not None and not (
        _is_index_fragment(entry_id, list_url, index_text) or is_url(entry_id)
    ):
        raise _entry_error("status entry id must be a URL")
    # §2.1 id: it MUST NOT be the URL for the status list.
    if entry_id == list_url:
        raise _entry_error("status entry id must not be the status list URL")
    size = parse_status_size(raw["statusSize"]) if "statusSize" in raw else 1
    messages: tuple[StatusMessage, ...] = ()
    if "statusMessage" in raw:
        messages = parse_status_messages(raw["statusMessage"], status_size=size)
    elif size > 1:
        # §2.1: statusMessage MUST be present when statusSize is greater than 1.
        raise _entry_error("statusMessage is required when statusSize is greater than 1")
    reference = parse_status_reference(raw["statusReference"]) if "statusReference" in raw else ()
    return StatusEntry(
        type=ENTRY_TYPE,
        purpose=purpose,
        index=int(index_text),
        list_url=list_url,
        status_size=size,
        status_messages=messages,
        status_reference=reference,
        entry_id=entry_id if isinstance(entry_id, str) else None,
    )


_PLAIN_KEYS = frozenset({"id", "type", "statusPurpose", "statusListIndex", "statusListCredential"})


def _plain_entry(raw: object) -> StatusEntry | None:
    """The entry when ``raw`` has exactly the shape :func:`status_entry` writes by default, else
    ``None`` and :func:`_parse_entry` decides. Everything accepted here passes every check there
    and is read the same way (a property test keeps the two in agreement)."""
    if type(raw) is not dict or raw.keys() != _PLAIN_KEYS or raw["type"] != ENTRY_TYPE:
        return None
    purpose, index_text = raw["statusPurpose"], raw["statusListIndex"]
    list_url, entry_id = raw["statusListCredential"], raw["id"]
    if (
        type(purpose) is not str
        or not purpose
        or type(index_text) is not str
        or not _INDEX_TEXT.fullmatch(index_text)
        or not is_url(list_url)
        or not _is_index_fragment(entry_id, list_url, index_text)
    ):
        return None
    return StatusEntry(ENTRY_TYPE, purpose, int(index_text), list_url, 1, (), (), entry_id)


def parse_status_entries(credential: Mapping[str, Any]) -> list[StatusEntry]:
    """Every ``credentialStatus`` entry of ``credential`` (§2.1), validated.

    A ``BitstringStatusListEntry`` that breaks a MUST raises ``STATUS_ENTRY_INVALID``; entries of
    other types come back with ``supported=False`` so a verifier can warn about them.
    """
    if not isinstance(credential, dict | Mapping):
        raise _entry_error("credential must be a JSON object")
    if "credentialStatus" not in credential:
        return []
    value = credential["credentialStatus"]
    raw_entries = value if isinstance(value, list) else [value]
    return [_plain_entry(raw) or _parse_entry(raw) for raw in raw_entries]


def status_message_items(messages: Sequence[str], *, status_size: int) -> list[dict[str, str]]:
    """``statusMessage`` items for messages listed by value: item i is ``{"status": hex(i)}``."""
    if isinstance(messages, str) or len(messages) != 1 << status_size:
        raise UsageError(f"status messages must list {1 << status_size} messages")
    if not all(isinstance(message, str) for message in messages):
        raise UsageError("status messages must be strings")
    return [{"status": f"0x{value:x}", "message": text} for value, text in enumerate(messages)]


def status_entry(
    *,
    list_url: str,
    index: int,
    purpose: str = "revocation",
    entry_id: str | None = None,
    status_size: int = 1,
    status_message: Sequence[str] | None = None,
    status_reference: str | Sequence[str] | None = None,
) -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` for ``credentialStatus`` (§2.1).

    ``entry_id`` defaults to ``list_url#index``; ``status_message`` lists the message of each
    value 0..2**status_size-1 and is required when ``status_size`` is greater than 1.
    """
    if purpose not in KNOWN_PURPOSES:
        raise UsageError(f"statusPurpose must be one of {sorted(KNOWN_PURPOSES)}")
    if not is_url(list_url):
        raise UsageError("list_url must be an absolute URL")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise UsageError("index must be a non-negative integer")
    if isinstance(status_size, bool) or not isinstance(status_size, int):
        raise UsageError("status_size must be an integer")
    if not 1 <= status_size <= MAX_STATUS_SIZE:
        raise UsageError(f"status_size must be in [1, {MAX_STATUS_SIZE}]")
    if status_size > 1 and status_message is None:
        raise UsageError("status_message is required when status_size is greater than 1")
    entry_id = f"{list_url}#{index}" if entry_id is None else entry_id
    if not is_url(entry_id) or entry_id == list_url:
        raise UsageError("entry_id must be a URL other than the status list URL")
    entry: dict[str, Any] = {
        "id": entry_id,
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
    if status_size != 1:
        entry["statusSize"] = status_size
    if status_message is not None:
        entry["statusMessage"] = status_message_items(status_message, status_size=status_size)
    if status_reference is not None:
        refs = [status_reference] if isinstance(status_reference, str) else list(status_reference)
        if not refs or not all(is_url(ref) for ref in refs):
            raise UsageError("status_reference must be a URL or a list of URLs")
        entry["statusReference"] = refs[0] if isinstance(status_reference, str) else refs
    return entry
