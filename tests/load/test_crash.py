"""Killing the server mid-load loses nothing it acknowledged (issue #3, items 6 and 11).

``python -m issuer serve --workers 2`` runs on SQLite (WAL); a client process issues credentials
without pause and revokes every fourth one it got, writing down each acknowledged issuance and
revocation. The server's whole process group is SIGKILLed while requests are in flight, then
restarted on the same data directory: every acknowledged credential must be there, every
acknowledged revocation must be recorded and set in the status list served after the restart,
idempotent retries must find their credential, and the audit chain must be intact.
"""

from __future__ import annotations

import json
import multiprocessing
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from issuer.db import create_engine_for
from issuer.settings import Settings
from issuer.store import Store
from tests.load.conftest import (
    TRAMITE,
    claims,
    create_deployment,
    free_port,
    issuer_cli,
    load_env,
    status_entries,
    token_of,
)
from vcred.status.bitstring import expand_encoded_list, read_status

pytestmark = pytest.mark.slow

MIN_ISSUED = 40
MIN_REVOKED = 8


def load_until_stopped(
    origin: str, slug: str, auth: str, log_path: str, stop: Any, today: str
) -> None:
    """Issue (and revoke every 4th) until ``stop`` is set; log what the server acknowledged.

    One JSON line per acknowledgement, written only after the 2xx answer arrived: ``issued``
    with the id, the idempotency key and the status entries; ``revoked`` with the id.
    Connection failures (the server is down) are ignored: nothing was acknowledged.
    """
    path = f"/entidades/{slug}/tramites/{TRAMITE}/credenciales"
    n = 0
    with (
        httpx.Client(
            base_url=origin, trust_env=False, timeout=10, headers={"Authorization": auth}
        ) as http,
        open(log_path, "a", encoding="utf-8") as log,
    ):
        while not stop.is_set():
            n += 1
            key = f"crash-{n}"
            try:
                response = http.post(
                    path, json={"claims": claims(0, n, today)}, headers={"Idempotency-Key": key}
                )
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            if response.status_code not in (200, 201):
                continue
            answer = response.json()
            entries = status_entries(token_of(answer))
            line = {"kind": "issued", "id": answer["id"], "key": key, "entries": entries}
            log.write(json.dumps(line) + "\n")
            log.flush()
            if n % 4:
                continue
            try:
                response = http.post(
                    "/credentials/status",
                    json={
                        "credentialId": answer["id"],
                        "credentialStatus": {
                            "type": "BitstringStatusListEntry",
                            "statusPurpose": "revocation",
                        },
                        "status": True,
                    },
                )
            except httpx.TransportError:
                continue
            if response.status_code == 200 and response.json().get("state") == "revoked":
                log.write(json.dumps({"kind": "revoked", "id": answer["id"]}) + "\n")
                log.flush()


def _acknowledged(log_path: Path) -> tuple[list[dict[str, Any]], set[str]]:
    issued: list[dict[str, Any]] = []
    revoked: set[str] = set()
    if not log_path.exists():
        return issued, revoked
    for line in log_path.read_text(encoding="utf-8").splitlines():
        if not line.endswith("}"):
            continue  # a line being written
        record = json.loads(line)
        if record["kind"] == "issued":
            issued.append(record)
        else:
            revoked.add(record["id"])
    return issued, revoked


def test_acknowledged_issuance_and_revocation_survive_a_kill(
    tmp_path: Path, server_factory: Any
) -> None:
    port = free_port()
    env = load_env(tmp_path / "data", port)
    deployment = create_deployment(env, f"choque-{secrets.token_hex(3)}")
    server = server_factory(env, port, workers=2)
    server.start()

    log_path = tmp_path / "acknowledged.jsonl"
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    today = datetime.now(UTC).date().isoformat()
    loader = context.Process(
        target=load_until_stopped,
        args=(server.origin, deployment.slug, deployment.auth, str(log_path), stop, today),
    )
    loader.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            issued, revoked = _acknowledged(log_path)
            if len(issued) >= MIN_ISSUED and len(revoked) >= MIN_REVOKED:
                break
            assert loader.is_alive(), "the load process died"
            time.sleep(0.05)
        else:
            pytest.fail(f"too slow: {len(issued)} issued, {len(revoked)} revoked in 60 s")
        server.kill()  # the loader is still sending: requests are in flight
        time.sleep(0.3)
    finally:
        stop.set()
        loader.join(30)
        if loader.is_alive():
            loader.kill()
            loader.join()
    issued, revoked = _acknowledged(log_path)
    assert loader.exitcode == 0
    assert len(issued) >= MIN_ISSUED and len(revoked) >= MIN_REVOKED

    restarted = server_factory(env, port, workers=2)
    restarted.start()

    # In the database: every acknowledged credential, every acknowledged revocation.
    engine = create_engine_for(Settings.from_env(env).database_url, pool_size=1)
    try:
        store = Store(engine)
        for record in issued:
            state = store.get_credential(deployment.slug, record["id"]).state
            # A revocation in flight at the kill may have committed without an answer.
            assert state == "revoked" if record["id"] in revoked else state in ("active", "revoked")
    finally:
        engine.dispose()

    # In the status lists served after the restart: every acknowledged revocation is set.
    lists: dict[str, bytes] = {}
    with httpx.Client(base_url=restarted.origin, trust_env=False, timeout=10) as http:
        for record in issued:
            for entry in record["entries"]:
                if entry["statusPurpose"] != "revocation":
                    continue
                url = entry["statusListCredential"]
                if url not in lists:
                    response = http.get(url.removeprefix(env["VCRED_ISSUER_PUBLIC_BASE_URL"]))
                    assert response.status_code == 200, response.text
                    subject = jwt.decode(response.text, options={"verify_signature": False})[
                        "credentialSubject"
                    ]
                    lists[url] = expand_encoded_list(subject["encodedList"])
                bit = read_status(lists[url], index=int(entry["statusListIndex"]))
                if record["id"] in revoked:
                    assert bit == 1, record

        # A retry of an acknowledged request finds its credential; new issuance works.
        last = issued[-1]
        n = int(last["key"].removeprefix("crash-"))
        path = f"/entidades/{deployment.slug}/tramites/{TRAMITE}/credenciales"
        headers = {"Authorization": deployment.auth, "Idempotency-Key": last["key"]}
        again = http.post(path, json={"claims": claims(0, n, today)}, headers=headers)
        assert (again.status_code, again.json()["id"]) == (200, last["id"])
        headers["Idempotency-Key"] = "after-restart"
        fresh = http.post(path, json={"claims": claims(1, 1, today)}, headers=headers)
        assert fresh.status_code == 201, fresh.text

    audit = issuer_cli(env, "audit", "verify", "--entity", deployment.slug)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    print(f"\nkilled after {len(issued)} acknowledged credentials, {len(revoked)} revocations")
