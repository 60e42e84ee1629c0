"""``barnekoordinator checkpoint``: sign the store's Merkle roots with a key kept outside it.

Computes the RFC 6962 roots over every event record and every audit record in commit order, writes
them as a C2SP ``tlog-checkpoint`` signed note (see
[`barnekoordinator.history.checkpoint`][barnekoordinator.history.checkpoint]) and says which key
signed it. Keep the checkpoint, and the public key, somewhere the database is not (another
machine, a ticket, an e-mail to the data protection officer, a transparency log): later,
``barnekoordinator verify --checkpoint FILE`` proves the store still begins with exactly that
history.

The key is found as [`barnekoordinator._cli._keys`][barnekoordinator._cli._keys] says; with none
configured, one is created in the user's configuration folder (never beside the database) and
the command says where. The store is opened read-only.

With ``--frontier FILE`` the command keeps what it needs to go on without reading the whole store
again (decision 32): the signed checkpoint and each tree's
[`Frontier`][barnekoordinator.history.checkpoint.Frontier]. The next run with the same file
verifies that checkpoint with the signer's own public key, reads back the last record of each
tree (it must still be there, unchanged) and reads only the records added since — a scheduled
checkpoint then costs the new records, not the history. A missing file means a full read, and
is then written.

Exit status: 0 the checkpoint was written; 1 the store is not an extension of the checkpoint
saved in ``--frontier`` (a record it ended with is gone or rewritten: nothing is signed, run
``verify --checkpoint``); 2 usage error; 3 the store, the key, the frontier or the output file
could not be used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

from barnekoordinator._cli import add_json_option, add_lang_option, file_name, json_text, printable
from barnekoordinator._cli._keys import load_signer, read_note
from barnekoordinator._cli._wiring import open_store, store_url
from barnekoordinator._cli.verify import add_store_arguments
from barnekoordinator.edges import read_json
from barnekoordinator.errors import CheckpointError, InvalidInput, StoreDiverged
from barnekoordinator.history.checkpoint import (
    Checkpoint,
    Checkpointer,
    Ed25519Signer,
    Frontier,
    open_checkpoint,
    sign_checkpoint,
)
from barnekoordinator.texts import text as cli_text

if TYPE_CHECKING:
    from barnekoordinator.history.store import CaseStore

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``checkpoint`` subcommand to the ``barnekoordinator`` parser."""
    parser = subparsers.add_parser(
        "checkpoint",
        help="sign the store's Merkle roots (a checkpoint kept elsewhere)",
        description=(
            "Write a signed checkpoint (C2SP tlog-checkpoint) of every event and audit record "
            "in the store, signed with a key kept outside the database. With --frontier, read "
            "only the records added since the checkpoint saved there. Exit status: 0 written, "
            "1 the store is not an extension of the checkpoint in --frontier (nothing signed), "
            "3 the store, the key, the frontier or the output could not be used."
        ),
    )
    add_store_arguments(parser)
    parser.add_argument(
        "--key",
        metavar="FILE",
        help="signer key file (default: $BARNEKOORDINATOR_CHECKPOINT_KEY, "
        "$BARNEKOORDINATOR_CHECKPOINT_KEY_FILE, or checkpoint.key in the user's configuration "
        "folder, created on first use)",
    )
    parser.add_argument(
        "--origin",
        metavar="NAME",
        help="the log's name on the checkpoint's first line (default: the key's name)",
    )
    parser.add_argument("--output", metavar="FILE", required=True, help="where to write it")
    parser.add_argument(
        "--frontier",
        metavar="FILE",
        help="keep the checkpoint and each tree's frontier here, and go on from them next time "
        "(reads only the new records; a missing file means a full read)",
    )
    add_json_option(
        parser,
        '{"output", "origin", "events", "audit_records", "signed_with", "public_key", '
        '"frontier", "resumed", "new_events", "new_audit_records"} (the checkpoint itself goes '
        "to --output)",
    )
    add_lang_option(parser)
    parser.set_defaults(func=run)


def _write(path: Path, text: str, what: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file renamed over it)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise CheckpointError(f"{what} {path}: cannot be written ({exc.strerror})") from None


_FRONTIER_FORMAT: Final = "barnekoordinator.frontier/1"
"""The ``format`` of a frontier file: the signed checkpoint and each tree's frontier."""


def _frontier_error(path: Path, problem: str) -> CheckpointError:
    return CheckpointError(
        f"frontier {path}: {problem}; remove the file to start over with a full read"
    )


def _resume(
    path: Path, store: CaseStore, signer: Ed25519Signer, origin: str | None
) -> Checkpointer | None:
    """The checkpointer saved in ``path`` (``None``: no file yet, start with a full read).

    The saved checkpoint must verify with ``signer``'s own public key, so a frontier file that
    was edited, or written for another key, is refused rather than trusted.
    """
    if not path.exists():
        return None
    try:
        document = read_json(read_note(path).encode("utf-8"), str(path))
    except (CheckpointError, InvalidInput) as exc:
        raise _frontier_error(path, f"cannot be read ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != _FRONTIER_FORMAT:
        raise _frontier_error(path, f"expected an object with format {_FRONTIER_FORMAT!r}")
    note = document.get("checkpoint")
    if not isinstance(note, str):
        raise _frontier_error(path, "checkpoint: expected the signed note as a string")
    try:
        saved = open_checkpoint(note, signer.verifier())
        events = Frontier.from_dict(document.get("events"))
        audit = Frontier.from_dict(document.get("audit"))
    except CheckpointError as exc:
        raise _frontier_error(path, str(exc)) from None
    if origin is not None and origin != saved.origin:
        raise _frontier_error(path, f"saved for the origin {saved.origin!r}, not {origin!r}")
    try:
        return Checkpointer.resume(store, saved, events, audit)
    except StoreDiverged as exc:
        raise _frontier_error(path, str(exc)) from None


def _save_frontier(path: Path, note: str, checkpointer: Checkpointer) -> None:
    events, audit = checkpointer.frontiers()
    document = {
        "format": _FRONTIER_FORMAT,
        "checkpoint": note,
        "events": events.to_dict(),
        "audit": audit.to_dict(),
    }
    _write(path, json.dumps(document, indent=1) + "\n", "frontier")


def run(args: argparse.Namespace) -> int:
    """Compute, sign and write the checkpoint (and the frontier); say where the key came from.

    Returns 0, or 1 when the store no longer extends the checkpoint saved with ``--frontier``.
    """
    url = store_url(args)
    for option, value in (("--output", args.output), ("--frontier", args.frontier)):
        if value == "-":  # a checkpoint is kept elsewhere, as a file: never standard output
            raise InvalidInput(f"{option} -: expected a file name (./- names a file called -)")
    file_name(args.output, f"checkpoint output {args.output}", CheckpointError)
    if args.frontier:
        file_name(args.frontier, f"frontier {args.frontier}", CheckpointError)
    _, _, store = open_store(args, "read")  # first: a missing store must not leave a new key
    frontier = Path(args.frontier) if args.frontier else None
    try:
        signer, source = load_signer(args.key, store_url=url, environ=os.environ, create=True)
        checkpointer = _resume(frontier, store, signer, args.origin) if frontier else None
        before: tuple[int, int] | None = None  # the sizes resumed from
        if checkpointer is None:
            checkpointer = Checkpointer(store, args.origin or signer.name)
        else:
            events_seen, audit_seen = checkpointer.frontiers()
            before = (events_seen.size, audit_seen.size)
        try:
            checkpoint = checkpointer.checkpoint()
        except StoreDiverged as exc:
            print(
                f"barnekoordinator checkpoint: the store is not an extension of the checkpoint "
                f"in {frontier}: {printable(str(exc))}; nothing signed (run verify --checkpoint)",
                file=sys.stderr,
            )
            return 1
    finally:
        store.close()
    note = sign_checkpoint(checkpoint, signer)
    _write(Path(args.output), note, "checkpoint output")
    if frontier is not None:
        _save_frontier(frontier, note, checkpointer)
    return _report(args, checkpoint, source, signer, frontier, before)


def _report(
    args: argparse.Namespace,
    checkpoint: Checkpoint,
    source: str,
    signer: Ed25519Signer,
    frontier: Path | None,
    before: tuple[int, int] | None,
) -> int:
    audit = checkpoint.audit.size if checkpoint.audit is not None else 0
    public_key = signer.verifier().key_text()
    resumed = before is not None
    seen_events, seen_audit = before or (0, 0)
    new_events, new_audit = checkpoint.events.size - seen_events, audit - seen_audit
    if args.json:
        document = {
            "output": args.output,
            "origin": checkpoint.origin,
            "events": checkpoint.events.size,
            "audit_records": audit,
            "signed_with": source,
            "public_key": public_key,
            "frontier": str(frontier) if frontier is not None else None,
            "resumed": resumed,
            "new_events": new_events,
            "new_audit_records": new_audit,
        }
        print(json_text(document, indent=2))
        return 0
    lang = args.lang
    print(cli_text("cli.checkpoint.signed").format(lang, source=printable(source)))
    print(
        cli_text("cli.checkpoint.written").format(
            lang, events=checkpoint.events.size, audit=audit, output=printable(args.output)
        )
    )
    print(cli_text("cli.checkpoint.public-key").format(lang, key=public_key))
    if frontier is not None:
        key = "cli.checkpoint.resumed" if resumed else "cli.checkpoint.frontier"
        where = printable(str(frontier))
        print(cli_text(key).format(lang, frontier=where, events=new_events, audit=new_audit))
    return 0
