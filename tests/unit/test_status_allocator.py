"""Random status list index allocation: herd privacy, no repeats, O(1) draws when nearly full."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcred.errors import ErrorCode, StatusListError, UsageError
from vcred.status import MIN_ENTRIES, IndexAllocator


def test_the_default_list_has_the_spec_minimum_of_entries() -> None:
    allocator = IndexAllocator(rng=random.Random(1))
    assert allocator.length == MIN_ENTRIES
    assert 0 <= allocator.allocate() < MIN_ENTRIES


def test_every_index_is_handed_out_exactly_once_then_the_list_is_full() -> None:
    allocator = IndexAllocator(64, rng=random.Random(7))
    drawn = [allocator.allocate() for _ in range(64)]
    assert sorted(drawn) == list(range(64))
    assert allocator.free == 0 and allocator.used_count == 64
    with pytest.raises(StatusListError) as error:
        allocator.allocate()
    assert error.value.code == ErrorCode.STATUS_LIST_FULL


def test_allocations_are_spread_over_the_whole_list_not_sequential() -> None:
    allocator = IndexAllocator(rng=random.Random(2024))
    drawn = [allocator.allocate() for _ in range(1000)]
    assert drawn != sorted(drawn)
    assert min(drawn) < MIN_ENTRIES // 10 and max(drawn) > MIN_ENTRIES * 9 // 10
    # Each eighth of the list gets about an eighth of the draws.
    counts = Counter(index * 8 // MIN_ENTRIES for index in drawn)
    assert all(80 < counts[octant] < 170 for octant in range(8))


def test_draws_are_uniform_over_the_free_indexes() -> None:
    rng = random.Random(99)
    counts: Counter[int] = Counter()
    for _ in range(8000):
        counts[IndexAllocator(16, used={0, 5, 9, 15}, rng=rng).allocate()] += 1
    assert set(counts) == set(range(16)) - {0, 5, 9, 15}
    assert all(500 < count < 840 for count in counts.values())  # expected 667 each


def test_the_same_seed_gives_the_same_sequence() -> None:
    first = IndexAllocator(1024, rng=random.Random(5))
    second = IndexAllocator(1024, rng=random.Random(5))
    assert first.allocate_many(50) == second.allocate_many(50)


def test_rebuilt_from_a_database_it_never_returns_a_used_index() -> None:
    used = set(range(0, 1024, 3))
    allocator = IndexAllocator(1024, used=used, rng=random.Random(3))
    drawn = allocator.allocate_many(allocator.free)
    assert not used & set(drawn)
    assert sorted(used | set(drawn)) == list(range(1024))
    assert allocator.used() == frozenset(range(1024))


def test_a_99_percent_full_list_still_allocates_fast() -> None:
    rng = random.Random(11)
    used = set(rng.sample(range(MIN_ENTRIES), MIN_ENTRIES * 99 // 100))
    allocator = IndexAllocator(used=used, rng=rng)
    started = time.perf_counter()
    drawn = allocator.allocate_many(allocator.free)
    assert time.perf_counter() - started < 1.0
    assert len(drawn) == MIN_ENTRIES - len(used)
    assert set(drawn) == set(range(MIN_ENTRIES)) - used


def test_mark_used_is_idempotent_and_respected() -> None:
    allocator = IndexAllocator(4, rng=random.Random(0))
    allocator.mark_used(2)
    allocator.mark_used(2)
    assert allocator.is_used(2) and 2 in allocator
    assert allocator.free == 3
    assert 2 not in allocator.allocate_many(3)


def test_allocate_many_is_all_or_nothing() -> None:
    allocator = IndexAllocator(8, rng=random.Random(0))
    with pytest.raises(StatusListError) as error:
        allocator.allocate_many(9)
    assert error.value.code == ErrorCode.STATUS_LIST_FULL
    assert allocator.free == 8


@pytest.mark.parametrize("used", [[-1], [8], [True], ["3"]])
def test_used_indexes_must_be_in_the_list(used: list[object]) -> None:
    with pytest.raises(UsageError):
        IndexAllocator(8, used=used)  # type: ignore[arg-type]


@pytest.mark.parametrize("length", [0, -5, True])
def test_the_list_must_have_entries(length: int) -> None:
    with pytest.raises(UsageError):
        IndexAllocator(length)


def test_concurrent_allocations_never_collide() -> None:
    allocator = IndexAllocator(rng=random.Random(8))
    results: list[list[int]] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        results.append([allocator.allocate() for _ in range(2000)])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    drawn = [index for batch in results for index in batch]
    assert len(drawn) == len(set(drawn)) == 16_000
    assert allocator.free == MIN_ENTRIES - 16_000


def test_the_default_rng_is_the_system_csprng() -> None:
    allocator = IndexAllocator(1024)
    assert len(set(allocator.allocate_many(100))) == 100


@given(
    length=st.integers(1, 100),
    used_fraction=st.floats(0, 1),
    seed=st.integers(0, 2**32),
    data=st.data(),
)
@settings(max_examples=150, deadline=None)
def test_allocations_never_repeat_and_never_reuse(
    length: int, used_fraction: float, seed: int, data: st.DataObject
) -> None:
    used = set(
        data.draw(st.lists(st.integers(0, length - 1), max_size=int(length * used_fraction)))
    )
    allocator = IndexAllocator(length, used=used, rng=random.Random(seed))
    drawn: list[int] = []
    while allocator.free:
        if data.draw(st.booleans()):
            extra = data.draw(st.integers(0, length - 1))
            allocator.mark_used(extra)  # taken elsewhere (idempotent if already ours)
            if extra not in drawn:
                used.add(extra)
        else:
            drawn.append(allocator.allocate())
    assert len(drawn) == len(set(drawn))
    assert not set(drawn) & used
    assert set(drawn) | used == set(range(length))
