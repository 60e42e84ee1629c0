"""The archive document (``archive-html``, ``archive-pdf``): one case, whole, for the archive.

The routine every municipality follows says the individuell plan and the stafettlogg do not
replace each service's own journal and archive: what is assessed and decided must land there too
(arkivlova; forskrift om offentlige arkiv § 9, journalføring). These exporters turn an
[`ExportView`][barnekoordinator.exporting.ExportView] — the case as one principal may read it —
into one document: a header (case, municipality, when, by whom — a label, never an identifier —
and the child's fødselsnummer only when the view was made with identifiers), the participants
and their roles, each individuell plan with its items, each stafettlogg with its level, period,
baton history (the handovers), tiltak and their evaluations, meetings and their minutes and
decisions, the consents, the individual decisions and the complaints.

* ``archive-html``: one standalone HTML page from a Jinja2 template (autoescaped, no scripts, an
  inline print stylesheet, semantic headings and tables, ``lang`` set).
* ``archive-pdf``: the same page printed by WeasyPrint as **PDF/A-3b**.

**Languages.** Every label exists in bokmål (``nb``), nynorsk (``nn``) and English (``en``) and
there is no fallback. The exporters the plugin hook returns write the language of
``Config.plugin_options["archive"]["lang"]`` (default ``nb``); code that wants another language
for one document passes an instance instead of a format name:
``casebook.export(principal, case_id, PdfArchiveExporter(lang="nn"))``.

Both need the ``archive`` extra (``pip install 'barnekoordinator[archive]'``: Jinja2, WeasyPrint;
WeasyPrint also needs the machine's Pango). Loading the plugin never fails; using an exporter
without the extra raises [`MissingExtraError`][barnekoordinator.errors.MissingExtraError] naming
that command.

[`ArchiveOnClose`][barnekoordinator_plugins.archive.ArchiveOnClose] makes the document when a
stafettlogg or a plan closes and hands it to a sink such as
[`FolderSink`][barnekoordinator_plugins.archive.FolderSink].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Final

from barnekoordinator.errors import ExportError
from barnekoordinator.hookspecs import hookimpl
from barnekoordinator.protocols import Exporter, ExportResult
from barnekoordinator.texts import Language, language
from barnekoordinator_plugins import _options
from barnekoordinator_plugins.archive._document import document, entry_title
from barnekoordinator_plugins.archive._on_close import (
    CLOSING_EVENTS,
    ArchiveOnClose,
    ArchiveSink,
    FolderSink,
)

if TYPE_CHECKING:
    from barnekoordinator.config import Config
    from barnekoordinator.exporting import ExportView

__all__ = [
    "CLOSING_EVENTS",
    "PLUGIN_NAME",
    "ArchiveOnClose",
    "ArchiveSink",
    "FolderSink",
    "HtmlArchiveExporter",
    "PdfArchiveExporter",
    "archive_exporters",
    "barnekoordinator_exporters",
    "entry_title",
]

PLUGIN_NAME: Final = "archive"
"""The plugin's entry-point name and its key in ``Config.plugin_options``."""


class _ArchiveExporter:
    """What both formats share: the language, and building the page."""

    FORMAT: ClassVar[str]
    MEDIA_TYPE: ClassVar[str]

    def __init__(self, *, lang: Language | str = Language.NB) -> None:
        self._lang = language(lang)

    @property
    def format(self) -> str:
        """The format name (``archive-html`` or ``archive-pdf``)."""
        return self.FORMAT

    @property
    def media_type(self) -> str:
        """The media type of the documents."""
        return self.MEDIA_TYPE

    @property
    def lang(self) -> Language:
        """The language every document of this exporter is written in."""
        return self._lang

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lang={self._lang.value!r})"

    def _html(self, view: ExportView) -> str:
        from barnekoordinator_plugins.archive._html import render_html

        return render_html(document(view, self._lang))

    def _result(self, view: ExportView, content: bytes) -> ExportResult:
        return ExportResult(
            format=self.FORMAT,
            media_type=self.MEDIA_TYPE,
            case_id=view.case_id,
            version=view.version,
            content=content,
        )


class HtmlArchiveExporter(_ArchiveExporter):
    """The archive document as one standalone HTML page (UTF-8) in one language.

    Args:
        lang: ``"nb"`` (default), ``"nn"`` or ``"en"``.

    Raises:
        InvalidInput: an unknown language.
    """

    FORMAT = "archive-html"
    MEDIA_TYPE = "text/html; charset=utf-8"

    def export(self, view: ExportView) -> ExportResult:
        """The HTML page of ``view``.

        Raises:
            MissingExtraError: Jinja2 is not installed (the ``archive`` extra).
        """
        return self._result(view, self._html(view).encode("utf-8"))


class PdfArchiveExporter(_ArchiveExporter):
    """The archive document as PDF/A-3b in one language.

    Args:
        lang: ``"nb"`` (default), ``"nn"`` or ``"en"``.

    Raises:
        InvalidInput: an unknown language.
    """

    FORMAT = "archive-pdf"
    MEDIA_TYPE = "application/pdf"

    def export(self, view: ExportView) -> ExportResult:
        """The PDF/A-3b document of ``view``.

        Raises:
            MissingExtraError: Jinja2 or WeasyPrint (or the machine's Pango) is missing.
            ExportError: WeasyPrint could not print the page (the error type only).
        """
        from barnekoordinator_plugins.archive._pdf import render_pdf

        html = self._html(view)
        try:
            pdf = render_pdf(html)
        except Exception as exc:
            # WeasyPrint's message may quote the page, and the page is case data.
            raise ExportError(
                f"archive-pdf: the page could not be printed ({type(exc).__name__})"
            ) from None
        return self._result(view, pdf)


def archive_exporters(lang: Language | str = Language.NB) -> tuple[Exporter, Exporter]:
    """Both archive exporters in ``lang``: ``(HtmlArchiveExporter, PdfArchiveExporter)``."""
    return HtmlArchiveExporter(lang=lang), PdfArchiveExporter(lang=lang)


def _language_option(text: str) -> Language:
    return language(text.strip())


@hookimpl(trylast=True)
def barnekoordinator_exporters(config: Config) -> Sequence[Exporter]:
    """The two archive exporters, in ``plugin_options["archive"]["lang"]`` (default ``nb``).

    Raises:
        InvalidConfiguration: an unknown option or language.
    """
    options = _options.parse(
        PLUGIN_NAME, config.plugin_options.get(PLUGIN_NAME, {}), {"lang": _language_option}
    )
    return archive_exporters(options.get("lang", Language.NB))
