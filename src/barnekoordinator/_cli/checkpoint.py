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

Exit status: 0 the checkpoint was written; 2 usage error; 3 the store, the key or the output file
could not be used.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from barnekoordinator._cli import add_json_option, add_lang_option
from barnekoordinator._cli._keys import load_signer
from barnekoordinator._cli._wiring import open_store, store_url
from barnekoordinator._cli.verify import add_store_arguments
from barnekoordinator.errors import CheckpointError
from barnekoordinator.history.checkpoint import sign_checkpoint, store_checkpoint
from barnekoordinator.texts import text as cli_text

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``checkpoint`` subcommand to the ``barnekoordinator`` parser."""
    parser = subparsers.add_parser(
        "checkpoint",
        help="sign the store's Merkle roots (a checkpoint kept elsewhere)",
        description=(
            "Write a signed checkpoint (C2SP tlog-checkpoint) of every event and audit record "
            "in the store, signed with a key kept outside the database. Exit status: 0 written, "
            "3 the store, the key or the output could not be used."
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
    add_json_option(
        parser,
        '{"output", "origin", "events", "audit_records", "signed_with", "public_key"} (the '
        "checkpoint itself goes to --output)",
    )
    add_lang_option(parser)
    parser.set_defaults(func=run)


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file renamed over it)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise CheckpointError(
            f"checkpoint output {path}: cannot be written ({exc.strerror})"
        ) from None


def run(args: argparse.Namespace) -> int:
    """Compute, sign and write the checkpoint; say where the key came from; return 0."""
    url = store_url(args)
    _, _, store = open_store(args, "read")  # first: a missing store must not leave a new key
    try:
        signer, source = load_signer(args.key, store_url=url, environ=os.environ, create=True)
        checkpoint = store_checkpoint(store, args.origin or signer.name)
    finally:
        store.close()
    note = sign_checkpoint(checkpoint, signer)
    _write(Path(args.output), note)
    audit = checkpoint.audit.size if checkpoint.audit is not None else 0
    public_key = signer.verifier().key_text()
    if args.json:
        document = {
            "output": args.output,
            "origin": checkpoint.origin,
            "events": checkpoint.events.size,
            "audit_records": audit,
            "signed_with": source,
            "public_key": public_key,
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    lang = args.lang
    print(cli_text("cli.checkpoint.signed").format(lang, source=source))
    print(
        cli_text("cli.checkpoint.written").format(
            lang, events=checkpoint.events.size, audit=audit, output=args.output
        )
    )
    print(cli_text("cli.checkpoint.public-key").format(lang, key=public_key))
    return 0
