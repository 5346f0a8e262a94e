"""The demo runs end to end: issue → QR → verify (valid) → revoke → verify (revoked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.helpers import read_qr

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_and_shows_valid_then_revoked(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    verdicts = [line for line in result.stdout.splitlines() if line.startswith(("✔", "✘"))]
    assert len(verdicts) == 2
    assert verdicts[0].startswith("✔") and "VALID" in verdicts[0]
    assert verdicts[1].startswith("✘") and "INVALID" in verdicts[1]
    assert "status_revoked" in result.stdout.split(verdicts[1], 1)[1]
    png = ROOT / "out" / "svt-135-embebido.png"
    assert read_qr(Image.open(png)).startswith("VC1:")


def test_quickstart_and_revoke_scripts_run() -> None:
    for script, expected in (("quickstart.py", "valid"), ("revoke.py", "status_revoked")):
        result = subprocess.run(
            [sys.executable, str(ROOT / "examples" / script)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout
