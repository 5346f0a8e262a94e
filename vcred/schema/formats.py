"""Format assertions for trámite schemas: JSON Schema 2020-12 formats plus ``co-nit``."""

from __future__ import annotations

import functools
import re

from jsonschema import FormatChecker

__all__ = ["NIT_FORMAT", "format_checker", "is_valid_nit", "nit_format"]

#: Custom format name; validators that do not know it treat it as an annotation (JSON Schema §7.2).
NIT_FORMAT = "co-nit"

_NIT_RE = re.compile(r"[0-9]{6,10}-[0-9]", re.ASCII)
# DIAN's weights, applied from the rightmost digit of the number.
_NIT_WEIGHTS = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)


def is_valid_nit(value: str) -> bool:
    """True when ``value`` is ``digits-DV`` and DV is the DIAN modulo-11 check digit."""
    if not isinstance(value, str) or len(value) > _NIT_MAX:
        return False
    # The issuing entity's NIT is in every credential it issues: remember the answers.
    return _nit_ok(value)


_NIT_MAX = 12


@functools.lru_cache(maxsize=4096)
def _nit_ok(value: str) -> bool:
    if not _NIT_RE.fullmatch(value):
        return False
    number, check = value.split("-")
    total = sum(int(d) * w for d, w in zip(reversed(number), _NIT_WEIGHTS, strict=False))
    remainder = total % 11
    return int(check) == (remainder if remainder < 2 else 11 - remainder)


def nit_format(instance: object) -> bool:
    """The ``co-nit`` format assertion: non-strings pass (they are the ``type`` keyword's job)."""
    return not isinstance(instance, str) or is_valid_nit(instance)


def format_checker() -> FormatChecker:
    """A fresh checker with every available format asserted and ``co-nit`` added.

    A new instance each time: registering on it never touches jsonschema's shared checker.
    """
    checker = FormatChecker()
    checker.checks(NIT_FORMAT)(nit_format)
    return checker
