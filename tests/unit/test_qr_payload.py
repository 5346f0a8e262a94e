"""Embedded and linked QR payloads (vcred.qr.payload), base45 (RFC 9285) and the dictionaries."""

from __future__ import annotations

import contextlib
import hashlib
import json
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcred.errors import ErrorCode, QrError, UsageError
from vcred.keys import b64url_encode
from vcred.qr import (
    decode_embedded,
    encode_embedded,
    is_embedded_payload,
    linked_payload,
    new_share_token,
    parse_linked_payload,
    qr_version,
)
from vcred.qr.base45 import ALPHABET, b45decode, b45encode
from vcred.qr.dictionary import DICTIONARY_V1, dictionary

# -- helpers ----------------------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _jws(header: object, payload: object, signature: bytes) -> str:
    parts = [json.dumps(header).encode(), json.dumps(payload).encode(), signature]
    return ".".join(b64url_encode(part) for part in parts)


@st.composite
def jws_tokens(draw: st.DrawFn) -> str:
    header = {"alg": "EdDSA", "kid": draw(st.text(max_size=40)), "typ": "vc+jwt"}
    return _jws(header, draw(json_values), draw(st.binary(min_size=64, max_size=64)))


def _frame_payload(frame: bytes, version: int = 1) -> str:
    return f"VC{version}:{b45encode(frame)}"


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=DICTIONARY_V1)
    return compressor.compress(data) + compressor.flush()


SAMPLE = _jws(
    {"alg": "EdDSA", "kid": "did:web:example.gov.co#key-1", "typ": "vc+jwt", "cty": "vc"},
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:example.gov.co",
        "credentialSubject": {"nombres": "Ana"},
    },
    bytes(range(64)),
)


# -- base45 (RFC 9285) ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
    ],
)
def test_base45_matches_the_rfc_9285_examples(raw: bytes, text: str) -> None:
    assert b45encode(raw) == text
    assert b45decode(text) == raw


@pytest.mark.parametrize("text", ["GGW", "A", "ABCD", "a00", "ZZ", "00\n", "é00"])
def test_base45_refuses_invalid_or_non_canonical_text(text: str) -> None:
    # GGW = 65536 and ZZ = 1610 are beyond two bytes / one byte (RFC 9285 §4.2).
    with pytest.raises(QrError) as info:
        b45decode(text)
    assert info.value.code == ErrorCode.QR_PAYLOAD_INVALID


@given(st.binary(max_size=300))
def test_base45_round_trips_and_uses_only_qr_alphanumeric_characters(data: bytes) -> None:
    text = b45encode(data)
    assert set(text) <= set(ALPHABET)
    assert b45decode(text) == data


@given(st.text(max_size=60))
def test_base45_decoder_raises_only_qr_errors(text: str) -> None:
    with contextlib.suppress(QrError):
        b45decode(text)


@pytest.mark.vectors
def test_base45_matches_the_eu_dcc_test_data(vectors: Path) -> None:
    folder = vectors / "health-cards" / "eu-dcc" / "common" / "2DCode" / "raw"
    checked = 0
    for path in sorted(folder.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        expected = case.get("EXPECTEDRESULTS", {}).get("EXPECTEDB45DECODE")
        if "BASE45" not in case or "COMPRESSED" not in case:
            continue
        if expected is False:
            with pytest.raises(QrError):
                b45decode(case["BASE45"])
        else:
            assert b45decode(case["BASE45"]) == bytes.fromhex(case["COMPRESSED"]), path.name
            assert b45encode(bytes.fromhex(case["COMPRESSED"])) == case["BASE45"], path.name
        checked += 1
    assert checked >= 5


# -- dictionaries -----------------------------------------------------------------------------
def test_published_dictionary_v1_never_changes() -> None:
    # Payloads printed on paper must decode forever: add a version, never edit one.
    assert hashlib.sha256(dictionary(1)).hexdigest() == (
        "b558d6a026dac556a98d58fc932463db7edf26d8c16bed53979d61252a0ed7fd"
    )
    assert len(DICTIONARY_V1) <= 32 * 1024  # DEFLATE only reaches back 32 KiB


# -- embedded: encoding -----------------------------------------------------------------------
def test_embedded_payload_is_versioned_uppercase_alphanumeric_text() -> None:
    payload = encode_embedded(SAMPLE)
    assert payload.startswith("VC1:")
    assert set(payload) <= set(ALPHABET)
    assert is_embedded_payload(payload)
    assert decode_embedded(payload) == SAMPLE


def test_embedded_payload_is_much_smaller_than_the_token() -> None:
    payload = encode_embedded(SAMPLE)
    assert len(payload) < len(SAMPLE) * 0.8
    assert qr_version(payload) < qr_version(SAMPLE)


@settings(max_examples=60, deadline=None)
@given(jws_tokens())
def test_jws_round_trips_byte_exact(token: str) -> None:
    payload = encode_embedded(token, kind="jws")
    assert decode_embedded(payload) == token


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_round_trips_byte_exact(text: str) -> None:
    assert decode_embedded(encode_embedded(text)) == text
    assert decode_embedded(encode_embedded(text, kind="text")) == text


@pytest.mark.parametrize(
    "token",
    [
        "eyJhbGciOiJFZERTQSJ9.e30.AB",  # stray low bits in the last signature character
        "eyJhbGciOiJFZERTQSJ9.e30=.AA",  # padding
        "eyJhbGciOiJFZERTQSJ9.e30.AA.",  # four parts
        ".e30.AA",  # empty header
        "eyJhbGciOiJFZERTQSJ9.e3+/.AA",  # base64, not base64url
    ],
)
def test_non_canonical_jws_is_kept_verbatim_as_text(token: str) -> None:
    assert decode_embedded(encode_embedded(token)) == token
    with pytest.raises(QrError) as info:
        encode_embedded(token, kind="jws")
    assert info.value.code == ErrorCode.QR_PAYLOAD_INVALID


def test_jws_with_empty_payload_and_signature_round_trips() -> None:
    token = "eyJhbGciOiJub25lIn0.."
    assert decode_embedded(encode_embedded(token, kind="jws")) == token


def test_unknown_kind_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        encode_embedded(SAMPLE, kind="cbor")  # type: ignore[arg-type]


def test_text_too_large_for_any_qr_is_refused() -> None:
    noise = b64url_encode(b"".join(hashlib.sha256(bytes([i])).digest() for i in range(100)))
    with pytest.raises(QrError) as info:
        encode_embedded(noise)
    assert info.value.code == ErrorCode.QR_TOO_LARGE


def test_huge_or_unencodable_input_is_refused_before_compressing() -> None:
    with pytest.raises(QrError) as info:
        encode_embedded("A" * 100_000)
    assert info.value.code == ErrorCode.QR_TOO_LARGE
    with pytest.raises(QrError) as info:
        encode_embedded("lone surrogate \ud800")
    assert info.value.code == ErrorCode.QR_PAYLOAD_INVALID


@pytest.mark.vectors
@pytest.mark.parametrize("number", ["00", "01", "02", "03"])
def test_smart_health_card_jws_with_binary_payload_round_trips(vectors: Path, number: str) -> None:
    folder = vectors / "health-cards" / "smart-health-cards" / "examples"
    token = (folder / f"example-{number}-d-jws.txt").read_text(encoding="ascii").strip()
    payload = encode_embedded(token, kind="jws")
    assert decode_embedded(payload) == token


# -- embedded: decoding guards ----------------------------------------------------------------
@pytest.mark.parametrize(
    "payload",
    ["", "hello", "HC1:NCFOXN", "vc1:ABC", "VC2:ABC", "VC01:ABC", "VC:ABC", "VC99999:A", "VC0:00"],
)
def test_unknown_prefixes_and_versions_are_unsupported(payload: str) -> None:
    with pytest.raises(QrError) as info:
        decode_embedded(payload)
    assert info.value.code == ErrorCode.QR_VERSION_UNSUPPORTED


def test_reserved_frame_kinds_are_unsupported() -> None:
    for kind in (0x00, 0x03, 0xFF):
        with pytest.raises(QrError) as info:
            decode_embedded(_frame_payload(bytes([kind]) + _deflate(b"x")))
        assert info.value.code == ErrorCode.QR_VERSION_UNSUPPORTED


def test_decompression_bomb_is_too_large() -> None:
    bomb = _frame_payload(b"\x02" + _deflate(b"\0" * 1_000_000))
    assert len(bomb) < 4296  # it fits in one QR code
    with pytest.raises(QrError) as info:
        decode_embedded(bomb)
    assert info.value.code == ErrorCode.QR_TOO_LARGE


def test_max_bytes_bounds_the_inflated_credential() -> None:
    payload = encode_embedded(SAMPLE)
    with pytest.raises(QrError) as info:
        decode_embedded(payload, max_bytes=100)
    assert info.value.code == ErrorCode.QR_TOO_LARGE
    with pytest.raises(UsageError):
        decode_embedded(payload, max_bytes=0)


def test_payload_longer_than_any_qr_code_is_too_large() -> None:
    with pytest.raises(QrError) as info:
        decode_embedded("VC1:" + "0" * 6000)
    assert info.value.code == ErrorCode.QR_TOO_LARGE


_BODY = _deflate(b'{"alg":"EdDSA"}{}')


@pytest.mark.parametrize(
    ("frame", "why"),
    [
        (b"", "empty frame"),
        (b"\x01", "no header length"),
        (b"\x01\x0f", "no signature length"),
        (b"\x01\x8f\x00\x00" + _BODY, "non-minimal varint"),
        (b"\x01\xff\xff\xff\x01\x00" + _BODY, "varint too long"),
        (b"\x01\x0f\x40" + b"s" * 10, "signature beyond the frame"),
        (b"\x01\x00\x00" + _BODY, "empty header"),
        (b"\x01\x40\x00" + _BODY, "header longer than the content"),
        (b"\x01\x0f\x00" + _BODY[:-3], "truncated deflate stream"),
        (b"\x01\x0f\x00" + _BODY + b"!", "bytes after the deflate stream"),
        (b"\x01\x0f\x00\xff\xff\xff", "corrupt deflate stream"),
        (b"\x02" + _deflate(b"\xff\xfe"), "text that is not UTF-8"),
    ],
)
def test_malformed_frames_are_invalid(frame: bytes, why: str) -> None:
    with pytest.raises(QrError) as info:
        decode_embedded(_frame_payload(frame))
    assert info.value.code == ErrorCode.QR_PAYLOAD_INVALID, why


def test_well_formed_hand_built_frame_decodes() -> None:
    token = decode_embedded(_frame_payload(b"\x01\x0f\x00" + _BODY))
    assert token == b64url_encode(b'{"alg":"EdDSA"}') + "." + b64url_encode(b"{}") + "."


def test_malformed_base45_is_invalid() -> None:
    with pytest.raises(QrError) as info:
        decode_embedded("VC1:GGW")
    assert info.value.code == ErrorCode.QR_PAYLOAD_INVALID


@given(st.text(max_size=200))
def test_decoding_arbitrary_text_raises_only_qr_errors(text: str) -> None:
    for candidate in (text, "VC1:" + text):
        with contextlib.suppress(QrError):
            decode_embedded(candidate)


@given(st.binary(max_size=200))
def test_decoding_arbitrary_frames_raises_only_qr_errors(frame: bytes) -> None:
    for candidate in (frame, b"\x01" + frame, b"\x02" + frame, b"\x01\x0f\x40" + frame):
        with contextlib.suppress(QrError):
            decode_embedded(_frame_payload(candidate))


def test_is_embedded_payload_recognises_the_shape_of_any_version() -> None:
    assert is_embedded_payload("VC1:ABC")
    assert is_embedded_payload("VC7:ABC")  # decode_embedded then says: unsupported version
    assert not is_embedded_payload("vc1:ABC")
    assert not is_embedded_payload("VC1:abc")
    assert not is_embedded_payload("https://verificador.gov.co/v/abc")
    assert not is_embedded_payload(SAMPLE)


# -- linked -----------------------------------------------------------------------------------
TOKEN = "q8Rk2mVJx0bWcC7a1Yt9Zg"


def test_linked_payload_puts_the_share_token_in_the_path_by_default() -> None:
    url = linked_payload("https://verificador.vcred.gov.co/v/", TOKEN)
    assert url == f"https://verificador.vcred.gov.co/v/{TOKEN}"
    assert "?" not in url
    assert qr_version(url) <= 6
    assert parse_linked_payload(url, base_url="https://verificador.vcred.gov.co/v/") == TOKEN


def test_linked_payload_can_use_the_fragment() -> None:
    url = linked_payload("https://verificador.vcred.gov.co/v", TOKEN, placement="fragment")
    assert url == f"https://verificador.vcred.gov.co/v#{TOKEN}"
    assert parse_linked_payload(url, base_url="https://verificador.vcred.gov.co/v") == TOKEN


def test_http_is_only_for_loopback_unless_allowed() -> None:
    assert linked_payload("http://localhost:8000/v", TOKEN).startswith("http://localhost:8000/v/")
    with pytest.raises(QrError):
        linked_payload("http://verificador.gov.co/v", TOKEN)
    assert linked_payload("http://verificador.gov.co/v", TOKEN, allow_http=True)


@pytest.mark.parametrize(
    "base_url",
    [
        "ftp://verificador.gov.co/v",
        "javascript:alert(1)",
        "https:///v",
        "https://verificador.gov.co/v?x=1",
        "https://verificador.gov.co/v#x",
        "https://user:pw@verificador.gov.co/v",
        "https://verificador.gov.co:99999/v",
        "https://verificadór.gov.co/v",
        "https://verificador.gov.co/v x",
        "verificador.gov.co/v",
    ],
)
def test_bad_base_urls_are_refused(base_url: str) -> None:
    with pytest.raises(QrError) as info:
        linked_payload(base_url, TOKEN)
    assert info.value.code == ErrorCode.QR_PAYLOAD_INVALID


@pytest.mark.parametrize("token", ["short", "x" * 129, "abc/def+ghi=jklmnopqrstu", TOKEN + "?"])
def test_guessable_or_unsafe_share_tokens_are_refused(token: str) -> None:
    with pytest.raises(QrError) as info:
        linked_payload("https://verificador.gov.co/v", token)
    assert info.value.code == ErrorCode.QR_PAYLOAD_INVALID


def test_linked_url_too_long_for_a_small_qr_is_too_large() -> None:
    with pytest.raises(QrError) as info:
        linked_payload("https://verificador.gov.co/" + "a" * 80, TOKEN)
    assert info.value.code == ErrorCode.QR_TOO_LARGE


def test_parse_linked_payload_refuses_other_urls() -> None:
    with pytest.raises(QrError):
        parse_linked_payload(
            f"https://evil.example/v/{TOKEN}", base_url="https://verificador.gov.co/v"
        )
    with pytest.raises(QrError):
        parse_linked_payload(
            "https://verificador.gov.co/v/abc", base_url="https://verificador.gov.co/v"
        )


def test_new_share_token_uses_the_injected_randomness() -> None:
    token = new_share_token(rng=lambda n: b"\x01" * n)
    assert token == b64url_encode(b"\x01" * 16)
    assert len(new_share_token()) == 22
    assert new_share_token() != new_share_token()
    with pytest.raises(UsageError):
        new_share_token(nbytes=8)
    with pytest.raises(UsageError):
        new_share_token(rng=lambda n: b"")
