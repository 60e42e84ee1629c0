"""Importing an exported case history: a trusted back-office path, audited.

Exports go through the one door ([`Casebook.export()`][barnekoordinator.casebook.Casebook.export]).
Reading an export back — restoring a case, moving it to another store — has no principal to decide
for: like [`Casebook.store`][barnekoordinator.casebook.Casebook.store] it is for code the operator
trusts. It still leaves a trace: the events are appended together with one audit record (actor
``back-office``, action ``import``) in the same transaction, and the identity numbers are sealed
with the receiving store's keys, as every write through the Casebook is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Final

from barnekoordinator._casebook_append import Sealed, append_sealed
from barnekoordinator._casebook_views import Recorded, label_problem
from barnekoordinator.access.entries import entries
from barnekoordinator.errors import BundleRejected, InvalidInput, PluginContractError
from barnekoordinator.history.case import (
    Case,
    CaseOpened,
    ChildBorn,
    RecordedEvent,
    event_problem,
    rekeying_problem,
)
from barnekoordinator.history.records import GENESIS, AuditRecord
from barnekoordinator.people import case_id_problem
from barnekoordinator.protocols import Importer

if TYPE_CHECKING:
    import pluggy

    from barnekoordinator.casebook import Casebook
    from barnekoordinator.config import Config

__all__ = ["BACK_OFFICE", "import_history", "named_importer"]

BACK_OFFICE: Final = "back-office"
"""The actor of an import's audit record (there is no principal)."""


def _importer(book: Casebook, importer: str | Importer) -> Importer:
    if not isinstance(importer, str):
        if not isinstance(importer, Importer):
            raise InvalidInput("importer: expected an Importer or a format name")
        return importer
    from barnekoordinator.plugins import get_plugin_manager

    return named_importer(book._pm or get_plugin_manager(), book._config, importer)


def named_importer(pm: pluggy.PluginManager, config: Config, importer: str) -> Importer:
    """The installed exporter named ``importer`` that also reads histories.

    Raises:
        InvalidInput: no installed format of that name reads histories (the known ones named).
    """
    from barnekoordinator.plugins import exporters

    found = exporters(pm, config)
    chosen = next((e for e in found if e.format == importer), None)
    if chosen is None or not isinstance(chosen, Importer):
        readable = sorted(e.format for e in found if isinstance(e, Importer))
        raise InvalidInput(
            f"importer: no format of that name reads histories "
            f"(known: {', '.join(readable) or 'none installed'})"
        )
    return chosen


def _result_problem(
    book: Casebook, case_id: str, events: Sequence[RecordedEvent], as_of: date
) -> str | None:
    """Why the imported history cannot be kept: it does not fold into an empty case (the error's
    class named, never its text), it uses an item id twice, or a write check refuses the case it
    leaves on ``as_of``."""
    blank = book._catalogue.new_case(case_id)
    try:
        after = blank.apply_all(events)
    except Exception as exc:  # a history the library would fail to load: refused, not stored
        return f"the events do not fold into one case ({type(exc).__name__})"
    return _reused_id_problem(after) or book._catalogue.result_problem(blank, after, as_of)


def _reused_id_problem(case: Case) -> str | None:
    """Why ``case`` cannot be kept when an item id is used twice in it, or ``None``.

    Every item-adding command refuses an id the case has used (its module's ``used_ids``,
    decision 37), and each module lists its items as entries, named by that id and its module
    (``stafettlogg:t4``), through the catalogue's entry sources: the rule as every concept, a
    vendor's too, declares it, without knowing which field of which event adds an item. So a
    history the commands wrote has one entry per id; one that adds an item under an id used before
    (an edited export) has two, which would share visibility decisions (they are kept by entry
    id) and repeat a FHIR fullUrl in every export (bdl-7). ``start_plan`` took the id of an ended
    plan until 2026-12-07, and the two plans' items then share entry ids: a case stored so loads,
    but is refused here too. The entry's kind is named, never its id or text.
    """
    seen: set[str] = set()
    try:
        for entry in entries(case):
            if entry.meta.id in seen:
                return (
                    f"an item id is used twice (a {entry.meta.kind} entry); the commands refuse "
                    "an id the case has used"
                )
            seen.add(entry.meta.id)
    except Exception as exc:  # a case whose entries cannot be listed cannot be read or exported
        return f"the case's entries cannot be listed ({type(exc).__name__})"
    return None


def import_history(
    book: Casebook, content: bytes, importer: str | Importer = "fhir-r4", *, operator: str
) -> Recorded:
    """Append the history ``content`` carries to ``book``'s store, as a new case.

    The events keep their case id, numbers, times, actors and legal basis, so the case is equal to
    the one exported; the child's keyed index and the sealed identifiers are made with ``book``'s
    secret and keys. Nothing is stored unless everything is: the events and the audit record go in
    one transaction.

    Args:
        book: The receiving Casebook (its store, keys, clock and catalogue).
        content: The exported document (a FHIR Bundle exported with ``include_history=True``).
        importer: An [`Importer`][barnekoordinator.protocols.Importer] or the format name of an
            installed exporter that also reads (``"fhir-r4"``, ``"fhir-r4-document"``).
        operator: Who runs the import (a label for the audit record, shown to the family in
            "who has looked at our case": a name or a job, never an identity number; like a
            principal's ``display_label`` it holds no six digits, separators aside).

    Returns:
        What was recorded (case id, version, sequences, types).

    Raises:
        BundleRejected: the document is not a whole history this library exported (every
            problem with its JSON path: a date out of the supported range, too, or a complaint
            deadline of more than a year), its case id is not one the Casebook opens (empty,
            a control character or lone surrogate, an eleven-digit number), an event the
            commands would not write (``DomainEvent.write_problem()``: a kommunenummer that is
            not four digits …), events that would open the case twice or have a child born
            twice (``rekeying_problem()``), events that do not fold into one case, or that
            use an item id twice (two entries of the case with one id), a case a
            write check refuses (``Concept.write_checks``: two holders of coordination, say;
            checked on the later of the Casebook's day and the history's last), or the store
            already has a case with its id. Nothing is stored.
        InvalidInput: an unknown format, or an ``operator`` that is empty, holds a control
            character or an identifier (six or more digits); the message never repeats it.
        ConcurrencyConflict: another writer created the case at the same moment.
    """
    if not isinstance(operator, str) or not operator.strip():
        raise InvalidInput("operator: expected who runs the import (a label)")
    problem = label_problem(operator)
    if problem is not None:  # it is stored and shown to the family: never an identity number
        raise InvalidInput(f"operator: expected a name or a job; this one {problem}")
    reader = _importer(book, importer)
    case_id, events = reader.read_history(content, book._catalogue)
    if not all(isinstance(e, RecordedEvent) and e.case_id == case_id for e in events) or not events:
        raise PluginContractError(
            type(reader).__module__, "read_history must return the recorded events of one case"
        )
    problem = case_id_problem(case_id)
    if problem is not None:  # a case the Casebook could not open, or an identity number
        raise BundleRejected(
            "FHIR bundle", [("$.entry", f"the events' case_id: {problem}; nothing stored")]
        )
    problem = event_problem(e.event for e in events) or rekeying_problem(
        None, (e.event for e in events)
    )
    if problem is not None:  # e.g. a kommunenummer the library would not write (an id?)
        raise BundleRejected("FHIR bundle", [("$.entry", f"{problem}; nothing stored")])
    # Checked on the later of the Casebook's day and the history's last: a history exported
    # later (a barnekoordinator lapsed at 18, a log opened after) is not judged on a day
    # before it ended.
    as_of = max(book.today(), max(e.recorded_at for e in events).date())
    problem = _result_problem(book, case_id, events, as_of)
    if problem is not None:  # e.g. an appointment without the link of the open stafettlogg
        raise BundleRejected("FHIR bundle", [("$.entry", f"{problem}; nothing stored")])
    if book._store.read(case_id):
        raise BundleRejected(
            "FHIR bundle", [("$", "the store already has a case with this id; nothing stored")]
        )
    keyed = tuple(
        e.__class__(
            case_id=e.case_id,
            sequence=e.sequence,
            recorded_at=e.recorded_at,
            actor=e.actor,
            event=e.event,
            legal_basis=e.legal_basis,
            subject_key=(
                book._subject_key([e.event])
                if isinstance(e.event, CaseOpened | ChildBorn)
                else None
            ),
        )
        for e in events
    )
    audit = AuditRecord(
        case_id=case_id,
        sequence=0,
        at=book._clock.now(),
        actor=BACK_OFFICE,
        actor_label=f"import ({operator.strip()[:80]})",
        action="import",
        target=f"import:{reader.format}",
        allowed=True,
        reason=f"trusted back-office import; stored sequence 1–{len(keyed)}",
        first_sequence=keyed[0].sequence,
        last_sequence=keyed[-1].sequence,
    )

    def append(sealed: Sealed) -> None:
        store_append: Callable[..., int] = book._store.append
        extra: dict[str, object] = {}
        if sealed.data_key is not None:  # the new case's key commits with its events (dec. 31)
            extra["data_key"] = sealed.data_key
        if sealed.sealed_with is not None:  # a key the store holds: confirmed there (dec. 51)
            extra["sealed_with"] = sealed.sealed_with
        store_append(case_id, 0, sealed.records, audit=audit, **extra)

    records = append_sealed(book, keyed, GENESIS, append).records
    book._notify(case_id, records)
    return Recorded(
        case_id=case_id,
        version=records[-1].sequence,
        sequences=tuple(r.sequence for r in records),
        types=tuple(r.type for r in records),
    )
