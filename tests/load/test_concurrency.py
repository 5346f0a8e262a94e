"""Many client processes issuing against a multi-worker server on PostgreSQL (issue #3, item 11).

``python -m issuer serve --workers 4`` runs on a fresh PostgreSQL schema; 8 client processes
(``spawn``) issue 2,000 distinct SVT-135 credentials in total through the trámite endpoint, each
request with an ``Idempotency-Key``. Some requests are retried on purpose: every 10th right away
by the same process (a replay), every 7th by the *next* process, racing the original. Afterwards
the database must hold each acknowledged credential exactly once, one per key, every status index
must be handed out once, the audit chain must be intact and sample credentials must verify.
"""

from __future__ import annotations

import multiprocessing
import secrets
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from issuer.db import create_engine_for
from issuer.db.models import Entity, IssuedCredential, StatusAllocation, StatusList
from issuer.demo import LoopbackFetcher
from tests.load.conftest import (
    TRAMITE,
    Deployment,
    claims,
    create_deployment,
    free_port,
    issuer_cli,
    load_env,
    status_entries,
    token_of,
)
from vcred.schema import SchemaRegistry
from vcred.trust import TrustedIssuer, TrustRegistry
from vcred.verify import Verdict, create_verifier

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WORKERS = 4  # uvicorn worker processes
CLIENTS = 8  # client processes
PER_CLIENT = 250  # 2,000 credentials in all
TIME_LIMIT = 90.0  # seconds for the whole issuance phase


def issue_as_client(
    origin: str,
    slug: str,
    auth: str,
    client: int,
    clients: int,
    count: int,
    today: str,
    deadline: float,
) -> list[tuple[str, int, str, str]]:
    """Client process ``client``: issue ``count`` credentials; ``(key, status, id, token)`` each.

    Every acknowledged answer is returned (first requests, replays and cross-process retries),
    so the test can check that one key always names one credential. Transport failures are
    retried with the same key; any other status than 200/201 is returned as is (no id), and
    then the process stops (so does it past ``deadline``, a ``time.time()``): the test fails
    fast instead of waiting for thousands of failures.
    """
    path = f"/entidades/{slug}/tramites/{TRAMITE}/credenciales"
    answers: list[tuple[str, int, str, str]] = []
    with httpx.Client(
        base_url=origin, trust_env=False, timeout=60, headers={"Authorization": auth}
    ) as http:

        def send(owner: int, n: int) -> bool:
            key = f"carga-{owner}-{n}"
            body = {"claims": claims(owner, n, today)}
            for _ in range(5):
                try:
                    response = http.post(path, json=body, headers={"Idempotency-Key": key})
                except httpx.TransportError:
                    time.sleep(0.2)
                    continue
                if response.status_code in (200, 201):
                    answer = response.json()
                    answers.append((key, response.status_code, answer["id"], token_of(answer)))
                    return True
                answers.append((key, response.status_code, "", response.text[:500]))
                return False
            answers.append((key, 0, "", "transport error five times"))
            return False

        for n in range(count):
            if time.time() > deadline:
                answers.append((f"carga-{client}-{n}", 0, "", "out of time"))
                break
            ok = send(client, n)
            if ok and n % 10 == 0:
                ok = send(client, n)  # the same process retries: a replay
            if ok and n % 7 == 3:
                ok = send((client + 1) % clients, n)  # another process's request, maybe in flight
            if not ok:
                break
    return answers


@pytest.fixture
def deployment_on_postgres(
    postgres_schema_url: str, tmp_path: Path, server_factory: Any
) -> tuple[Any, Deployment, str]:
    port = free_port()
    env = load_env(tmp_path / "data", port, postgres_schema_url)
    deployment = create_deployment(env, f"carga-{secrets.token_hex(3)}")
    server = server_factory(env, port, workers=WORKERS)
    server.start()
    return server, deployment, postgres_schema_url


def test_parallel_processes_issue_each_credential_once(
    deployment_on_postgres: tuple[Any, Deployment, str],
) -> None:
    server, deployment, database_url = deployment_on_postgres
    today = datetime.now(UTC).date().isoformat()
    context = multiprocessing.get_context("spawn")
    started = time.monotonic()
    deadline = time.time() + TIME_LIMIT
    with context.Pool(CLIENTS) as pool:
        results = pool.starmap(
            issue_as_client,
            [
                (
                    server.origin,
                    deployment.slug,
                    deployment.auth,
                    c,
                    CLIENTS,
                    PER_CLIENT,
                    today,
                    deadline,
                )
                for c in range(CLIENTS)
            ],
        )
    elapsed = time.monotonic() - started
    answers = [answer for result in results for answer in result]
    failures = [a for a in answers if a[1] not in (200, 201)]
    assert not failures, f"{len(failures)} failed requests, e.g. {failures[:3]}\n{server.tail()}"
    assert elapsed < TIME_LIMIT, f"{CLIENTS * PER_CLIENT} credentials took {elapsed:.1f} s"

    # One key, one credential, whoever asked and however often.
    ids_by_key: dict[str, set[str]] = defaultdict(set)
    token_by_id: dict[str, str] = {}
    for key, _, credential_id, token in answers:
        ids_by_key[key].add(credential_id)
        token_by_id.setdefault(credential_id, token)
    assert len(ids_by_key) == CLIENTS * PER_CLIENT
    assert all(len(ids) == 1 for ids in ids_by_key.values())
    acknowledged = set(token_by_id)
    assert len(acknowledged) == CLIENTS * PER_CLIENT
    created = Counter(a[1] for a in answers)
    assert created[201] >= len(acknowledged)  # each credential was created by some request
    assert created[200] >= CLIENTS * (PER_CLIENT // 10)  # the replays were answered as such

    # No two credentials share a status entry (read from the signed tokens themselves).
    entries = [
        (e["statusPurpose"], e["statusListCredential"], int(e["statusListIndex"]))
        for token in token_by_id.values()
        for e in status_entries(token)
    ]
    assert len(entries) == len(set(entries)) == len(acknowledged)

    engine = create_engine_for(database_url, pool_size=1)
    try:
        with Session(engine) as session:
            entity_id = session.scalar(select(Entity.id).where(Entity.slug == deployment.slug))
            rows = session.execute(
                select(IssuedCredential.credential_id, IssuedCredential.id).where(
                    IssuedCredential.entity_id == entity_id
                )
            ).all()
            stored = Counter(credential_id for credential_id, _ in rows)
            assert set(stored) == acknowledged  # none lost, none extra
            assert max(stored.values()) == 1  # none twice
            allocations = session.execute(
                select(StatusList.seq, StatusAllocation.index, StatusAllocation.credential_id)
                .join(StatusList, StatusList.id == StatusAllocation.list_id)
                .where(StatusList.entity_id == entity_id)
            ).all()
            in_use = [(seq, index) for seq, index, owner in allocations if owner is not None]
            assert len(in_use) == len(set(in_use)) == len(acknowledged)
            owners = Counter(owner for _, _, owner in allocations if owner is not None)
            assert set(owners) == {row_id for _, row_id in rows}
            assert max(owners.values()) == 1
            # Indexes drawn for racing retries that lost stay unused, never reassigned.
            duplicates = session.execute(
                select(StatusAllocation.list_id, StatusAllocation.index, func.count())
                .group_by(StatusAllocation.list_id, StatusAllocation.index)
                .having(func.count() > 1)
            ).all()
            assert duplicates == []
    finally:
        engine.dispose()

    audit = issuer_cli(server.env, "audit", "verify", "--entity", deployment.slug)
    assert audit.returncode == 0, audit.stdout + audit.stderr

    schemas = SchemaRegistry.default()
    trust = TrustRegistry(
        [
            TrustedIssuer(
                did=deployment.did,
                nombre="Gobernación de Carga",
                nit="800094164-4",
                allowed_types=frozenset(t.credential_type for t in schemas.tramites()),
                valid_from=datetime(2024, 1, 1, tzinfo=UTC),
            )
        ]
    )
    verifier = create_verifier(
        fetcher=LoopbackFetcher(server.env["VCRED_ISSUER_PUBLIC_BASE_URL"], server.origin),
        trust=trust,
        schemas=schemas,
    )
    sample = sorted(token_by_id)[:: len(token_by_id) // 5][:5]
    for credential_id in sample:
        result = verifier.verify(token_by_id[credential_id])
        assert result.verdict is Verdict.VALID, result.codes()
    print(
        f"\n{len(acknowledged)} credentials ({len(answers)} requests) from {CLIENTS} processes "
        f"on {WORKERS} workers in {elapsed:.1f} s: {len(answers) / elapsed:.0f} requests/s"
    )
