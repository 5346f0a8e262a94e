"""``python -m issuer.demo --once`` as a real process: the main job of issue #3 (item 8).

It migrates, creates the demo entity and client on first start (reusing them afterwards),
serves the issuer over HTTP, issues a sample SVT-135 certificate through the API, verifies it
with vcred against the running server and writes the embedded QR as a PNG.
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import read_qr
from vcred.qr import decode_embedded, is_embedded_payload

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")

SLUG = "gobernacion-putumayo"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class DemoRun:
    status: int
    stdout: str
    stderr: str

    def png(self) -> Path:
        found = re.search(r"\(PNG\): (.+\.png)$", self.stdout, re.MULTILINE)
        assert found, self.stdout
        return Path(found.group(1))

    def credential_id(self) -> str:
        found = re.search(r"\(SVT-135\): (urn:uuid:[0-9a-f-]{36})$", self.stdout, re.MULTILINE)
        assert found, self.stdout
        return found.group(1)


@dataclass(frozen=True)
class DemoRunner:
    """Runs ``python -m issuer.demo --once`` in ``cwd`` with its own DATA_DIR and port."""

    port: int
    data_dir: Path
    cwd: Path

    def __call__(self) -> DemoRun:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VCRED_ISSUER_")}
        env.update({"VCRED_ISSUER_DATA_DIR": str(self.data_dir), "PYTHONIOENCODING": "utf-8"})
        completed = subprocess.run(
            [sys.executable, "-m", "issuer.demo", "--once", "--port", str(self.port)],
            cwd=self.cwd,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
            check=False,
        )
        return DemoRun(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def run_demo(tmp_path: Path) -> DemoRunner:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    # The same port for every run: the entity's did:web names it.
    return DemoRunner(port=_free_port(), data_dir=tmp_path / "data", cwd=cwd)


def _check_run(result: DemoRun, port: int, cwd: Path) -> None:
    assert result.status == 0, result.stdout + result.stderr
    out = result.stdout
    base = f"http://localhost:{port}"
    assert f"{base}\n" in out
    assert f"{base}/docs" in out
    assert f"{base}/entidades/{SLUG}/did.json" in out
    assert f"did:web:localhost%3A{port}:entidades:{SLUG}" in out
    assert f"{base}/entidades/{SLUG}/estado/revocacion/1" in out
    assert "verdict: válido / valid" in out
    assert re.search(rf"{re.escape(base)}/v/[A-Za-z0-9_-]{{22,}}", out)  # the linked QR's URL
    assert "█" in out  # the linked QR drawn in the terminal

    png = result.png()
    assert png.is_file()
    assert png.parent == (cwd / "out").resolve()
    payload = read_qr(Image.open(png))
    assert payload.startswith("VC1:")
    assert is_embedded_payload(payload)
    assert decode_embedded(payload).count(".") == 2  # a compact JWS (the vc+jwt)


def test_first_start_creates_the_entity_and_a_second_start_reuses_it(
    run_demo: DemoRunner,
) -> None:
    first = run_demo()
    _check_run(first, run_demo.port, run_demo.cwd)
    assert "demo entity created" in first.stdout
    client_file = run_demo.data_dir / "demo-client.json"
    assert stat.S_IMODE(client_file.stat().st_mode) == 0o600
    saved = json.loads(client_file.read_text(encoding="utf-8"))
    # The client secret stays in the file: never on the screen.
    assert saved["clientSecret"] not in first.stdout + first.stderr
    assert "PRIVATE KEY" not in first.stdout + first.stderr

    second = run_demo()  # no duplicate entity: it is found and reused
    _check_run(second, run_demo.port, run_demo.cwd)
    assert "demo entity reused" in second.stdout
    assert json.loads(client_file.read_text(encoding="utf-8")) == saved  # the same client
    assert saved["clientId"] in second.stdout
    assert second.credential_id() != first.credential_id()
    assert second.png() != first.png()
