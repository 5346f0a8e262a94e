"""The benchmark runs and ends with one JSON line carrying every figure the issue names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIGURES = {
    "issue_per_s",
    "raw_sign_per_s",
    "issue_ratio",
    "verify_per_s",
    "raw_verify_per_s",
    "verify_ratio",
    "qr_embedded_version",
}


@pytest.mark.slow
def test_bench_prints_ratios_and_a_json_line() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench.py"), "--n", "200"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures.keys() >= FIGURES
    assert (
        0 < figures["issue_ratio"] == round(figures["issue_per_s"] / figures["raw_sign_per_s"], 3)
    )
    assert figures["verify_ratio"] > 0
    assert figures["qr_embedded_version"] <= 19
