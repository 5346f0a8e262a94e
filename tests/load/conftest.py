"""Load fixtures: the issuer as real ``python -m issuer serve`` processes, and client processes.

The server runs in a process group of its own (``start_new_session``) so that the crash test can
SIGKILL the supervisor and every uvicorn worker at once. Its output goes to a log file (a pipe
would fill up under load). Entities and clients are made with ``python -m issuer … --json``.
Helpers used by client processes live here at module level so that ``spawn`` can import them.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from tests.db.conftest import postgres_schema_url  # noqa: F401 - a fixture, used by name

PASSPHRASE = "una frase de prueba, no secreta"
TRAMITE = "SVT-135"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load_env(data_dir: Path, port: int, database_url: str | None = None) -> dict[str, str]:
    """The ``VCRED_ISSUER_*`` environment of a development deployment on ``port``."""
    env = {
        "VCRED_ISSUER_DEV": "1",
        "VCRED_ISSUER_DATA_DIR": str(data_dir),
        "VCRED_ISSUER_KEY_PASSPHRASE": PASSPHRASE,
        "VCRED_ISSUER_PUBLIC_BASE_URL": f"http://localhost:{port}",
    }
    if database_url is not None:
        env["VCRED_ISSUER_DATABASE_URL"] = database_url
    return env


def issuer_cli(env: Mapping[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m issuer --json …`` as a process."""
    return subprocess.run(
        [sys.executable, "-m", "issuer", "--json", *argv],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass(frozen=True)
class Deployment:
    """An entity and an issue+status client of it (made through the CLI)."""

    slug: str
    did: str
    client_id: str
    secret: str

    @property
    def auth(self) -> str:
        raw = base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()
        return f"Basic {raw}"


def create_deployment(env: Mapping[str, str], slug: str) -> Deployment:
    """Migrate, create ``slug`` with its key and an issue+status client for SVT-135."""
    for argv in (
        ("migrate",),
        ("entity", "create", "--slug", slug, "--nombre", "Gobernación de Carga",
         "--nit", "800094164-4"),
    ):  # fmt: skip
        done = issuer_cli(env, *argv)
        assert done.returncode == 0, done.stdout + done.stderr
    did = f"did:web:{env['VCRED_ISSUER_PUBLIC_BASE_URL'].split('://')[1].replace(':', '%3A')}"
    did += f":entidades:{slug}"
    done = issuer_cli(
        env, "client", "create", "--entity", slug, "--scopes", "issue,status", "--tramites", TRAMITE
    )
    assert done.returncode == 0, done.stdout + done.stderr
    made = json.loads(done.stdout)
    return Deployment(slug, did, made["clientId"], made["clientSecret"])


class Server:
    """``python -m issuer serve`` on 127.0.0.1 in its own process group."""

    def __init__(self, env: Mapping[str, str], port: int, log: Path, workers: int = 1) -> None:
        self.env = dict(env)
        self.port = port
        self.log = log
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        argv = [sys.executable, "-m", "issuer", "serve", "--host", "127.0.0.1",
                "--port", str(self.port), "--workers", str(self.workers)]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                argv,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        up = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if httpx.get(f"{self.origin}/salud", timeout=2, trust_env=False).is_success:
                    up += 1
                    if up >= 3:  # a few answers: the workers are taking connections
                        return
                    continue
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        pytest.fail(f"the server did not answer at {self.origin}/salud:\n{self.tail()}")

    def tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL the supervisor and every worker (its process group): a crash."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._wait_group_gone()

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL what is left of the group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=30)
        self._wait_group_gone()

    def _wait_group_gone(self, timeout: float = 10.0) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Any]:
    """Make :class:`Server` objects; every one is stopped at the end of the test."""
    servers: list[Server] = []

    def make(env: Mapping[str, str], port: int, workers: int = 1) -> Server:
        server = Server(env, port, tmp_path / f"server-{len(servers)}.log", workers)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


# -- what client processes send -------------------------------------------------------------


def claims(worker: int, n: int, today: str) -> dict[str, Any]:
    """Distinct, deterministic SVT-135 claims for request ``n`` of ``worker``."""
    return {
        "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "tipoDocumento": "CC",
        "numeroDocumento": f"{10_000_000 + worker * 100_000 + n}",
        "nombres": "María Fernanda",
        "apellidos": "Jamioy Chindoy",
        "entidad": {
            "nombre": "Gobernación del Putumayo",
            "nit": "800094164-4",
            "codigoDane": "86001",
        },
        "numeroCertificado": f"PYS-2026-{worker:02d}{n:05d}",
        "concepto": "IMPUESTO_VEHICULOS_AUTOMOTORES",
        "vigencia": 2026,
        "placa": "OQJ12F",
        "fechaExpedicion": today,
        "fechaVencimiento": "2026-12-31",
    }


def token_of(answer: Mapping[str, Any]) -> str:
    return str(answer["verifiableCredential"]["id"]).removeprefix("data:application/vc+jwt,")


def status_entries(token: str) -> list[dict[str, Any]]:
    """The ``credentialStatus`` entries of a ``vc+jwt`` (read without checking the signature)."""
    status = jwt.decode(token, options={"verify_signature": False})["credentialStatus"]
    return list(status) if isinstance(status, list) else [status]
