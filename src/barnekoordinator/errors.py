"""The exception tree of barnekoordinator.

Every exception the library raises derives from
[`BarnekoordinatorError`][barnekoordinator.errors.BarnekoordinatorError] and, where it helps an
``except`` clause, from the closest builtin. Messages say what was expected and where; they **never
contain a personal identifier** (use a case id or a redacted form such as ``311299*****``).

Results are not exceptions: "not eligible" is an eligibility *result*, and
"access denied" is a *decision* unless the caller asked the Casebook to act on it.

```
BarnekoordinatorError(Exception)
├── InvalidInput(ValueError)                 inbound data failed validation
│   ├── InvalidIdentifier                    fødselsnummer, D-/H-/FH-nummer, orgnr, HPR
│   ├── SchemaViolation                      .problems: ((json_path, message), ...)
│   └── InvalidConfiguration                 municipal settings, store settings
├── RuleViolation                            command not allowed in the current state
│   ├── CaseClosed
│   ├── ConsentRequired(PermissionError)     no valid consent covers the action
│   ├── NotResponsible(PermissionError)      the actor does not hold the role needed
│   ├── HandoverError                        baton rule (propose/accept/decline/withdraw)
│   ├── CoordinationError                    statutory coordinator, samordning, precedence
│   ├── PlanError                            individuell plan rules
│   └── StafettloggError                     stafettlogg rules
├── CatalogueError(TypeError)               concept declarations that do not fit together
├── HistoryError                             an event stream is inconsistent
│   ├── WrongCase
│   ├── OutOfSequence
│   ├── UnknownEventType(LookupError)        .tag, .schema_version
│   └── ChainBroken                          hash chain: edited/removed/inserted/reordered
├── ConcurrencyConflict                      append with a stale expected version
├── StorageError
│   ├── CaseNotFound(LookupError)
│   └── StorageUnavailable(ConnectionError)  read-only, full, unreachable
├── AccessDenied(PermissionError)            the Casebook refused a read or write
├── AuthenticationError
│   ├── NotAuthenticated
│   ├── TokenRejected                        .reason, .code (never the token)
│   ├── InsufficientAssurance
│   └── IssuerUnavailable(ConnectionError)   discovery/JWKS unreachable or unusable
├── ExportError
└── PluginError
    ├── NoCaseStoreConfigured
    ├── PluginContractError                  .plugin_name
    └── MissingExtraError(ImportError)       .extra + the pip command to run
BarnekoordinatorWarning(UserWarning)
```
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AccessDenied",
    "AuthenticationError",
    "BarnekoordinatorError",
    "BarnekoordinatorWarning",
    "CaseClosed",
    "CaseNotFound",
    "CatalogueError",
    "ChainBroken",
    "ConcurrencyConflict",
    "ConsentRequired",
    "CoordinationError",
    "ExportError",
    "HandoverError",
    "HistoryError",
    "InsufficientAssurance",
    "InvalidConfiguration",
    "InvalidIdentifier",
    "InvalidInput",
    "IssuerUnavailable",
    "MissingExtraError",
    "NoCaseStoreConfigured",
    "NotAuthenticated",
    "NotResponsible",
    "OutOfSequence",
    "PlanError",
    "PluginContractError",
    "PluginError",
    "RuleViolation",
    "SchemaViolation",
    "StafettloggError",
    "StorageError",
    "StorageUnavailable",
    "TokenRejected",
    "UnknownEventType",
    "WrongCase",
]


class BarnekoordinatorError(Exception):
    """Base of every error raised by barnekoordinator; the one catch-all for vendors."""


class BarnekoordinatorWarning(UserWarning):
    """Base of every warning issued by barnekoordinator."""


# --- input -----------------------------------------------------------------


class InvalidInput(BarnekoordinatorError, ValueError):
    """Inbound data failed validation; nothing was stored."""


class InvalidIdentifier(InvalidInput):
    """An identifier (fødselsnummer, D-nummer, orgnr, HPR …) is malformed.

    The message says what is wrong (length, checksum, date) and never echoes the
    number itself. ``kind`` names the kind of identifier that was expected.
    """

    def __init__(self, message: str, *, kind: str = "identifier") -> None:
        super().__init__(message)
        self.kind = kind


class SchemaViolation(InvalidInput):
    """A JSON document does not match its schema.

    ``problems`` holds one ``(json_path, message)`` pair per problem, so a caller
    can show all of them at once. ``document`` names the schema that was applied.
    """

    def __init__(self, document: str, problems: Iterable[tuple[str, str]]) -> None:
        self.document = document
        self.problems: tuple[tuple[str, str], ...] = tuple(problems)
        lines = [f"{document}: {len(self.problems)} problem(s)"]
        lines += [f"  at {path}: {message}" for path, message in self.problems]
        super().__init__("\n".join(lines))


class InvalidConfiguration(InvalidInput):
    """Settings (municipal rules, store options) are invalid."""


# --- rules -----------------------------------------------------------------


class RuleViolation(BarnekoordinatorError):
    """A command is not allowed in the case's current state; no event was produced."""


class CaseClosed(RuleViolation):
    """The case (or stafettlogg) is closed and accepts no further commands of this kind."""


class ConsentRequired(RuleViolation, PermissionError):
    """No valid consent covers what the command would do (purpose, service, period)."""


class NotResponsible(RuleViolation, PermissionError):
    """The actor does not hold the role the command needs."""


class HandoverError(RuleViolation):
    """The baton rule forbids this handover step."""


class CoordinationError(RuleViolation):
    """The rules for statutory coordinators and samordning forbid this step."""


class PlanError(RuleViolation):
    """The individuell plan rules forbid this step."""


class StafettloggError(RuleViolation):
    """The stafettlogg rules forbid this step."""


# --- history ---------------------------------------------------------------


class CatalogueError(BarnekoordinatorError, TypeError):
    """Concept declarations do not fit together.

    Raised when the catalogue is built: a malformed or doubly used event tag,
    an event class without exactly one evolver, an evolver for a class the
    concept does not declare, or an upcaster chain with a gap.
    """


class HistoryError(BarnekoordinatorError):
    """An event stream is inconsistent with itself."""


class WrongCase(HistoryError):
    """An event belongs to another case than the one it was applied to."""


class OutOfSequence(HistoryError):
    """An event's sequence number is not the next one of the case."""


class UnknownEventType(HistoryError, LookupError):
    """A stored record names an event type or schema version the core does not know."""

    def __init__(self, tag: str, schema_version: int) -> None:
        super().__init__(
            f"unknown event type {tag!r} at schema version {schema_version}; "
            "is an upcaster or a newer barnekoordinator missing?"
        )
        self.tag = tag
        self.schema_version = schema_version


class ChainBroken(HistoryError):
    """The hash chain over stored records does not verify.

    ``position`` is the sequence (or audit position) of the first record that
    fails; ``reason`` says how (edited, missing, inserted, reordered).
    """

    def __init__(self, stream: str, position: int, reason: str) -> None:
        super().__init__(f"hash chain of {stream} broken at {position}: {reason}")
        self.stream = stream
        self.position = position
        self.reason = reason


# --- storage ---------------------------------------------------------------


class ConcurrencyConflict(BarnekoordinatorError):
    """An append used a stale expected version; nothing was written."""

    def __init__(self, case_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"case {case_id}: expected version {expected}, but the store is at {actual}; "
            "reload the case and retry the command"
        )
        self.case_id = case_id
        self.expected = expected
        self.actual = actual


class StorageError(BarnekoordinatorError):
    """Base for errors raised by a CaseStore."""


class CaseNotFound(StorageError, LookupError):
    """No case with this id exists in the store."""


class StorageUnavailable(StorageError, ConnectionError):
    """The store cannot be written or read (read-only file, disk full, server down).

    Nothing was half-written: the append is all or nothing.
    """


# --- access and authentication ---------------------------------------------


class AccessDenied(BarnekoordinatorError, PermissionError):
    """The access policy refused the principal; the refusal itself was audited.

    ``reason`` is the policy's explanation (no personal data).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AuthenticationError(BarnekoordinatorError):
    """Base for login failures."""


class NotAuthenticated(AuthenticationError):
    """No authenticator accepted the credential."""


class TokenRejected(AuthenticationError):
    """A token failed verification; ``reason`` says which check (never the token).

    ``code`` is a stable, short name of the check that failed (``"expired"``,
    ``"alg-not-allowed"`` …; the login page lists them), for logs and programs.
    """

    def __init__(self, reason: str, *, code: str = "rejected") -> None:
        super().__init__(f"token rejected: {reason}")
        self.reason = reason
        self.code = code


class InsufficientAssurance(AuthenticationError):
    """The login's assurance level is below what the action needs."""


class IssuerUnavailable(AuthenticationError, ConnectionError):
    """An identity provider's discovery document or JWKS cannot be used.

    Raised when the issuer cannot be reached in time, answers with an HTTP
    error, or serves a document that is not valid JSON or holds no usable key.
    No token was judged: the login may be retried later.
    """


# --- export and plugins ----------------------------------------------------


class ExportError(BarnekoordinatorError):
    """An exporter could not produce a valid document."""


class PluginError(BarnekoordinatorError):
    """Base for plugin wiring problems."""


class NoCaseStoreConfigured(PluginError):
    """No plugin returned a case store."""


class PluginContractError(PluginError):
    """A plugin returned something that does not honour its hook's contract."""

    def __init__(self, plugin_name: str, message: str) -> None:
        super().__init__(f"plugin {plugin_name!r}: {message}")
        self.plugin_name = plugin_name


class MissingExtraError(PluginError, ImportError):
    """An optional dependency is missing; the message names the pip command to run."""

    def __init__(self, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional dependencies of the '{extra}' extra: "
            f"pip install 'barnekoordinator[{extra}]'"
        )
        self.extra = extra
