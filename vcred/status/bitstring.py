"""The bitstring of a Bitstring Status List and its GZIP + multibase encoding.

Bitstring Status List v1.0 §2.2 (``encodedList``) and §3.3/§3.4 (generation and expansion):
index 0 is the left-most, most significant bit of the first byte; an entry of ``statusSize``
bits starts at bit ``index * statusSize`` and its first bit is the most significant bit of its
value. The writer is strict (``"u"`` + base64url without padding of a deterministic GZIP); the
reader is tolerant (with or without the ``u`` prefix, padded or not) but bounded: decompression
streams with an output cap, so a decompression bomb is refused after ``max_bytes`` bytes.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import zlib

from vcred.errors import ErrorCode, StatusListError, UsageError

__all__ = [
    "DEFAULT_MAX_LIST_BYTES",
    "MIN_ENTRIES",
    "Bitstring",
    "compress_bitstring",
    "expand_encoded_list",
    "read_status",
]

#: §3.2 step 2: ``minimumNumberOfEntries`` is 131,072 unless an ecosystem sets a lower bound.
MIN_ENTRIES = 131_072
#: Largest decompressed bitstring accepted by default (16 MiB = 134,217,728 one-bit entries).
DEFAULT_MAX_LIST_BYTES = 16 * 1024 * 1024

# GZIP member header (RFC 1952 §2.3): deflate, no flags, MTIME 0, XFL 0, OS 3 (Unix). Fixed so
# that the same bits always give the same text, whatever the platform or the clock.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
_GZIP_MAGIC = b"\x1f\x8b"
_BASE64_TEXT = re.compile(r"[A-Za-z0-9_\-+/]*={0,2}")
_CHUNK = 64 * 1024


def compress_bitstring(data: bytes | bytearray) -> str:
    """GZIP ``data`` and multibase-encode it as base64url without padding (§3.3 step 3)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated = compressor.compress(bytes(data)) + compressor.flush()
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    raw = _GZIP_HEADER + deflated + trailer
    return "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _invalid(message: str) -> StatusListError:
    return StatusListError(message, code=ErrorCode.STATUS_LIST_INVALID)


def _too_large(max_bytes: int) -> StatusListError:
    return StatusListError(
        f"status list decompresses to more than {max_bytes} bytes",
        code=ErrorCode.STATUS_LIST_TOO_LARGE,
    )


def _base64_decode(encoded: str) -> bytes:
    # Tolerant reader: the multibase "u" prefix is optional (StatusList2021 lists lack it), and
    # padding or the standard alphabet are accepted; anything else is not base64 at all.
    text = encoded[1:] if encoded.startswith("u") else encoded
    if not _BASE64_TEXT.fullmatch(text):
        raise _invalid("encodedList is not base64url text")
    text = text.rstrip("=")
    if len(text) % 4 == 1:
        raise _invalid("encodedList has an impossible base64 length")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise _invalid("encodedList is not base64url text") from None


def _gunzip_bounded(raw: bytes, max_bytes: int) -> bytes:
    if not raw.startswith(_GZIP_MAGIC):
        raise _invalid("encodedList is not GZIP data")
    out = bytearray()
    pending = raw
    # RFC 1952 §2.2: a GZIP file is a series of members; each one is expanded under the same cap.
    while pending:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = pending
        while not decompressor.eof:
            room = max_bytes - len(out) + 1  # one byte more than allowed reveals a bomb
            try:
                chunk = decompressor.decompress(data, min(room, _CHUNK))
            except zlib.error:
                raise _invalid("encodedList is not valid GZIP data") from None
            out += chunk
            if len(out) > max_bytes:
                raise _too_large(max_bytes)
            data = decompressor.unconsumed_tail
            if not chunk and not data and not decompressor.eof:
                raise _invalid("encodedList GZIP data is truncated")
        pending = decompressor.unused_data
        if pending and not pending.startswith(_GZIP_MAGIC):
            raise _invalid("encodedList has trailing data after GZIP")
    return bytes(out)


def expand_encoded_list(encoded: str, *, max_bytes: int = DEFAULT_MAX_LIST_BYTES) -> bytes:
    """Multibase-decode and GZIP-expand an ``encodedList`` (§3.4), never beyond ``max_bytes``.

    Raises ``StatusListError`` with ``STATUS_LIST_INVALID`` (not base64url/GZIP) or
    ``STATUS_LIST_TOO_LARGE`` (a decompression bomb, or text too long to be a list that size).
    """
    if not isinstance(encoded, str):
        raise _invalid("encodedList must be a string")
    # GZIP never grows data by more than a few bytes per 16 kB block, so longer text is hostile.
    if len(encoded) > (max_bytes + max_bytes // 64 + 1024) * 4 // 3 + 4:
        raise _too_large(max_bytes)
    try:
        encoded.encode("ascii")
    except UnicodeEncodeError:
        raise _invalid("encodedList is not ASCII text") from None
    return _gunzip_bounded(_base64_decode(encoded), max_bytes)


def read_status(data: bytes | bytearray, *, index: int, status_size: int = 1) -> int:
    """The ``status_size``-bit value at entry ``index`` of raw bitstring bytes (§2.2, §6.1).

    The caller checks the range; the left-most bit of the entry is its most significant bit.
    """
    if status_size == 1:
        return (data[index >> 3] >> (7 - (index & 7))) & 1
    start = index * status_size
    end = start + status_size
    first, last = start >> 3, (end + 7) >> 3
    chunk = int.from_bytes(data[first:last], "big")
    return (chunk >> (last * 8 - end)) & ((1 << status_size) - 1)


class Bitstring:
    """A mutable status bitstring of ``length`` entries of ``status_size`` bits (§2.2).

    ``length`` counts entries, so the list holds ``length * status_size`` bits; that product must
    be a whole number of bytes. New lists are all zeros (every status unset).
    """

    __slots__ = ("_bits", "_length", "_status_size")

    def __init__(self, length: int = MIN_ENTRIES, *, status_size: int = 1) -> None:
        _check_status_size(status_size)
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise UsageError("length must be a non-negative integer")
        if (length * status_size) % 8:
            raise UsageError("length * status_size must be a multiple of 8 bits")
        self._length = length
        self._status_size = status_size
        self._bits = bytearray(length * status_size // 8)

    @classmethod
    def from_bytes(cls, data: bytes | bytearray, *, status_size: int = 1) -> Bitstring:
        """Wrap raw (uncompressed) bitstring bytes; trailing bits short of an entry are kept."""
        _check_status_size(status_size)
        bitstring = cls.__new__(cls)
        bitstring._bits = bytearray(data)
        bitstring._length = len(data) * 8 // status_size
        bitstring._status_size = status_size
        return bitstring

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        status_size: int = 1,
        min_entries: int = MIN_ENTRIES,
        max_bytes: int = DEFAULT_MAX_LIST_BYTES,
    ) -> Bitstring:
        """Read an ``encodedList`` (§3.4), with or without the multibase ``u`` prefix.

        §3.2 step 9: fewer than ``min_entries`` entries of ``status_size`` bits raises
        ``STATUS_LIST_TOO_SHORT`` (the spec's STATUS_LIST_LENGTH_ERROR).
        """
        _check_status_size(status_size)
        data = expand_encoded_list(encoded, max_bytes=max_bytes)
        if len(data) * 8 // status_size < min_entries:
            raise StatusListError(
                f"status list has fewer than {min_entries} entries",
                code=ErrorCode.STATUS_LIST_TOO_SHORT,
            )
        return cls.from_bytes(data, status_size=status_size)

    def encode(self) -> str:
        """The strict ``encodedList``: ``"u"`` + base64url (no padding) of GZIP (§2.2, §3.3)."""
        return compress_bitstring(self._bits)

    @property
    def length(self) -> int:
        """Number of entries."""
        return self._length

    @property
    def status_size(self) -> int:
        """Bits per entry (``statusSize``)."""
        return self._status_size

    def __len__(self) -> int:
        return self._length

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring."""
        return bytes(self._bits)

    def _check_index(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise UsageError("index must be an integer")
        if not 0 <= index < self._length:
            raise StatusListError(
                f"index {index} is outside the list of {self._length} entries",
                code=ErrorCode.STATUS_INDEX_OUT_OF_RANGE,
            )

    def get(self, index: int) -> int:
        """The status value of entry ``index`` (0 means unset)."""
        self._check_index(index)
        return read_status(self._bits, index=index, status_size=self._status_size)

    def set(self, index: int, value: int) -> None:
        """Set entry ``index`` to ``value`` (``0 ≤ value < 2**status_size``)."""
        self._check_index(index)
        size = self._status_size
        if not isinstance(value, int) or not 0 <= value < (1 << size):
            raise UsageError(f"status value must be an integer in [0, {1 << size})")
        bits = self._bits
        if size == 1:
            mask = 0x80 >> (index & 7)
            if value:
                bits[index >> 3] |= mask
            else:
                bits[index >> 3] &= ~mask & 0xFF
            return
        start = index * size
        end = start + size
        first, last = start >> 3, (end + 7) >> 3
        shift = last * 8 - end
        chunk = int.from_bytes(bits[first:last], "big")
        chunk = (chunk & ~(((1 << size) - 1) << shift)) | (value << shift)
        bits[first:last] = chunk.to_bytes(last - first, "big")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Bitstring):
            return NotImplemented
        return (self._length, self._status_size, self._bits) == (
            other._length,
            other._status_size,
            other._bits,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Bitstring(length={self._length}, status_size={self._status_size})"


def _check_status_size(status_size: int) -> None:
    # §2.1: statusSize MUST be an integer greater than zero.
    if isinstance(status_size, bool) or not isinstance(status_size, int) or status_size < 1:
        raise UsageError("status_size must be a positive integer")
