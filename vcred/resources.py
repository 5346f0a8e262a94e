"""Locate the data files shipped with vcred: trámite JSON Schemas, their index and JSON-LD context.

The files live in the repository's top-level ``schemas/`` folder. A wheel carries them inside the
package as ``vcred/_data/schemas`` (hatch ``force-include``); an editable install or a plain
checkout reads the top-level folder directly. :func:`schemas_root` prefers the packaged copy.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from vcred.errors import ErrorCode, UsageError, VcredError
from vcred.jsonutil import loads_bounded

__all__ = ["MAX_DATA_FILE_BYTES", "load_json", "read_bytes", "schemas_root"]

#: Shipped files are small; the cap only guards against a corrupted installation.
MAX_DATA_FILE_BYTES = 1024 * 1024

_INDEX = "index.json"


def schemas_root() -> Traversable:
    """The folder holding ``index.json``: packaged data first, else the checkout's ``schemas/``."""
    packaged = files("vcred") / "_data" / "schemas"
    if packaged.joinpath(_INDEX).is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "schemas"
    if (checkout / _INDEX).is_file():
        return checkout
    raise UsageError(
        "the trámite schemas are not installed (neither vcred/_data/schemas nor ./schemas)",
        code=ErrorCode.USAGE,
    )


def _child(root: Traversable, relative: str) -> Traversable:
    node = root
    for part in relative.split("/"):
        # Index entries name files below the root; refuse anything that could climb out of it.
        if part in ("", ".", "..") or "\\" in part:
            raise UsageError(f"invalid data file name {relative!r}")
        node = node / part
    return node


def read_bytes(relative: str, *, root: Traversable | None = None) -> bytes:
    """Read one data file named by a ``/``-separated path relative to :func:`schemas_root`."""
    node = _child(root if root is not None else schemas_root(), relative)
    try:
        data = node.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read data file {relative!r}: {exc.strerror}") from None
    if len(data) > MAX_DATA_FILE_BYTES:
        raise UsageError(f"data file {relative!r} is larger than {MAX_DATA_FILE_BYTES} bytes")
    return data


def load_json(relative: str, *, root: Traversable | None = None) -> object:
    """Parse one shipped JSON (or JSON-LD) data file with the bounded parser."""
    data = read_bytes(relative, root=root)
    try:
        parsed: object = loads_bounded(data, max_bytes=MAX_DATA_FILE_BYTES, what=relative)
    except VcredError as exc:
        raise UsageError(f"data file {relative!r} is not valid JSON: {exc.message}") from None
    return parsed
