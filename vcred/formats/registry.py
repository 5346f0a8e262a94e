"""An immutable registry of securing formats, detected in order."""

from __future__ import annotations

from collections.abc import Iterator

from vcred.errors import ErrorCode, UnsupportedError
from vcred.formats.base import Envelope, SecuringFormat
from vcred.formats.jose import VcJwtFormat, VcJwtLegacyFormat

__all__ = ["FormatRegistry", "default_formats"]


class FormatRegistry:
    """Formats by name; :meth:`detect` tries them in order. Build with :func:`default_formats`."""

    __slots__ = ("_formats",)

    def __init__(self, formats: tuple[SecuringFormat, ...]) -> None:
        self._formats = formats

    def __iter__(self) -> Iterator[SecuringFormat]:
        return iter(self._formats)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self._formats)

    def only(self, *names: str) -> FormatRegistry:
        """A copy holding only the named formats (unknown names are a usage error)."""
        unknown = set(names) - set(self.names)
        if unknown:
            raise UnsupportedError(
                f"unknown formats: {sorted(unknown)}", code=ErrorCode.UNKNOWN_FORMAT
            )
        return FormatRegistry(tuple(f for f in self._formats if f.name in names))

    def get(self, name: str) -> SecuringFormat:
        for fmt in self._formats:
            if fmt.name == name:
                return fmt
        raise UnsupportedError(f"format {name!r} is not allowed", code=ErrorCode.FORMAT_NOT_ALLOWED)

    def detect(self, envelope: Envelope) -> SecuringFormat:
        """The first format that recognises ``envelope``."""
        for fmt in self._formats:
            if fmt.matches(envelope):
                return fmt
        if envelope.header is None:
            raise UnsupportedError(
                "the input is not a credential format vcred knows", code=ErrorCode.UNKNOWN_FORMAT
            )
        raise UnsupportedError(
            f"the token type {envelope.header.get('typ')!r} is not an accepted credential format",
            code=ErrorCode.BAD_TYP,
        )


def default_formats() -> FormatRegistry:
    """A fresh registry of every format vcred verifies, in detection order."""
    return FormatRegistry((VcJwtFormat(), VcJwtLegacyFormat()))
