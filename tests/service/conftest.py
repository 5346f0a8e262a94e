"""Service fixtures: settings on a temporary DATA_DIR, a migrated database, the app and a client.

SQLite (a temporary file) by default; tests that take the ``backend`` parameter also run on the
PostgreSQL server of ``tests/db/conftest.py`` (a fresh schema per session).
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from issuer.app import create_app
from issuer.cli import main
from issuer.db import create_engine_for, migrate
from issuer.keystore import FileKeyStore
from issuer.settings import Settings
from issuer.store import Store
from tests.db.conftest import postgres_schema_url  # noqa: F401 - a fixture, used by name

TEST_SECRET_COST = 2**10
PASSPHRASE = "una frase de prueba, no secreta"
BASE_URL = "https://localhost:8000"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of a development deployment in a temporary DATA_DIR (SQLite)."""
    return {
        "VCRED_ISSUER_DEV": "1",
        "VCRED_ISSUER_DATA_DIR": str(tmp_path / "data"),
        "VCRED_ISSUER_KEY_PASSPHRASE": PASSPHRASE,
        "VCRED_ISSUER_PUBLIC_BASE_URL": "http://localhost:8000",
    }


@pytest.fixture
def settings(env: dict[str, str]) -> Settings:
    return Settings.from_env(env)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = create_engine_for(settings.database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> Store:
    return Store(engine, secret_cost=TEST_SECRET_COST)


@pytest.fixture
def keystore(settings: Settings) -> FileKeyStore:
    return FileKeyStore(settings)


@pytest.fixture
def app(settings: Settings, store: Store, keystore: FileKeyStore) -> FastAPI:
    return create_app(settings, store=store, keystore=keystore)


class AppClient:
    """A synchronous client that calls the ASGI app in process (httpx's ASGI transport).

    Each request runs in a fresh event loop; a server error comes back as the response the
    app sends (the 500 problem), as a real server would send it.
    """

    def __init__(self, app: FastAPI, base_url: str = BASE_URL) -> None:
        self.app = app
        self.base_url = base_url

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url=self.base_url) as client:
                response = await client.request(method, url, **options)
                await response.aread()
                return response

        return asyncio.run(send())

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)


@pytest.fixture
def client(app: FastAPI) -> AppClient:
    return AppClient(app)


@dataclass(frozen=True)
class CliResult:
    status: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def cli(env: dict[str, str]) -> Callable[..., CliResult]:
    """Run ``python -m issuer …`` in process with the test environment."""

    def run(*argv: str, environ: Mapping[str, str] | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        status = main(
            list(argv), environ=env if environ is None else environ, stdout=out, stderr=err
        )
        return CliResult(status, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def entity(cli: Callable[..., CliResult], engine: Engine) -> str:
    """A new entity with its first key, made through the CLI (its slug)."""
    result = cli(
        "entity", "create", "--slug", "gobernacion-putumayo",
        "--nombre", "Gobernación del Putumayo", "--nit", "800094164-4",
    )  # fmt: skip
    assert result.status == 0, result.stderr
    return "gobernacion-putumayo"
