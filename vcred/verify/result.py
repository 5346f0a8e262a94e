"""The explained verdict: one :class:`CheckResult` per check and an overall :class:`Verdict`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from vcred.errors import ErrorCode, VerificationError
from vcred.frozen import fast_init
from vcred.messages import message_for

__all__ = ["Check", "CheckResult", "Outcome", "Verdict", "VerificationResult"]


class Check(StrEnum):
    """The checks :func:`vcred.verify.verify` runs, in the order it reports them."""

    FORMAT = "format"
    SIGNATURE = "signature"
    DATA_MODEL = "data_model"
    VALIDITY_PERIOD = "validity_period"
    STATUS = "status"
    SCHEMA = "schema"
    ISSUER_TRUST = "issuer_trust"


class Outcome(StrEnum):
    """How one check ended."""

    PASSED = "passed"
    FAILED = "failed"
    INDETERMINATE = "indeterminate"  # could not be decided (e.g. status list unreachable)
    SKIPPED = "skipped"  # not run: an earlier check failed, or nothing to check


class Verdict(StrEnum):
    """The overall answer: valid, invalid, or indeterminate (could not be decided)."""

    VALID = "valid"
    INVALID = "invalid"
    INDETERMINATE = "indeterminate"


# Every check's message for ``ok``, looked up once: most results are passed checks.
_OK_MESSAGES: Mapping[Check, tuple[str, str]] = MappingProxyType(
    {check: message_for(ErrorCode.OK, check=check.value) for check in Check}
)


@fast_init
@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's outcome with a stable ``code`` and its message in Spanish and English."""

    check: Check
    outcome: Outcome
    code: ErrorCode
    message_es: str
    message_en: str
    details: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def make(
        cls,
        check: Check,
        outcome: Outcome,
        code: ErrorCode = ErrorCode.OK,
        details: Mapping[str, Any] | None = None,
    ) -> CheckResult:
        if code is ErrorCode.OK:
            es, en = _OK_MESSAGES[check]
        else:
            es, en = message_for(code, check=check.value)
        return cls(check, outcome, code, es, en, details or {})

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check.value,
            "outcome": self.outcome.value,
            "code": self.code.value,
            "message": {"es": self.message_es, "en": self.message_en},
            **({"details": _json_ready(self.details)} if self.details else {}),
        }


def _json_ready(value: Any) -> Any:
    """Details keep datetimes (cheap to record); they become ISO 8601 text on the way out."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


@fast_init
@dataclass(frozen=True, slots=True)
class VerificationResult:
    """The verdict on one credential, with every check that led to it.

    ``verdict`` is ``invalid`` when any check failed, else ``indeterminate`` when any could not be
    decided, else ``valid``. ``authentic`` tells a forged credential (false) from an authentic one
    that fails for other reasons, such as an issuer not authorised for its type.
    """

    verdict: Verdict
    checks: tuple[CheckResult, ...]
    warnings: tuple[CheckResult, ...] = ()
    format: str | None = None
    credential: Mapping[str, Any] | None = None
    issuer: str | None = None
    issuer_name: str | None = None
    credential_types: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        return self.verdict is Verdict.VALID

    @property
    def authentic(self) -> bool:
        """True when the proof verified: the credential is unaltered and from its issuer."""
        return self.check(Check.SIGNATURE).outcome is Outcome.PASSED

    @property
    def errors(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.outcome is Outcome.FAILED)

    def check(self, name: Check | str) -> CheckResult:
        for item in self.checks:
            if item.check == name:
                return item
        raise KeyError(name)

    def codes(self) -> dict[str, str]:
        """``{check: code}``, handy in tests and logs."""
        return {c.check.value: c.code.value for c in self.checks}

    def raise_for_result(self) -> VerificationResult:
        """Raise :class:`~vcred.errors.VerificationError` unless the verdict is valid."""
        if self.verdict is Verdict.VALID:
            return self
        first = (
            self.errors[0]
            if self.errors
            else next(c for c in self.checks if c.outcome is Outcome.INDETERMINATE)
        )
        raise VerificationError(f"{first.check}: {first.message_en}", code=first.code)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, shared by the services' responses and pages."""
        return {
            "verdict": self.verdict.value,
            "verified": self.verified,
            "authentic": self.authentic,
            "format": self.format,
            "issuer": self.issuer,
            "issuerName": self.issuer_name,
            "types": list(self.credential_types),
            "checks": [c.to_dict() for c in self.checks],
            "warnings": [w.to_dict() for w in self.warnings],
        }
