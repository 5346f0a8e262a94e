"""Random allocation of status list indexes (Bitstring Status List v1.0 §2.1, §7.4).

§2.1 ``statusListIndex``: implementations SHOULD assign indexes randomly, so that neither the
recency of an assignment nor the size of the group can be inferred from a position. The
allocator draws uniformly from the indexes still free, never hands one out twice, and costs
O(1) per draw however full the list is: the free indexes form a virtual array (a sparse
Fisher-Yates shuffle) in which only displaced slots are stored.
"""

from __future__ import annotations

import random
import secrets
import threading
from collections.abc import Iterable

from vcred.errors import ErrorCode, StatusListError, UsageError
from vcred.status.bitstring import MIN_ENTRIES

__all__ = ["IndexAllocator"]


class IndexAllocator:
    """Hands out distinct indexes of a list of ``length`` entries, uniformly at random.

    ``used`` lists the indexes already taken (a service rebuilds it from its database); ``rng``
    is any :class:`random.Random` (default :class:`secrets.SystemRandom`). Thread-safe.
    """

    def __init__(
        self,
        length: int = MIN_ENTRIES,
        *,
        used: Iterable[int] = (),
        rng: random.Random | None = None,
    ) -> None:
        if isinstance(length, bool) or not isinstance(length, int) or length < 1:
            raise UsageError("length must be a positive integer")
        self._length = length
        self._rng: random.Random = rng if rng is not None else secrets.SystemRandom()
        self._lock = threading.Lock()
        # Positions [0, _free) of a virtual array hold the free indexes. A position p holds the
        # index p unless _slot says otherwise; _where is the inverse map for displaced indexes.
        self._free = length
        self._slot: dict[int, int] = {}
        self._where: dict[int, int] = {}
        self._used: set[int] = set()
        for index in used:
            self._take(index)

    @property
    def length(self) -> int:
        """Number of entries in the list."""
        return self._length

    @property
    def free(self) -> int:
        """How many indexes are still free."""
        return self._free

    @property
    def used_count(self) -> int:
        """How many indexes have been handed out (or were given as used)."""
        return len(self._used)

    def is_used(self, index: int) -> bool:
        """Whether ``index`` has been handed out or was given as used."""
        return index in self._used

    def __contains__(self, index: object) -> bool:
        return index in self._used

    def used(self) -> frozenset[int]:
        """A snapshot of the used indexes."""
        with self._lock:
            return frozenset(self._used)

    def _remove_position(self, position: int) -> int:
        # Swap the last free slot into ``position`` and shrink the free area; returns the index
        # that was at ``position``.
        index = self._slot.get(position, position)
        last = self._free - 1
        moved = self._slot.pop(last, last)
        self._where.pop(moved, None)
        if position != last:
            if moved == position:
                self._slot.pop(position, None)
            else:
                self._slot[position] = moved
                self._where[moved] = position
        else:
            self._slot.pop(position, None)
        self._where.pop(index, None)
        self._free = last
        self._used.add(index)
        return index

    def _take(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise UsageError("used indexes must be integers")
        if not 0 <= index < self._length:
            raise UsageError(f"used index {index} is outside [0, {self._length})")
        if index in self._used:
            return
        self._remove_position(self._where.get(index, index))

    def mark_used(self, index: int) -> None:
        """Record ``index`` as taken (e.g. allocated by another worker); idempotent."""
        with self._lock:
            self._take(index)

    def allocate(self) -> int:
        """A free index chosen uniformly at random; ``STATUS_LIST_FULL`` when none is left."""
        with self._lock:
            if self._free == 0:
                raise StatusListError(
                    f"all {self._length} indexes of the status list are used",
                    code=ErrorCode.STATUS_LIST_FULL,
                )
            return self._remove_position(self._rng.randrange(self._free))

    def allocate_many(self, count: int) -> list[int]:
        """``count`` distinct free indexes, all or none (``STATUS_LIST_FULL`` if too few)."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise UsageError("count must be a non-negative integer")
        with self._lock:
            if count > self._free:
                raise StatusListError(
                    f"only {self._free} indexes of the status list are free",
                    code=ErrorCode.STATUS_LIST_FULL,
                )
            return [self._remove_position(self._rng.randrange(self._free)) for _ in range(count)]

    def __repr__(self) -> str:
        return f"IndexAllocator(length={self._length}, free={self._free})"
