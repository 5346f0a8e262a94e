"""XML Schema date-time values as VC Data Model properties use them.

``validFrom`` / ``validUntil`` (VCDM 2.0 §4.9) are XML Schema 1.1 ``dateTimeStamp`` values: a
``dateTime`` whose time zone is REQUIRED. VC 1.1 ``issuanceDate`` / ``expirationDate`` (VCDM 1.1
§4.6, §4.8) are plain ``dateTime`` values whose time zone is optional; a value without one is read
as UTC (VCDM 2.0 §"Representing Time": values serialized without an offset MUST be interpreted as
UTC).

Decisions where XML Schema allows more than Python's :class:`~datetime.datetime` can hold:

- years 0001-9999 only: negative years, year 0000 and years above 9999 are rejected;
- ``24:00:00`` (with an optional all-zero fraction) is accepted and means 00:00:00 of the next
  day, as XML Schema 1.1 defines it; other 24:xx values are rejected;
- leap seconds (``:60``) are rejected: the lexical grammar of XML Schema 1.1 (reproduced in VCDM
  2.0 §"Representing Time") allows seconds 00-59 only; the spec names the first moment of the
  next day as the way to express the instant after a leap second;
- fractional seconds of any length are accepted and truncated to microseconds;
- the day must exist in its month (no 30 February); the letters ``T`` and ``Z`` are upper case;
- no surrounding white space: JSON strings are not collapsed as XML text would be;
- parsed values are returned as aware datetimes in UTC.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta, timezone

from vcred.errors import ErrorCode, InvalidInputError, UsageError

__all__ = ["format_datetime_stamp", "parse_datetime_stamp", "parse_xsd_datetime"]

_MAX_LENGTH = 64
_DATETIME = re.compile(
    r"(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<tz>Z|[+-][0-9]{2}:[0-9]{2})?",
    re.ASCII,
)


def _fail(message: str) -> InvalidInputError:
    return InvalidInputError(message, code=ErrorCode.MALFORMED_INPUT)


def _offset(tz: str) -> timezone:
    if tz == "Z":
        return UTC
    hours, minutes = int(tz[1:3]), int(tz[4:6])
    # XML Schema: offsets range over -14:00..+14:00 with minutes 00-59.
    if minutes > 59 or hours > 14 or (hours == 14 and minutes != 0):
        raise _fail("time zone offset out of range")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if tz[0] == "-" else delta)


def parse_xsd_datetime(value: object, *, require_tz: bool) -> datetime:
    """Parse an XML Schema 1.1 ``dateTime`` (XMLSCHEMA11-2 §3.3.7) into an aware UTC datetime.

    With ``require_tz`` the value must be a ``dateTimeStamp`` (§3.4.28); without it a value with
    no time zone is read as UTC. Raises :class:`~vcred.errors.InvalidInputError`
    (``malformed_input``) for anything else.
    """
    if not isinstance(value, str):
        raise _fail("date-time value must be a string")
    # The same stamps are read by the JWT claim check and the data model check: remember them.
    return _parse_cached(value, require_tz)


@functools.lru_cache(maxsize=1024)
def _parse_cached(value: str, require_tz: bool) -> datetime:
    return _parse_xsd_datetime(value, require_tz=require_tz)


def _parse_xsd_datetime(value: str, *, require_tz: bool) -> datetime:
    if len(value) > _MAX_LENGTH:
        raise _fail("date-time value is too long")
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise _fail("not an XML Schema dateTime")
    year = int(match["year"])
    if not 1 <= year <= 9999:
        raise _fail("year outside 0001-9999")
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
    fraction = match["fraction"] or ""
    end_of_day = hour == 24
    if end_of_day:
        # XML Schema 1.1: 24:00:00 is the first instant of the following day.
        if minute or second or fraction.strip("0"):
            raise _fail("24:00:00 is the only valid time in hour 24")
        hour = 0
    elif hour > 23 or minute > 59 or second > 59:
        raise _fail("time of day out of range (leap seconds are not accepted)")
    tz = match["tz"]
    if tz is None and require_tz:
        raise _fail("dateTimeStamp requires a time zone")
    tzinfo = UTC if tz is None else _offset(tz)
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        parsed = datetime(
            year, int(match["month"]), int(match["day"]), hour, minute, second, micro, tzinfo
        )
        if end_of_day:
            parsed += timedelta(days=1)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise _fail("date-time is not a valid instant") from None


def parse_datetime_stamp(value: object) -> datetime:
    """Parse an XML Schema 1.1 ``dateTimeStamp`` (time zone required), as VCDM 2.0 §4.9 demands."""
    return parse_xsd_datetime(value, require_tz=True)


def format_datetime_stamp(dt: datetime) -> str:
    """Format an aware datetime as a UTC ``dateTimeStamp`` ending in ``Z`` (VCDM 2.0 §4.9).

    Seconds precision unless the value has microseconds (then trailing zeros are trimmed).
    """
    if not isinstance(dt, datetime) or dt.tzinfo is None or dt.utcoffset() is None:
        raise UsageError("format_datetime_stamp needs a timezone-aware datetime")
    # A batch issues many credentials in the same second: remember the text of recent instants.
    return _format_cached(dt)


@functools.lru_cache(maxsize=256)
def _format_cached(dt: datetime) -> str:
    utc = dt.astimezone(UTC)
    text = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    )
    if utc.microsecond:
        text += "." + f"{utc.microsecond:06d}".rstrip("0")
    return text + "Z"
