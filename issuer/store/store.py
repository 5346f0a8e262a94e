"""All the issuer's SQL: the :class:`Store` (issue #3, items 2, 3, 5 and 6).

Every public method is one transaction. Writers on SQLite queue on the database lock (``BEGIN
IMMEDIATE``); on PostgreSQL the rows that order things are locked (``FOR UPDATE``): the entity
row for its audit chain and keys, the status list row for its bits.
"""

from __future__ import annotations

from issuer.store.admin import AdminMixin
from issuer.store.audit import AuditMixin
from issuer.store.base import SCOPES
from issuer.store.credentials import CredentialMixin
from issuer.store.status_lists import StatusListMixin

__all__ = ["SCOPES", "Store"]


class Store(AdminMixin, StatusListMixin, CredentialMixin, AuditMixin):
    """Transactional access to the issuer's database; the only place with SQL.

    ``Store(engine, *, status_list_length=131_072, rng=None, clock=None, secret_cost=2**14)``:
    ``status_list_length`` is the number of entries of each new status list (Bitstring Status
    List §6.1: at least 131,072 in production; tests use less); ``rng`` draws status indexes
    (default :class:`secrets.SystemRandom`); ``clock`` stamps every row; ``secret_cost`` is the
    scrypt cost of new client secrets.
    """
