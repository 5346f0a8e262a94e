"""Engines for the issuer's database, and migration to the newest schema (issue #3, item 2).

SQLite is the embedded default: WAL journal (readers never wait for the writer), foreign keys
on, a busy timeout, and write transactions opened with ``BEGIN IMMEDIATE`` so that concurrent
writers queue on the database lock instead of failing when they upgrade a read lock. Read-only
work goes through :func:`read_only` and starts a plain deferred transaction. PostgreSQL is
selected by a ``postgresql+psycopg://`` URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

__all__ = ["MIGRATIONS_DIR", "create_engine_for", "migrate", "read_only"]

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

_READ_ONLY = "vcred_read_only"

SQLiteSynchronous = Literal["OFF", "NORMAL", "FULL", "EXTRA"]


def create_engine_for(
    url: str | URL,
    *,
    busy_timeout_ms: int = 30_000,
    sqlite_synchronous: SQLiteSynchronous = "FULL",
    pool_size: int = 10,
    echo: bool = False,
) -> Engine:
    """An engine for ``url`` set up for the issuer: SQLite (WAL) or PostgreSQL (psycopg 3).

    ``sqlite_synchronous="FULL"`` makes every acknowledged commit survive a power loss; with
    ``"NORMAL"`` a commit survives a crash of the process but maybe not of the machine.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, busy_timeout_ms, sqlite_synchronous, pool_size, echo)
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(
            parsed, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, echo=echo
        )
    raise ValueError(f"unsupported database backend: {backend!r} (sqlite or postgresql)")


def _sqlite_engine(
    url: URL, busy_timeout_ms: int, synchronous: SQLiteSynchronous, pool_size: int, echo: bool
) -> Engine:
    if url.database in (None, "", ":memory:"):
        raise ValueError("the issuer needs a file database (WAL does not apply to :memory:)")
    if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ValueError("sqlite_synchronous must be OFF, NORMAL, FULL or EXTRA")
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        # Connections move between threads through the pool, one thread at a time.
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        pool_size=pool_size,
        max_overflow=pool_size,
        echo=echo,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails with SQLITE_BUSY if another
        # writer committed meanwhile; taking the write lock up front makes writers queue.
        mode = "DEFERRED" if connection.get_execution_options().get(_READ_ONLY) else "IMMEDIATE"
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def read_only(engine: Engine) -> Engine:
    """The same engine (and pool) for read-only transactions (no write lock on SQLite)."""
    return engine.execution_options(**{_READ_ONLY: True})


def migrate(url_or_engine: str | URL | Engine, *, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` (the newest by default)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if isinstance(url_or_engine, Engine):
        engine, owned = url_or_engine, False
    else:
        engine, owned = create_engine_for(url_or_engine), True
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if owned:
            engine.dispose()
