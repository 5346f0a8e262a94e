"""Bounded JSON parsing: every document vcred reads goes through :func:`loads_bounded`."""

from __future__ import annotations

import json
from typing import Any

from vcred.errors import ErrorCode, InvalidInputError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "check_depth",
    "dumps_compact",
    "loads_bounded",
]

DEFAULT_MAX_BYTES = 256 * 1024
DEFAULT_MAX_DEPTH = 32


def _reject_constant(name: str) -> None:
    raise InvalidInputError(f"JSON constant {name} is not allowed", code=ErrorCode.MALFORMED_JSON)


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            # RFC 7515 §5.2 / RFC 8259: duplicate member names are ambiguous; refuse them.
            raise InvalidInputError(f"duplicate JSON member {key!r}", code=ErrorCode.MALFORMED_JSON)
        result[key] = value
    return result


def check_depth(value: object, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
    """Raise ``nesting_too_deep`` when ``value`` nests objects/arrays beyond ``max_depth``."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            raise InvalidInputError(
                f"JSON nested deeper than {max_depth} levels", code=ErrorCode.NESTING_TOO_DEEP
            )
        stack.extend((child, depth + 1) for child in children)


def _cheap_depth(text: str, max_depth: int) -> None:
    # A bracket count before json.loads, so a 100k-deep array never reaches the recursive parser.
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                raise InvalidInputError(
                    f"JSON nested deeper than {max_depth} levels", code=ErrorCode.NESTING_TOO_DEEP
                )
        elif char in "]}":
            depth -= 1


def loads_bounded(
    data: bytes | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    what: str = "JSON document",
) -> Any:
    """Parse JSON with a size cap, a nesting cap, no NaN/Infinity and no duplicate members."""
    if len(data) > max_bytes:
        raise InvalidInputError(
            f"{what} is larger than {max_bytes} bytes", code=ErrorCode.INPUT_TOO_LARGE
        )
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise InvalidInputError(f"{what} is not UTF-8", code=ErrorCode.MALFORMED_JSON) from None
    if text.count("[") + text.count("{") > max_depth:
        _cheap_depth(text, max_depth)
    try:
        return json.loads(text, object_pairs_hook=_unique_object, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{what} is not valid JSON: {exc.msg}", code=ErrorCode.MALFORMED_JSON
        ) from None
    except RecursionError:
        raise InvalidInputError(
            f"{what} nests too deeply", code=ErrorCode.NESTING_TOO_DEEP
        ) from None


def dumps_compact(value: object) -> str:
    """Compact, UTF-8-preserving JSON (no spaces), as signed payloads use."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
