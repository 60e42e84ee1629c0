"""The archive document as HTML, from the package's Jinja2 template (private).

Importing this module needs Jinja2 (the ``archive`` extra); without it the import raises
[`MissingExtraError`][barnekoordinator.errors.MissingExtraError] with the pip command. Autoescape
is on for every template, so text written in a case (a tiltak called ``<script>``) is shown as
text, never as markup; the template has no scripts and its stylesheet is inline, so the file
stands alone in an archive.
"""

from __future__ import annotations

from pathlib import Path

from barnekoordinator.errors import MissingExtraError
from barnekoordinator.templating import template_environment
from barnekoordinator.texts import Language
from barnekoordinator_plugins.archive._document import Document
from barnekoordinator_plugins.archive._texts import label

try:
    import jinja2
except ImportError:  # pragma: no cover - exercised by a test that hides the module
    raise MissingExtraError("archive", "The archive document (HTML)") from None

_TEMPLATES = Path(__file__).with_name("templates")


def _environment() -> jinja2.Environment:
    # The library's one set-up (autoescape, strict undefined), built once per process.
    return template_environment(_TEMPLATES, extra="archive", feature="The archive document (HTML)")


def render_html(doc: Document) -> str:
    """The document as one standalone HTML page in its language."""
    lang: Language = doc.lang
    template = _environment().get_template("archive.html.j2")
    return template.render(
        doc=doc, contents=label("doc.contents", lang), nothing=label("doc.none", lang)
    )
