"""The store on SQLite and PostgreSQL: entities, keys, clients, status indexes, credentials."""

from __future__ import annotations

import itertools
import secrets
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from issuer.db import create_engine_for
from issuer.store import (
    CredentialRecord,
    StatusSlot,
    Store,
    StoreErrorCode,
    request_digest,
    subject_reference,
)
from issuer.store.errors import StoreError
from vcred.status.bitstring import MIN_ENTRIES, read_status

JWK = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _code(error: pytest.ExceptionInfo[StoreError]) -> StoreErrorCode:
    return error.value.code


def _issue(
    store: Store,
    slug: str,
    *,
    slots: tuple[StatusSlot, ...] | None = None,
    **options: Any,
) -> CredentialRecord:
    if slots is None:
        slots = (store.allocate_status_index(slug, "revocation"),)
    return store.record_credential(
        slug,
        credential_id=f"urn:uuid:{secrets.token_hex(16)}",
        credential_type="CertificadoSVT135",
        codigo_tramite="SVT-135",
        subject_ref=subject_reference("CC 1.020.304.050", salt=b"s" * 16),
        issued_at=NOW,
        valid_from=NOW,
        valid_until=NOW + timedelta(days=365),
        client_ref="client-1",
        status=slots,
        **options,
    )


# -- entities and keys -----------------------------------------------------------------------


def test_an_entity_round_trips(store: Store, slug: str) -> None:
    entity = store.get_entity(slug)
    assert (entity.slug, entity.nombre, entity.did) == (
        slug,
        "Gobernación de Prueba",
        f"did:web:localhost:{slug}",
    )
    assert entity.created_at.tzinfo is not None
    assert slug in [e.slug for e in store.list_entities()]


def test_a_slug_is_taken_once(store: Store, slug: str) -> None:
    with pytest.raises(StoreError) as error:
        store.create_entity(slug, nombre="Otra", nit="1", did="did:web:localhost:otra-" + slug)
    assert _code(error) == StoreErrorCode.CONFLICT


def test_an_unknown_entity_is_not_found(store: Store) -> None:
    with pytest.raises(StoreError) as error:
        store.get_entity("no-existe")
    assert _code(error) == StoreErrorCode.NOT_FOUND


def test_a_key_round_trips_with_its_reference_not_its_private_part(store: Store, slug: str) -> None:
    store.add_key(
        slug, fragment="key-1", algorithm="EdDSA", public_jwk=JWK, key_ref="file:keys/k1.pem"
    )
    key = store.active_key(slug)
    assert (key.fragment, key.algorithm, key.state, key.key_ref) == (
        "key-1",
        "EdDSA",
        "active",
        "file:keys/k1.pem",
    )
    assert dict(key.public_jwk) == JWK


@pytest.mark.parametrize(
    ("jwk", "key_ref"),
    [
        ({**JWK, "d": "private"}, "file:k.pem"),
        (JWK, "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI…"),
    ],
    ids=["jwk-with-d", "pem-in-ref"],
)
def test_private_key_material_is_refused(
    store: Store, slug: str, jwk: dict[str, str], key_ref: str
) -> None:
    with pytest.raises(StoreError) as error:
        store.add_key(slug, fragment="key-1", algorithm="EdDSA", public_jwk=jwk, key_ref=key_ref)
    assert _code(error) == StoreErrorCode.INVALID_INPUT


def test_rotation_retires_the_old_key_and_keeps_it(store: Store, slug: str) -> None:
    store.add_key(slug, fragment="key-1", algorithm="EdDSA", public_jwk=JWK, key_ref="file:k1")
    with pytest.raises(StoreError) as error:
        store.add_key(slug, fragment="key-2", algorithm="ES256", public_jwk=JWK, key_ref="x")
    assert _code(error) == StoreErrorCode.CONFLICT
    store.rotate_key(slug, fragment="key-2", algorithm="ES256", public_jwk=JWK, key_ref="file:k2")
    keys = store.keys(slug)
    assert [(k.fragment, k.state) for k in keys] == [("key-1", "retired"), ("key-2", "active")]
    assert keys[0].retired_at is not None
    assert store.active_key(slug).fragment == "key-2"


def test_a_fragment_is_used_once_per_entity(store: Store, slug: str) -> None:
    store.add_key(slug, fragment="key-1", algorithm="EdDSA", public_jwk=JWK, key_ref="file:k1")
    with pytest.raises(StoreError) as error:
        store.rotate_key(slug, fragment="key-1", algorithm="EdDSA", public_jwk=JWK, key_ref="k")
    assert _code(error) == StoreErrorCode.CONFLICT
    assert store.active_key(slug).key_ref == "file:k1"


def test_an_entity_without_keys_has_no_active_key(store: Store, slug: str) -> None:
    with pytest.raises(StoreError) as error:
        store.active_key(slug)
    assert _code(error) == StoreErrorCode.NOT_FOUND


# -- API clients -----------------------------------------------------------------------------


def test_a_client_secret_verifies_and_a_wrong_one_does_not(store: Store, slug: str) -> None:
    client, secret = store.create_client(slug, scopes=["issue", "status"], tramites=["SVT-135"])
    verified = store.verify_client_secret(client.client_id, secret)
    assert verified == client
    assert (verified.entity, verified.scopes, verified.tramites) == (
        slug,
        ("issue", "status"),
        ("SVT-135",),
    )
    assert store.verify_client_secret(client.client_id, secret + "x") is None
    assert store.verify_client_secret("nadie", secret) is None


def test_a_client_secret_is_stored_only_as_a_salted_hash(
    store: Store, slug: str, engine: Engine
) -> None:
    first, secret = store.create_client(slug, scopes=["issue"])
    second, _ = store.create_client(slug, scopes=["issue"])
    with engine.connect() as connection:
        stored: dict[str, str] = dict(
            connection.execute(
                text("SELECT client_id, secret_hash FROM api_clients WHERE client_id IN (:a, :b)"),
                {"a": first.client_id, "b": second.client_id},
            ).all()
        )
    assert secret not in stored[first.client_id]
    assert stored[first.client_id].startswith("scrypt$")
    assert stored[first.client_id].split("$")[4] != stored[second.client_id].split("$")[4]


def test_a_revoked_client_no_longer_verifies(store: Store, slug: str) -> None:
    client, secret = store.create_client(slug, scopes=["admin"])
    store.revoke_client(slug, client.client_id)
    assert store.verify_client_secret(client.client_id, secret) is None
    assert store.get_client(client.client_id).revoked_at is not None


def test_unknown_scopes_are_refused(store: Store, slug: str) -> None:
    with pytest.raises(StoreError) as error:
        store.create_client(slug, scopes=["issue", "root"])
    assert _code(error) == StoreErrorCode.INVALID_INPUT


# -- status index allocation -----------------------------------------------------------------


def test_two_thousand_indexes_never_repeat_and_spread_over_the_list(
    store: Store, slug: str
) -> None:
    indexes = [store.allocate_status_index(slug, "revocation").index for _ in range(2000)]
    assert len(set(indexes)) == 2000
    assert all(0 <= i < MIN_ENTRIES for i in indexes)
    # Random, not sequential: the order is not sorted, the span covers most of the list and
    # hardly any index follows its predecessor.
    assert indexes != sorted(indexes)
    assert max(indexes) - min(indexes) > MIN_ENTRIES * 0.9
    assert sum(b - a == 1 for a, b in itertools.pairwise(indexes)) < 10
    assert store.status_list_seqs(slug, "revocation") == [1]


def test_indexes_allocated_from_four_threads_never_repeat(
    store: Store, slug: str, engine: Engine
) -> None:
    def allocate(_: int) -> list[int]:
        return [store.allocate_status_index(slug, "revocation").index for _ in range(500)]

    with ThreadPoolExecutor(4) as pool:
        indexes = [i for batch in pool.map(allocate, range(4)) for i in batch]
    assert len(indexes) == len(set(indexes)) == 2000
    with engine.connect() as connection:
        stored = connection.execute(
            text(
                "SELECT count(*) FROM status_allocations a JOIN status_lists l ON l.id = a.list_id"
                " JOIN entities e ON e.id = l.entity_id WHERE e.slug = :slug"
            ),
            {"slug": slug},
        ).scalar()
    assert stored == 2000


_ALLOCATE_IN_A_PROCESS = """
import sys
from issuer.db import create_engine_for
from issuer.store import Store
store = Store(create_engine_for(sys.argv[1]), status_list_length=int(sys.argv[3]))
for _ in range(int(sys.argv[4])):
    slot = store.allocate_status_index(sys.argv[2], "revocation")
    print(slot.seq, slot.index)
"""


def test_indexes_allocated_from_three_processes_never_repeat(
    store: Store, slug: str, engine: Engine
) -> None:
    # A small list, so that the processes also race to fill it and to open the next one.
    url = engine.url.render_as_string(hide_password=False)
    argv = [sys.executable, "-c", _ALLOCATE_IN_A_PROCESS, url, slug, "256", "200"]
    workers = [subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0]
    slots = [tuple(map(int, line.split())) for out in outputs for line in out.splitlines()]
    assert len(slots) == len(set(slots)) == 600
    assert {seq for seq, _ in slots} == {1, 2, 3}


def test_a_full_list_opens_the_next_one(make_store: Callable[..., Store], slug: str) -> None:
    store = make_store(status_list_length=16)
    slots = [store.allocate_status_index(slug, "revocation") for _ in range(40)]
    by_seq: dict[int, list[int]] = {}
    for slot in slots:
        by_seq.setdefault(slot.seq, []).append(slot.index)
    assert sorted(by_seq) == [1, 2, 3]
    assert sorted(by_seq[1]) == sorted(by_seq[2]) == list(range(16))
    assert len(set(by_seq[3])) == 8
    assert store.status_list_seqs(slug, "revocation") == [1, 2, 3]
    assert store.status_list(slug, "revocation", 3).length == 16


def test_a_full_list_without_permission_to_open_another_is_an_error(
    make_store: Callable[..., Store], slug: str
) -> None:
    store = make_store(status_list_length=8)
    for _ in range(8):
        store.allocate_status_index(slug, "suspension", open_new=False)
    with pytest.raises(StoreError) as error:
        store.allocate_status_index(slug, "suspension", open_new=False)
    assert _code(error) == StoreErrorCode.STATUS_LIST_FULL


def test_lists_fill_and_open_safely_under_concurrency(
    make_store: Callable[..., Store], slug: str
) -> None:
    store = make_store(status_list_length=64)

    def allocate(_: int) -> list[tuple[int, int]]:
        return [
            (s.seq, s.index)
            for s in (store.allocate_status_index(slug, "revocation") for _ in range(50))
        ]

    with ThreadPoolExecutor(4) as pool:
        slots = [slot for batch in pool.map(allocate, range(4)) for slot in batch]
    assert len(set(slots)) == 200
    assert {seq for seq, _ in slots} == {1, 2, 3, 4}
    assert sorted(i for seq, i in slots if seq < 4) == sorted(list(range(64)) * 3)


# -- issued credentials ----------------------------------------------------------------------


def test_a_credential_round_trips_with_its_status_slot(store: Store, slug: str) -> None:
    record = _issue(store, slug)
    assert store.get_credential(slug, record.credential_id) == record
    assert record.state == "active"
    assert record.status[0].purpose == "revocation"
    assert len(record.subject_ref) == 64


def test_a_repeated_idempotency_key_returns_the_first_credential(store: Store, slug: str) -> None:
    digest = request_digest({"claims": {"placa": "ABC123"}})
    first = _issue(store, slug, idempotency_key="k-1", request_digest=digest)
    again = _issue(store, slug, idempotency_key="k-1", request_digest=digest)
    assert again.credential_id == first.credential_id
    found = store.find_idempotent(
        slug, client_ref="client-1", idempotency_key="k-1", request_digest=digest
    )
    assert found == first


def test_an_idempotency_key_reused_with_another_body_is_refused(store: Store, slug: str) -> None:
    _issue(store, slug, idempotency_key="k-1", request_digest=request_digest({"a": 1}))
    with pytest.raises(StoreError) as error:
        _issue(store, slug, idempotency_key="k-1", request_digest=request_digest({"a": 2}))
    assert _code(error) == StoreErrorCode.IDEMPOTENCY_MISMATCH
    with pytest.raises(StoreError) as error:
        store.find_idempotent(
            slug, client_ref="client-1", idempotency_key="k-1", request_digest="other"
        )
    assert _code(error) == StoreErrorCode.IDEMPOTENCY_MISMATCH


def test_concurrent_retries_of_one_request_record_one_credential(store: Store, slug: str) -> None:
    digest = request_digest({"n": 1})

    def attempt(_: int) -> str:
        return _issue(store, slug, idempotency_key="k-race", request_digest=digest).credential_id

    with ThreadPoolExecutor(4) as pool:
        ids = set(pool.map(attempt, range(8)))
    assert len(ids) == 1


def test_a_status_slot_is_bound_to_one_credential(store: Store, slug: str) -> None:
    slot = store.allocate_status_index(slug, "revocation")
    _issue(store, slug, slots=(slot,))
    with pytest.raises(StoreError) as error:
        _issue(store, slug, slots=(slot,))
    assert _code(error) == StoreErrorCode.CONFLICT


def test_another_entitys_credential_is_not_found(store: Store, slug: str) -> None:
    record = _issue(store, slug)
    other = f"otra-{secrets.token_hex(4)}"
    store.create_entity(other, nombre="Otra", nit="2", did=f"did:web:localhost:{other}")
    for call in (
        lambda: store.get_credential(other, record.credential_id),
        lambda: store.set_status(other, record.credential_id, "revoked"),
    ):
        with pytest.raises(StoreError) as error:
            call()
        assert _code(error) == StoreErrorCode.NOT_FOUND
    assert store.get_credential(slug, record.credential_id).state == "active"


# -- status changes --------------------------------------------------------------------------


def test_revocation_sets_exactly_its_bit_and_bumps_the_version(store: Store, slug: str) -> None:
    record = _issue(store, slug)
    slot = record.status[0]
    before = store.status_list(slug, "revocation", slot.seq)
    change = store.set_status(slug, record.credential_id, "revoked")
    after = store.status_list(slug, "revocation", slot.seq)
    assert change.changed
    assert change.credential.state == "revoked"
    assert change.list_versions == {("revocation", slot.seq): before.version + 1}
    assert after.version == before.version + 1
    assert read_status(after.bits, index=slot.index) == 1
    flipped = [
        i
        for i in range(after.length)
        if read_status(after.bits, index=i) != read_status(before.bits, index=i)
    ]
    assert flipped == [slot.index]
    assert store.get_credential(slug, record.credential_id).state == "revoked"


def test_an_acknowledged_revocation_is_read_back_by_a_new_engine(
    store: Store, slug: str, engine: Engine
) -> None:
    record = _issue(store, slug)
    store.set_status(slug, record.credential_id, "revoked")
    fresh = create_engine_for(engine.url.render_as_string(hide_password=False))
    try:
        reopened = Store(fresh, secret_cost=2**10)
        assert reopened.get_credential(slug, record.credential_id).state == "revoked"
        bits = reopened.status_list(slug, "revocation", record.status[0].seq).bits
        assert read_status(bits, index=record.status[0].index) == 1
    finally:
        fresh.dispose()


def test_repeating_a_status_change_changes_nothing(store: Store, slug: str) -> None:
    record = _issue(store, slug)
    store.set_status(slug, record.credential_id, "revoked")
    version = store.status_list(slug, "revocation", record.status[0].seq).version
    assert not store.set_status(slug, record.credential_id, "revoked").changed
    assert store.status_list(slug, "revocation", record.status[0].seq).version == version


def test_revocation_is_final(store: Store, slug: str) -> None:
    record = _issue(store, slug)
    store.set_status(slug, record.credential_id, "revoked")
    for state in ("active", "suspended"):
        with pytest.raises(StoreError) as error:
            store.set_status(slug, record.credential_id, state)
        assert _code(error) == StoreErrorCode.INVALID_TRANSITION


def test_suspension_sets_and_clears_its_bit(store: Store, slug: str) -> None:
    slots = (
        store.allocate_status_index(slug, "revocation"),
        store.allocate_status_index(slug, "suspension"),
    )
    record = _issue(store, slug, slots=slots)
    suspension = slots[1]
    store.set_status(slug, record.credential_id, "suspended")
    snapshot = store.status_list(slug, "suspension", suspension.seq)
    assert read_status(snapshot.bits, index=suspension.index) == 1
    store.set_status(slug, record.credential_id, "active")
    cleared = store.status_list(slug, "suspension", suspension.seq)
    assert read_status(cleared.bits, index=suspension.index) == 0
    assert cleared.version == snapshot.version + 1
    revocation = store.status_list(slug, "revocation", slots[0].seq)
    assert read_status(revocation.bits, index=slots[0].index) == 0


def test_suspending_needs_a_suspension_entry(store: Store, slug: str) -> None:
    record = _issue(store, slug)
    with pytest.raises(StoreError) as error:
        store.set_status(slug, record.credential_id, "suspended")
    assert _code(error) == StoreErrorCode.INVALID_TRANSITION


def test_a_failure_midway_through_a_status_change_leaves_nothing_changed(
    store: Store, slug: str, engine: Engine
) -> None:
    record = _issue(store, slug)
    slot = record.status[0]
    before = store.status_list(slug, "revocation", slot.seq)
    audit_before = store.audit_entries(slug)

    def crash(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        # The credential row is already updated when the list row is written.
        if statement.lstrip().upper().startswith("UPDATE STATUS_LISTS"):
            raise RuntimeError("simulated crash")

    event.listen(engine, "before_cursor_execute", crash)
    try:
        with pytest.raises(RuntimeError):
            store.set_status(slug, record.credential_id, "revoked")
    finally:
        event.remove(engine, "before_cursor_execute", crash)
    assert store.get_credential(slug, record.credential_id).state == "active"
    assert store.status_list(slug, "revocation", slot.seq) == before
    assert store.audit_entries(slug) == audit_before
    # And the change goes through once the failure is gone.
    assert store.set_status(slug, record.credential_id, "revoked").changed


def test_an_unknown_status_list_is_not_found(store: Store, slug: str) -> None:
    with pytest.raises(StoreError) as error:
        store.status_list(slug, "revocation", 99)
    assert _code(error) == StoreErrorCode.NOT_FOUND
