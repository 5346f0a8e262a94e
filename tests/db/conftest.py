"""Database fixtures: every store test runs on SQLite (a temporary file) and on PostgreSQL.

PostgreSQL is ``postgresql+psycopg://postgres@127.0.0.1:5432/test`` (trust auth) unless
``VCRED_TEST_POSTGRES_URL`` says otherwise. Each test session works in a fresh schema
(``vcred_test_<random>``) dropped at the end. Without a reachable server the PostgreSQL tests are
skipped locally and fail under ``CI=true``.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from issuer.db import create_engine_for, migrate
from issuer.store import Store

POSTGRES_URL = os.environ.get(
    "VCRED_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# Cheap scrypt for tests; production uses the default cost.
TEST_SECRET_COST = 2**10

BACKENDS = ["sqlite", "postgresql"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Marked here (the marker is registered in pyproject.toml) so that ``-m postgres`` and
    # ``-m "not postgres"`` select by backend.
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgresql":
            item.add_marker("postgres")


def _postgres_reachable() -> bool:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception:  # any failure to connect means "not reachable"
        return False
    return True


def _start_postgres() -> None:
    clusters = Path("/etc/postgresql")
    if not clusters.is_dir():
        return
    for version in sorted(p.name for p in clusters.iterdir()):
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            check=False,
            capture_output=True,
            timeout=60,
        )


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections work in a fresh, migrated schema of the PostgreSQL server."""
    if not _postgres_reachable():
        _start_postgres()
        for _ in range(20):
            if _postgres_reachable():
                break
            time.sleep(0.5)
        else:
            message = f"PostgreSQL not reachable at {make_url(POSTGRES_URL).host}"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
    yield from _fresh_schema()


def _fresh_schema() -> Iterator[str]:
    schema = f"vcred_test_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_schema_url: str) -> Iterator[Engine]:
    """One migrated engine for the session's schema (tests use fresh entities, not tables)."""
    engine = create_engine_for(postgres_schema_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``."""
    return str(request.param)


@pytest.fixture
def engine(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated engine: a new SQLite file per test, the session's PostgreSQL schema."""
    if backend == "postgresql":
        yield request.getfixturevalue("postgres_engine")
        return
    engine = create_engine_for(f"sqlite:///{tmp_path / 'issuer.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def make_store(engine: Engine) -> Callable[..., Store]:
    """Build a store on the test engine (e.g. with a small ``status_list_length``)."""

    def make(**options: object) -> Store:
        options.setdefault("secret_cost", TEST_SECRET_COST)
        return Store(engine, **options)  # type: ignore[arg-type]

    return make


@pytest.fixture
def store(make_store: Callable[..., Store]) -> Store:
    """A store on a migrated database of each backend."""
    return make_store()


@pytest.fixture
def slug(store: Store) -> str:
    """A new entity, unique in the session, with a fresh slug."""
    name = f"ent-{secrets.token_hex(4)}"
    store.create_entity(
        name, nombre="Gobernación de Prueba", nit="800.000.000-1", did=f"did:web:localhost:{name}"
    )
    return name


@pytest.fixture
def empty_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """The URL of an empty database (a new SQLite file, a new PostgreSQL schema)."""
    if backend == "postgresql":
        request.getfixturevalue("postgres_schema_url")  # skips or fails without a server
        yield from _fresh_schema()
        return
    yield f"sqlite:///{tmp_path / 'empty.db'}"
