"""Making the archive document when a stafettlogg or a plan closes, and on demand.

[`ArchiveOnClose`][barnekoordinator_plugins.archive.ArchiveOnClose] is a subscriber of the
after-commit hook ``barnekoordinator_events_recorded``: when the committed records close a
stafettlogg (``stafettlogg.closed``), carry it on in statutory coordination
(``stafettlogg.linked``), end an individuell plan (``plan.ended``) or close the case
(``case.closed``), it makes the archive document in every format it was given and hands each to
its sink, e.g. a [`FolderSink`][barnekoordinator_plugins.archive.FolderSink].

It never reads the store itself: it is given an ``export`` callable, ``(case_id, exporter) ->
ExportResult``, which is where the access decision and the audit record belong — with the
Casebook, ``functools.partial(casebook.export, archivist)`` for a principal of the archive
(koordinerende enhet), so every archived document is one audited read.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol, runtime_checkable

from barnekoordinator.errors import ExportError, InvalidConfiguration
from barnekoordinator.hookspecs import hookimpl
from barnekoordinator.protocols import Exporter, ExportResult

if TYPE_CHECKING:
    from barnekoordinator.config import Config
    from barnekoordinator.history.records import EventRecord

CLOSING_EVENTS: Final = frozenset(
    {"stafettlogg.closed", "stafettlogg.linked", "plan.ended", "case.closed"}
)
"""The event types after which the archive document is made."""

_SAFE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_SUFFIX: Final = {"application/pdf": "pdf", "text/html": "html"}


@runtime_checkable
class ArchiveSink(Protocol):
    """Where finished archive documents go (a folder, an archive system's inbox …)."""

    def put(self, result: ExportResult, *, lang: str) -> str:
        """Keep ``result`` (written in ``lang``); return where it went (no personal data)."""
        ...


class FolderSink:
    """Writes each document into one folder as ``<case>-v<version>-<format>-<lang>.<ext>``.

    A file is written whole or not at all (a temporary file renamed into place), and an
    existing file is never replaced: the same case version in the same format and language is
    the same document, and what was archived stays as it was.

    Args:
        folder: The folder (created if missing).

    Raises:
        InvalidConfiguration: ``folder`` exists and is not a folder.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self._folder = Path(folder)
        if self._folder.exists() and not self._folder.is_dir():
            raise InvalidConfiguration("archive folder: expected a folder, found a file")

    @property
    def folder(self) -> Path:
        """The folder documents are written to."""
        return self._folder

    def put(self, result: ExportResult, *, lang: str) -> str:
        """Write ``result``; return the file's path.

        Raises:
            ExportError: the case id or format cannot be part of a file name.
        """
        parts = (result.case_id, result.format, lang)
        if not all(_SAFE.fullmatch(p) for p in parts):
            raise ExportError(
                "archive folder: the case id, format or language is not a safe file name"
            )
        suffix = _SUFFIX.get(result.media_type.split(";")[0].strip(), "bin")
        target = self._folder / f"{parts[0]}-v{result.version}-{parts[1]}-{lang}.{suffix}"
        self._folder.mkdir(parents=True, exist_ok=True)
        if target.exists():
            return str(target)
        fd, temporary = tempfile.mkstemp(dir=self._folder, prefix=".archive-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(result.content)
                f.flush()
                os.fsync(f.fileno())
            # A link never replaces: a writer that made the same file meanwhile (after the
            # exists() above) keeps it, as the first one reported it archived (review).
            with contextlib.suppress(FileExistsError):
                os.link(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)
        return str(target)


class ArchiveOnClose:
    """Makes the archive document when a log or plan closes (a hook subscriber), or on demand.

    Register an instance with the Casebook's plugin manager
    (``pm.register(ArchiveOnClose(...), name="archive-on-close")``); it is not an entry point,
    because it needs the export door and the sink that only the embedding application has.

    Args:
        export: ``(case_id, exporter) -> ExportResult``; with a Casebook,
            ``functools.partial(casebook.export, archivist)``.
        sink: Where the documents go.
        exporters: The formats and languages to make, e.g.
            [`archive_exporters("nb")`][barnekoordinator_plugins.archive.archive_exporters].
    """

    def __init__(
        self,
        export: Callable[[str, Exporter], ExportResult],
        sink: ArchiveSink,
        exporters: Sequence[Exporter],
    ) -> None:
        if not exporters:
            raise InvalidConfiguration("archive on close: expected at least one exporter")
        self._export = export
        self._sink = sink
        self._exporters = tuple(exporters)

    @staticmethod
    def closes(records: Sequence[EventRecord]) -> bool:
        """Do ``records`` close a stafettlogg, end a plan or close the case?"""
        return any(r.type in CLOSING_EVENTS for r in records)

    def archive(self, case_id: str) -> tuple[str, ...]:
        """Make the document of ``case_id`` now, in every format; return where each went."""
        placed = []
        for exporter in self._exporters:
            result = self._export(case_id, exporter)
            lang = getattr(exporter, "lang", None)
            placed.append(self._sink.put(result, lang=str(getattr(lang, "value", lang or "x"))))
        return tuple(placed)

    @hookimpl
    def barnekoordinator_events_recorded(
        self, case_id: str, records: Sequence[EventRecord], config: Config
    ) -> None:
        """After a commit that closes a log or plan: archive the case as it now stands."""
        if self.closes(records):
            self.archive(case_id)
