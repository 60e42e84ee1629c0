"""``barnekoordinator case open|show|log|close``: a case from the command line.

* ``open`` — a new case for a child (``--born DATE``) or an expected child (``--expected
  DATE``), with its guardians (``--guardian REF:RELATION``, foreldreansvar assumed;
  ``REF:RELATION:no-responsibility`` otherwise) and the professionals taking part
  (``--participant REF:SERVICE:ORGNR[:TITLE]``), through
  [`Casebook.open_case()`][barnekoordinator.casebook.Casebook.open_case]. The child's national
  id is read from ``--child-id-file FILE`` (never typed: it would stay in the shell's history);
  with it, a child who already has an open case is referred to that case (exit 1). Prints the
  new case id (``--json``: ``{"case_id": …}``).
* ``show`` — the case as the principal may see it today
  ([`Casebook.read()`][barnekoordinator.casebook.Casebook.read], audited): words in ``--lang``,
  or with ``--json`` one object (identity numbers never appear; the view holds none).
* ``log`` — the entries the principal may read today (log notes, tiltak, meetings, minutes,
  decisions, plan items …), oldest first; ``--json``: one object per line (JSON lines).
* ``close`` — close the stafettlogg and the case with a reason (``close_stafettlogg`` with
  ``close_case``, through the same registry as ``record``).

Text written in the case is printed with its control characters escaped (ESC as ``\\x1b``),
so it cannot steer the reader's terminal; JSON escapes them too (DEL and the C1 controls
included, as ``\\u009b``).

Who acts, the store, and the exit status are as for ``record``: 0 done, 1 refused, 2 usage or
bad input, 3 the store or a plugin failed.
"""

from __future__ import annotations

import argparse
import json
from typing import Final

from barnekoordinator._casebook_opening import check_opening
from barnekoordinator._cli import json_text, printable
from barnekoordinator._cli._session import (
    Session,
    add_case_arguments,
    negative_answers,
    open_session,
    plain,
)
from barnekoordinator._cli.record import add_command_options, record_options
from barnekoordinator.access.entries import Entry
from barnekoordinator.casebook import CaseView
from barnekoordinator.config import municipality_number_problem
from barnekoordinator.coordination.stafettlogg import ClosingReason
from barnekoordinator.edges import parse_date, read_text
from barnekoordinator.errors import InvalidIdentifier, InvalidInput
from barnekoordinator.history.case import DomainEvent, ParticipantJoined, open_case
from barnekoordinator.identifiers import IdentifierPolicy, Organisasjonsnummer, PersonId
from barnekoordinator.people import Child, ExpectedChild, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind
from barnekoordinator.texts import text

__all__ = ["entry_to_json", "register", "view_to_json"]

_MAX_ID_FILE: Final = 256
"""The most bytes of a ``--child-id-file`` read (one number on a line, as ``id`` reads it)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``case`` subcommand with ``open``, ``show``, ``log`` and ``close``."""
    parser = subparsers.add_parser(
        "case",
        help="open, show, log or close a case as a principal",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    opening = actions.add_parser("open", help="open a new case for a child or expected child")
    opening.add_argument("--municipality", required=True, metavar="NNNN", help="kommunenummer")
    opening.add_argument("--child", default="child", metavar="REF", help="the child's case ref")
    when = opening.add_mutually_exclusive_group(required=True)
    when.add_argument("--born", metavar="DATE", help="the child's birth date")
    when.add_argument("--expected", metavar="DATE", help="the expected date of birth")
    opening.add_argument("--child-name", default="", metavar="NAME", help="the child's name")
    opening.add_argument(
        "--child-id-file", metavar="FILE", help="a file holding the child's national id"
    )
    opening.add_argument(
        "--guardian", action="append", default=[], metavar="REF:RELATION[:no-responsibility]"
    )
    opening.add_argument(
        "--participant", action="append", default=[], metavar="REF:SERVICE:ORGNR[:TITLE]"
    )
    add_case_arguments(opening)
    opening.set_defaults(func=negative_answers("case open", _open))
    for name, helps, run in (
        ("show", "the case as you may see it today (audited)", _show),
        ("log", "the entries you may read today, oldest first (audited)", _log),
    ):
        reading = actions.add_parser(name, help=helps)
        reading.add_argument("--case", required=True, metavar="ID", help="the case id")
        add_case_arguments(reading)
        reading.set_defaults(func=negative_answers(f"case {name}", run))
    closing = actions.add_parser("close", help="close the stafettlogg and the case")
    closing.add_argument("--reason", required=True, choices=[r.value for r in ClosingReason])
    closing.add_argument("--summary", help="what was reached, for the archive")
    add_command_options(closing)
    closing.set_defaults(func=negative_answers("case close", _close))


def _guardian(value: str) -> Guardian:
    ref, _, rest = value.partition(":")
    relation, _, responsibility = rest.partition(":")
    if (
        not ref
        or relation not in {r.value for r in GuardianRelation}
        or responsibility
        not in (
            "",
            "no-responsibility",
        )
    ):
        known = ", ".join(r.value for r in GuardianRelation)
        raise InvalidInput(
            f"--guardian: expected REF:RELATION[:no-responsibility] with RELATION one of {known}"
        )
    return Guardian(
        ref=ref,
        relation=GuardianRelation(relation),
        parental_responsibility=responsibility == "",
    )


def _participant(value: str) -> Professional:
    parts = value.split(":", 3)
    if len(parts) < 3 or not parts[0] or parts[1] not in {s.value for s in ServiceKind}:
        raise InvalidInput("--participant: expected REF:SERVICE:ORGNR[:TITLE] with a known service")
    ref, service, organisation = parts[:3]
    try:
        org = Organisasjonsnummer.parse(organisation)
    except InvalidIdentifier as exc:
        raise InvalidInput(f"--participant {ref}: {exc}") from None
    return Professional(
        ref=ref,
        service=ServiceKind(service),
        organisation=org,
        title=parts[3] if len(parts) > 3 else "",
    )


def _child_id(args: argparse.Namespace) -> PersonId | None:
    if args.child_id_file is None:
        return None
    if not args.child_id_file:
        raise InvalidInput("--child-id-file: expected a file name, got an empty one")
    where = f"--child-id-file {args.child_id_file}"
    # The shared text reader: strict UTF-8, a byte-order mark ignored (as in a JSON file).
    number = read_text(args.child_id_file, _MAX_ID_FILE, where).strip()
    policy = IdentifierPolicy.testing() if args.allow_synthetic else IdentifierPolicy()
    try:
        return PersonId.parse(number, policy=policy)
    except InvalidIdentifier as exc:  # the number is never echoed; the option and file are
        raise InvalidIdentifier(f"{where}: {exc}", kind=exc.kind) from None


def _opening(args: argparse.Namespace) -> list[DomainEvent]:
    """The events that open the case (checked before the store is touched)."""
    if municipality_number_problem(args.municipality) is not None:
        raise InvalidInput("--municipality: expected a kommunenummer of four digits, e.g. 0301")
    subject: Child | ExpectedChild
    if args.born is not None:
        subject = Child(
            ref=args.child,
            birth_date=parse_date(args.born, "--born"),
            person_id=_child_id(args),
            name=args.child_name,
        )
    else:
        if args.child_id_file is not None:
            raise InvalidInput("--child-id-file: an expected child has no national id yet")
        subject = ExpectedChild(
            ref=args.child, expected_date=parse_date(args.expected, "--expected")
        )
    opened = open_case(
        municipality_number=args.municipality,
        subject=subject,
        guardians=[_guardian(g) for g in args.guardian],
    )
    events: list[DomainEvent] = [
        opened,
        *(ParticipantJoined(participant=_participant(p)) for p in args.participant),
    ]
    check_opening(events)  # as the Casebook will, but before a store file is made
    return events


def _open(args: argparse.Namespace) -> int:
    events = _opening(args)
    with open_session(args, writes=True, creates_key=True) as session:
        case_id = session.book.open_case(session.principal, events)
        if session.as_json:
            print(json.dumps({"case_id": case_id}))
        else:
            session.say(text("cli.case-opened"), case=case_id)
    return 0


def view_to_json(view: CaseView) -> dict[str, object]:
    """A case view as JSON (``case show --json``); identity numbers never appear."""
    document = plain(view)
    assert isinstance(document, dict)
    document["entries"] = [entry_to_json(e) for e in view.entries]
    return document


def entry_to_json(entry: Entry) -> dict[str, object]:
    """One entry as JSON (a line of ``case log --json``): its metadata and its content."""
    meta = plain(entry.meta)
    assert isinstance(meta, dict)
    return {**meta, "content": plain(entry.content)}


def _show(args: argparse.Namespace) -> int:
    with open_session(args, writes=False) as session:
        view = session.book.read(session.principal, args.case)
        if session.as_json:
            print(json_text(view_to_json(view)))
        else:
            _say_view(session, view)
    return 0


def _say_view(session: Session, view: CaseView) -> None:
    state = text("cli.state-open" if view.is_open else "cli.state-closed").get(session.lang)
    session.say(
        text("cli.case-summary"),
        case=printable(view.case_id),
        version=view.version,
        municipality=view.municipality_number,
        mode=view.mode.value,
        state=state,
    )
    if view.child_age is None:
        session.say(text("cli.child-expected"))
    else:
        session.say(text("cli.child-age"), age=view.child_age)
    session.say(text("cli.your-roles"), roles=", ".join(r.value for r in view.roles) or "-")
    holders = ", ".join(f"{a.role.value} {a.ref}" for a in view.role_holders)
    session.say(text("cli.role-holders"), holders=printable(holders) or "-")
    people = ", ".join(f"{p.ref} ({p.service.value})" for p in view.participants)
    session.say(text("cli.participants"), participants=printable(people) or "-")
    session.say(text("cli.entries-visible"), count=len(view.entries))
    if view.stronger_login_shows_more is not None:
        session.say(text("cli.stronger-login"), level=view.stronger_login_shows_more.value)


def _summary(content: object) -> str:
    """A line's worth of an entry's content: its first text-like field (whitespace collapsed;
    the caller escapes what control characters remain)."""
    for name in ("text", "description", "title", "summary", "what", "note", "agenda"):
        value = getattr(content, name, None)
        if isinstance(value, str) and value:
            return " ".join(value.split())
        if isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
            return " | ".join(" ".join(v.split()) for v in value)
    return ""


def _log(args: argparse.Namespace) -> int:
    with open_session(args, writes=False) as session:
        view = session.book.read(session.principal, args.case)
        ordered = sorted(view.entries, key=lambda e: (e.meta.created_on, e.meta.id))
        for entry in ordered:
            if session.as_json:
                print(json_text(entry_to_json(entry)))
                continue
            meta = entry.meta
            line = (
                f"{meta.created_on.isoformat()} {meta.kind:<14} {meta.id} "
                f"[{meta.section.value}, {meta.author_ref}] {_summary(entry.content)}"
            )
            print(printable(line.rstrip()))
        if not session.as_json:
            session.say(text("cli.entries-visible"), count=len(ordered))
    return 0


def _close(args: argparse.Namespace) -> int:
    return record_options(
        args,
        "close_stafettlogg",
        {"reason": args.reason, "summary": args.summary, "close_case": True},
    )
