"""``python -m issuer serve`` as a real process: dual stack by default (IPv4 and IPv6)."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from issuer.cli import main
from issuer.server import bind_socket

pytestmark = pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6 support in this Python")


def _free_port() -> int:
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        probe.bind(("::", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"the server exited with {process.returncode}:\n{output}")
        try:
            if httpx.get(url, timeout=1, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer at {url}")


@pytest.fixture(params=[1, 2], ids=["one-worker", "two-workers"])
def server(request: pytest.FixtureRequest, env: dict[str, str]) -> Iterator[int]:
    workers = str(request.param)
    assert main(["migrate"], environ=env) == 0
    created = main(
        ["entity", "create", "--slug", "gob", "--nombre", "Gobernación", "--nit", "800094164-4"],
        environ=env,
        stdout=io.StringIO(),
    )
    assert created == 0
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "issuer", "serve", "--port", str(port), "--workers", workers],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/salud", process, time.monotonic() + 30)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def test_the_default_bind_serves_ipv4_and_ipv6(server: int) -> None:
    for host in ("127.0.0.1", "[::1]"):
        response = httpx.get(f"http://{host}:{server}/salud", timeout=5, trust_env=False)
        assert response.status_code == 200
        assert response.json()["estado"] == "ok"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "server" not in response.headers  # no version advertised


def test_every_worker_answers_from_the_same_database(server: int) -> None:
    # State lives in the database: whichever worker answers, the document is the same.
    with httpx.Client(base_url=f"http://127.0.0.1:{server}", trust_env=False) as client:
        etags = set()
        for _ in range(8):
            # A new connection each time, so the kernel may hand it to any worker.
            response = client.get("/entidades/gob/did.json", headers={"Connection": "close"})
            assert response.status_code == 200
            etags.add(response.headers["etag"])
    assert len(etags) == 1


def test_the_unspecified_address_is_dual_stack_and_a_specific_one_is_not() -> None:
    dual = bind_socket("::", 0)
    only_v6 = bind_socket("::1", 0)
    v4 = bind_socket("127.0.0.1", 0)
    try:
        assert dual.family == socket.AF_INET6
        assert dual.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 0
        assert only_v6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 1
        assert v4.family == socket.AF_INET
    finally:
        for sock in (dual, only_v6, v4):
            sock.close()
