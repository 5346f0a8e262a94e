"""The README's quick start runs as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_quick_start_issues_and_verifies() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    assert len([ln for ln in code.group(1).splitlines() if ln.strip()]) <= 12  # "about ten lines"
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "README quick start", "exec"), namespace)  # noqa: S102
    assert namespace["result"].verified  # type: ignore[attr-defined]
