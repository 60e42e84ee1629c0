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

``--output`` and ``--frontier`` name regular files (a missing one is made). A device, a FIFO or
a socket is refused, and so is a symbolic link, even to a regular file: the file is written
beside its name and renamed over it, which would replace the link itself, so name the file it
points to. ``--origin`` is one line of text (the checkpoint's first line), checked before the
store is opened or a key made.

Exit status: 0 the checkpoint was written; 1 the store is not an extension of the checkpoint
saved in ``--frontier`` (a record it ended with is gone or rewritten: nothing is signed, run
``verify --checkpoint``); 2 usage error; 3 the store, the key, the frontier or the output file
could not be used.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

from barnekoordinator._cli import (
    add_json_option,
    add_lang_option,
    file_name,
    json_text,
    one_line,
    printable,
)
from barnekoordinator._cli._keys import KeySource, find_signer, read_note
from barnekoordinator._cli._wiring import open_store, store_url
from barnekoordinator._cli.verify import add_store_arguments
from barnekoordinator._redact import redact
from barnekoordinator.edges import read_json
from barnekoordinator.errors import CheckpointError, InvalidInput, StoreDiverged
from barnekoordinator.history.checkpoint import (
    Checkpoint,
    Checkpointer,
    Ed25519Signer,
    Frontier,
    TreeHead,
    open_checkpoint,
    sign_checkpoint,
)
from barnekoordinator.history.merkle import EMPTY_ROOT
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
        help="the log's name on the checkpoint's first line: one line, no control characters "
        "(default: the key's name)",
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        required=True,
        help="where to write it: a regular file, made if missing (a symbolic link, a device or "
        "a FIFO is refused)",
    )
    parser.add_argument(
        "--frontier",
        metavar="FILE",
        help="keep the checkpoint and each tree's frontier here, and go on from them next time "
        "(reads only the new records; a missing file means a full read; a regular file, as for "
        "--output)",
    )
    add_json_option(
        parser,
        '{"output", "origin", "events", "audit_records", "signed_with", "public_key", '
        '"frontier", "resumed", "new_events", "new_audit_records"} (the checkpoint itself goes '
        "to --output)",
    )
    add_lang_option(parser)
    parser.set_defaults(func=run)


def _origin(name: str | None) -> str | None:
    """``--origin`` checked as the checkpoint's first line, by the note module's own check,
    before the store is opened or a key made (the name is not echoed: it may hold anything).

    Raises:
        InvalidInput: empty, more than one line, or holding a control character.
    """
    if name is None:
        return None
    try:
        Checkpoint(name, TreeHead(0, EMPTY_ROOT)).text()
    except CheckpointError:
        got = (
            "an empty one"
            if not name
            else "a line break"
            if "\n" in name
            else "a control character or a lone surrogate"
        )
        raise InvalidInput(f"--origin: expected one line of text, got {got}") from None
    return name


def _not_a_file(where: str, info: os.stat_result) -> CheckpointError | None:
    """Why an existing path (``lstat``) is not a regular file the checkpoint may replace."""
    if stat.S_ISREG(info.st_mode):
        return None
    if stat.S_ISDIR(info.st_mode):
        return CheckpointError(f"{where}: is a folder, expected a file")
    if stat.S_ISLNK(info.st_mode):
        return CheckpointError(
            f"{where}: is a symbolic link, which would be replaced, not followed; name the file "
            "it points to"
        )
    return CheckpointError(f"{where}: is not a regular file (a device, a FIFO or a socket)")


def _usable(option: str, name: str | None) -> Path | None:
    """``name`` given to ``option`` as a path, checked before the store is opened, a key made or
    anything written: a file name (not empty, not ``-``, no NUL), in a folder that exists, and
    a regular file if it exists (not a folder, a symbolic link, a device, a FIFO or a socket:
    the file is renamed over the name, which would replace any of them). A missing file is fine
    (it is written).

    Raises:
        InvalidInput: empty or ``-`` (a usage error).
        CheckpointError: it cannot be a file there (exit 3, as for a file that cannot be written).
    """
    if name is None:
        return None
    if not name:
        raise InvalidInput(f"{option}: expected a file name, got an empty one")
    if name == "-":  # a checkpoint is kept elsewhere, as a file: never standard output
        raise InvalidInput(f"{option} -: expected a file name (./- names a file called -)")
    where = f"{option} {name}"
    file_name(name, where, CheckpointError)
    try:  # the name as typed: Path() would drop a trailing "/"; lstat: a link is not followed
        info = os.lstat(name)
    except FileNotFoundError:
        if not os.path.isdir(os.path.dirname(name) or "."):
            raise CheckpointError(f"{where}: its folder does not exist") from None
        return Path(name)
    except OSError as exc:  # a name too long, a file where a folder must be, …
        raise CheckpointError(f"{where}: cannot be used ({exc.strerror})") from None
    problem = _not_a_file(where, info)
    if problem is not None:
        raise problem
    return Path(name)


def _write_all(files: list[tuple[str, Path, str]]) -> None:
    """Write each ``(option, path, text)`` whole: each text goes to a temporary file beside its
    path (a short random name, so a name near the system's limit still has room for it), and
    only when every one is written are they renamed over their paths. A file that cannot be
    written leaves none of them changed (only a rename, within one folder, failing after
    another could leave the first renamed).

    Raises:
        CheckpointError: ``OPTION PATH: cannot be written (…)``; no temporary file is left.
    """
    pending: list[tuple[str, Path, Path]] = []
    try:
        for option, path, text in files:
            temporary = path.with_name(f".bk-{secrets.token_hex(8)}.tmp")
            try:
                with open(temporary, "x", encoding="utf-8") as handle:
                    pending.append((option, path, temporary))
                    handle.write(text)
            except OSError as exc:
                raise CheckpointError(
                    f"{option} {path}: cannot be written ({exc.strerror})"
                ) from None
        for option, path, _temporary in pending:  # made something else since _usable()?
            try:
                problem = _not_a_file(f"{option} {path}", os.lstat(path))
            except FileNotFoundError:
                problem = None
            except OSError as exc:
                problem = CheckpointError(f"{option} {path}: cannot be written ({exc.strerror})")
            if problem is not None:
                raise problem
        while pending:
            option, path, temporary = pending[0]
            try:
                os.replace(temporary, path)
            except OSError as exc:
                raise CheckpointError(
                    f"{option} {path}: cannot be written ({exc.strerror})"
                ) from None
            pending.pop(0)
    finally:
        for _option, _path, temporary in pending:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


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


def _frontier_text(note: str, checkpointer: Checkpointer) -> str:
    events, audit = checkpointer.frontiers()
    document = {
        "format": _FRONTIER_FORMAT,
        "checkpoint": note,
        "events": events.to_dict(),
        "audit": audit.to_dict(),
    }
    return json.dumps(document, indent=1) + "\n"


def run(args: argparse.Namespace) -> int:
    """Compute, sign and write the checkpoint (and the frontier); say where the key came from.

    Returns 0, or 1 when the store no longer extends the checkpoint saved with ``--frontier``.
    """
    url = store_url(args)
    # Every name is checked before the store is opened, a key made or a file written.
    origin = _origin(args.origin)
    output = _usable("--output", args.output)
    frontier = _usable("--frontier", args.frontier)
    assert output is not None  # --output is required
    if frontier is not None and os.path.abspath(output) == os.path.abspath(frontier):
        raise InvalidInput("--output and --frontier: expected two files, got the same one")
    _, _, store = open_store(args, "read")  # first: a missing store must not leave a new key
    try:
        signer, source = find_signer(args.key, store_url=url, environ=os.environ, create=True)
        checkpointer = _resume(frontier, store, signer, origin) if frontier is not None else None
        before: tuple[int, int] | None = None  # the sizes resumed from
        if checkpointer is None:
            checkpointer = Checkpointer(store, origin or signer.name)
        else:
            events_seen, audit_seen = checkpointer.frontiers()
            before = (events_seen.size, audit_seen.size)
        try:
            checkpoint = checkpointer.checkpoint()
        except StoreDiverged as exc:
            print(
                "barnekoordinator checkpoint: "
                + printable(
                    redact(
                        f"the store is not an extension of the checkpoint in {frontier}: "
                        f"{one_line(exc)}; nothing signed (run verify --checkpoint)"
                    )
                ),
                file=sys.stderr,
            )
            return 1
    finally:
        store.close()
    note = sign_checkpoint(checkpoint, signer)
    files = [("--output", output, note)]
    if frontier is not None:
        files.append(("--frontier", frontier, _frontier_text(note, checkpointer)))
    _write_all(files)  # both, or neither
    return _report(args, checkpoint, source, signer, frontier, before)


def _report(
    args: argparse.Namespace,
    checkpoint: Checkpoint,
    source: KeySource,
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
            "signed_with": str(source),
            "public_key": public_key,
            "frontier": str(frontier) if frontier is not None else None,
            "resumed": resumed,
            "new_events": new_events,
            "new_audit_records": new_audit,
        }
        print(json_text(document, indent=2))
        return 0
    lang = args.lang
    print(cli_text("cli.checkpoint.signed").format(lang, source=printable(source.text(lang))))
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
