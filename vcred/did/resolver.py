"""DID resolvers: the :class:`DidResolver` interface, a method registry, static and caching ones.

DID Core 1.0 §7.1 (DID resolution). Every resolver returns the DID document as a JSON mapping or
raises :class:`~vcred.errors.ResolutionError` (``DID_INVALID``, ``DID_NOT_FOUND``,
``DID_DOCUMENT_INVALID``) or :class:`~vcred.errors.UnsupportedError` (``DID_METHOD_UNSUPPORTED``,
``KEY_UNSUPPORTED``).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

from vcred.did.document import check_document
from vcred.did.jwk import JwkDidResolver
from vcred.did.key import KeyDidResolver
from vcred.did.syntax import parse_did
from vcred.did.web import WebDidResolver
from vcred.errors import ErrorCode, ResolutionError, UnsupportedError, UsageError, VcredError
from vcred.fetch import Fetcher

__all__ = [
    "CachingResolver",
    "DidResolver",
    "MethodResolver",
    "StaticResolver",
    "default_resolver",
]


@runtime_checkable
class DidResolver(Protocol):
    """Resolve a DID to its DID document (DID Core §7.1), raising vcred errors on failure."""

    def resolve(self, did: str) -> dict[str, Any]: ...


class StaticResolver:
    """Answers from a fixed mapping DID → document (offline trust bundles, tests).

    Documents are checked (``id`` equals the DID) when built; each call returns a deep copy.
    """

    def __init__(self, documents: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._documents: dict[str, dict[str, Any]] = {}
        for did, document in (documents or {}).items():
            parse_did(did)
            self._documents[did] = check_document(copy.deepcopy(document), did=did)

    def resolve(self, did: str) -> dict[str, Any]:
        parse_did(did)
        try:
            return copy.deepcopy(self._documents[did])
        except KeyError:
            raise ResolutionError(
                "DID not in the static resolver", code=ErrorCode.DID_NOT_FOUND
            ) from None


class _WebNeedsFetcher:
    def resolve(self, did: str) -> dict[str, Any]:
        parse_did(did)
        raise UnsupportedError(
            "did:web resolution needs a fetcher: pass default_resolver(fetcher=...)",
            code=ErrorCode.DID_METHOD_UNSUPPORTED,
        )


class MethodResolver:
    """An immutable registry DID method → resolver; :meth:`only` and :meth:`with_method` copy.

    Checks DID syntax and length (``DID_INVALID``) before dispatching; an unknown method raises
    ``UnsupportedError(DID_METHOD_UNSUPPORTED)``.
    """

    def __init__(self, methods: Mapping[str, DidResolver]) -> None:
        self._methods: Mapping[str, DidResolver] = MappingProxyType(dict(methods))

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(self._methods)

    def only(self, *names: str) -> MethodResolver:
        """A copy keeping only the methods named (each must be registered)."""
        missing = [n for n in names if n not in self._methods]
        if missing:
            raise UsageError(f"DID methods not registered: {', '.join(missing)}")
        return MethodResolver({n: self._methods[n] for n in names})

    def with_method(self, name: str, resolver: DidResolver) -> MethodResolver:
        """A copy with ``name`` (re)bound to ``resolver``."""
        return MethodResolver({**self._methods, name: resolver})

    def resolve(self, did: str) -> dict[str, Any]:
        method, _ = parse_did(did)
        resolver = self._methods.get(method)
        if resolver is None:
            raise UnsupportedError(
                f"DID method {method!r} is not supported", code=ErrorCode.DID_METHOD_UNSUPPORTED
            )
        return resolver.resolve(did)


def default_resolver(
    *, fetcher: Fetcher | None = None, methods: Iterable[str] = ("key", "jwk", "web")
) -> MethodResolver:
    """A fresh :class:`MethodResolver` for did:key, did:jwk and did:web (with ``fetcher``).

    Without a fetcher, did:web DIDs raise ``DID_METHOD_UNSUPPORTED`` saying a fetcher is needed.
    """
    web: DidResolver = WebDidResolver(fetcher) if fetcher is not None else _WebNeedsFetcher()
    available: dict[str, DidResolver] = {
        "key": KeyDidResolver(),
        "jwk": JwkDidResolver(),
        "web": web,
    }
    return MethodResolver(available).only(*methods)


@dataclass(frozen=True, slots=True)
class _Entry:
    expires: datetime
    document: dict[str, Any] | None
    error: tuple[type[VcredError], str, ErrorCode] | None


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CachingResolver:
    """A thread-safe LRU + TTL cache in front of another resolver.

    Successes are kept for ``ttl`` (at most ``max_entries`` DIDs, least recently used evicted).
    Errors are not cached by default (``error_ttl=0``): a passing network failure must not
    block verification for minutes. A small ``error_ttl`` (seconds) shields a failing host
    from repeated fetches. Concurrent misses for one DID may each call the inner resolver.
    Callers get deep copies, so changing a returned document never changes the cache.
    """

    def __init__(
        self,
        inner: DidResolver,
        *,
        max_entries: int = 1024,
        ttl: timedelta = timedelta(minutes=10),
        error_ttl: timedelta = timedelta(0),
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        if max_entries < 1 or ttl <= timedelta(0) or error_ttl < timedelta(0):
            raise UsageError("max_entries must be ≥ 1, ttl > 0 and error_ttl ≥ 0")
        self._inner = inner
        self._max_entries = max_entries
        self._ttl = ttl
        self._error_ttl = error_ttl
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise UsageError("the clock must return timezone-aware datetimes")
        return now

    def _lookup(self, did: str, now: datetime) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(did)
            if entry is None:
                return None
            if entry.expires <= now:
                del self._entries[did]
                return None
            self._entries.move_to_end(did)
            return entry

    def _store(self, did: str, entry: _Entry) -> None:
        with self._lock:
            self._entries[did] = entry
            self._entries.move_to_end(did)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def resolve(self, did: str) -> dict[str, Any]:
        now = self._now()
        entry = self._lookup(did, now)
        if entry is None:
            try:
                document = self._inner.resolve(did)
            except VcredError as exc:
                if self._error_ttl > timedelta(0):
                    error = (type(exc), exc.message, exc.code)
                    self._store(did, _Entry(now + self._error_ttl, None, error))
                raise
            entry = _Entry(now + self._ttl, copy.deepcopy(document), None)
            self._store(did, entry)
        if entry.error is not None:
            kind, message, code = entry.error
            raise kind(message, code=code)
        assert entry.document is not None  # noqa: S101 - an entry holds a document or an error
        return copy.deepcopy(entry.document)

    def invalidate(self, did: str | None = None) -> None:
        """Forget ``did`` (or every entry when ``did`` is None), e.g. after a key rotation."""
        with self._lock:
            if did is None:
                self._entries.clear()
            else:
                self._entries.pop(did, None)
