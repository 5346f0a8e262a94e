"""Checking status through an injected fetcher, with a bounded cache of lists (never verdicts)."""

from __future__ import annotations

import base64
import json
import threading
import time
import zlib
from collections.abc import Mapping
from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from vcred.errors import ErrorCode, FetchError, StatusListError, UsageError, VerificationError
from vcred.fetch import StaticFetcher
from vcred.jsonutil import loads_bounded
from vcred.status import (
    Bitstring,
    StatusChecker,
    StatusEntry,
    build_status_list_credential,
    parse_status_entries,
    status_entry,
)

REVOCATION_URL = "https://gobernacion.example.gov.co/status/1"
SUSPENSION_URL = "https://gobernacion.example.gov.co/status/2"
ISSUER = "did:web:gobernacion.example.gov.co"


class Clock:
    """A settable clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def load_json(raw: bytes, url: str) -> Mapping[str, Any]:
    """Stands in for the verifier's loader, which would also check the list's proof."""
    document: Mapping[str, Any] = loads_bounded(raw, max_bytes=32 << 20)
    return document


def list_document(
    url: str = REVOCATION_URL,
    *,
    set_indexes: tuple[int, ...] = (),
    purpose: str | list[str] = "revocation",
    bitstring: Bitstring | None = None,
    **kwargs: Any,
) -> bytes:
    bits = bitstring or Bitstring()
    for index in set_indexes:
        bits.set(index, 1)
    credential = build_status_list_credential(
        list_url=url, issuer=ISSUER, bitstring=bits, purpose=purpose, **kwargs
    )
    return json.dumps(credential).encode()


def entry(index: int, *, url: str = REVOCATION_URL, purpose: str = "revocation") -> StatusEntry:
    (parsed,) = parse_status_entries(
        {"credentialStatus": status_entry(list_url=url, index=index, purpose=purpose)}
    )
    return parsed


@pytest.fixture
def clock(fixed_now: datetime) -> Clock:
    return Clock(fixed_now)


@pytest.fixture
def fetcher() -> StaticFetcher:
    return StaticFetcher({REVOCATION_URL: list_document(set_indexes=(42,))})


@pytest.fixture
def checker(fetcher: StaticFetcher, clock: Clock) -> StatusChecker:
    return StatusChecker(fetcher, load_list=load_json, clock=clock)


# -- verdicts -------------------------------------------------------------------------------


def test_a_set_bit_means_revoked_and_an_unset_bit_not(checker: StatusChecker, clock: Clock) -> None:
    revoked = checker.check(entry(42))
    assert (revoked.value, revoked.set, revoked.message) == (1, True, "set")
    assert (revoked.purpose, revoked.index, revoked.list_url) == ("revocation", 42, REVOCATION_URL)
    assert (revoked.fetched_at, revoked.age, revoked.stale) == (clock.now, timedelta(0), False)
    valid = checker.check(entry(43))
    assert (valid.value, valid.set, valid.message) == (0, False, "unset")


def test_outcomes_are_frozen(checker: StatusChecker) -> None:
    outcome = checker.check(entry(1))
    with pytest.raises(FrozenInstanceError):
        outcome.set = True  # type: ignore[misc]


def test_check_credential_checks_every_supported_entry(
    fetcher: StaticFetcher, checker: StatusChecker
) -> None:
    fetcher.put(
        SUSPENSION_URL, list_document(SUSPENSION_URL, set_indexes=(7,), purpose="suspension")
    )
    credential = {
        "credentialStatus": [
            status_entry(list_url=REVOCATION_URL, index=42),
            status_entry(list_url=SUSPENSION_URL, index=7, purpose="suspension"),
            {"type": "StatusList2021Entry", "statusPurpose": "revocation"},
        ]
    }
    outcomes = checker.check_credential(credential)
    assert [(o.purpose, o.set) for o in outcomes] == [("revocation", True), ("suspension", True)]


def test_unsupported_entries_cannot_be_checked(checker: StatusChecker) -> None:
    (legacy,) = parse_status_entries({"credentialStatus": {"type": "StatusList2021Entry"}})
    with pytest.raises(UsageError):
        checker.check(legacy)


def test_a_list_may_carry_several_purposes(fetcher: StaticFetcher, checker: StatusChecker) -> None:
    fetcher.put(
        REVOCATION_URL, list_document(set_indexes=(5,), purpose=["revocation", "suspension"])
    )
    assert checker.check(entry(5, purpose="suspension")).set


def test_the_entry_purpose_must_be_a_list_purpose(checker: StatusChecker) -> None:
    with pytest.raises(StatusListError) as error:
        checker.check(entry(42, purpose="suspension"))
    assert error.value.code == ErrorCode.STATUS_PURPOSE_MISMATCH


def test_an_index_beyond_the_list_is_out_of_range(checker: StatusChecker) -> None:
    with pytest.raises(StatusListError) as error:
        checker.check(entry(131_072))
    assert error.value.code == ErrorCode.STATUS_INDEX_OUT_OF_RANGE
    assert not checker.check(entry(131_071)).set


def test_multi_bit_statuses_report_their_message(
    fetcher: StaticFetcher, checker: StatusChecker
) -> None:
    bits = Bitstring(status_size=2)
    bits.set(9, 2)
    messages = ["pendiente", "aprobado", "rechazado", "undefined"]
    fetcher.put(
        REVOCATION_URL,
        list_document(bitstring=bits, purpose="message", status_messages=messages),
    )
    raw = status_entry(
        list_url=REVOCATION_URL, index=9, purpose="message", status_size=2, status_message=messages
    )
    (message_entry,) = parse_status_entries({"credentialStatus": raw})
    outcome = checker.check(message_entry)
    assert (outcome.value, outcome.set, outcome.message) == (2, True, "rechazado")
    # The list holds 131,072 two-bit entries; a one-bit entry on it would misread the bits.
    with pytest.raises(StatusListError) as error:
        checker.check(entry(9, purpose="message"))
    assert error.value.code == ErrorCode.STATUS_ENTRY_INVALID


def test_the_minimum_is_counted_in_entries_of_the_entry_status_size(
    fetcher: StaticFetcher, checker: StatusChecker
) -> None:
    fetcher.put(REVOCATION_URL, list_document())  # 131,072 bits = only 65,536 two-bit entries
    raw = status_entry(list_url=REVOCATION_URL, index=1, status_size=2, status_message=list("abcd"))
    (wide,) = parse_status_entries({"credentialStatus": raw})
    with pytest.raises(StatusListError) as error:
        checker.check(wide)
    assert error.value.code == ErrorCode.STATUS_LIST_TOO_SHORT


# -- published vectors ----------------------------------------------------------------------


@pytest.mark.vectors
def test_spec_example_credential_is_not_revoked(vectors: Path, clock: Clock) -> None:
    folder = vectors / "bitstring-status-list"
    list_url = "https://example.com/credentials/status/3"
    fetcher = StaticFetcher(
        {list_url: (folder / "spec-example-BitstringStatusListCredential.json").read_bytes()}
    )
    checker = StatusChecker(fetcher, load_list=load_json, clock=clock)
    credential = json.loads(
        (folder / "spec-example-credential-with-status-entries.json").read_text()
    )
    revocation, suspension = parse_status_entries(credential)
    outcome = checker.check(revocation)
    assert (outcome.index, outcome.set) == (94_567, False)
    with pytest.raises(StatusListError) as error:  # .../status/4 is not published
        checker.check(suspension)
    assert error.value.code == ErrorCode.STATUS_UNREACHABLE


def _library_list(vectors: Path, name: str) -> bytes:
    path = vectors / "bitstring-status-list" / "encodedLists.txt"
    rows = dict(line.split("\t")[:2] for line in path.read_text().splitlines() if line[:1] != "#")
    credential = json.loads(list_document())
    credential["credentialSubject"]["encodedList"] = rows[name]
    return json.dumps(credential).encode()


@pytest.mark.vectors
def test_100k_bit_lists_are_too_short_unless_the_ecosystem_lowers_the_minimum(
    vectors: Path, clock: Clock
) -> None:
    fetcher = StaticFetcher({REVOCATION_URL: _library_list(vectors, "db-100k-bit50000-msb")})
    strict = StatusChecker(fetcher, load_list=load_json, clock=clock)
    with pytest.raises(StatusListError) as error:
        strict.check(entry(50_000))
    assert error.value.code == ErrorCode.STATUS_LIST_TOO_SHORT
    lowered = StatusChecker(fetcher, load_list=load_json, clock=clock, min_entries=100_000)
    assert [lowered.check(entry(i)).set for i in (49_999, 50_000, 50_001)] == [False, True, False]


@pytest.mark.vectors
def test_the_legacy_lsb_list_does_not_revoke_index_50000(vectors: Path, clock: Clock) -> None:
    fetcher = StaticFetcher({REVOCATION_URL: _library_list(vectors, "db-100k-bit50000-lsb-LEGACY")})
    checker = StatusChecker(fetcher, load_list=load_json, clock=clock, min_entries=100_000)
    assert not checker.check(entry(50_000)).set
    assert checker.check(entry(50_007)).set


# -- list validity --------------------------------------------------------------------------


def test_an_expired_list_is_refused(fetcher: StaticFetcher, clock: Clock) -> None:
    fetcher.put(REVOCATION_URL, list_document(valid_until=clock.now - timedelta(seconds=1)))
    checker = StatusChecker(fetcher, load_list=load_json, clock=clock)
    with pytest.raises(StatusListError) as error:
        checker.check(entry(1))
    assert error.value.code == ErrorCode.STATUS_LIST_EXPIRED


def test_a_list_valid_only_in_the_future_is_refused(fetcher: StaticFetcher, clock: Clock) -> None:
    fetcher.put(REVOCATION_URL, list_document(valid_from=clock.now + timedelta(hours=1)))
    checker = StatusChecker(fetcher, load_list=load_json, clock=clock)
    with pytest.raises(StatusListError) as error:
        checker.check(entry(1))
    assert error.value.code == ErrorCode.STATUS_LIST_INVALID
    fetcher.put(REVOCATION_URL, list_document(valid_from=clock.now + timedelta(minutes=1)))
    assert not checker.check(entry(1)).set  # within the clock skew


def test_a_list_served_at_another_lists_url_is_refused(
    fetcher: StaticFetcher, checker: StatusChecker
) -> None:
    fetcher.put(REVOCATION_URL, list_document(SUSPENSION_URL))
    with pytest.raises(StatusListError) as error:
        checker.check(entry(42))
    assert error.value.code == ErrorCode.STATUS_LIST_INVALID


def test_errors_of_the_list_loader_pass_through(fetcher: StaticFetcher, clock: Clock) -> None:
    def reject(raw: bytes, url: str) -> Mapping[str, Any]:
        raise VerificationError("bad proof", code=ErrorCode.SIGNATURE_INVALID)

    with pytest.raises(VerificationError) as error:
        StatusChecker(fetcher, load_list=reject, clock=clock).check(entry(1))
    assert error.value.code == ErrorCode.SIGNATURE_INVALID


def test_a_plain_parser_failing_is_an_invalid_list(fetcher: StaticFetcher, clock: Clock) -> None:
    fetcher.put(REVOCATION_URL, b"{not json")
    checker = StatusChecker(fetcher, load_list=lambda raw, url: json.loads(raw), clock=clock)
    with pytest.raises(StatusListError) as error:
        checker.check(entry(1))
    assert error.value.code == ErrorCode.STATUS_LIST_INVALID


def test_a_bomb_in_a_list_is_refused(fetcher: StaticFetcher, clock: Clock) -> None:
    credential = json.loads(list_document())
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = compressor.compress(bytes(64 << 20)) + compressor.flush()
    credential["credentialSubject"]["encodedList"] = "u" + base64.urlsafe_b64encode(bomb).decode()
    fetcher.put(REVOCATION_URL, json.dumps(credential))
    checker = StatusChecker(fetcher, load_list=load_json, clock=clock, max_list_bytes=1 << 20)
    with pytest.raises(StatusListError) as error:
        checker.check(entry(1))
    assert error.value.code == ErrorCode.STATUS_LIST_TOO_LARGE


# -- caching --------------------------------------------------------------------------------


def test_lists_are_fetched_once_and_every_check_reads_the_cached_list(
    fetcher: StaticFetcher, checker: StatusChecker
) -> None:
    assert [checker.check(entry(i)).set for i in (41, 42, 43, 42)] == [False, True, False, True]
    assert fetcher.calls[REVOCATION_URL] == 1


def test_a_list_is_refetched_after_its_ttl(fetcher: StaticFetcher, clock: Clock) -> None:
    fetcher.put(REVOCATION_URL, list_document(ttl_ms=60_000))
    checker = StatusChecker(fetcher, load_list=load_json, clock=clock)
    assert not checker.check(entry(42)).set
    fetcher.put(REVOCATION_URL, list_document(set_indexes=(42,), ttl_ms=60_000))
    clock.advance(seconds=59)
    cached = checker.check(entry(42))
    assert (cached.set, cached.age) == (False, timedelta(seconds=59))
    clock.advance(seconds=1)
    refreshed = checker.check(entry(42))
    assert (refreshed.set, refreshed.age, refreshed.fetched_at) == (True, timedelta(0), clock.now)
    assert fetcher.calls[REVOCATION_URL] == 2


def test_without_ttl_the_default_ttl_applies(fetcher: StaticFetcher, clock: Clock) -> None:
    checker = StatusChecker(
        fetcher, load_list=load_json, clock=clock, default_ttl=timedelta(seconds=10)
    )
    checker.check(entry(1))
    clock.advance(seconds=9)
    checker.check(entry(1))
    assert fetcher.calls[REVOCATION_URL] == 1
    clock.advance(seconds=1)
    checker.check(entry(1))
    assert fetcher.calls[REVOCATION_URL] == 2


def test_freshness_never_outlasts_valid_until(fetcher: StaticFetcher, clock: Clock) -> None:
    fetcher.put(
        REVOCATION_URL,
        list_document(ttl_ms=3_600_000, valid_until=clock.now + timedelta(minutes=2)),
    )
    checker = StatusChecker(fetcher, load_list=load_json, clock=clock)
    checker.check(entry(1))
    fetcher.put(REVOCATION_URL, list_document(valid_until=clock.now + timedelta(hours=2)))
    clock.advance(minutes=2)
    checker.check(entry(1))
    assert fetcher.calls[REVOCATION_URL] == 2


def test_when_the_issuer_is_unreachable_a_recent_list_is_served_stale(
    fetcher: StaticFetcher, clock: Clock
) -> None:
    checker = StatusChecker(
        fetcher, load_list=load_json, clock=clock, max_staleness=timedelta(hours=1)
    )
    checker.check(entry(42))
    fetcher.remove(REVOCATION_URL)
    clock.advance(minutes=30)
    outcome = checker.check(entry(42))
    assert (outcome.set, outcome.stale, outcome.age) == (True, True, timedelta(minutes=30))
    clock.advance(minutes=31)
    with pytest.raises(StatusListError) as error:
        checker.check(entry(42))
    assert error.value.code == ErrorCode.STATUS_UNREACHABLE
    assert isinstance(error.value.__cause__, FetchError)


def test_an_expired_cached_list_is_not_served_stale(fetcher: StaticFetcher, clock: Clock) -> None:
    fetcher.put(REVOCATION_URL, list_document(valid_until=clock.now + timedelta(minutes=10)))
    checker = StatusChecker(fetcher, load_list=load_json, clock=clock)
    checker.check(entry(1))
    fetcher.remove(REVOCATION_URL)
    clock.advance(minutes=10)
    with pytest.raises(StatusListError) as error:
        checker.check(entry(1))
    assert error.value.code == ErrorCode.STATUS_UNREACHABLE


def test_no_list_and_no_cache_is_unreachable(clock: Clock) -> None:
    checker = StatusChecker(StaticFetcher(), load_list=load_json, clock=clock)
    with pytest.raises(StatusListError) as error:
        checker.check(entry(1))
    assert error.value.code == ErrorCode.STATUS_UNREACHABLE


def test_a_long_ttl_is_capped_by_the_maximum_staleness(
    fetcher: StaticFetcher, clock: Clock
) -> None:
    fetcher.put(REVOCATION_URL, list_document(ttl_ms=7 * 24 * 3_600_000))
    checker = StatusChecker(
        fetcher, load_list=load_json, clock=clock, max_staleness=timedelta(hours=1)
    )
    checker.check(entry(1))
    clock.advance(hours=1)
    checker.check(entry(1))
    assert fetcher.calls[REVOCATION_URL] == 2


def test_the_cache_is_a_bounded_lru(clock: Clock) -> None:
    urls = [f"https://issuer.example/status/{n}" for n in range(3)]
    fetcher = StaticFetcher({url: list_document(url) for url in urls})
    checker = StatusChecker(fetcher, load_list=load_json, clock=clock, max_entries=2)
    for url in (urls[0], urls[1], urls[0], urls[2]):
        checker.check(entry(1, url=url))
    assert checker.cached_urls() == [urls[0], urls[2]]
    checker.check(entry(1, url=urls[1]))
    assert fetcher.calls == {urls[0]: 1, urls[1]: 2, urls[2]: 1}


def test_the_cache_is_bounded_in_bytes_too(clock: Clock) -> None:
    urls = [f"https://issuer.example/status/{n}" for n in range(3)]
    fetcher = StaticFetcher({url: list_document(url) for url in urls})
    checker = StatusChecker(fetcher, load_list=load_json, clock=clock, max_cache_bytes=40_000)
    for url in urls:
        checker.check(entry(1, url=url))
    assert checker.cached_urls() == urls[1:]  # two 16 kB lists fit in 40 kB


def test_invalidate_forgets_a_list(fetcher: StaticFetcher, checker: StatusChecker) -> None:
    checker.check(entry(1))
    checker.invalidate(REVOCATION_URL)
    checker.check(entry(1))
    checker.invalidate()
    assert checker.cached_urls() == []
    assert fetcher.calls[REVOCATION_URL] == 2


def test_concurrent_checks_of_one_list_fetch_it_once(clock: Clock) -> None:
    document = list_document(set_indexes=(42,))

    class SlowFetcher:
        def __init__(self) -> None:
            self.calls = 0
            self.lock = threading.Lock()

        def fetch(self, url: str) -> bytes:
            with self.lock:
                self.calls += 1
            time.sleep(0.05)
            return document

    fetcher = SlowFetcher()
    checker = StatusChecker(fetcher, load_list=load_json, clock=clock)
    barrier = threading.Barrier(16)
    results: list[bool] = []

    def work() -> None:
        barrier.wait()
        results.append(checker.check(entry(42)).set)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 16
    assert fetcher.calls == 1


@pytest.mark.parametrize(
    "kwargs",
    [{"max_entries": 0}, {"max_staleness": timedelta(seconds=-1)}, {"default_ttl": timedelta(-1)}],
)
def test_bad_settings_are_refused(fetcher: StaticFetcher, kwargs: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        StatusChecker(fetcher, load_list=load_json, **kwargs)


def test_a_naive_clock_is_refused(fetcher: StaticFetcher) -> None:
    checker = StatusChecker(fetcher, load_list=load_json, clock=lambda: datetime(2026, 1, 1))
    with pytest.raises(UsageError):
        checker.check(entry(1))
