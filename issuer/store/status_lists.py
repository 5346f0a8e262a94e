"""Status lists: random index allocation and committed bits (issue #3, item 6)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from issuer.db.models import StatusAllocation, StatusList
from issuer.store.base import StoreBase, check_purpose, table_of
from issuer.store.errors import Conflict, NotFound, StatusListFull
from issuer.store.records import StatusListSnapshot, StatusPurpose, StatusSlot

__all__ = ["StatusListMixin"]

# Random draws before falling back to a draw among the free indexes read from the database.
_RANDOM_TRIES = 16
_ALLOCATION_ROUNDS = 64


class StatusListMixin(StoreBase):
    """Status lists: random index allocation and committed bits (issue #3, item 6)."""

    def allocate_status_index(
        self, entity: str, purpose: StatusPurpose, *, open_new: bool = True
    ) -> StatusSlot:
        """A status list index never handed out before, uniform among the free ones (§2.1).

        Safe across processes: the index is claimed by inserting ``(list, index)`` under its
        primary key, and a lost race draws again. When the open list has no free index left it
        is marked full and the next list (``seq + 1``) is opened, unless ``open_new`` is false
        (then ``status_list_full``).
        """
        check_purpose(purpose)
        for _ in range(_ALLOCATION_ROUNDS):
            with self._write() as session:
                owner = self._entity(session, entity)
                current = session.execute(
                    select(StatusList.id, StatusList.seq, StatusList.length)
                    .where(
                        StatusList.entity_id == owner.id,
                        StatusList.purpose == purpose,
                        StatusList.full.is_(False),
                    )
                    .order_by(StatusList.seq)
                    .limit(1)
                ).one_or_none()
                if current is None:
                    self._open_list(session, owner.id, purpose, allowed=open_new)
                    continue
                list_id, seq, length = current
                index = self._claim(session, list_id, length)
                if index is not None:
                    return StatusSlot(entity, purpose, seq, index, length)
        raise Conflict("could not allocate a status index (too much contention)")

    def _claim(self, session: Session, list_id: int, length: int) -> int | None:
        # Rejection sampling: uniform over the free indexes while the list is mostly empty.
        for _ in range(_RANDOM_TRIES):
            index = self._rng.randrange(length)
            if self._try_claim(session, list_id, index):
                return index
        # Mostly full: draw among the free indexes as they are now.
        used = set(
            session.scalars(
                select(StatusAllocation.index).where(StatusAllocation.list_id == list_id)
            )
        )
        if len(used) >= length:
            session.execute(
                update(StatusList)
                .where(StatusList.id == list_id)
                .values(full=True)
                .execution_options(synchronize_session=False)
            )
            return None
        free = [i for i in range(length) if i not in used]
        index = free[self._rng.randrange(len(free))]
        return index if self._try_claim(session, list_id, index) else None

    def _try_claim(self, session: Session, list_id: int, index: int) -> bool:
        table = table_of(StatusAllocation)
        claimed = session.execute(
            self._insert(table)
            .values(list_id=list_id, status_index=index, allocated_at=self._clock())
            .returning(table.c.status_index)
        ).first()
        return claimed is not None

    def _open_list(
        self, session: Session, entity_id: int, purpose: StatusPurpose, *, allowed: bool
    ) -> None:
        last = session.scalar(
            select(func.max(StatusList.seq)).where(
                StatusList.entity_id == entity_id, StatusList.purpose == purpose
            )
        )
        if last is not None and not allowed:
            raise StatusListFull(f"status list {purpose} {last} is full")
        now = self._clock()
        # A concurrent writer may open the same seq first: then use that one.
        session.execute(
            self._insert(table_of(StatusList)).values(
                entity_id=entity_id,
                purpose=purpose,
                seq=(last or 0) + 1,
                length=self._length,
                bits=bytes(self._length // 8),
                version=1,
                full=False,
                created_at=now,
                updated_at=now,
            )
        )

    def status_list(self, entity: str, purpose: StatusPurpose, seq: int) -> StatusListSnapshot:
        """The committed bits of a status list and its version (changes with every bit)."""
        check_purpose(purpose)
        with self._read() as session:
            owner = self._entity(session, entity)
            row = session.scalars(
                select(StatusList).where(
                    StatusList.entity_id == owner.id,
                    StatusList.purpose == purpose,
                    StatusList.seq == seq,
                )
            ).one_or_none()
            if row is None:
                raise NotFound(f"entity {entity!r} has no {purpose} list {seq}")
            return StatusListSnapshot(
                entity, purpose, seq, row.length, row.bits, row.version, row.updated_at
            )

    def status_list_seqs(self, entity: str, purpose: StatusPurpose) -> list[int]:
        """The sequence numbers of the entity's lists of ``purpose``, ascending."""
        check_purpose(purpose)
        with self._read() as session:
            owner = self._entity(session, entity)
            return list(
                session.scalars(
                    select(StatusList.seq)
                    .where(StatusList.entity_id == owner.id, StatusList.purpose == purpose)
                    .order_by(StatusList.seq)
                )
            )
