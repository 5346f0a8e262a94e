"""The issuer's settings, read once from environment variables (issue #3, item 1).

Every variable has the prefix ``VCRED_ISSUER_``:

``VCRED_ISSUER_PUBLIC_BASE_URL``
    The address the service is reached at, e.g. ``https://emisor.example.gov.co`` (default
    ``http://localhost:8000``). Each entity's ``did:web`` is built from it:
    ``did:web:<host>[%3A<port>][:<path>]:entidades:<slug>``. It must be ``https`` with a domain
    name (did:web never uses an IP address); plain ``http`` is allowed only in development mode
    and only for a loopback name (``localhost``). A path (``https://gov.co/emisor``) is kept.
``VCRED_ISSUER_DATA_DIR``
    Where the service keeps its files: the SQLite database and the encrypted key files under
    ``keys/`` (default ``./var/issuer``, made absolute when read).
``VCRED_ISSUER_DATABASE_URL``
    SQLAlchemy URL of the database (default ``sqlite:///<DATA_DIR>/issuer.db``). SQLite (WAL)
    or PostgreSQL (``postgresql+psycopg://user:password@host:5432/name``).
``VCRED_ISSUER_KEY_PASSPHRASE``
    The passphrase that encrypts every private key file (PKCS#8). Required unless
    ``VCRED_ISSUER_DEV`` is on; in development mode a random one is generated on first use and
    kept in ``<DATA_DIR>/keys/.passphrase`` (mode 0600).
``VCRED_ISSUER_DEV``
    Development mode (``1``/``true``/``si``/``yes``/``on`` or ``0``/``false``/``no``/``off``;
    default off): allows the generated passphrase file and an ``http://localhost`` base URL.
    Never turn it on in production.
``VCRED_ISSUER_MAX_BODY_BYTES``
    Largest request body accepted, in bytes (default 65536 = 64 KiB); larger bodies get a
    413 problem.
``VCRED_ISSUER_VERIFIER_URL``
    Optional base URL of the verifier's page, used for the links in linked QR codes.

:meth:`Settings.from_env` checks every variable and raises :class:`SettingsError` naming each
invalid one; nothing else reads the environment.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from vcred.did import url_to_did_web
from vcred.errors import VcredError

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "ENV_PREFIX",
    "Settings",
    "SettingsError",
]

ENV_PREFIX = "VCRED_ISSUER_"
DEFAULT_MAX_BODY_BYTES = 64 * 1024
DEFAULT_PUBLIC_BASE_URL = "http://localhost:8000"
DEFAULT_DATA_DIR = "./var/issuer"
# The largest body limit a deployment may configure (status lists and bulk uploads included).
_MAX_BODY_CEILING = 64 * 1024 * 1024
_TRUE = frozenset({"1", "true", "yes", "on", "si", "sí"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
_LOOPBACK_NAMES = frozenset({"localhost"})


class SettingsError(ValueError):
    """One or more environment variables are invalid; ``problems`` maps each to its reason."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        lines = [f"{name}: {reason}" for name, reason in self.problems.items()]
        super().__init__("invalid settings / configuración inválida:\n  " + "\n  ".join(lines))


@dataclass(frozen=True, slots=True)
class Settings:
    """The issuer's configuration (see the module docstring for each variable)."""

    public_base_url: str = DEFAULT_PUBLIC_BASE_URL
    data_dir: Path = field(default_factory=lambda: Path(DEFAULT_DATA_DIR).resolve())
    database_url: str = ""
    # Never shown by repr(): settings end up in logs and tracebacks.
    key_passphrase: str | None = field(default=None, repr=False)
    dev: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    verifier_url: str | None = None

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'issuer.db'}")

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] = os.environ, *, require_key_passphrase: bool = True
    ) -> Settings:
        """Read and check every ``VCRED_ISSUER_*`` variable; raise :class:`SettingsError`.

        ``require_key_passphrase=False`` lets commands that never touch a key (``migrate``,
        ``audit verify``) run without the passphrase.
        """
        problems: dict[str, str] = {}

        def get(name: str) -> str | None:
            value = environ.get(ENV_PREFIX + name)
            return None if value is None else value.strip()

        dev = False
        raw_dev = get("DEV")
        if raw_dev is not None:
            if raw_dev.lower() in _TRUE:
                dev = True
            elif raw_dev.lower() not in _FALSE:
                problems[ENV_PREFIX + "DEV"] = "expected 1/true/si or 0/false/no"

        data_dir = Path(get("DATA_DIR") or DEFAULT_DATA_DIR).expanduser().resolve()

        database_url = get("DATABASE_URL") or f"sqlite:///{data_dir / 'issuer.db'}"
        reason = _database_problem(database_url)
        if reason:
            problems[ENV_PREFIX + "DATABASE_URL"] = reason

        public_base_url = (get("PUBLIC_BASE_URL") or DEFAULT_PUBLIC_BASE_URL).rstrip("/")
        reason = _base_url_problem(public_base_url, dev=dev)
        if reason:
            problems[ENV_PREFIX + "PUBLIC_BASE_URL"] = reason

        # The passphrase is taken as is: spaces may be part of it.
        passphrase = environ.get(ENV_PREFIX + "KEY_PASSPHRASE") or None
        if passphrase is None and not dev and require_key_passphrase:
            problems[ENV_PREFIX + "KEY_PASSPHRASE"] = (
                "required (it encrypts the private key files) unless VCRED_ISSUER_DEV=1"
            )

        max_body = DEFAULT_MAX_BODY_BYTES
        raw_max = get("MAX_BODY_BYTES")
        if raw_max:
            try:
                max_body = int(raw_max)
            except ValueError:
                max_body = -1
            if not 1024 <= max_body <= _MAX_BODY_CEILING:
                problems[ENV_PREFIX + "MAX_BODY_BYTES"] = (
                    f"expected a whole number of bytes from 1024 to {_MAX_BODY_CEILING}"
                )

        verifier_url = (get("VERIFIER_URL") or "").rstrip("/") or None
        if verifier_url is not None:
            parts = urlsplit(verifier_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                problems[ENV_PREFIX + "VERIFIER_URL"] = "expected an http(s) URL"
            elif parts.scheme == "http" and not (dev and _is_loopback(parts.hostname)):
                problems[ENV_PREFIX + "VERIFIER_URL"] = (
                    "must be https (http only for loopback hosts with VCRED_ISSUER_DEV=1)"
                )

        if problems:
            raise SettingsError(problems)
        return cls(
            public_base_url=public_base_url,
            data_dir=data_dir,
            database_url=database_url,
            key_passphrase=passphrase,
            dev=dev,
            max_body_bytes=max_body,
            verifier_url=verifier_url,
        )

    def to_env(self) -> dict[str, str]:
        """The environment that :meth:`from_env` reads back as these settings (for workers)."""
        env = {
            ENV_PREFIX + "PUBLIC_BASE_URL": self.public_base_url,
            ENV_PREFIX + "DATA_DIR": str(self.data_dir),
            ENV_PREFIX + "DATABASE_URL": self.database_url,
            ENV_PREFIX + "DEV": "1" if self.dev else "0",
            ENV_PREFIX + "MAX_BODY_BYTES": str(self.max_body_bytes),
        }
        if self.key_passphrase is not None:
            env[ENV_PREFIX + "KEY_PASSPHRASE"] = self.key_passphrase
        if self.verifier_url is not None:
            env[ENV_PREFIX + "VERIFIER_URL"] = self.verifier_url
        return env

    @property
    def keys_dir(self) -> Path:
        """The folder of the encrypted private key files."""
        return self.data_dir / "keys"

    def entity_url(self, slug: str) -> str:
        """The public URL of an entity's resources (``<base>/entidades/<slug>``)."""
        return f"{self.public_base_url}/entidades/{slug}"

    def entity_did(self, slug: str) -> str:
        """The entity's ``did:web`` under this service's host (did:web §Create)."""
        return url_to_did_web(_as_https(self.entity_url(slug)))

    def did_document_url(self, slug: str) -> str:
        """Where this service publishes the entity's DID document."""
        return f"{self.entity_url(slug)}/did.json"


def _as_https(url: str) -> str:
    # did:web always resolves over https; in development the service itself answers on http
    # (a local fetcher maps one to the other).
    return "https://" + url.split("://", 1)[1]


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _base_url_problem(url: str, *, dev: bool) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "expected an absolute http(s) URL such as https://emisor.example.gov.co"
    if parts.query or parts.fragment or parts.username is not None:
        return "no credentials, query or fragment allowed"
    if parts.scheme == "http" and not (dev and _is_loopback(parts.hostname)):
        return "must be https (http only for localhost with VCRED_ISSUER_DEV=1)"
    try:
        url_to_did_web(_as_https(url) + "/entidades/x")
    except VcredError:
        return "its host cannot name a did:web DID (a domain name is needed, not an IP address)"
    return None


def _database_problem(url: str) -> str | None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "not a database URL (sqlite:///path or postgresql+psycopg://…)"
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        return f"unsupported database {backend!r}: use sqlite or postgresql"
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        return "SQLite needs a file (sqlite:////absolute/path/issuer.db)"
    return None
