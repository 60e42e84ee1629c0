"""The archive document is made when a stafettlogg closes (arkivlova; forskrift om offentlige
arkiv § 9), through the after-commit hook, on a real SQLite store into a real folder."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path

import pypdf
import pytest

from barnekoordinator.access.consent import ConsentPurpose, give_consent
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import ExportError, InvalidConfiguration, PluginError
from barnekoordinator.history.case import ParticipantJoined, open_case
from barnekoordinator.plugins import get_plugin_manager
from barnekoordinator.protocols import ExportResult
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.archive import export_view_of
from barnekoordinator.testing.builders import (
    TEST_SEALING_KEY,
    back_office_load,
    child_aged,
    father,
    mother,
    professional,
)
from barnekoordinator_plugins.archive import ArchiveOnClose, FolderSink, archive_exporters
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

DAY = date(2026, 1, 5)
SECRET = b"archive-on-close-secret-0123456789"
KE = Principal(
    subject="ke",
    display_label="Koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({"koordinerende-enhet"}),
    municipality_number="0301",
)
PL = Principal(
    subject="pl",
    display_label="Pedagogisk leder",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({"caseworker"}),
    municipality_number="0301",
)


def _setup(tmp_path: Path) -> tuple[Casebook, FixedClock, Path, str]:
    clock = FixedClock(datetime.combine(DAY, time(9), tzinfo=UTC))
    store = SQLiteCaseStore(str(tmp_path / "cases.db"))
    folder = tmp_path / "arkiv"
    pm = get_plugin_manager()
    book = Casebook(
        store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET, plugin_manager=pm
    )
    # The archive reads through the one door, as the stafettholder who archives the log's
    # printout in practice: audited, and only what the consent lets that service read.
    subscriber = ArchiveOnClose(
        partial(book.export, PL), FolderSink(folder), archive_exporters("nn")
    )
    pm.register(subscriber, name="archive-on-close")
    case_id = book.open_case(
        KE,
        [
            open_case(
                municipality_number="0301",
                subject=child_aged(5, as_of=DAY),
                guardians=(mother(), father()),
            ),
            ParticipantJoined(participant=professional("pl", ServiceKind.BARNEHAGE)),
            ParticipantJoined(participant=professional("ke", ServiceKind.KOORDINERENDE_ENHET)),
        ],
    )
    book.execute(
        KE,
        case_id,
        lambda c: give_consent(
            c,
            consent_id="k1",
            purpose=ConsentPurpose.STAFETTLOGG,
            given_by=("mor", "far"),
            services=(ServiceKind.BARNEHAGE,),
            as_of=DAY,
        ),
    )
    book.execute(
        PL,
        case_id,
        lambda c: stafettlogg.open_stafettlogg(
            c, by="pl", holder_ref="pl", level=stafettlogg.BtiLevel.NIVAA_2, as_of=DAY
        ),
    )
    book.execute(
        PL,
        case_id,
        lambda c: stafettlogg.add_log_measure(
            c,
            tiltak_id="t1",
            by="pl",
            description="Språkgruppe tre dager i uken",
            responsible_ref="pl",
            evaluation_date=DAY + timedelta(days=28),
            as_of=DAY,
        ),
    )
    return book, clock, folder, case_id


def test_closing_the_stafettlogg_archives_the_case_in_the_folder(tmp_path: Path) -> None:
    """Nothing is archived while the log runs; its closing leaves HTML and PDF/A in the folder."""
    book, clock, folder, case_id = _setup(tmp_path)
    assert not folder.exists() or list(folder.iterdir()) == []
    clock.set(datetime.combine(DAY + timedelta(days=40), time(9), tzinfo=UTC))
    book.execute(
        PL,
        case_id,
        lambda c: stafettlogg.close_stafettlogg(
            c,
            by="pl",
            reason=stafettlogg.ClosingReason.GOAL_REACHED,
            summary="Målet er nådd.",
            as_of=DAY + timedelta(days=40),
        ),
    )
    files = sorted(p.name for p in folder.iterdir())
    version = book.store.version(case_id)
    assert files == [
        f"{case_id}-v{version}-archive-html-nn.html",
        f"{case_id}-v{version}-archive-pdf-nn.pdf",
    ]
    page = (folder / files[0]).read_text(encoding="utf-8")
    assert '<html lang="nn">' in page
    assert "Språkgruppe tre dager i uken" in page
    assert "Målet er nådd." in page
    pdf = pypdf.PdfReader(folder / files[1])
    assert "Språkgruppe" in "".join(p.extract_text() for p in pdf.pages)
    # Each document was one audited read by the stafettholder, made after the close.
    exports = [r for r in book.store.read_audit(case_id) if r.target.startswith("export:")]
    assert [(r.target, r.actor) for r in exports] == [
        ("export:archive-html", "pl"),
        ("export:archive-pdf", "pl"),
    ]


def test_on_demand_and_never_overwritten(tmp_path: Path) -> None:
    """``archive()`` makes it now; the same version again keeps the file already archived."""
    book, clock, folder, case_id = _setup(tmp_path)
    sink = FolderSink(folder)
    on_close = ArchiveOnClose(partial(book.export, PL), sink, archive_exporters("en")[:1])
    (first,) = on_close.archive(case_id)
    before = Path(first).read_bytes()
    clock.set(datetime.combine(DAY + timedelta(days=1), time(9), tzinfo=UTC))
    (again,) = on_close.archive(case_id)
    assert again == first
    assert Path(again).read_bytes() == before  # not rewritten with the later date
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


def test_a_file_another_writer_made_meanwhile_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two writers of the same version: the one that finishes second finds the file made after
    its own check, and keeps it (it replaced the file the first had reported archived: review,
    2026-12-07). The other writer is simulated finishing during this one's fsync."""
    book, _, folder, case_id = _setup(tmp_path)
    sink = FolderSink(folder)
    (made,) = ArchiveOnClose(partial(book.export, PL), sink, archive_exporters("en")[:1]).archive(
        case_id
    )
    target = Path(made)
    theirs = b"the file the other writer reported archived"
    target.unlink()
    fsync = os.fsync

    def other_writer_finishes(fd: int) -> None:
        fsync(fd)
        if not target.exists():
            target.write_bytes(theirs)

    monkeypatch.setattr(os, "fsync", other_writer_finishes)
    (again,) = ArchiveOnClose(partial(book.export, PL), sink, archive_exporters("en")[:1]).archive(
        case_id
    )
    assert again == made
    assert target.read_bytes() == theirs
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no leftovers


def test_a_failing_sink_does_not_undo_the_commit(tmp_path: Path) -> None:
    """The close is committed; the archive failure is reported as a PluginError afterwards."""
    book, _, _, case_id = _setup(tmp_path)

    class Refusing:
        def put(self, result: ExportResult, *, lang: str) -> str:
            raise ExportError("archive inbox closed")

    pm = book._pm  # the Casebook's own manager (as the demo wires it)
    assert pm is not None
    pm.unregister(name="archive-on-close")
    pm.register(
        ArchiveOnClose(
            lambda cid, e: e.export(export_view_of(back_office_load(book.store, cid), DAY)),
            Refusing(),
            archive_exporters()[:1],
        ),
        name="archive-on-close",
    )
    with pytest.raises(PluginError, match="archive-on-close"):
        book.execute(
            PL,
            case_id,
            lambda c: stafettlogg.close_stafettlogg(
                c, by="pl", reason=stafettlogg.ClosingReason.NO_LONGER_NEEDED, as_of=DAY
            ),
        )
    closed = back_office_load(book.store, case_id)
    assert stafettlogg.bti(closed).log is not None
    assert stafettlogg.bti(closed).log.status is stafettlogg.LogStatus.CLOSED


def test_a_folder_must_be_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidConfiguration, match="expected a folder"):
        FolderSink(tmp_path / "file")
