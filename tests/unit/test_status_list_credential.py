"""Status entries and BitstringStatusListCredentials: strict writing, validated reading."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcred.errors import ErrorCode, StatusListError, UsageError, VcredError
from vcred.status import (
    Bitstring,
    StatusEntry,
    StatusMessage,
    build_status_list_credential,
    parse_status_entries,
    parse_status_list_credential,
    status_entry,
)

LIST_URL = "https://gobernacion.example.gov.co/status/1"
ISSUER = "did:web:gobernacion.example.gov.co"


def _entry(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": f"{LIST_URL}#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": LIST_URL,
    }
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not None}


def _messages(size: int) -> list[dict[str, str]]:
    return [{"status": hex(value), "message": f"m{value}"} for value in range(1 << size)]


# -- status_entry ---------------------------------------------------------------------------


def test_status_entry_writes_the_index_as_a_string() -> None:
    assert status_entry(list_url=LIST_URL, index=94_567) == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


def test_status_entry_with_a_multi_bit_status_lists_every_message() -> None:
    entry = status_entry(
        list_url=LIST_URL,
        index=7,
        purpose="message",
        entry_id="urn:uuid:5b3c9a7e-0000-4000-8000-000000000001",
        status_size=2,
        status_message=["pending_review", "accepted", "rejected", "undefined"],
        status_reference="https://example.gov.co/status-dictionary/",
    )
    assert entry["statusSize"] == 2
    assert entry["statusMessage"] == [
        {"status": "0x0", "message": "pending_review"},
        {"status": "0x1", "message": "accepted"},
        {"status": "0x2", "message": "rejected"},
        {"status": "0x3", "message": "undefined"},
    ]
    assert entry["statusReference"] == "https://example.gov.co/status-dictionary/"
    (parsed,) = parse_status_entries({"credentialStatus": entry})
    assert parsed.message_for(2) == "rejected"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"purpose": "revoked"},
        {"index": -1},
        {"index": True},
        {"list_url": "not a url"},
        {"entry_id": LIST_URL},  # §2.1: the id MUST NOT be the status list URL
        {"status_size": 2},  # statusMessage is then required
        {"status_size": 0},
        {"status_size": 1, "status_message": ["only one"]},
        {"status_reference": []},
    ],
)
def test_status_entry_refuses_what_the_spec_forbids(kwargs: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"list_url": LIST_URL, "index": 1} | kwargs
    with pytest.raises(UsageError):
        status_entry(**arguments)


# -- parse_status_entries -------------------------------------------------------------------


@pytest.mark.vectors
def test_spec_example_entries_are_read(vectors: Path) -> None:
    path = vectors / "bitstring-status-list" / "spec-example-credential-with-status-entries.json"
    revocation, suspension = parse_status_entries(json.loads(path.read_text()))
    assert revocation == StatusEntry(
        type="BitstringStatusListEntry",
        purpose="revocation",
        index=94_567,
        list_url="https://example.com/credentials/status/3",
        entry_id="https://example.com/credentials/status/3#94567",
    )
    assert (suspension.purpose, suspension.index) == ("suspension", 23_452)
    assert suspension.list_url == "https://example.com/credentials/status/4"


def test_a_single_entry_object_or_no_entry() -> None:
    assert len(parse_status_entries({"credentialStatus": _entry()})) == 1
    assert parse_status_entries({"credentialStatus": []}) == []
    assert parse_status_entries({"type": ["VerifiableCredential"]}) == []


def test_entries_of_other_types_are_reported_as_unsupported() -> None:
    legacy = {
        "id": "https://example.com/status/1#5",
        "type": "StatusList2021Entry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": "https://example.com/status/1",
    }
    unsupported, supported = parse_status_entries({"credentialStatus": [legacy, _entry()]})
    assert not unsupported.supported
    assert (unsupported.type, unsupported.purpose) == ("StatusList2021Entry", "revocation")
    assert supported.supported and supported.index == 42


def test_optional_properties_are_read() -> None:
    (entry,) = parse_status_entries(
        {
            "credentialStatus": _entry(
                id=None,
                statusSize=1,
                statusMessage=[
                    {"status": "0x0", "message": "valid"},
                    {"status": "0x1", "message": "revoked", "extra": True},
                ],
                statusReference=["https://a.example/", "https://b.example/"],
            )
        }
    )
    assert entry.entry_id is None
    assert entry.status_messages == (StatusMessage(0, "valid"), StatusMessage(1, "revoked"))
    assert entry.status_reference == ("https://a.example/", "https://b.example/")
    assert entry.message_for(1) == "revoked"


def test_a_very_large_index_is_read_and_left_to_the_range_check() -> None:
    (entry,) = parse_status_entries({"credentialStatus": _entry(statusListIndex="9" * 40)})
    assert entry.index == int("9" * 40)


@pytest.mark.parametrize(
    "raw",
    [
        _entry(statusListIndex=42),  # MUST be a string
        _entry(statusListIndex="-1"),
        _entry(statusListIndex="+1"),
        _entry(statusListIndex=" 1"),
        _entry(statusListIndex="1.0"),
        _entry(statusListIndex="1_000"),
        _entry(statusListIndex="\u0663"),  # ARABIC-INDIC DIGIT THREE: int() would accept it
        _entry(statusListIndex=""),
        _entry(statusListIndex=None),
        _entry(statusListIndex="1" * 65),
        _entry(statusPurpose=None),
        _entry(statusPurpose=["revocation"]),
        _entry(statusListCredential=None),
        _entry(statusListCredential="relative/path"),
        _entry(statusListCredential="https://"),
        _entry(statusListCredential="https://exa mple.com/1"),
        _entry(id=LIST_URL),
        _entry(id=5),
        _entry(statusSize=0),
        _entry(statusSize=True),
        _entry(statusSize="1"),
        _entry(statusSize=17),
        _entry(statusSize=2),  # statusMessage is then required
        _entry(statusSize=2, statusMessage=_messages(1)),
        _entry(
            statusMessage=[{"status": "0x0", "message": "a"}, {"status": "0x0", "message": "b"}]
        ),
        _entry(statusMessage=[{"status": "0", "message": "a"}, {"status": "0x1", "message": "b"}]),
        _entry(statusMessage=[{"status": "0x0", "message": 1}, {"status": "0x1", "message": "b"}]),
        _entry(
            statusMessage=[{"status": "0x0", "message": "a"}, {"status": "0x2", "message": "b"}]
        ),
        _entry(statusMessage="set"),
        _entry(statusReference="not a url"),
        _entry(type=None),
        "https://example.com/status/1#5",
        None,
    ],
)
def test_invalid_entries_are_refused(raw: object) -> None:
    with pytest.raises(StatusListError) as error:
        parse_status_entries({"credentialStatus": raw})
    assert error.value.code == ErrorCode.STATUS_ENTRY_INVALID


# -- build_status_list_credential -----------------------------------------------------------


def test_the_list_credential_has_the_spec_shape() -> None:
    bits = Bitstring()
    bits.set(42, 1)
    credential = build_status_list_credential(
        list_url=LIST_URL,
        issuer=ISSUER,
        bitstring=bits,
        purpose="revocation",
        valid_from=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        valid_until=datetime(2026, 11, 24, 7, 0, tzinfo=timezone(timedelta(hours=-5))),
        ttl_ms=300_000,
    )
    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-11-23T12:00:00Z",
        "validUntil": "2026-11-24T12:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bits.encode(),
            "ttl": 300_000,
        },
    }
    parsed = parse_status_list_credential(credential, url=LIST_URL)
    assert parsed.purposes == ("revocation",)
    assert parsed.ttl == timedelta(minutes=5)
    assert parsed.valid_until == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert Bitstring.decode(parsed.encoded_list).get(42) == 1


def test_a_message_list_carries_its_size_and_messages() -> None:
    credential = build_status_list_credential(
        list_url=LIST_URL,
        issuer={"id": ISSUER, "name": "Gobernación"},
        bitstring=Bitstring(status_size=2),
        purpose=["message"],
        status_messages=["pendiente", "aprobado", "rechazado", "undefined"],
    )
    subject = credential["credentialSubject"]
    assert credential["issuer"] == {"id": ISSUER, "name": "Gobernación"}
    assert subject["statusPurpose"] == ["message"]
    assert subject["statusSize"] == 2
    assert subject["statusMessage"][2] == {"status": "0x2", "message": "rechazado"}
    parsed = parse_status_list_credential(credential)
    assert parsed.status_size == 2
    assert parsed.status_messages[1] == StatusMessage(1, "aprobado")


def test_a_list_shorter_than_the_minimum_is_not_written() -> None:
    with pytest.raises(StatusListError) as error:
        build_status_list_credential(
            list_url=LIST_URL, issuer=ISSUER, bitstring=Bitstring(100_000), purpose="revocation"
        )
    assert error.value.code == ErrorCode.STATUS_LIST_TOO_SHORT
    lowered = build_status_list_credential(
        list_url=LIST_URL,
        issuer=ISSUER,
        bitstring=Bitstring(100_000),
        purpose="suspension",
        min_entries=100_000,
    )
    assert lowered["credentialSubject"]["statusPurpose"] == "suspension"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"purpose": "revoked"},
        {"purpose": []},
        {"purpose": "message"},  # needs status_messages
        {"issuer": "not a url"},
        {"issuer": {"name": "no id"}},
        {"list_url": "/status/1"},
        {"ttl_ms": -1},
        {"valid_from": datetime(2026, 1, 1)},  # naive
        {
            "valid_from": datetime(2026, 1, 2, tzinfo=UTC),
            "valid_until": datetime(2026, 1, 1, tzinfo=UTC),
        },
        {"status_messages": ["only one"]},
    ],
)
def test_build_refuses_bad_arguments(kwargs: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {
        "list_url": LIST_URL,
        "issuer": ISSUER,
        "bitstring": Bitstring(),
        "purpose": "revocation",
    } | kwargs
    with pytest.raises(UsageError):
        build_status_list_credential(**arguments)


# -- parse_status_list_credential -----------------------------------------------------------


@pytest.mark.vectors
def test_spec_example_list_credential_is_read(vectors: Path) -> None:
    path = vectors / "bitstring-status-list" / "spec-example-BitstringStatusListCredential.json"
    parsed = parse_status_list_credential(
        json.loads(path.read_text()), url="https://example.com/credentials/status/3"
    )
    assert parsed.id == "https://example.com/credentials/status/3"
    assert parsed.purposes == ("revocation",)
    assert parsed.valid_from == datetime(2021, 4, 5, 14, 27, 40, tzinfo=UTC)
    assert parsed.valid_until is None and parsed.ttl is None
    assert len(Bitstring.decode(parsed.encoded_list)) == 131_072


def _list(**subject_changes: Any) -> dict[str, Any]:
    credential = build_status_list_credential(
        list_url=LIST_URL, issuer=ISSUER, bitstring=Bitstring(), purpose="revocation"
    )
    credential["credentialSubject"].update(subject_changes)
    credential["credentialSubject"] = {
        k: v for k, v in credential["credentialSubject"].items() if v is not None
    }
    return credential


def test_tolerant_reading_of_ttl_purposes_and_subject_arrays() -> None:
    parsed = parse_status_list_credential(_list(ttl="60000", statusPurpose=["revocation", "x"]))
    assert parsed.ttl == timedelta(minutes=1)
    assert parsed.purposes == ("revocation", "x")
    credential = _list()
    credential["credentialSubject"] = [{"id": "did:example:other"}, credential["credentialSubject"]]
    assert parse_status_list_credential(credential).purposes == ("revocation",)


def test_fractional_seconds_beyond_microseconds_are_read() -> None:
    credential = _list() | {"validUntil": "2030-01-01T00:00:00.123456789+01:00"}
    parsed = parse_status_list_credential(credential)
    assert parsed.valid_until == datetime(2029, 12, 31, 23, 0, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    "credential",
    [
        _list() | {"type": ["VerifiableCredential"]},
        _list() | {"id": "https://evil.example/status/9"},  # served at another list's URL
        _list() | {"credentialSubject": "x"},
        _list(type="StatusList2021"),
        _list(statusPurpose=None),
        _list(statusPurpose=[]),
        _list(statusPurpose=["revocation", 3]),
        _list(encodedList=None),
        _list(encodedList=""),
        _list(ttl=-1),
        _list(ttl=1.5),
        _list(ttl=True),
        _list(statusSize=0),
        _list(statusMessage=[{"status": "0x0", "message": "only one"}]),
        _list() | {"validUntil": "2030-01-01"},
        _list() | {"validUntil": "2030-01-01T00:00:00"},  # no time zone
        _list() | {"validFrom": "2030-13-01T00:00:00Z"},
    ],
)
def test_invalid_list_credentials_are_refused(credential: dict[str, Any]) -> None:
    with pytest.raises(StatusListError) as error:
        parse_status_list_credential(credential, url=LIST_URL)
    assert error.value.code == ErrorCode.STATUS_LIST_INVALID


# -- properties -----------------------------------------------------------------------------


@given(
    index=st.integers(0, 2**64),
    purpose=st.sampled_from(["revocation", "suspension", "refresh", "message"]),
    size=st.integers(1, 4),
    path=st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True),
)
@settings(max_examples=100, deadline=None)
def test_written_entries_read_back(index: int, purpose: str, size: int, path: str) -> None:
    url = f"https://issuer.example/{path}"
    messages = [f"message {value}" for value in range(1 << size)]
    raw = status_entry(
        list_url=url, index=index, purpose=purpose, status_size=size, status_message=messages
    )
    (entry,) = parse_status_entries({"credentialStatus": json.loads(json.dumps(raw))})
    assert (entry.index, entry.purpose, entry.list_url, entry.status_size) == (
        index,
        purpose,
        url,
        size,
    )
    assert [entry.message_for(value) for value in range(1 << size)] == messages


_KEYS = [
    *("type", "statusPurpose", "statusListIndex", "statusListCredential", "id", "statusSize"),
    *("statusMessage", "status", "message", "statusReference", "x"),
]
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(_KEYS),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@given(_json)
@settings(max_examples=300, deadline=None)
def test_arbitrary_credential_status_values_raise_only_vcred_errors(value: object) -> None:
    with contextlib.suppress(VcredError):
        parse_status_entries({"credentialStatus": value})


@given(_json)
@settings(max_examples=200, deadline=None)
def test_arbitrary_list_subjects_raise_only_vcred_errors(value: object) -> None:
    credential = _list()
    if isinstance(value, dict):
        credential["credentialSubject"] = {"type": "BitstringStatusList"} | value
    else:
        credential["credentialSubject"] = value
    with contextlib.suppress(VcredError):
        parse_status_list_credential(credential)
