"""Bitstring Status List v1.0 bitstrings: bit order, statusSize, encoding and bounded decoding."""

from __future__ import annotations

import base64
import contextlib
import gzip
import struct
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcred.errors import ErrorCode, StatusListError, UsageError, VcredError
from vcred.status import MIN_ENTRIES, Bitstring, expand_encoded_list

SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _encoded_lists(vectors: Path) -> dict[str, str]:
    path = vectors / "bitstring-status-list" / "encodedLists.txt"
    rows = [line.split("\t") for line in path.read_text().splitlines() if line[:1] not in "#"]
    return {row[0]: row[1] for row in rows if len(row) >= 2}


def _gzip_bomb(uncompressed: int) -> bytes:
    """A real GZIP member of ``uncompressed`` zero bytes (a multiple of 1 MiB), built quickly.

    Each MiB is deflated once and ended with a full flush, which makes its bytes independent of
    what came before; the member repeats it and closes with the right CRC-32 and size.
    """
    mib = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    segment = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = uncompressed >> 20
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(mib, crc)
    body = segment * count + compressor.flush()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    return header + body + struct.pack("<II", crc, uncompressed & 0xFFFFFFFF)


# -- layout ---------------------------------------------------------------------------------


def test_a_new_list_has_the_spec_minimum_of_entries_all_unset() -> None:
    bits = Bitstring()
    assert len(bits) == MIN_ENTRIES == 131_072
    assert bits.to_bytes() == bytes(16_384)
    assert bits.get(0) == bits.get(131_071) == 0


def test_index_zero_is_the_most_significant_bit_of_the_first_byte() -> None:
    bits = Bitstring(16)
    bits.set(0, 1)
    assert bits.to_bytes() == b"\x80\x00"
    bits.set(7, 1)
    bits.set(8, 1)
    assert bits.to_bytes() == b"\x81\x80"
    bits.set(0, 0)
    assert bits.to_bytes() == b"\x01\x80"
    assert [bits.get(i) for i in range(16)] == [0] * 7 + [1, 1] + [0] * 7


def test_multi_bit_entries_start_at_index_times_status_size_most_significant_first() -> None:
    bits = Bitstring(4, status_size=2)
    bits.set(0, 0b10)
    bits.set(1, 0b11)
    assert bits.to_bytes() == bytes([0b1011_0000])
    assert (bits.get(0), bits.get(1), bits.get(2)) == (2, 3, 0)


def test_entries_may_straddle_a_byte_boundary() -> None:
    bits = Bitstring(8, status_size=3)  # 24 bits; entry 2 is bits 6..8
    bits.set(2, 0b101)
    assert bits.to_bytes() == bytes([0b0000_0010, 0b1000_0000, 0])
    assert [bits.get(i) for i in range(8)] == [0, 0, 5, 0, 0, 0, 0, 0]
    bits.set(2, 0)
    assert bits.to_bytes() == bytes(3)


@pytest.mark.parametrize("index", [-1, 16, 10**30])
def test_an_index_outside_the_list_is_out_of_range(index: int) -> None:
    bits = Bitstring(16)
    with pytest.raises(StatusListError) as get_error:
        bits.get(index)
    assert get_error.value.code == ErrorCode.STATUS_INDEX_OUT_OF_RANGE
    with pytest.raises(StatusListError) as set_error:
        bits.set(index, 1)
    assert set_error.value.code == ErrorCode.STATUS_INDEX_OUT_OF_RANGE


@pytest.mark.parametrize(("status_size", "value"), [(1, 2), (1, -1), (2, 4), (3, 8)])
def test_a_value_must_fit_in_status_size_bits(status_size: int, value: int) -> None:
    with pytest.raises(UsageError):
        Bitstring(8, status_size=status_size).set(0, value)


@pytest.mark.parametrize(
    ("length", "status_size"), [(7, 1), (3, 2), (8, 0), (8, -1), (-8, 1), (8, True)]
)
def test_lengths_must_fill_whole_bytes_and_sizes_be_positive(length: int, status_size: int) -> None:
    with pytest.raises(UsageError):
        Bitstring(length, status_size=status_size)


# -- encoding -------------------------------------------------------------------------------


def test_encode_is_multibase_base64url_of_gzip_and_matches_the_spec_example() -> None:
    text = Bitstring().encode()
    assert text == SPEC_EMPTY_LIST  # index.html "Example BitstringStatusListCredential"
    assert text.startswith("u") and "=" not in text
    assert gzip.decompress(base64.urlsafe_b64decode(text[1:] + "==")) == bytes(16_384)


def test_encode_is_deterministic() -> None:
    first, second = Bitstring(), Bitstring()
    for bits in (first, second):
        bits.set(94_567, 1)
    assert first.encode() == second.encode()
    assert Bitstring.decode(first.encode()).get(94_567) == 1


def test_decode_accepts_lists_with_or_without_the_u_prefix_and_with_padding() -> None:
    raw = base64.urlsafe_b64decode(SPEC_EMPTY_LIST[1:] + "==")
    for text in (SPEC_EMPTY_LIST, SPEC_EMPTY_LIST[1:], base64.urlsafe_b64encode(raw).decode()):
        assert Bitstring.decode(text).to_bytes() == bytes(16_384)


def test_decode_accepts_multi_member_gzip() -> None:
    raw = gzip.compress(bytes(8192), mtime=0) + gzip.compress(b"\x80" + bytes(8191), mtime=0)
    bits = Bitstring.decode(_b64url(raw))
    assert len(bits) == MIN_ENTRIES
    assert bits.get(65_536) == 1


def test_a_list_shorter_than_the_minimum_is_too_short() -> None:
    short = Bitstring(MIN_ENTRIES - 8)
    with pytest.raises(StatusListError) as error:
        Bitstring.decode(short.encode())
    assert error.value.code == ErrorCode.STATUS_LIST_TOO_SHORT
    assert len(Bitstring.decode(short.encode(), min_entries=MIN_ENTRIES - 8)) == MIN_ENTRIES - 8


def test_the_minimum_counts_entries_so_wider_statuses_need_longer_lists() -> None:
    # §3.2 step 9: the bitstring length *divided by statusSize* must reach the minimum.
    encoded = Bitstring().encode()  # 131,072 bits
    with pytest.raises(StatusListError) as error:
        Bitstring.decode(encoded, status_size=2)
    assert error.value.code == ErrorCode.STATUS_LIST_TOO_SHORT
    assert len(Bitstring.decode(Bitstring(status_size=2).encode(), status_size=2)) == MIN_ENTRIES


@pytest.mark.parametrize(
    "text",
    [
        "",
        "u",
        "not base64!",
        "uH4sI*",
        "uAAAA",  # base64 but not GZIP
        "u" + _b64url(b"\x1f\x8b\x08\x00garbage"),
        "u" + _b64url(gzip.compress(bytes(16_384), mtime=0)[:-6]),  # truncated
        "u" + _b64url(gzip.compress(bytes(16_384), mtime=0) + b"tail"),
        "u" + _b64url(gzip.compress(bytes(16_384), mtime=0)[:-8] + b"\0" * 8),  # bad CRC
        "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAAé",
    ],
    ids=[
        "empty",
        "prefix-only",
        "not-base64",
        "bad-char",
        "not-gzip",
        "bad-deflate",
        "truncated",
        "trailing-data",
        "bad-crc",
        "non-ascii",
    ],
)
def test_garbage_is_an_invalid_list(text: str) -> None:
    with pytest.raises(StatusListError) as error:
        Bitstring.decode(text, min_entries=0)
    assert error.value.code == ErrorCode.STATUS_LIST_INVALID


def test_the_size_cap_is_exact() -> None:
    encoded = Bitstring(16_384 * 8).encode()
    assert len(expand_encoded_list(encoded, max_bytes=16_384)) == 16_384
    with pytest.raises(StatusListError) as error:
        expand_encoded_list(encoded, max_bytes=16_383)
    assert error.value.code == ErrorCode.STATUS_LIST_TOO_LARGE


def test_text_too_long_to_be_a_list_within_the_cap_is_refused_before_decoding() -> None:
    with pytest.raises(StatusListError) as error:
        expand_encoded_list("u" + "A" * 100_000, max_bytes=1_000)
    assert error.value.code == ErrorCode.STATUS_LIST_TOO_LARGE


def test_a_gzip_bomb_is_refused_fast_and_without_big_memory() -> None:
    bomb = _gzip_bomb(1 << 30)  # 1 GiB of zeros in about 1 MiB
    assert len(bomb) < 2 << 20
    encoded = "u" + _b64url(bomb)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(StatusListError) as error:
            Bitstring.decode(encoded)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.value.code == ErrorCode.STATUS_LIST_TOO_LARGE
    assert elapsed < 2.0
    assert peak < 96 << 20  # the default cap is 16 MiB; the bomb is 1 GiB


def test_the_bomb_builder_makes_real_gzip() -> None:
    assert gzip.decompress(_gzip_bomb(4 << 20)) == bytes(4 << 20)


# -- published vectors ----------------------------------------------------------------------


@pytest.mark.vectors
def test_spec_example_list_has_131072_unset_entries(vectors: Path) -> None:
    bits = Bitstring.decode(_encoded_lists(vectors)["spec-16KB-all-zero"])
    assert len(bits) == 131_072
    assert bits.get(0) == bits.get(94_567) == bits.get(131_071) == 0
    with pytest.raises(StatusListError) as error:  # the spec's RANGE_ERROR
        bits.get(131_072)
    assert error.value.code == ErrorCode.STATUS_INDEX_OUT_OF_RANGE


@pytest.mark.vectors
@pytest.mark.parametrize(
    "name", ["db-100k-all-zero", "db-100k-bit50000-msb", "db-100k-bit50000-lsb-LEGACY"]
)
def test_100k_bit_library_lists_are_too_short_under_v1_rules(vectors: Path, name: str) -> None:
    encoded = _encoded_lists(vectors)[name]
    assert not encoded.startswith("u")  # StatusList2021 style, read tolerantly
    with pytest.raises(StatusListError) as error:
        Bitstring.decode(encoded)
    assert error.value.code == ErrorCode.STATUS_LIST_TOO_SHORT


@pytest.mark.vectors
@pytest.mark.parametrize(
    ("name", "set_indexes"),
    [
        ("db-100k-all-zero", []),
        ("db-100k-bit50000-msb", [50_000]),
        # The old least-significant-bit-first list: its one bit is index 50007, not 50000.
        ("db-100k-bit50000-lsb-LEGACY", [50_007]),
    ],
)
def test_100k_bit_lists_with_a_lowered_minimum(
    vectors: Path, name: str, set_indexes: list[int]
) -> None:
    bits = Bitstring.decode(_encoded_lists(vectors)[name], min_entries=100_000)
    assert len(bits) == 100_000
    assert [i for i in range(49_990, 50_010) if bits.get(i)] == set_indexes
    assert sum(bin(byte).count("1") for byte in bits.to_bytes()) == len(set_indexes)


# -- properties -----------------------------------------------------------------------------


@st.composite
def _bitstrings(draw: st.DrawFn) -> Bitstring:
    status_size = draw(st.sampled_from([1, 2, 3, 4, 8]))
    length = draw(st.integers(0, 512)) * 8
    bits = Bitstring(length, status_size=status_size)
    if length:
        for index in draw(st.lists(st.integers(0, length - 1), max_size=20)):
            bits.set(index, draw(st.integers(0, (1 << status_size) - 1)))
    return bits


@given(_bitstrings())
@settings(max_examples=150, deadline=None)
def test_encode_decode_round_trip(bits: Bitstring) -> None:
    decoded = Bitstring.decode(bits.encode(), status_size=bits.status_size, min_entries=0)
    assert decoded == bits
    assert [decoded.get(i) for i in range(len(bits))] == [bits.get(i) for i in range(len(bits))]


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_decoding_arbitrary_text_raises_only_vcred_errors(text: str) -> None:
    with contextlib.suppress(VcredError):
        Bitstring.decode(text, min_entries=0, max_bytes=4096)


@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_decoding_arbitrary_gzip_like_bytes_raises_only_vcred_errors(data: bytes) -> None:
    for raw in (data, b"\x1f\x8b\x08\x00" + data, gzip.compress(data)[: len(data) // 2 + 10]):
        with contextlib.suppress(VcredError):
            Bitstring.decode("u" + _b64url(raw), min_entries=0, max_bytes=4096)
