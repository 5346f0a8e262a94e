"""XML Schema date-times as VCDM 2.0 §4.9 (dateTimeStamp) and VCDM 1.1 (dateTime) use them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcred.credential import format_datetime_stamp, parse_datetime_stamp, parse_xsd_datetime
from vcred.errors import ErrorCode, InvalidInputError, UsageError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-01-01T19:23:24Z", datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC)),
        ("2023-02-26T01:02:58.447Z", datetime(2023, 2, 26, 1, 2, 58, 447000, tzinfo=UTC)),
        ("2023-02-25T19:10:39-06:00", datetime(2023, 2, 26, 1, 10, 39, tzinfo=UTC)),
        ("2024-07-12T12:00:00+14:00", datetime(2024, 7, 11, 22, 0, 0, tzinfo=UTC)),
        ("2024-07-12T12:00:00-00:00", datetime(2024, 7, 12, 12, 0, 0, tzinfo=UTC)),
        ("2024-02-29T00:00:00Z", datetime(2024, 2, 29, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("9999-12-31T23:59:59.999999Z", datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        # XML Schema 1.1: 24:00:00 is the first instant of the next day.
        ("2023-12-31T24:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
        ("2023-12-31T24:00:00.000Z", datetime(2024, 1, 1, tzinfo=UTC)),
        # Fractions beyond microseconds are truncated.
        ("2023-01-01T00:00:00.1234569Z", datetime(2023, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_valid_datetime_stamps_parse_to_utc(text: str, expected: datetime) -> None:
    parsed = parse_datetime_stamp(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "2010-01-01T19:23:24",  # a dateTimeStamp REQUIRES a time zone
        "2010-01-01",
        "01/01/2010",
        "Sat 25 Feb 2023 07:16:31 PM CST",
        "Sun, 26 Feb 2023 01:22:14 +0000",
        "2010-01-01 19:23:24Z",  # space instead of T
        "2010-01-01t19:23:24z",  # XML Schema letters are upper case
        " 2010-01-01T19:23:24Z",
        "2010-01-01T19:23:24Z\n",
        "2010-1-01T19:23:24Z",
        "2010-13-01T00:00:00Z",
        "2010-00-01T00:00:00Z",
        "2023-02-29T00:00:00Z",  # not a leap year
        "2023-04-31T00:00:00Z",
        "2010-01-01T25:00:00Z",
        "2010-01-01T24:00:01Z",
        "2010-01-01T24:30:00Z",
        "2010-01-01T23:60:00Z",
        "2016-12-31T23:59:60Z",  # leap seconds are outside the lexical space
        "2010-01-01T00:00:00.Z",
        "2010-01-01T00:00:00+14:01",
        "2010-01-01T00:00:00+15:00",
        "2010-01-01T00:00:00+05:60",
        "2010-01-01T00:00:00+0500",
        "0000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z",
        "10000-01-01T00:00:00Z",  # valid XML Schema, but beyond what vcred represents
        "02010-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",  # before 0001-01-01 in UTC
        "9999-12-31T24:00:00Z",
        "9999-12-31T23:00:00-05:00",
        "\uff12\uff10\uff11\uff10-01-01T00:00:00Z",  # fullwidth digits
        "",
    ],
)
def test_invalid_datetime_stamps_are_malformed_input(text: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_datetime_stamp(text)
    assert caught.value.code is ErrorCode.MALFORMED_INPUT


@pytest.mark.parametrize("value", [None, 1262304000, ["2010-01-01T00:00:00Z"], b"2010"])
def test_non_strings_are_malformed_input(value: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_datetime_stamp(value)
    assert caught.value.code is ErrorCode.MALFORMED_INPUT


def test_plain_datetime_without_zone_is_read_as_utc_when_allowed() -> None:
    # VC 1.1 issuanceDate is an xsd:dateTime; VCDM 2.0 §5.8: no offset MUST be read as UTC.
    assert parse_xsd_datetime("2010-01-01T19:23:24", require_tz=False) == datetime(
        2010, 1, 1, 19, 23, 24, tzinfo=UTC
    )
    with pytest.raises(InvalidInputError):
        parse_xsd_datetime("2010-01-01T19:23:24", require_tz=True)


def test_format_uses_z_and_seconds_precision() -> None:
    bogota = timezone(timedelta(hours=-5))
    assert format_datetime_stamp(datetime(2026, 11, 23, 7, 0, 0, tzinfo=bogota)) == (
        "2026-11-23T12:00:00Z"
    )
    assert format_datetime_stamp(datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)) == (
        "2026-01-02T03:04:05.25Z"
    )
    assert format_datetime_stamp(datetime(5, 1, 1, tzinfo=UTC)) == "0005-01-01T00:00:00Z"


def test_format_refuses_naive_datetimes() -> None:
    with pytest.raises(UsageError) as caught:
        format_datetime_stamp(datetime(2026, 1, 1))
    assert caught.value.code is ErrorCode.USAGE


_aware = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=14))]),
)


@given(_aware)
def test_format_then_parse_round_trips(moment: datetime) -> None:
    text = format_datetime_stamp(moment)
    assert text.endswith("Z")
    assert parse_datetime_stamp(text) == moment


@given(st.text(max_size=40))
def test_arbitrary_text_only_raises_invalid_input(text: str) -> None:
    try:
        parsed = parse_xsd_datetime(text, require_tz=False)
    except InvalidInputError as error:
        assert error.code is ErrorCode.MALFORMED_INPUT
    else:
        assert parsed.tzinfo is UTC


@given(
    st.from_regex(
        r"\A-?[0-9]{4,5}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?"
        r"(Z|[+-][0-9]{2}:[0-9]{2})?\Z"
    )
)
def test_near_miss_date_times_only_raise_invalid_input(text: str) -> None:
    try:
        parsed = parse_datetime_stamp(text)
    except InvalidInputError:
        return
    assert parse_datetime_stamp(format_datetime_stamp(parsed)) == parsed
