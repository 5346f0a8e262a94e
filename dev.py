#!/usr/bin/env python3
"""Project tasks on a fresh machine that has only Python 3.11+.

    python3 dev.py run     set up, then the issuer service with a demo entity (until Ctrl-C)
    python3 dev.py test    set up, then format check, lint, type check and the whole test suite
    python3 dev.py bench   set up, then the benchmark (prints ratios and one JSON line)
    python3 dev.py setup   only create .venv and install the project with its dev extra

Set-up is idempotent: .venv is created once and reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".install-stamp"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def setup() -> None:
    """Create the virtualenv and install the project (editable) with its dev extra."""
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    pip = (PYTHON, "-m", "pip", "--disable-pip-version-check", "-q")
    _run(*pip, "install", "--upgrade", "pip")
    _run(*pip, "install", "-e", ".[dev]")
    STAMP.write_text(digest)


def test() -> None:
    setup()
    _run(PYTHON, "-m", "ruff", "format", "--check", ".")
    _run(PYTHON, "-m", "ruff", "check", ".")
    _run(PYTHON, "-m", "mypy")
    _run(PYTHON, "-m", "pytest", *sys.argv[2:])


def run() -> None:
    """Set up, then the issuer service demo (``python -m issuer.demo``) until Ctrl-C."""
    setup()
    args = [str(PYTHON), "-m", "issuer.demo", *sys.argv[2:]]
    print("+", " ".join(args), flush=True)
    process = subprocess.Popen(args, cwd=ROOT)
    while True:
        try:
            status = process.wait()
            break
        except KeyboardInterrupt:
            continue  # Ctrl-C reached the demo too; let it shut its server down cleanly
    if status != 0:
        sys.exit(status if status > 0 else 128 - status)


def bench() -> None:
    setup()
    _run(PYTHON, "bench/bench.py", *sys.argv[2:])


TASKS = {"setup": setup, "test": test, "run": run, "bench": bench}

if __name__ == "__main__":
    task = sys.argv[1] if len(sys.argv) > 1 else ""
    if task not in TASKS:
        sys.exit(__doc__)
    TASKS[task]()
