"""One entry point that detects the format and runs every check (DESIGN.md "Verification").

Checks, in order: format, signature (proof and key discovery), data model, validity period (with
clock skew), status (Bitstring Status List), schema (VC JSON Schema) and issuer trust. A check that
cannot run because an earlier one failed is reported as skipped, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from vcred.credential import CredentialInfo, validate_credential
from vcred.errors import (
    ErrorCode,
    FetchError,
    ResolutionError,
    SchemaValidationError,
    StatusListError,
    UnsupportedError,
    UsageError,
    VcredError,
)
from vcred.formats import FormatRegistry, SecuredCredential, VerifyContext, default_formats, unwrap
from vcred.jose.jws import DEFAULT_ALGORITHMS
from vcred.key_resolver import KeyResolver
from vcred.schema import SchemaRegistry
from vcred.status import StatusChecker, StatusEntry, StatusOutcome, parse_status_entries
from vcred.trust import TrustRegistry
from vcred.verify.result import Check, CheckResult, Outcome, Verdict, VerificationResult

__all__ = ["Verifier", "VerifyPolicy"]

_INDETERMINATE_RESOLUTION = frozenset(
    {
        ErrorCode.DID_NOT_FOUND,
        ErrorCode.FETCH_FAILED,
        ErrorCode.FETCH_TIMEOUT,
        ErrorCode.FETCH_HTTP_STATUS,
    }
)


@dataclass(frozen=True, slots=True)
class VerifyPolicy:
    """What the verifier accepts. ``stale_status`` says what a status answered from a cached list
    older than its TTL means: a warning (``"warn"``) or an undecided check (``"indeterminate"``)."""

    algorithms: frozenset[str] = DEFAULT_ALGORITHMS
    clock_skew: timedelta = timedelta(seconds=60)
    stale_status: Literal["warn", "indeterminate"] = "warn"
    # A list signed by anyone but the credential's issuer could hide a revocation.
    require_same_status_issuer: bool = True
    formats: tuple[str, ...] = field(default=())  # empty: every format in the registry


def _skipped(check: Check) -> CheckResult:
    return CheckResult.make(check, Outcome.SKIPPED, ErrorCode.NOT_APPLICABLE)


def _failure(check: Check, error: VcredError, outcome: Outcome = Outcome.FAILED) -> CheckResult:
    details: dict[str, Any] = {"error": error.message}
    violations = getattr(error, "violations", ())
    if violations:
        details["violations"] = [
            {"rule": v.rule, "path": v.path, "message": v.message} for v in violations
        ]
    return CheckResult.make(check, outcome, error.code, details)


class Verifier:
    """Verifies credentials with the collaborators it is given (build once, reuse: it caches)."""

    def __init__(
        self,
        *,
        key_resolver: KeyResolver,
        status_checker: StatusChecker | None = None,
        schemas: SchemaRegistry | None = None,
        trust: TrustRegistry | None = None,
        formats: FormatRegistry | None = None,
        policy: VerifyPolicy | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.policy = policy or VerifyPolicy()
        registry = formats or default_formats()
        self.formats = registry.only(*self.policy.formats) if self.policy.formats else registry
        self.key_resolver = key_resolver
        self.status_checker = status_checker
        self.schemas = schemas
        self.trust = trust
        self._clock = clock or (lambda: datetime.now(UTC))

    def verify(
        self, data: str | bytes | Mapping[str, Any], *, now: datetime | None = None
    ) -> VerificationResult:
        """Verify ``data`` (compact token, data: URL, enveloped credential or embedded QR text)."""
        now = now or self._clock()
        if now.utcoffset() is None:
            raise UsageError("now (and the verifier's clock) must be timezone-aware datetimes")
        checks: list[CheckResult] = []
        warnings: list[CheckResult] = []
        try:
            envelope = unwrap(data)
            fmt = self.formats.detect(envelope)
        except VcredError as exc:
            checks.append(_failure(Check.FORMAT, exc))
            checks.extend(_skipped(c) for c in list(Check)[1:])
            return VerificationResult(Verdict.INVALID, tuple(checks))
        checks.append(CheckResult.make(Check.FORMAT, Outcome.PASSED, details={"format": fmt.name}))

        context = VerifyContext(
            self.key_resolver, self.policy.algorithms, now, self.policy.clock_skew
        )
        try:
            secured = fmt.verify(envelope, context)
        except (ResolutionError, FetchError) as exc:
            outcome = (
                Outcome.INDETERMINATE if exc.code in _INDETERMINATE_RESOLUTION else Outcome.FAILED
            )
            return self._stop(checks, _failure(Check.SIGNATURE, exc, outcome), fmt.name)
        except VcredError as exc:
            return self._stop(checks, _failure(Check.SIGNATURE, exc), fmt.name)
        checks.append(
            CheckResult.make(
                Check.SIGNATURE,
                Outcome.PASSED,
                details={"verificationMethod": secured.verification_method.id},
            )
        )
        if secured.warnings:
            warnings.extend(
                CheckResult.make(
                    Check.SIGNATURE, Outcome.PASSED, ErrorCode.CLAIMS_MISMATCH, {"warning": w}
                )
                for w in secured.warnings
            )
        credential = secured.credential
        try:
            info: CredentialInfo | None = validate_credential(credential, parsed_json=True)
            checks.append(CheckResult.make(Check.DATA_MODEL, Outcome.PASSED))
        except VcredError as exc:
            info = None
            checks.append(_failure(Check.DATA_MODEL, exc))

        checks.append(self._validity(info, secured, now))
        trust_check, issuer_name = self._trust(info, now)
        if trust_check.code is ErrorCode.ISSUER_UNTRUSTED:
            # Nobody vouches for this issuer: do not fetch the status list it points at (the
            # verdict is already invalid, and the URL is the sender's choice).
            status_check = CheckResult.make(Check.STATUS, Outcome.SKIPPED, ErrorCode.NOT_APPLICABLE)
            status_warnings: list[CheckResult] = []
        else:
            status_check, status_warnings = self._status(
                credential, info.issuer_id if info else None
            )
        checks.append(status_check)
        warnings.extend(status_warnings)
        schema_check = self._schema(credential, info.types if info else ())
        if (
            schema_check.outcome is Outcome.SKIPPED
            and schema_check.code is not ErrorCode.NOT_APPLICABLE
        ):
            warnings.append(schema_check)
        checks.append(schema_check)
        checks.append(trust_check)
        return VerificationResult(
            verdict=_verdict(checks),
            checks=tuple(checks),
            warnings=tuple(warnings),
            format=fmt.name,
            credential=credential,
            issuer=info.issuer_id if info else None,
            # With a registry, only the registry names entities: a credential's own claim to be
            # "Gobernación del Putumayo" is never shown as the issuer's name.
            issuer_name=issuer_name if self.trust else (info.issuer_name if info else None),
            credential_types=info.types if info else (),
        )

    # -- the checks after the signature --------------------------------------------------
    def _stop(self, checks: list[CheckResult], failed: CheckResult, fmt: str) -> VerificationResult:
        checks.append(failed)
        checks.extend(_skipped(c) for c in list(Check)[len(checks) :])
        return VerificationResult(_verdict(checks), tuple(checks), format=fmt)

    def _validity(
        self, info: CredentialInfo | None, secured: SecuredCredential, now: datetime
    ) -> CheckResult:
        skew = self.policy.clock_skew
        start = _latest(info.valid_from if info else None, secured.not_before)
        end = _earliest(info.valid_until if info else None, secured.expires)
        details = {"validFrom": start, "validUntil": end, "checkedAt": now}
        if start is not None and now + skew < start:
            return CheckResult.make(
                Check.VALIDITY_PERIOD, Outcome.FAILED, ErrorCode.NOT_YET_VALID, details
            )
        if secured.issued_at and now + skew < secured.issued_at:
            return CheckResult.make(
                Check.VALIDITY_PERIOD, Outcome.FAILED, ErrorCode.NOT_YET_VALID, details
            )
        if end is not None and now - skew >= end:
            return CheckResult.make(
                Check.VALIDITY_PERIOD, Outcome.FAILED, ErrorCode.EXPIRED, details
            )
        return CheckResult.make(Check.VALIDITY_PERIOD, Outcome.PASSED, details=details)

    def _status(
        self, credential: Mapping[str, Any], issuer: str | None
    ) -> tuple[CheckResult, list[CheckResult]]:
        try:
            entries = parse_status_entries(credential)
        except StatusListError as exc:
            return _failure(Check.STATUS, exc), []
        warnings: list[CheckResult] = []
        supported: list[StatusEntry] = []
        for entry in entries:
            if entry.supported:
                supported.append(entry)
            else:
                # VC-JOSE-COSE §7.2: a status mechanism that is not understood MUST be ignored.
                warnings.append(
                    CheckResult.make(
                        Check.STATUS,
                        Outcome.SKIPPED,
                        ErrorCode.STATUS_ENTRY_INVALID,
                        {"unsupportedType": entry.type},
                    )
                )
        if not supported:
            return CheckResult.make(
                Check.STATUS, Outcome.SKIPPED, ErrorCode.NOT_APPLICABLE
            ), warnings
        if self.status_checker is None:
            return CheckResult.make(
                Check.STATUS,
                Outcome.INDETERMINATE,
                ErrorCode.STATUS_UNREACHABLE,
                {"error": "no status checker configured"},
            ), warnings
        outcomes: list[StatusOutcome] = []
        other_issuer = stale = False
        for entry in supported:
            try:
                outcome = self.status_checker.check(entry)
            except StatusListError as exc:
                return _failure(Check.STATUS, exc, Outcome.INDETERMINATE), warnings
            outcomes.append(outcome)
            other_issuer = other_issuer or outcome.list_issuer != issuer
            stale = stale or outcome.stale
        details: dict[str, Any] = {"entries": [_status_details(o) for o in outcomes]}
        if self.policy.require_same_status_issuer and other_issuer:
            return CheckResult.make(
                Check.STATUS,
                Outcome.INDETERMINATE,
                ErrorCode.STATUS_LIST_INVALID,
                {**details, "error": "the status list was not issued by the credential's issuer"},
            ), warnings
        for outcome in outcomes:
            if outcome.set and outcome.purpose == "revocation":
                return CheckResult.make(
                    Check.STATUS, Outcome.FAILED, ErrorCode.STATUS_REVOKED, details
                ), warnings
            if outcome.set and outcome.purpose == "suspension":
                return CheckResult.make(
                    Check.STATUS, Outcome.FAILED, ErrorCode.STATUS_SUSPENDED, details
                ), warnings
            if outcome.purpose == "message" and outcome.message:
                warnings.append(
                    CheckResult.make(
                        Check.STATUS,
                        Outcome.PASSED,
                        ErrorCode.STATUS_MESSAGE,
                        _status_details(outcome),
                    )
                )
        if stale:
            stale_check = CheckResult.make(
                Check.STATUS, Outcome.INDETERMINATE, ErrorCode.STATUS_STALE, details
            )
            if self.policy.stale_status == "indeterminate":
                return stale_check, warnings
            warnings.append(
                CheckResult.make(Check.STATUS, Outcome.PASSED, ErrorCode.STATUS_STALE, details)
            )
        return CheckResult.make(Check.STATUS, Outcome.PASSED, details=details), warnings

    def _schema(self, credential: Mapping[str, Any], types: tuple[str, ...] = ()) -> CheckResult:
        if self.schemas is not None:
            # A catalogue type (e.g. CertificadoPazYSalvo) must be checked against its own
            # schema: naming another schema, or none, would let its claims go unchecked.
            expected = [
                schema_id
                for schema_id in map(self.schemas.schema_for_type, types)
                if schema_id is not None
            ]
            named = _schema_ids(credential) if expected else set()
            missing = [schema_id for schema_id in expected if schema_id not in named]
            if missing:
                return CheckResult.make(
                    Check.SCHEMA,
                    Outcome.FAILED,
                    ErrorCode.SCHEMA_VIOLATION,
                    {
                        "error": "the credential does not use its trámite's schema",
                        "expected": missing,
                    },
                )
        if "credentialSchema" not in credential:
            return CheckResult.make(Check.SCHEMA, Outcome.SKIPPED, ErrorCode.NOT_APPLICABLE)
        if self.schemas is None:
            return CheckResult.make(Check.SCHEMA, Outcome.SKIPPED, ErrorCode.SCHEMA_UNKNOWN)
        try:
            self.schemas.validate(credential, bounded=True)
        except SchemaValidationError as exc:
            if exc.code is ErrorCode.SCHEMA_UNKNOWN:
                # VC-JOSE-COSE §7.2: a schema we cannot check is reported, not held against it.
                return _failure(Check.SCHEMA, exc, Outcome.SKIPPED)
            return _failure(Check.SCHEMA, exc)
        except UnsupportedError as exc:
            return _failure(Check.SCHEMA, exc, Outcome.SKIPPED)
        except VcredError as exc:
            return _failure(Check.SCHEMA, exc)
        return CheckResult.make(Check.SCHEMA, Outcome.PASSED)

    def _trust(self, info: CredentialInfo | None, now: datetime) -> tuple[CheckResult, str | None]:
        if self.trust is None:
            return CheckResult.make(
                Check.ISSUER_TRUST, Outcome.SKIPPED, ErrorCode.NOT_APPLICABLE
            ), None
        if info is None or not info.issuer_id:
            return _skipped(Check.ISSUER_TRUST), None
        decision = self.trust.evaluate(info.issuer_id, info.types, at=now)
        name = decision.issuer.nombre if decision.issuer else None
        details = {
            "issuer": info.issuer_id,
            "entidad": name,
            "nit": decision.issuer.nit if decision.issuer else None,
        }
        outcome = Outcome.PASSED if decision.trusted else Outcome.FAILED
        return CheckResult.make(Check.ISSUER_TRUST, outcome, decision.code, details), name


def _schema_ids(credential: Mapping[str, Any]) -> set[str]:
    value = credential.get("credentialSchema")
    entries = value if isinstance(value, list) else [value]
    return {e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}


def _status_details(outcome: StatusOutcome) -> dict[str, Any]:
    return {
        "purpose": outcome.purpose,
        "index": outcome.index,
        "value": outcome.value,
        "message": outcome.message,
        "list": outcome.list_url,
        "checkedAt": outcome.fetched_at,
        "stale": outcome.stale,
    }


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two optional instants (``None`` when both are absent)."""
    if a is None or b is None:
        return a if b is None else b
    return max(a, b)


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    """The earlier of two optional instants (``None`` when both are absent)."""
    if a is None or b is None:
        return a if b is None else b
    return min(a, b)


def _verdict(checks: list[CheckResult]) -> Verdict:
    verdict = Verdict.VALID
    for check in checks:
        if check.outcome is Outcome.FAILED:
            return Verdict.INVALID
        if check.outcome is Outcome.INDETERMINATE:
            verdict = Verdict.INDETERMINATE
    return verdict
