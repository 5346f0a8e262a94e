"""Shared fixtures: where the published test vectors live, and a fixed clock."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

_DEFAULT_VECTORS = Path(__file__).resolve().parents[1].parent / "shared" / "vectors"


def _vectors_root() -> Path:
    return Path(os.environ.get("VCRED_VECTORS", str(_DEFAULT_VECTORS)))


@pytest.fixture(scope="session")
def vectors() -> Path:
    """The ``shared/vectors`` folder; skips (fails under ``CI=true``) when it is absent."""
    root = _vectors_root()
    if not root.is_dir():
        message = f"published test vectors not found at {root} (set VCRED_VECTORS)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return root


@pytest.fixture
def fixed_now() -> datetime:
    """A fixed instant for tests whose outcome depends on the clock."""
    return datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
