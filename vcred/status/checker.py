"""Checking a credential's status against its Bitstring Status List, with a bounded cache.

Bitstring Status List v1.0 §3.2 (Validate Algorithm) and §5.3 (verifiers SHOULD cache lists).
Lists come through an injected :class:`~vcred.fetch.Fetcher`; ``load_list`` (supplied by the
verifier) checks the list credential's proof and returns its JSON. The cache holds decoded
lists, never verdicts, keyed by URL: a list is fresh for its ``ttl`` (else ``default_ttl``) and
never past its ``validUntil``; when a refetch fails, a cached list no older than
``max_staleness`` is still used and the outcome says ``stale=True``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from vcred.errors import ErrorCode, FetchError, StatusListError, UsageError, VcredError
from vcred.fetch import Fetcher
from vcred.frozen import fast_init
from vcred.status.bitstring import (
    DEFAULT_MAX_LIST_BYTES,
    MIN_ENTRIES,
    expand_encoded_list,
    read_status,
)
from vcred.status.entry import StatusEntry, StatusMessage, parse_status_entries
from vcred.status.list_credential import StatusListCredential, parse_status_list_credential

__all__ = ["StatusChecker", "StatusOutcome"]

LoadList = Callable[[bytes, str], Mapping[str, Any]]


@fast_init
@dataclass(frozen=True, slots=True)
class StatusOutcome:
    """The status of one entry (§3.2 steps 10-14): ``set`` is True when ``value`` is not 0.

    ``message`` is the entry's (else the list's) ``statusMessage`` for ``value``; without
    messages a one-bit status reads "set" or "unset" (§2.1). ``stale`` means the list could
    not be refreshed and a cached copy ``age`` old was used.
    """

    purpose: str
    index: int
    value: int
    set: bool
    message: str | None
    list_url: str
    fetched_at: datetime
    age: timedelta
    stale: bool
    list_issuer: str | None = None


@dataclass(frozen=True, slots=True)
class _CachedList:
    info: StatusListCredential
    data: bytes
    fetched_at: datetime
    fresh_until: datetime


_NO_TIME = timedelta(0)


def _message_for(messages: tuple[StatusMessage, ...], value: int) -> str | None:
    for item in messages:
        if item.status == value:
            return item.message
    return None


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _error(code: ErrorCode, message: str) -> StatusListError:
    return StatusListError(message, code=code)


class StatusChecker:
    """Checks ``BitstringStatusListEntry`` values (§3.2); thread-safe, one instance per verifier.

    ``min_entries`` is the §3.2 ``minimumNumberOfEntries`` (lower it only for an ecosystem that
    does). ``max_list_bytes`` caps a list's decompressed size; ``max_cache_bytes`` caps the
    cache. ``clock_skew`` is the tolerance on a list's ``validFrom``.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        load_list: LoadList,
        max_entries: int = 256,
        max_staleness: timedelta = timedelta(hours=24),
        default_ttl: timedelta = timedelta(minutes=5),
        clock: Callable[[], datetime] = _utc_now,
        max_list_bytes: int = DEFAULT_MAX_LIST_BYTES,
        max_cache_bytes: int = 64 * 1024 * 1024,
        min_entries: int = MIN_ENTRIES,
        clock_skew: timedelta = timedelta(minutes=5),
    ) -> None:
        if max_entries < 1:
            raise UsageError("max_entries must be at least 1")
        if max_staleness < timedelta(0) or default_ttl < timedelta(0):
            raise UsageError("max_staleness and default_ttl must not be negative")
        self._fetcher = fetcher
        self._load_list = load_list
        self._max_entries = max_entries
        self._max_staleness = max_staleness
        self._default_ttl = default_ttl
        self._clock = clock
        self._max_list_bytes = max_list_bytes
        self._max_cache_bytes = max_cache_bytes
        self._min_entries = min_entries
        self._clock_skew = clock_skew
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, _CachedList] = OrderedDict()
        self._cache_bytes = 0
        # One lock per URL being fetched, with a count of its users, so concurrent checks of the
        # same list wait for a single fetch instead of stampeding the issuer.
        self._inflight: dict[str, tuple[threading.Lock, int]] = {}

    # -- public API -----------------------------------------------------------------------
    def check(self, entry: StatusEntry) -> StatusOutcome:
        """The status of ``entry`` in its list (§3.2).

        Raises ``StatusListError``: ``STATUS_UNREACHABLE`` (no list, none usable in cache),
        ``STATUS_LIST_EXPIRED``, ``STATUS_PURPOSE_MISMATCH``, ``STATUS_LIST_TOO_SHORT``,
        ``STATUS_INDEX_OUT_OF_RANGE``, ``STATUS_LIST_INVALID``/``_TOO_LARGE``; errors raised by
        ``load_list`` (e.g. a failed proof) pass through.
        """
        if not isinstance(entry, StatusEntry) or not entry.supported:
            raise UsageError("only supported BitstringStatusListEntry values can be checked")
        now = self._now()
        cached, stale = self._get_list(entry.list_url, now)
        return self._evaluate(entry, cached, now, stale=stale)

    def check_credential(self, credential: Mapping[str, Any]) -> list[StatusOutcome]:
        """The outcome of every supported status entry of ``credential`` (§3.2 for each)."""
        return [self.check(entry) for entry in parse_status_entries(credential) if entry.supported]

    def invalidate(self, url: str | None = None) -> None:
        """Forget the cached list at ``url`` (every list when ``url`` is None)."""
        with self._lock:
            if url is None:
                self._cache.clear()
                self._cache_bytes = 0
            elif (old := self._cache.pop(url, None)) is not None:
                self._cache_bytes -= len(old.data)

    def cached_urls(self) -> list[str]:
        """URLs currently cached, least recently used first."""
        with self._lock:
            return list(self._cache)

    # -- cache ----------------------------------------------------------------------------
    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise UsageError("the clock must return timezone-aware datetimes")
        return now

    def _lookup(self, url: str, now: datetime, *, waited: bool = False) -> _CachedList | None:
        with self._lock:
            cached = self._cache.get(url)
            # After waiting for another thread's fetch, that fetch may carry a later timestamp
            # than this thread's ``now``: it is still the fresh copy to use.
            if (
                cached is not None
                and (waited or cached.fetched_at <= now)
                and now < cached.fresh_until
            ):
                self._cache.move_to_end(url)
                return cached
            return None

    def _get_list(self, url: str, now: datetime) -> tuple[_CachedList, bool]:
        fresh = self._lookup(url, now)
        if fresh is not None:
            return fresh, False
        with self._lock:
            lock, users = self._inflight.get(url, (threading.Lock(), 0))
            self._inflight[url] = (lock, users + 1)
        try:
            with lock:
                fresh = self._lookup(url, now, waited=True)  # another thread may have fetched it
                if fresh is not None:
                    return fresh, False
                return self._refresh(url, now)
        finally:
            with self._lock:
                lock, users = self._inflight[url]
                if users == 1:
                    del self._inflight[url]
                else:
                    self._inflight[url] = (lock, users - 1)

    def _refresh(self, url: str, now: datetime) -> tuple[_CachedList, bool]:
        try:
            raw = self._fetcher.fetch(url)
        except (FetchError, OSError) as exc:
            # §3.2 STATUS_RETRIEVAL_ERROR, unless a recent enough copy can stand in.
            with self._lock:
                cached = self._cache.get(url)
            if cached is not None and self._usable_stale(cached, now):
                return cached, True
            raise _error(ErrorCode.STATUS_UNREACHABLE, f"status list {url} unreachable") from exc
        loaded = self._load(raw, url, now)
        self._store(url, loaded)
        return loaded, False

    def _usable_stale(self, cached: _CachedList, now: datetime) -> bool:
        valid_until = cached.info.valid_until
        if valid_until is not None and now >= valid_until:
            return False
        return timedelta(0) <= now - cached.fetched_at <= self._max_staleness

    def _load(self, raw: bytes, url: str, now: datetime) -> _CachedList:
        try:
            document = self._load_list(raw, url)
        except VcredError:
            raise
        except (ValueError, TypeError, KeyError) as exc:
            raise _error(ErrorCode.STATUS_LIST_INVALID, "status list cannot be read") from exc
        info = parse_status_list_credential(document, url=url)
        if info.valid_until is not None and now >= info.valid_until:
            raise _error(ErrorCode.STATUS_LIST_EXPIRED, f"status list {url} has expired")
        if info.valid_from is not None and now + self._clock_skew < info.valid_from:
            raise _error(ErrorCode.STATUS_LIST_INVALID, f"status list {url} is not yet valid")
        data = expand_encoded_list(info.encoded_list, max_bytes=self._max_list_bytes)
        if len(data) * 8 < self._min_entries:
            raise _error(ErrorCode.STATUS_LIST_TOO_SHORT, f"status list {url} is too short")
        # §2.2 ttl is a hint to refresh; it never extends past validUntil nor max_staleness.
        ttl = min(info.ttl if info.ttl is not None else self._default_ttl, self._max_staleness)
        fresh_until = now + ttl
        if info.valid_until is not None:
            fresh_until = min(fresh_until, info.valid_until)
        return _CachedList(info=info, data=data, fetched_at=now, fresh_until=fresh_until)

    def _store(self, url: str, loaded: _CachedList) -> None:
        with self._lock:
            old = self._cache.pop(url, None)
            if old is not None:
                self._cache_bytes -= len(old.data)
            if len(loaded.data) > self._max_cache_bytes:
                return
            self._cache[url] = loaded
            self._cache_bytes += len(loaded.data)
            while len(self._cache) > self._max_entries or self._cache_bytes > self._max_cache_bytes:
                _, evicted = self._cache.popitem(last=False)
                self._cache_bytes -= len(evicted.data)

    # -- §3.2 steps 5-14 --------------------------------------------------------------------
    def _evaluate(
        self, entry: StatusEntry, cached: _CachedList, now: datetime, *, stale: bool
    ) -> StatusOutcome:
        info = cached.info
        # §3.2 step 5: the entry's purpose must be one of the list's purposes.
        if entry.purpose not in info.purposes:
            raise _error(
                ErrorCode.STATUS_PURPOSE_MISMATCH,
                f"entry purpose {entry.purpose!r} is not a purpose of the status list",
            )
        size = entry.status_size
        if info.status_size is not None and info.status_size != size:
            raise _error(ErrorCode.STATUS_ENTRY_INVALID, "statusSize differs from the list's")
        entries = len(cached.data) * 8 // size
        # §3.2 step 9: STATUS_LIST_LENGTH_ERROR when length ÷ statusSize < minimumNumberOfEntries.
        if entries < self._min_entries:
            raise _error(ErrorCode.STATUS_LIST_TOO_SHORT, "status list has too few entries")
        # §3.2 step 10: RANGE_ERROR outside the bitstring.
        if entry.index >= entries:
            raise _error(
                ErrorCode.STATUS_INDEX_OUT_OF_RANGE,
                f"index {entry.index} is outside the list of {entries} entries",
            )
        value = read_status(cached.data, index=entry.index, status_size=size)
        message = entry.message_for(value) if entry.status_messages else None
        if message is None and info.status_messages:
            message = _message_for(info.status_messages, value)
        if message is None and size == 1:
            message = "set" if value else "unset"
        fetched_at = cached.fetched_at
        age = now - fetched_at
        return StatusOutcome(
            entry.purpose,
            entry.index,
            value,
            value != 0,
            message,
            entry.list_url,
            fetched_at,
            age if age > _NO_TIME else _NO_TIME,
            stale,
            info.issuer,
        )
