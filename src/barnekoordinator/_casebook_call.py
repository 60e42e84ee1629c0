"""One Casebook call: its principal and case, and the one audit record it leaves.

Private to [`barnekoordinator.casebook`][barnekoordinator.casebook]: every public method of the
Casebook makes one ``Call`` and ends it exactly once — appended with its events, audited on its
own, refused, referred or failed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final

import attrs

from barnekoordinator._casebook_views import (
    REFERRED,
)
from barnekoordinator.access.audit import (
    audit_record,
)
from barnekoordinator.access.policy import (
    AccessAction,
    AccessDecision,
)
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.errors import (
    AccessDenied,
    CaseAlreadyOpen,
    CaseNotFound,
    ConcurrencyConflict,
    InsufficientAssurance,
    InvalidConfiguration,
    InvalidInput,
)
from barnekoordinator.history.outbox import OutboxMessage, OutboxStore
from barnekoordinator.history.records import AuditRecord, EventRecord
from barnekoordinator.history.store import SubjectCases

if TYPE_CHECKING:
    from barnekoordinator.casebook import Casebook
    from barnekoordinator.history.sealing import WrappedDataKey

__all__ = ["Call"]


_HOW: Final = {
    AssuranceLevel.HIGH: "ID-porten high, BankID, or HelseID level 4",
    AssuranceLevel.SUBSTANTIAL: "ID-porten substantial (MinID) or higher",
    AssuranceLevel.LOW: "any login",
}
"""How a person reaches each level, for the message that asks for a stronger login."""


class Call:
    """One Casebook call: it leaves exactly one audit record, whatever happens.

    The method audits its outcome with `append()` (events and audit record
    in one transaction), `audit()`, `refuse()` or `refer()` (the audit record on its
    own); if anything raises before that, `failed()` audits the failure instead.
    """

    __slots__ = ("action", "book", "case_id", "done", "principal", "target")

    def __init__(
        self,
        book: Casebook,
        principal: Principal,
        case_id: str,
        action: str | AccessAction,
        target: str,
    ) -> None:
        self.book = book
        self.principal = principal
        self.case_id = case_id
        self.action = action
        self.target = target
        self.done = False

    def record(
        self, decision: AccessDecision, outcome: str = "", *, case_id: str | None = None
    ) -> AuditRecord:
        """This call's audit record, unsealed (the store numbers and seals it)."""
        return audit_record(
            case_id=case_id or self.case_id,
            principal=self.principal,
            action=self.action,
            target=self.target,
            decision=decision,
            at=self.book._clock.now(),
            outcome=outcome,
        )

    def audit(self, decision: AccessDecision, outcome: str = "") -> None:
        """Write this call's one audit record on its own (nothing else is written)."""
        self.done = True
        self.book._store.append_audit(self.record(decision, outcome))

    def append(
        self,
        decision: AccessDecision,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        conflict: str | AccessDecision = "concurrency conflict; nothing stored",
        outbox: Sequence[OutboxMessage] = (),
        subject: SubjectCases | None = None,
        data_key: WrappedDataKey | None = None,
        sealed_with: WrappedDataKey | None = None,
    ) -> None:
        """Store ``records``, this call's audit record and ``outbox`` in one transaction.

        A conflict stores none of them; it is then audited on its own: ``decision`` with the
        outcome ``conflict``, or, when ``conflict`` is a decision, that decision.
        ``outbox``, ``subject``, ``data_key`` and ``sealed_with`` are passed to the store only when
        given (a store without an outbox, or written before decision 31 or 51, never sees the
        keyword). A ``SubjectConflict`` is not audited here: the caller looks again and answers
        for it; nor is a ``SealingError`` of a store refusing ``sealed_with``: nothing was stored,
        and the caller seals again or fails the call (``failed`` audits it).
        """
        # The audit record names the events it stores (verify checks each is named once).
        audit = attrs.evolve(
            self.record(decision, _stored(records)),
            first_sequence=records[0].sequence,
            last_sequence=records[-1].sequence,
        )
        store = self.book._store
        extra: dict[str, object] = {}
        if outbox:
            if not isinstance(store, OutboxStore):
                raise InvalidConfiguration(
                    "notifications are configured, but the store keeps no outbox "
                    f"({type(store).__name__}); use a store that does, or remove the "
                    "smtp plugin options"
                )
            extra["outbox"] = outbox
        if subject is not None:
            extra["subject"] = subject
        if data_key is not None:
            extra["data_key"] = data_key
        if sealed_with is not None:
            extra["sealed_with"] = sealed_with
        append: Callable[..., int] = store.append
        try:
            append(self.case_id, expected_version, records, audit=audit, **extra)
        except ConcurrencyConflict:
            if isinstance(conflict, AccessDecision):
                self.audit(conflict)
            else:
                self.audit(decision, conflict)
            raise
        except BaseException:
            # Something raised after the store committed (a Ctrl-C while a commit checkpointer
            # waited for its signature, say): the write and its audit record are stored, so
            # failed() must not add "nothing was done" to the trail.
            self.done = self._stored(expected_version, records)
            raise
        self.done = True

    def _stored(self, expected_version: int, records: Sequence[EventRecord]) -> bool:
        """Whether ``records`` are in the store after ``expected_version`` (False when the store
        cannot say)."""
        try:
            stored = self.book._store.read(self.case_id, after_version=expected_version)
        except Exception:
            return False
        return len(stored) >= len(records) and stored[len(records) - 1].hash == records[-1].hash

    def refuse(
        self, decision: AccessDecision, message: str | None = None
    ) -> AccessDenied | InsufficientAssurance:
        """Audit a denial and return the exception to raise.

        A login below what the action needs gets
        [`InsufficientAssurance`][barnekoordinator.errors.InsufficientAssurance] naming the level
        (the application should ask for a stronger login); every other denial is
        [`AccessDenied`][barnekoordinator.errors.AccessDenied].
        """
        self.audit(decision)
        needed = decision.needed_assurance
        if needed is not None:
            return InsufficientAssurance(
                f"case {self.case_id}: {decision.reason}; log in at {needed.value} assurance "
                f"({_HOW[needed]})",
                needed=needed.value,
            )
        return AccessDenied(message or f"case {self.case_id}: {decision.reason}")

    def misused(self, act: AccessAction, problem: str) -> InvalidInput:
        """Audit a usage error as a refusal and return the exception to raise."""
        reason = f"refused as a usage error: {problem}"
        self.audit(AccessDecision(allowed=False, action=act, reason=reason))
        return InvalidInput(f"case {self.case_id}: {problem}")

    def refer(self, existing: str, municipality_number: str) -> CaseAlreadyOpen:
        """Audit an opening referred to the child's open case, in *that* case's trail."""
        self.done = True
        self.book._store.append_audit(self.record(REFERRED, case_id=existing))
        return CaseAlreadyOpen(existing, municipality_number)

    def failed(self, exc: BaseException) -> None:
        """Audit a call that raised before it was audited (not for an unknown case)."""
        if self.done or isinstance(exc, CaseNotFound):
            return
        self.audit(
            AccessDecision(
                allowed=False,
                action=AccessAction.of(self.action),
                reason=f"the request failed ({type(exc).__name__}); nothing was done",
            )
        )


def _stored(records: Sequence[EventRecord]) -> str:
    types = ", ".join(dict.fromkeys(r.type for r in records))
    return f"stored sequence {records[0].sequence}–{records[-1].sequence} ({types})"


def append_takes(store: object, keyword: str) -> bool:
    """Whether ``store.append`` has the keyword parameter ``keyword`` (decision 31: a store
    written before ``subject``/``data_key``/``sealed_with`` existed is still served, without
    them)."""
    kind = type(store)
    parameters = _APPEND_PARAMETERS.get(kind)
    if parameters is None:
        try:
            append = getattr(kind, "append")  # noqa: B009 - any type, checked here
            parameters = frozenset(inspect.signature(append).parameters)
        except (AttributeError, TypeError, ValueError):
            parameters = frozenset()
        _APPEND_PARAMETERS[kind] = parameters
    return keyword in parameters


_APPEND_PARAMETERS: dict[type, frozenset[str]] = {}
