"""Who is calling: API clients of one entity, their scopes and trámites (issue #3, item 4).

**Credentials.** Each API client (``python -m issuer client create``) has a ``client_id`` and a
secret shown once. A request carries them in the ``Authorization`` header, either way:

* ``Authorization: Basic base64(client_id:secret)`` (RFC 7617), or
* ``Authorization: Bearer <client_id>.<secret>`` (the client id may contain dots; the secret,
  URL-safe base64, never does, so the header is split at its last dot).

**Answers.** No credentials, unreadable ones, an unknown client, a wrong secret and a revoked
client all get the same ``401`` problem (code ``unauthorized``) with a ``WWW-Authenticate``
challenge for both schemes, so a caller learns nothing about which client ids exist. A valid
client asking for something it may not do gets ``403``:

* ``scope_missing``: the client lacks the scope (``issue``, ``status`` or ``admin``);
* ``entity_forbidden``: the route names another entity (checked before the entity is looked
  up: a client never learns whether another entity exists) or, on the VC API, the credential's
  issuer is not the client's entity (``issuer_forbidden``);
* ``tramite_forbidden``: the client's trámite list does not include that trámite (an empty
  list means every trámite of its entity).

**Cache.** Secrets are scrypt-hashed (slow on purpose), so a successful check is remembered for
:data:`CACHE_TTL` in a bounded LRU keyed by an HMAC of ``client_id`` and secret under a random
per-process key (never the secret itself). Each hit still re-reads the client row (one cheap
query, no scrypt), so a client revoked by any worker or the CLI is refused at once and its
entries are evicted; :meth:`Authenticator.forget` evicts a client explicitly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from issuer.problems import ProblemError
from issuer.store import ClientRecord, NotFound, Store

__all__ = [
    "CACHE_SIZE",
    "CACHE_TTL",
    "REALM",
    "Authenticator",
    "require",
]

#: Seconds a verified secret stays cached (each use still re-reads the client row).
CACHE_TTL = 300.0
#: Most cached verifications kept (least recently used dropped first).
CACHE_SIZE = 1024
REALM = "vcred-emisor"
_CHALLENGE = f'Basic realm="{REALM}", charset="UTF-8", Bearer realm="{REALM}"'
_MAX_CREDENTIAL_CHARS = 1024


@dataclass(frozen=True, slots=True)
class _Cached:
    client_id: str
    expires: float


def unauthorized(detail: str) -> ProblemError:
    """The one 401 answer for every authentication failure."""
    return ProblemError(
        401,
        "unauthorized",
        detail,
        headers={"WWW-Authenticate": _CHALLENGE},
    )


def forbidden(code: str, detail: str) -> ProblemError:
    """A 403 answer: the client is known but may not do this."""
    return ProblemError(403, code, detail)


def _parse(header: str | None) -> tuple[str, str]:
    if not header:
        raise unauthorized(
            "Faltan las credenciales del cliente (Authorization: Basic o Bearer). "
            "Client credentials are missing."
        )
    if len(header) > _MAX_CREDENTIAL_CHARS:
        raise unauthorized("Credenciales ilegibles. Unreadable credentials.")
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    client_id = secret = ""
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        client_id, _, secret = decoded.partition(":")
    elif scheme.lower() == "bearer":
        client_id, _, secret = value.rpartition(".")
    if not client_id or not secret or not (client_id + secret).isprintable():
        raise unauthorized("Credenciales ilegibles. Unreadable credentials.")
    return client_id, secret


class Authenticator:
    """Checks ``Authorization`` headers against the store's API clients, with a bounded cache."""

    def __init__(
        self,
        store: Store,
        *,
        ttl: float = CACHE_TTL,
        size: int = CACHE_SIZE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._ttl = ttl
        self._size = size
        self._monotonic = monotonic
        self._key = secrets.token_bytes(32)
        self._cache: OrderedDict[bytes, _Cached] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Authenticator(cached={len(self._cache)})"

    def _fingerprint(self, client_id: str, secret: str) -> bytes:
        message = client_id.encode("utf-8") + b"\x00" + secret.encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def authenticate(self, header: str | None) -> ClientRecord:
        """The client named by ``header``, or a 401 :class:`ProblemError`."""
        client_id, secret = _parse(header)
        fingerprint = self._fingerprint(client_id, secret)
        now = self._monotonic()
        with self._lock:
            cached = self._cache.get(fingerprint)
            if cached is not None and cached.expires > now:
                self._cache.move_to_end(fingerprint)
            else:
                cached = None
        if cached is not None:
            try:
                client = self._store.get_client(cached.client_id)
            except NotFound:
                client = None
            if client is not None and client.revoked_at is None:
                return client
            self.forget(cached.client_id)
            raise unauthorized("Credenciales inválidas. Invalid client credentials.")
        found = self._store.verify_client_secret(client_id, secret)
        if found is None:
            raise unauthorized("Credenciales inválidas. Invalid client credentials.")
        with self._lock:
            self._cache[fingerprint] = _Cached(found.client_id, now + self._ttl)
            self._cache.move_to_end(fingerprint)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return found

    def forget(self, client_id: str) -> None:
        """Drop every cached verification of ``client_id`` (after revoking it)."""
        with self._lock:
            for key in [k for k, v in self._cache.items() if v.client_id == client_id]:
                del self._cache[key]

    def cached_count(self) -> int:
        """How many verifications are cached (for tests and metrics)."""
        with self._lock:
            return len(self._cache)


def require(
    client: ClientRecord,
    *,
    scope: str,
    entity: str | None = None,
    tramite: str | None = None,
) -> None:
    """Raise a 403 problem unless ``client`` has ``scope``, belongs to ``entity`` (when given)
    and may act on ``tramite`` (when given)."""
    if entity is not None and client.entity != entity:
        raise forbidden(
            "entity_forbidden",
            "El cliente pertenece a otra entidad. The client belongs to another entity.",
        )
    if scope not in client.scopes:
        raise forbidden(
            "scope_missing",
            f"El cliente no tiene el alcance {scope!r}. The client lacks the {scope!r} scope.",
        )
    if tramite is not None and client.tramites and tramite not in client.tramites:
        raise forbidden(
            "tramite_forbidden",
            "El cliente no está autorizado para este trámite. "
            "The client may not act on this trámite.",
        )
