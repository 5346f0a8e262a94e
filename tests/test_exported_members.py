"""The public API: exactly what ``vcred.__all__`` lists, each name documented."""

from __future__ import annotations

import vcred


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in dir(vcred) if not name.startswith("_")}
    submodules = {
        name for name in public if getattr(getattr(vcred, name), "__file__", None) is not None
    }
    assert set(vcred.__all__) - {"__version__"} == public - submodules


def test_every_exported_name_has_a_docstring() -> None:
    missing = [
        name
        for name in vcred.__all__
        if name != "__version__"
        and not isinstance(getattr(vcred, name), str | int)
        and not (getattr(vcred, name).__doc__ or "").strip()
    ]
    assert missing == []
