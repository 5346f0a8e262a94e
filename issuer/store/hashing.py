"""Hashes the store relies on: client secrets, subject references, request digests, audit chain.

Client secrets: scrypt (RFC 7914) with a per-secret random salt, stored as
``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`` so the cost can be raised later; compared in
constant time. The audit hash is SHA-256 over canonical JSON (sorted keys, no spaces, UTF-8) of
``entity, seq, action, payload, created_at, prev_hash``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "AUDIT_GENESIS",
    "DEFAULT_SCRYPT_N",
    "audit_hash",
    "canonical_json",
    "check_secret",
    "hash_secret",
    "request_digest",
    "subject_reference",
    "timestamp_text",
]

#: ``prev_hash`` of the first entry of every chain.
AUDIT_GENESIS = "0" * 64
#: scrypt cost for client secrets (2**14, r=8, p=1: the RFC 7914 interactive-login figure).
DEFAULT_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_SALT_BYTES = 16
_HASH_BYTES = 32


def canonical_json(value: object) -> bytes:
    """Sorted-key, compact UTF-8 JSON: the same value always gives the same bytes."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def timestamp_text(moment: datetime) -> str:
    """UTC, microsecond precision, ``Z`` suffix: how a timestamp enters a hash."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r, dklen=_HASH_BYTES
    )


def hash_secret(secret: str, *, n: int = DEFAULT_SCRYPT_N) -> str:
    """The storable scrypt hash of a client secret, with a fresh random salt."""
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = _scrypt(secret, salt, n, _SCRYPT_R, _SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${n}${_SCRYPT_R}${_SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` matches ``stored`` (constant-time comparison of the digests)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(secret, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def subject_reference(subject: str, *, salt: bytes) -> str:
    """A salted hash (HMAC-SHA256, hex) standing for a credential subject in the database."""
    if len(salt) < 16:
        raise ValueError("the subject salt must have at least 16 bytes")
    return hmac.new(salt, subject.encode("utf-8"), hashlib.sha256).hexdigest()


def request_digest(body: object) -> str:
    """SHA-256 (hex) of the canonical JSON of a request body, kept beside an idempotency key."""
    return hashlib.sha256(canonical_json(body)).hexdigest()


def audit_hash(
    *,
    entity: str,
    seq: int,
    action: str,
    payload: Mapping[str, Any],
    created_at: datetime,
    prev_hash: str,
) -> str:
    """The chained hash of one audit entry."""
    document = {
        "entity": entity,
        "seq": seq,
        "action": action,
        "payload": payload,
        "created_at": timestamp_text(created_at),
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(document)).hexdigest()
