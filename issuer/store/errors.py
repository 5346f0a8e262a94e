"""The store's exceptions: one small family, each with a stable ``code``.

::

    StoreError
     ├── NotFound             not_found
     ├── Conflict             conflict
     ├── IdempotencyMismatch  idempotency_mismatch
     ├── InvalidTransition    invalid_transition
     ├── StatusListFull       status_list_full
     └── InvalidInput         invalid_input

The service maps each code to one RFC 9457 problem type; callers test ``.code``, not messages.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

__all__ = [
    "Conflict",
    "IdempotencyMismatch",
    "InvalidInput",
    "InvalidTransition",
    "NotFound",
    "StatusListFull",
    "StoreError",
    "StoreErrorCode",
]


class StoreErrorCode(StrEnum):
    """Stable codes of :class:`StoreError`."""

    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"
    INVALID_TRANSITION = "invalid_transition"
    STATUS_LIST_FULL = "status_list_full"
    INVALID_INPUT = "invalid_input"


class StoreError(Exception):
    """Base of the store's errors; ``code`` is stable, the message is for people."""

    code: ClassVar[StoreErrorCode]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(StoreError):
    """The entity, key, client, credential or status list does not exist (for this entity)."""

    code = StoreErrorCode.NOT_FOUND


class Conflict(StoreError):
    """A unique value is already taken (slug, DID, client id, credential id, key fragment)."""

    code = StoreErrorCode.CONFLICT


class IdempotencyMismatch(StoreError):
    """An idempotency key was reused with a different request body."""

    code = StoreErrorCode.IDEMPOTENCY_MISMATCH


class InvalidTransition(StoreError):
    """A status change that is not allowed (revocation is final; no entry for that purpose)."""

    code = StoreErrorCode.INVALID_TRANSITION


class StatusListFull(StoreError):
    """Every index of the open status list is taken and no new list may be opened."""

    code = StoreErrorCode.STATUS_LIST_FULL


class InvalidInput(StoreError):
    """A value the store refuses to keep (unknown scope, private key material…)."""

    code = StoreErrorCode.INVALID_INPUT
