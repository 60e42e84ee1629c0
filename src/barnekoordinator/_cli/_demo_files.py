"""The demo's files: its folder and store made ready, the files it writes from the case, and
the operator's checks.

Part of [`barnekoordinator._cli.demo`][barnekoordinator._cli.demo] (split by what it does):
the run prepared (every input checked before anything is written), the reminders sent from the
outbox, the FHIR export, the archive document, Min oversikt, and the signed checkpoint the store
is verified against.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from barnekoordinator._cli._demo_stage import _say, _Stage
from barnekoordinator.history.store import CaseStore

if TYPE_CHECKING:
    from barnekoordinator.config import Config
    from barnekoordinator.plugins import PluginHost

__all__: list[str] = []


def _prepare_the_run(
    args: argparse.Namespace, default: Path, addresses: dict[str, Any], demo_secret: bytes
) -> tuple[Path, Config, PluginHost, CaseStore]:
    """The output folder, the configuration, the plugin host and the open store of a run.

    Everything given is checked before anything is written: the folder's name, the options,
    ``$BARNEKOORDINATOR_SUBJECT_SECRET``, the store's URL and the sealing key. Then the folder
    is made and the store opened (a store that cannot be opened removes the folders just made),
    and only then is a missing sealing key made and the address book written. ``args.store`` is
    set to the store used and ``args.option`` begins with the address book's.

    Raises:
        InvalidInput: ``--output`` is empty or cannot hold the files; an option, the secret
            or the store's URL is invalid (``InvalidConfiguration``).
        StorageError: the store cannot be opened.
    """
    from barnekoordinator._cli import file_name, printable
    from barnekoordinator._cli._keys import find_sealing_key, load_sealing_key
    from barnekoordinator._cli._wiring import STORE_ENV, configured, plugin_options, subject_secret
    from barnekoordinator._redact import redact
    from barnekoordinator.errors import InvalidInput
    from barnekoordinator.history.sealing import SealingKey
    from barnekoordinator.plugins import case_store

    if args.output == "":
        raise InvalidInput("--output: expected a folder name, got an empty one")
    out = Path(file_name(args.output, f"--output {args.output}")) if args.output else default
    if args.store is not None and not args.store.strip():
        raise InvalidInput("--store: expected a store URL such as sqlite:cases.db, got nothing")
    if not args.store:
        args.store = os.environ.get(STORE_ENV) or f"sqlite:{out / 'demo.db'}"
    plugin_options(args.option)  # a malformed --option is named before the notifier's is added
    secret = subject_secret(os.environ) or demo_secret
    book = out / "addresses.json"
    # The notifier puts the reminders in the outbox with the events; the user's options win.
    args.option = [f"smtp.addresses={book}", *args.option]
    config, pm = configured(args, "write", subject_key_secret=secret)
    # Nothing outlives a memory: run, so neither does its key.
    memory = args.store == "memory:"
    sealing = SealingKey.generate("demo-memory") if memory else None
    key = None if memory else find_sealing_key(store_url=args.store, environ=os.environ)
    made = _make_folder(out)
    try:
        store = case_store(pm, config)
    except BaseException:
        _remove(made)
        raise
    try:
        if isinstance(key, Path):  # none yet: made now that nothing else can fail first
            sealing, source = load_sealing_key(
                store_url=args.store, environ=os.environ, create=True
            )
            if source.kind == "created":  # not when another run made it meanwhile
                said = printable(redact(source.text(args.lang)))
                print(f"barnekoordinator demo: {said}", file=sys.stderr)
        elif key is not None:
            sealing = key[0]
        assert sealing is not None
        try:
            book.write_text(json.dumps(addresses, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(
                f"--output {out}: cannot hold the demo's files ({exc.strerror})"
            ) from None
    except BaseException:
        store.close()
        raise
    return out, attrs.evolve(config, sealing_key=sealing.to_text()), pm, store


def _remove(folders: list[Path]) -> None:
    """Remove the folders a refused run made, the deepest first (one that holds a file stays)."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _make_folder(out: Path) -> list[Path]:
    """Make ``out`` and its missing parents; the folders made, the deepest first.

    Raises:
        InvalidInput: it cannot be made or written in (the system's reason).
    """
    from barnekoordinator.errors import InvalidInput

    missing: list[Path] = []
    folder = out
    try:
        while not folder.exists() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        _remove(missing)
        raise InvalidInput(
            f"--output {out}: cannot hold the demo's files ({exc.strerror})"
        ) from None
    return missing


def _send_the_reminders(stage: _Stage, store: CaseStore, config: Any, out: Path) -> None:
    """11. The operator sends what the outbox holds as ``.eml`` letters (no mail server).

    The messages were stored with the events that caused them; each has an idempotency key,
    so a second run sends none again. A letter says only that something waits behind the
    login: no name, no identity number, no case id.
    """
    from barnekoordinator_plugins.notify import AddressFile, EmlFolder, dispatch, settings_of

    stage.report.chapter(11)
    settings = settings_of(config)
    if settings is None:  # the demo configures the notifier itself
        stage.report.unexpected("demo.unexpected.notifier")
        return
    folder = out / "outbox"
    report = dispatch(
        store,
        sender=EmlFolder(folder),
        book=AddressFile(settings.addresses),
        settings=settings,
        now=stage.clock.now(),
    )
    kinds = sorted({o.kind for o in report.outcomes})
    kinds_said = ", ".join(kinds) or stage.t("demo.none-new")
    _say(stage.t("demo.handled", count=len(report.outcomes), kinds=kinds_said))
    folder.mkdir(parents=True, exist_ok=True)
    letters = sorted(folder.glob("*.eml"))
    report_counts = stage.report.counts
    report_counts["messages_handled"] = len(report.outcomes)
    report_counts["letters"] = len(letters)
    stage.report.wrote("outbox", folder, stage.t("demo.letters", count=len(letters)))
    stage.report.wrote("addresses", Path(settings.addresses), stage.t("demo.address-book"))


def _export_for_the_journal(stage: _Stage, case_id: str, out: Path) -> None:
    """12. Koordinerende enhet exports the case as a FHIR R4 Bundle (audited, no identifiers)."""
    stage.report.chapter(12)
    result = stage.book.export(stage.cast.ke, case_id, "fhir-r4")
    path = out / f"case-{case_id}.fhir-r4.json"
    path.write_bytes(result.content)
    stage.report.wrote("fhir", path, stage.t("demo.bytes", count=len(result.content)))


def _write_the_archive(stage: _Stage, case_id: str, out: Path) -> None:
    """13. The archive document (HTML, and PDF/A when the ``archive`` extra is installed).

    Made by the stafettholder's service through
    [`Casebook.export()`][barnekoordinator.casebook.Casebook.export] — PPT, who held the baton
    through the spring and archives the log's printout: one audited read each, with the
    consents, the baton history, the plans, the decisions and the complaints as PPT may read
    them today, in the demo's language.
    """
    from barnekoordinator.errors import MissingExtraError
    from barnekoordinator_plugins.archive import HtmlArchiveExporter, PdfArchiveExporter

    stage.report.chapter(13)
    lang = stage.lang
    for exporter, name in (
        (HtmlArchiveExporter(lang=lang), f"archive-{lang}.html"),
        (PdfArchiveExporter(lang=lang), f"archive-{lang}.pdf"),
    ):
        try:
            content = stage.book.export(stage.cast.as_ppt, case_id, exporter).content
        except MissingExtraError as missing:
            _say(stage.t("demo.not-written", name=name, extra=missing.extra))
            continue
        (out / name).write_bytes(content)
        stage.report.wrote(name, out / name)


def _write_min_oversikt(stage: _Stage, case_id: str, out: Path) -> None:
    """14. Min oversikt for the child and the mother, in nb, nn and en (each an audited read).

    Emma is under 12 and has no direct access: her page is the child version, which her
    mother may open and read with her.
    """
    stage.report.chapter(14)
    mother = stage.cast.mother
    for who, version in (("child", "child"), ("mother", None)):
        for lang in ("nb", "nn", "en"):
            page = stage.book.overview(mother, case_id, lang=lang, version=version)
            name = f"min-oversikt-{who}-{lang}.html"
            (out / name).write_text(page.html, encoding="utf-8")
            stage.report.wrote(name, out / name)


def _checkpoint_and_verify(
    stage: _Stage, store: CaseStore, store_url: str, out: Path | None
) -> None:
    """15. The operator signs a checkpoint into the output folder and verifies against it.

    The same functions as ``barnekoordinator checkpoint`` and ``verify --checkpoint``; the key
    is the one ``checkpoint`` uses for this store (made in the configuration folder when there
    is none; a throwaway key for ``memory:``). Only counts are printed.
    """
    from barnekoordinator._cli import printable
    from barnekoordinator._cli._keys import find_signer
    from barnekoordinator._cli.verify import verify_store
    from barnekoordinator._redact import redact
    from barnekoordinator.history.checkpoint import (
        Ed25519Signer,
        open_checkpoint,
        sign_checkpoint,
        store_checkpoint,
    )

    stage.report.chapter(15)
    if store_url == "memory:":
        signer = Ed25519Signer.generate("demo-memory")
    else:
        signer, source = find_signer(None, store_url=store_url, environ=os.environ, create=True)
        if source.kind == "created":
            said = printable(redact(source.text(stage.lang)))
            print(f"barnekoordinator demo: {said}", file=sys.stderr)
    note = sign_checkpoint(store_checkpoint(store, signer.name), signer)
    if out is not None:
        path = out / "checkpoint.txt"
        path.write_text(note, encoding="utf-8")
        stage.report.wrote("checkpoint", path)
        note = path.read_text(encoding="utf-8")
    opened = open_checkpoint(note, signer.verifier())
    report = verify_store(store, checkpoint=opened)
    for problem in report.problems:
        _say(stage.t("demo.problem", problem=problem))
    if report.ok:
        verdict = stage.t("demo.all-verified")
    else:
        verdict = stage.t("demo.problems", count=len(report.problems))
    counted = {"cases": report.cases, "events": report.events, "audit": report.audit_records}
    _say(stage.t("demo.verified", verdict=verdict, **counted))
    stage.report.counts.update(
        cases=report.cases, events=report.events, audit_records=report.audit_records
    )
    if not report.ok:
        stage.report.unexpected("demo.unexpected.verify")
    due = store.agenda(until=stage.book.today() + timedelta(days=60))
    _say(stage.t("demo.agenda-all", count=len(due)))
