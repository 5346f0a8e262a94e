"""How vcred gets bytes from elsewhere: the injected :class:`Fetcher` interface.

The library never opens a connection on its own. Callers pass a fetcher: a
:class:`StaticFetcher` (tests, offline bundles) or :class:`vcred.http_fetch.HttpFetcher`
(HTTPS only, timeouts, size cap, no private or loopback addresses unless allowed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from vcred.errors import ErrorCode, FetchError

__all__ = ["Fetcher", "StaticFetcher"]


@runtime_checkable
class Fetcher(Protocol):
    """Fetch the bytes at ``url``; raise :class:`~vcred.errors.FetchError` on any failure."""

    def fetch(self, url: str) -> bytes: ...


class StaticFetcher:
    """A fetcher answering from a fixed mapping of URL → bytes (offline use and tests).

    ``calls`` counts fetches per URL so callers can check that caches work.
    """

    def __init__(self, documents: Mapping[str, bytes | str] | None = None) -> None:
        self._documents: dict[str, bytes] = {}
        self.calls: dict[str, int] = {}
        for url, body in (documents or {}).items():
            self.put(url, body)

    def put(self, url: str, body: bytes | str) -> None:
        """Add or replace the document served at ``url``."""
        self._documents[url] = body.encode("utf-8") if isinstance(body, str) else body

    def remove(self, url: str) -> None:
        self._documents.pop(url, None)

    def fetch(self, url: str) -> bytes:
        self.calls[url] = self.calls.get(url, 0) + 1
        try:
            return self._documents[url]
        except KeyError:
            raise FetchError(f"no document for {url}", code=ErrorCode.FETCH_NOT_FOUND) from None
