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
│   │   └── BundleRejected                   a bundle to import: foreign, invalid or partial
│   ├── MalformedJson                        not UTF-8, not JSON, nested too deep; .where
│   ├── InvalidConfiguration                 municipal settings, store settings
│   └── InvalidCommand(TypeError)            a command returned no domain events (its type)
├── RuleViolation                            command not allowed in the current state
│   ├── CaseClosed
│   ├── ConsentRequired(PermissionError)     no valid consent covers the action
│   ├── NotResponsible(PermissionError)      the actor does not hold the role needed
│   ├── HandoverError                        baton rule (propose/accept/decline/withdraw)
│   ├── CoordinationError                    statutory coordinator, samordning, precedence
│   ├── PlanError                            individuell plan rules
│   ├── StafettloggError                     stafettlogg rules
│   └── CaseAlreadyOpen                      the child has an open case here; .case_id
├── CatalogueError(TypeError)               concept declarations that do not fit together
├── HistoryError                             an event stream is inconsistent
│   ├── WrongCase
│   ├── OutOfSequence
│   ├── UnknownEventType(LookupError)        .tag, .schema_version
│   ├── ChainBroken                          hash chain: edited/removed/inserted/reordered
│   ├── ProofFailed                          a Merkle proof does not fit its root(s)
│   ├── CheckpointError(ValueError)          a signed checkpoint or its key: malformed, or unsigned
│   └── StoreDiverged                        the store is no longer an extension of what a
│                                            Checkpointer saw: .tree, .size, .reason
├── ConcurrencyConflict                      append with a stale expected version
├── SubjectConflict                          another case for the child was stored meanwhile
├── SealingError                             a sealed identifier cannot be sealed or opened
├── StorageError
│   ├── CaseNotFound(LookupError)
│   ├── StoreNotFound(FileNotFoundError)     a read found no store (and made none)
│   └── StorageUnavailable(ConnectionError)  read-only, full, unreachable
│       └── StoreLocked                      another process held the lock past the timeout
├── AccessDenied(PermissionError)            the Casebook refused a read or write
├── AuthenticationError
│   ├── NotAuthenticated
│   ├── TokenRejected                        .reason, .code (never the token)
│   ├── InsufficientAssurance                .needed: the level to log in at
│   └── IssuerUnavailable(ConnectionError)   discovery/JWKS unreachable or unusable
├── ExportError
├── DeliveryFailed                           a mail server refused or dropped a message; .code
│   └── MailServerUnavailable(ConnectionError)  no connection, TLS or login failed
└── PluginError
    ├── NoCaseStoreConfigured
    ├── PluginContractError                  .plugin_name
    ├── PluginLoadError                      .plugins: name -> why it could not be loaded
    └── MissingExtraError(ImportError)       .extra + the pip command to run
BarnekoordinatorWarning(UserWarning)
```
"""

from __future__ import annotations

from collections.abc import Iterable

from barnekoordinator._redact import redact

__all__ = [
    "AccessDenied",
    "AuthenticationError",
    "BarnekoordinatorError",
    "BarnekoordinatorWarning",
    "BundleRejected",
    "CaseAlreadyOpen",
    "CaseClosed",
    "CaseNotFound",
    "CatalogueError",
    "ChainBroken",
    "CheckpointError",
    "ConcurrencyConflict",
    "ConsentRequired",
    "CoordinationError",
    "DeliveryFailed",
    "ExportError",
    "HandoverError",
    "HistoryError",
    "InsufficientAssurance",
    "InvalidCommand",
    "InvalidConfiguration",
    "InvalidIdentifier",
    "InvalidInput",
    "IssuerUnavailable",
    "MailServerUnavailable",
    "MalformedJson",
    "MissingExtraError",
    "NoCaseStoreConfigured",
    "NotAuthenticated",
    "NotResponsible",
    "OutOfSequence",
    "PlanError",
    "PluginContractError",
    "PluginError",
    "PluginLoadError",
    "ProofFailed",
    "RuleViolation",
    "SchemaViolation",
    "SealingError",
    "StafettloggError",
    "StorageError",
    "StorageUnavailable",
    "StoreDiverged",
    "StoreLocked",
    "StoreNotFound",
    "SubjectConflict",
    "TokenRejected",
    "UnknownEventType",
    "WrongCase",
]


class BarnekoordinatorError(Exception):
    """Base of every error raised by barnekoordinator; the one catch-all for vendors.

    Its message never shows an eleven-digit number that may be a fødselsnummer, D-, H- or
    FH-nummer, even when it echoes what a person typed or a document held: each text argument
    passes through [`redact()`][barnekoordinator._redact.redact] (``178515*****``).
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact(a) if isinstance(a, str) else a for a in args))


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
    can show all of them at once. ``document`` names the schema that was applied
    (or, from [`read_json()`][barnekoordinator.edges.read_json], where the text came from).
    """

    def __init__(self, document: str, problems: Iterable[tuple[str, str]]) -> None:
        self.document = redact(document)
        self.problems: tuple[tuple[str, str], ...] = tuple(
            (redact(path), redact(message)) for path, message in problems
        )
        lines = [f"{self.document}: {len(self.problems)} problem(s)"]
        lines += [f"  at {path}: {message}" for path, message in self.problems]
        super().__init__("\n".join(lines))


class BundleRejected(SchemaViolation):
    """A document given to import is not a history this library exported, or is damaged.

    Like its parent, ``problems`` lists every problem found, each with its JSON path
    (``$.entry[3].resource.recorded``); no message repeats a value. Nothing is stored.
    """


class InvalidConfiguration(InvalidInput):
    """Settings (municipal rules, store or plugin options) are invalid.

    The message is a heading and then one problem per line (``heading:\n  problem\n  …``),
    never a Python list: ``InvalidConfiguration("sqlite store options", problems=[…])``.
    ``problems`` holds the problem lines (for a one-line message, that line alone). The command
    line prints it on one line: ``heading: problem; problem``.
    """

    def __init__(self, message: str, *, problems: Iterable[str] = ()) -> None:
        listed = tuple(redact(str(p).strip()) for p in problems if str(p).strip())
        if listed:
            message = message.rstrip().rstrip(":") + ":\n  " + "\n  ".join(listed)
        else:
            lines = [redact(line.strip()) for line in message.splitlines() if line.strip()]
            listed = tuple(lines[1:]) if len(lines) > 1 else tuple(lines)
        super().__init__(message)
        self.problems = listed


class MalformedJson(InvalidInput):
    """Text that should hold one JSON document does not: not UTF-8, not JSON, or nested too deep.

    ``where`` names the text (a file, standard input, an event's payload) and ``problem`` says
    what is wrong and where in the text (a line and column, or a byte offset); neither repeats
    the text itself. Problems *inside* a well-formed document (duplicate keys, numbers or strings
    too large, NaN) are a [`SchemaViolation`][barnekoordinator.errors.SchemaViolation] with
    their JSON paths.
    """

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where} {problem}")
        self.where = redact(where)
        self.problem = redact(problem)


class InvalidCommand(InvalidInput, TypeError):
    """A command given to the Casebook returned something that is not domain events.

    A command returns one [`DomainEvent`][barnekoordinator.history.case.DomainEvent] or a list
    or tuple of them (empty: nothing to store). The message names the *type* of what came back
    (``NoneType``, ``str``, ``a list holding int at index 2``), never its value, which was made
    from the whole case. Nothing was stored; the call was audited.
    """


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


class CaseAlreadyOpen(RuleViolation):
    """The child already has an open case in the municipality: join it instead.

    One person has one individual plan (IP-forskriften; hotl § 7-1), so the Casebook refers a
    second opening to the open case. ``case_id`` is that case's opaque id — never the child's
    identifier. The refusal is audited in that case's trail.
    """

    def __init__(self, case_id: str, municipality_number: str) -> None:
        super().__init__(
            f"the child already has an open case in municipality {municipality_number}: "
            f"case {case_id}; join that case and its plan instead of opening a second one "
            "(one individual plan per person, IP-forskriften)"
        )
        self.case_id = case_id
        self.municipality_number = municipality_number


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
        self.reason = redact(reason)


class ProofFailed(HistoryError):
    """A Merkle inclusion or consistency proof does not fit the root(s) it was checked against.

    The message says which check failed (sizes, proof length, the old or the new root).
    """


class CheckpointError(HistoryError, ValueError):
    """A signed checkpoint, a signed note or a checkpoint key cannot be used.

    Raised when a note or key is malformed (the message names the line or part and what was
    expected), and when no signature of the trusted key verifies. A checkpoint that parses and
    verifies but does not match the store is a finding of ``verify``, not this error.

    It is not an [`InvalidInput`][barnekoordinator.errors.InvalidInput]: a checkpoint comes from
    elsewhere (a file kept away from the store), so the command line reports it as evidence that
    could not be used (exit 3), not as something mistyped (exit 2).
    """


class StoreDiverged(HistoryError):
    """The store is not an extension of the history a
    [`Checkpointer`][barnekoordinator.history.checkpoint.Checkpointer] has already seen.

    Raised instead of a checkpoint when the last record it knows of a tree is gone, moved or
    rewritten (the store was truncated, edited or restored from an older copy), or when a saved
    frontier does not fit the checkpoint it is resumed with. ``tree`` is ``"events"`` or
    ``"audit"``, ``size`` the number of records of that tree the checkpointer had seen,
    ``reason`` what broke. Nothing is signed: run ``barnekoordinator verify --checkpoint`` with
    the last checkpoint to find where the history changed.
    """

    def __init__(self, tree: str, size: int, reason: str) -> None:
        super().__init__(f"{tree} tree of {size} records: {reason}")
        self.tree = tree
        self.size = size
        self.reason = redact(reason)


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


class SubjectConflict(BarnekoordinatorError):
    """An append expected other cases for the child than the store holds; nothing was written.

    The Casebook checks "does the child already have an open case here?" and then appends with
    the cases it saw for the child's keyed hash
    ([`SubjectCases`][barnekoordinator.history.store.SubjectCases]); the store raises this when a
    case for that child was stored in between. The Casebook looks again and answers
    [`CaseAlreadyOpen`][barnekoordinator.errors.CaseAlreadyOpen] (or stores the case, when the
    other one is elsewhere), so a Casebook caller never sees it. The message names the case id,
    never the child or the keyed hash.
    """

    def __init__(self, case_id: str) -> None:
        super().__init__(
            f"case {case_id}: another case for the same child was stored meanwhile; "
            "nothing stored; check the child's cases again and retry"
        )
        self.case_id = case_id


class SealingError(BarnekoordinatorError):
    """A sealed identifier cannot be sealed or opened.

    The case has no data key (never made, or destroyed: shredded at the end of
    retention, or removed around the library — ``barnekoordinator verify`` tells
    which), its wrapped key does not open with the configured keys, or a token was
    tampered with or belongs to another case. The message names the case id,
    never an identifier or a key.
    """


class StorageError(BarnekoordinatorError):
    """Base for errors raised by a CaseStore."""


class CaseNotFound(StorageError, LookupError):
    """No case with this id exists in the store."""


class StorageUnavailable(StorageError, ConnectionError):
    """The store cannot be written or read (read-only file, disk full, server down).

    Nothing was half-written: the append is all or nothing.
    """


class StoreNotFound(StorageError, FileNotFoundError):
    """A store opened to be read (or audited) does not exist; none was created.

    The message is ``store not found: PATH``. At the command line: exit 3, like any store that
    cannot be opened (the path may be right and the file elsewhere: the environment, not the
    typing, is wrong).
    """


class StoreLocked(StorageUnavailable):
    """Another process held the store's lock for longer than the configured wait.

    ``holders`` lists ``(pid, process name)`` of the processes found holding a lock on the file
    (best effort: Linux's ``/proc/locks``; empty when none could be named). Nothing was written.
    """

    def __init__(self, message: str, holders: tuple[tuple[int, str], ...] = ()) -> None:
        super().__init__(message)
        self.holders = holders


# --- access and authentication ---------------------------------------------


class AccessDenied(BarnekoordinatorError, PermissionError):
    """The access policy refused the principal; the refusal itself was audited.

    ``reason`` is the policy's explanation (no personal data).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = redact(reason)


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
        self.reason = redact(reason)
        self.code = code


class InsufficientAssurance(AuthenticationError):
    """The login's assurance level is below what the action needs; log in again at ``needed``.

    ``needed`` is the level's name (``"high"``: ``idporten-loa-high``, BankID ``LOA=4``,
    HelseID ``"4"``; ``"substantial"``: MinID, HelseID ``"3"``). The refusal was audited.
    """

    def __init__(self, message: str, *, needed: str) -> None:
        super().__init__(message)
        self.needed = needed


class IssuerUnavailable(AuthenticationError, ConnectionError):
    """An identity provider's discovery document or JWKS cannot be used.

    Raised when the issuer cannot be reached in time, answers with an HTTP
    error, or serves a document that is not valid JSON or holds no usable key.
    No token was judged: the login may be retried later.
    """


# --- export and plugins ----------------------------------------------------


class ExportError(BarnekoordinatorError):
    """An exporter could not produce a valid document."""


class DeliveryFailed(BarnekoordinatorError):
    """A mail server refused a message or dropped the connection while it was sent.

    ``code`` is the server's reply code (0 when there was none), ``permanent`` true for a 5xx
    reply (trying again will not help), ``connection_lost`` true when the session is gone. The
    message names the reply code and the stage, never an address or a message's content.
    """

    def __init__(
        self, reason: str, *, code: int = 0, permanent: bool = False, connection_lost: bool = False
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.permanent = permanent
        self.connection_lost = connection_lost


class MailServerUnavailable(DeliveryFailed, ConnectionError):
    """No session with the mail server: it is down, STARTTLS failed or the login was refused.

    Nothing was sent in this session; the messages stay in the outbox for the next run.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason, connection_lost=True)


class PluginError(BarnekoordinatorError):
    """Base for plugin wiring problems."""


class NoCaseStoreConfigured(PluginError):
    """No plugin returned a case store."""


class PluginContractError(PluginError):
    """A plugin returned something that does not honour its hook's contract."""

    def __init__(self, plugin_name: str, message: str) -> None:
        super().__init__(f"plugin {plugin_name!r}: {message}")
        self.plugin_name = plugin_name


class PluginLoadError(PluginError):
    """Installed plugins could not be loaded: an import failed or a hook is malformed.

    ``plugins`` maps each broken plugin's entry-point name to the one-line reason. The message
    names them and how to go on without them (``--block NAME`` or
    ``BARNEKOORDINATOR_BLOCK_PLUGINS``).
    """

    def __init__(self, plugins: dict[str, str]) -> None:
        names = ", ".join(sorted(plugins))
        first = sorted(plugins)[0]
        reasons = "; ".join(f"{name}: {plugins[name]}" for name in sorted(plugins))
        super().__init__(
            f"plugin(s) could not be loaded: {reasons}. Fix or uninstall {names}, or block "
            f"it with --block {first} (or BARNEKOORDINATOR_BLOCK_PLUGINS={first})"
        )
        self.plugins = dict(plugins)


class MissingExtraError(PluginError, ImportError):
    """An optional dependency is missing; the message names the pip command to run."""

    def __init__(self, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional dependencies of the '{extra}' extra: "
            f"pip install 'barnekoordinator[{extra}]'"
        )
        self.extra = extra
