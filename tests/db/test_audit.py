"""The audit log: append-only, hash-chained per entity, tampering found at the right entry."""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import Engine, text

from issuer.store import Store
from issuer.store.hashing import AUDIT_GENESIS, timestamp_text


def _append(store: Store, slug: str, count: int) -> None:
    for n in range(count):
        store.append_audit(slug, "test.event", {"n": n, "texto": "año"})


def _execute(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as connection:
        connection.execute(text(sql), params)


def test_a_fresh_chain_verifies_and_links_each_entry_to_the_previous(
    store: Store, slug: str
) -> None:
    _append(store, slug, 5)
    entries = store.audit_entries(slug)
    assert [e.seq for e in entries] == list(range(1, 7))
    assert entries[0].action == "entity.created"
    assert entries[0].prev_hash == AUDIT_GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert store.verify_audit_chain(slug) is None


def test_the_hash_is_sha256_over_canonical_json_of_the_entry(store: Store, slug: str) -> None:
    record = store.append_audit(slug, "test.event", {"b": 1, "a": "ñ"})
    document = {
        "action": "test.event",
        "created_at": timestamp_text(record.created_at),
        "entity": slug,
        "payload": {"a": "ñ", "b": 1},
        "prev_hash": record.prev_hash,
        "seq": record.seq,
    }
    canonical = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    assert record.hash == hashlib.sha256(canonical).hexdigest()
    assert store.audit_entries(slug, after_seq=record.seq - 1) == [record]


def test_an_edited_payload_is_found_at_its_seq(
    store: Store, slug: str, engine: Engine, backend: str
) -> None:
    _append(store, slug, 5)
    sql = (
        "UPDATE audit_log SET payload = CAST(:payload AS JSON) WHERE seq = 4 AND entity_id ="
        " (SELECT id FROM entities WHERE slug = :slug)"
        if backend == "postgresql"
        else "UPDATE audit_log SET payload = :payload WHERE seq = 4 AND entity_id ="
        " (SELECT id FROM entities WHERE slug = :slug)"
    )
    _execute(
        engine,
        sql,
        payload=json.dumps({"n": 99, "texto": "año"}),
        slug=slug,
    )
    assert store.verify_audit_chain(slug) == 4


def test_a_rehashed_edit_still_breaks_the_next_link(
    store: Store, slug: str, engine: Engine
) -> None:
    _append(store, slug, 5)
    _execute(
        engine,
        "UPDATE audit_log SET action = 'x', hash = :h WHERE seq = 3 AND entity_id ="
        " (SELECT id FROM entities WHERE slug = :slug)",
        h="f" * 64,
        slug=slug,
    )
    # The edited row no longer hashes to its stored hash.
    assert store.verify_audit_chain(slug) == 3


def test_a_deleted_entry_is_found_at_its_seq(store: Store, slug: str, engine: Engine) -> None:
    _append(store, slug, 5)
    _execute(
        engine,
        "DELETE FROM audit_log WHERE seq = 2 AND entity_id ="
        " (SELECT id FROM entities WHERE slug = :slug)",
        slug=slug,
    )
    assert store.verify_audit_chain(slug) == 2


def test_a_cut_tail_is_found_through_the_anchor(store: Store, slug: str, engine: Engine) -> None:
    _append(store, slug, 5)
    _execute(
        engine,
        "DELETE FROM audit_log WHERE seq >= 5 AND entity_id ="
        " (SELECT id FROM entities WHERE slug = :slug)",
        slug=slug,
    )
    assert store.verify_audit_chain(slug) == 5


def test_chains_of_different_entities_are_independent(store: Store, slug: str) -> None:
    other = slug + "-b"
    store.create_entity(other, nombre="B", nit="3", did=f"did:web:localhost:{other}")
    _append(store, slug, 3)
    _append(store, other, 2)
    assert [e.seq for e in store.audit_entries(other)] == [1, 2, 3]
    assert store.verify_audit_chain(slug) is None
    assert store.verify_audit_chain(other) is None


def test_concurrent_appends_keep_one_unbroken_chain(store: Store, slug: str) -> None:
    threads = 4
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda _: _append(store, slug, 25), range(threads)))
    entries = store.audit_entries(slug)
    assert [e.seq for e in entries] == list(range(1, 2 + threads * 25))
    assert store.verify_audit_chain(slug) is None


def test_store_changes_are_audited_without_the_subject(store: Store, slug: str) -> None:
    slot = store.allocate_status_index(slug, "revocation")
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    store.record_credential(
        slug,
        credential_id=credential_id,
        credential_type="CertificadoSVT135",
        subject_ref="ab" * 32,
        issued_at=datetime(2026, 11, 23, tzinfo=UTC),
        client_ref="cli",
        status=[slot],
    )
    store.set_status(slug, credential_id, "revoked")
    actions = [e.action for e in store.audit_entries(slug)]
    assert actions == ["entity.created", "credential.issued", "credential.status"]
    assert all("ab" * 32 not in json.dumps(dict(e.payload)) for e in store.audit_entries(slug))
    assert store.verify_audit_chain(slug) is None
