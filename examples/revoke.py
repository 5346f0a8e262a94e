"""Revocation in a few lines: issue, verify, flip the status bit, republish, verify again."""

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from examples.demo_setup import DemoIssuer

now = [datetime.now(UTC)]
issuer = DemoIssuer.create(clock=lambda: now[0])
token = issuer.issue_paz_y_salvo()
verifier = issuer.verifier()
print("antes:", verifier.verify(token).verdict.value)

issuer.revoke(next(iter(issuer.indexes)))  # sets the bit and re-signs the list
now[0] += timedelta(minutes=6)  # verifiers cache the list for its ttl (5 minutes here)
result = verifier.verify(token)
print("después:", result.verdict.value, result.check("status").code.value)
