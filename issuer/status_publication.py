"""Status list credentials, signed on demand from the committed bits (issue #3, item 6).

**Status lists** are signed on demand from the committed bits and cached in memory per
``(list, version, period)``. Each signed list is valid from the start of its
:data:`LIST_PERIOD` (12 h) for :data:`LIST_VALIDITY` (24 h), so every worker signs the same
document within a period (Ed25519 is deterministic) and a verifier can fall back on a cached list
for at least 12 h; its ``ttl`` (:data:`LIST_TTL`, 5 min) is also its ``Cache-Control`` max-age.
The ``ETag`` is ``W/"<version>-<period>"``: the version changes with every status change, the
period with every re-signature (an ETag of the version alone would let a cache revalidate a list
past its ``validUntil``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from issuer.settings import Settings
from issuer.store import EntityRecord, StatusPurpose, Store
from vcred.jose import issue_vc_jwt
from vcred.signer import Signer
from vcred.status import Bitstring, build_status_list_credential

__all__ = [
    "LIST_PERIOD",
    "LIST_TTL",
    "LIST_VALIDITY",
    "PURPOSE_SEGMENTS",
    "LruCache",
    "PublishedList",
    "StatusListPublisher",
]

LIST_TTL = timedelta(minutes=5)
LIST_PERIOD = timedelta(hours=12)
LIST_VALIDITY = timedelta(hours=24)
#: URL segment of each status purpose (``/entidades/<slug>/estado/<segment>/<seq>``).
PURPOSE_SEGMENTS: Mapping[StatusPurpose, str] = {
    "revocation": "revocacion",
    "suspension": "suspension",
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_K = TypeVar("_K")
_V = TypeVar("_V")


class LruCache(Generic[_K, _V]):
    """A small thread-safe map that drops its least recently used entries past ``size``."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[_K, _V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: _K) -> _V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: _K, value: _V) -> _V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


@dataclass(frozen=True, slots=True)
class PublishedList:
    """A signed status list (``body`` is ``None`` when the caller's ``ETag`` still matches)."""

    body: bytes | None
    etag: str
    max_age: int


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    # RFC 9110 §13.1.2: weak comparison.
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag.removeprefix("W/") in candidates


class StatusListPublisher:
    """Signs each entity's status lists with its active key, cached per version and period."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store,
        clock: Callable[[], datetime],
        entity: Callable[[str], EntityRecord],
        signer: Callable[[EntityRecord], Signer],
        size: int = 256,
    ) -> None:
        self._settings = settings
        self._store = store
        self._clock = clock
        self._entity = entity
        self._signer = signer
        self._cache: LruCache[tuple[str, str, int, int, int], bytes] = LruCache(size)

    def url(self, slug: str, purpose: StatusPurpose, seq: int) -> str:
        """The stable URL of a list: its ``id`` and each entry's ``statusListCredential``."""
        return f"{self._settings.entity_url(slug)}/estado/{PURPOSE_SEGMENTS[purpose]}/{seq}"

    def publish(
        self, slug: str, purpose: StatusPurpose, seq: int, *, if_none_match: str | None = None
    ) -> PublishedList:
        """The signed list as a ``vc+jwt`` (Bitstring Status List §2.2), or no body on a match."""
        snapshot = self._store.status_list(slug, purpose, seq)
        period = int((self._clock() - _EPOCH) / LIST_PERIOD)
        etag = f'W/"{snapshot.version}-{period}"'
        max_age = int(LIST_TTL.total_seconds())
        if _etag_matches(if_none_match, etag):
            return PublishedList(None, etag, max_age)
        key = (slug, purpose, seq, snapshot.version, period)
        body = self._cache.get(key)
        if body is None:
            entity = self._entity(slug)
            start = _EPOCH + period * LIST_PERIOD
            credential = build_status_list_credential(
                list_url=self.url(slug, purpose, seq),
                issuer=entity.did,
                bitstring=Bitstring.from_bytes(snapshot.bits),
                purpose=purpose,
                valid_from=start,
                valid_until=start + LIST_VALIDITY,
                ttl_ms=int(LIST_TTL.total_seconds() * 1000),
            )
            token = issue_vc_jwt(credential, signer=self._signer(entity), now=start)
            body = self._cache.put(key, token.encode("ascii"))
        return PublishedList(body, etag, max_age)
