"""Bounded JSON: every document vcred reads goes through :func:`loads_bounded`.

Reading is strict (RFC 8259 / RFC 7515 §5.2): no ``NaN``/``Infinity``, no duplicate member names,
a size cap and a nesting cap. The fast path parses with ``orjson`` and accepts the result only
when serialising it again gives back the exact input bytes — then nothing can have been dropped
(no duplicate members) or altered (no big integers turned into floats). Anything else (pretty
printed, escaped, unusual numbers, malformed) takes the reference path through the standard
library, which also produces the precise error.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from vcred.errors import ErrorCode, InvalidInputError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "check_depth",
    "dumps_bytes",
    "dumps_compact",
    "loads_bounded",
]

DEFAULT_MAX_BYTES = 256 * 1024
DEFAULT_MAX_DEPTH = 32
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


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
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def _reference_loads(raw: bytes, what: str) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{what} is not UTF-8", code=ErrorCode.MALFORMED_JSON) from None
    try:
        value = json.loads(text, object_pairs_hook=_unique_object, parse_constant=_reject_constant)
        if _SURROGATE_ESCAPE.search(text):
            # RFC 7493 §2.1 / RFC 8259 §8.2: an escaped lone surrogate is not a character.
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value
    except UnicodeEncodeError:
        raise InvalidInputError(
            f"{what} holds an unpaired surrogate", code=ErrorCode.MALFORMED_JSON
        ) from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{what} is not valid JSON: {exc.msg}", code=ErrorCode.MALFORMED_JSON
        ) from None
    except RecursionError:
        raise InvalidInputError(
            f"{what} nests too deeply", code=ErrorCode.NESTING_TOO_DEEP
        ) from None


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
    if isinstance(data, str):
        try:
            raw = data.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates
            raise InvalidInputError(f"{what} is not UTF-8", code=ErrorCode.MALFORMED_JSON) from None
        if len(raw) > max_bytes:  # the cap is in bytes; characters can be up to four each
            raise InvalidInputError(
                f"{what} is larger than {max_bytes} bytes", code=ErrorCode.INPUT_TOO_LARGE
            )
    else:
        raw = bytes(data)
    try:
        value = orjson.loads(raw)
        canonical = orjson.dumps(value) == raw
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        canonical = False
    if not canonical:
        value = _reference_loads(raw, what)
    if raw.count(b"[") + raw.count(b"{") > max_depth:  # cheap: only walk documents that could
        check_depth(value, max_depth)
    return value


def dumps_compact(value: object) -> str:
    """Compact, UTF-8-preserving JSON text (no spaces), as signed payloads use."""
    return dumps_bytes(value).decode("utf-8")


def dumps_bytes(value: object) -> bytes:
    """Compact UTF-8 JSON bytes: ``orjson`` where it can, the standard library where it cannot
    (integers beyond 64 bits). The output always parses back to an equal value."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
