"""The one Jinja2 set-up for the HTML the library renders (the archive document, Min oversikt).

Every page is made from templates shipped as package data, with **autoescaping on for every
template** (text written in a case — a tiltak called ``<script>`` — is shown as text, never as
markup), undefined names as errors (a misspelt field fails the tests instead of printing
nothing) and the trailing newline kept. One environment per template folder is built on first
use and kept for the process: a cache, not a registry.

Every value a template prints (``{{ … }}``) also passes through
[`without_controls()`][barnekoordinator.templating.without_controls]: a control character written
in a case (NUL, ESC, U+0085 …) is shown as U+FFFD, never passed on raw. Text written in a case
that sits inside a sentence of the page (a name, a title) is wrapped by the code that lays the
page out with [`isolate()`][barnekoordinator.templating.isolate] and put together with
[`compose()`][barnekoordinator.templating.compose] and
[`join()`][barnekoordinator.templating.join], so right-to-left text or a bidi override (U+202E)
in it cannot reorder the words around it.

Jinja2 is optional: the ``archive`` and ``overview`` extras install it. Without it,
[`template_environment()`][barnekoordinator.templating.template_environment] raises
[`MissingExtraError`][barnekoordinator.errors.MissingExtraError] naming the extra and the pip
command.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from barnekoordinator.edges import DOCUMENT_POLICY
from barnekoordinator.errors import MissingExtraError

if TYPE_CHECKING:
    import jinja2

__all__ = ["compose", "isolate", "join", "template_environment", "without_controls"]

_CONTROLS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""C0 controls but TAB, LF and CR (HTML whitespace: the parser makes CR a line end), DEL, the C1
controls, and lone surrogates (which UTF-8 cannot encode)."""

_REPLACEMENT: Final = "\ufffd"

_RIGHT_TO_LEFT: Final = frozenset(("R", "AL", "AN"))
"""Bidi classes that can reorder the text around them: right-to-left letters, Arabic digits."""

_OPENS_EMBEDDING: Final = frozenset("\u202a\u202b\u202d\u202e")
"""LRE, RLE, LRO, RLO: closed by PDF (U+202C)."""

_OPENS_ISOLATE: Final = frozenset("\u2066\u2067\u2068")
"""LRI, RLI, FSI: closed by PDI (U+2069)."""

_PDF: Final = "\u202c"
_PDI: Final = "\u2069"


def without_controls(text: str) -> str:
    """``text`` with each control character (C0 but TAB, LF and CR; DEL; C1) and each lone
    surrogate replaced by U+FFFD: what every value a template prints goes through.

    Escaping for HTML is left to the template (autoescape): this only keeps characters a page
    should never hold (NUL, ESC …) out of it, visibly.
    """
    return _CONTROLS.sub(_REPLACEMENT, text)


def _needs_isolation(text: str) -> bool:
    if text.isascii():
        return False
    return any(
        ch in _OPENS_EMBEDDING
        or ch in _OPENS_ISOLATE
        or ch in (_PDF, _PDI)
        or unicodedata.bidirectional(ch) in _RIGHT_TO_LEFT
        for ch in text
    )


def _balanced(text: str) -> str:
    """``text`` with every bidi embedding, override and isolate it opens closed at its end, and
    every closing mark that would close something opened before it dropped: whatever renders
    it, its directional marks reach no text outside it."""
    kept: list[str] = []
    opened: list[str] = []  # the closing mark of each open embedding or isolate
    for ch in text:
        if ch in _OPENS_EMBEDDING:
            opened.append(_PDF)
        elif ch in _OPENS_ISOLATE:
            opened.append(_PDI)
        elif ch == _PDF:
            if not opened or opened[-1] != _PDF:
                continue  # closes nothing opened here (or would cross an isolate)
            opened.pop()
        elif ch == _PDI:
            if _PDI not in opened:
                continue  # would close an isolate opened outside the text
            while opened.pop() != _PDI:  # a PDI also closes the embeddings inside its isolate
                pass
        kept.append(ch)
    return "".join(kept) + "".join(reversed(opened))


def isolate(text: str) -> str:
    """``text`` (written in a case) made safe to place inside a sentence of a page: when it holds
    a right-to-left character or a bidi control, ``<bdi>text</bdi>`` as markup (the text
    escaped, its directional marks balanced), so it cannot reorder the words around it; any
    other text unchanged (in these left-to-right pages it reorders nothing).

    Put the result into a sentence with [`compose()`][barnekoordinator.templating.compose] or
    [`join()`][barnekoordinator.templating.join] (an f-string would make the markup text
    again), and only into an element's text, never into an attribute or ``<title>``.
    """
    if not text or not _needs_isolation(text):
        return text
    try:
        from markupsafe import Markup  # installed with Jinja2, as the templates are
    except ImportError:
        # No page can be rendered (the renderer raises MissingExtraError): the same isolation
        # as plain text, FSI … PDI, so laying the page out does not fail first.
        return f"\u2068{_balanced(text)}\u2069"
    return Markup("<bdi>{}</bdi>").format(_balanced(text))


def _is_markup(value: object) -> bool:
    return hasattr(value, "__html__")


def compose(template: str, *args: object, **kwargs: object) -> str:
    """``template.format(*args, **kwargs)``; when an argument is markup (from
    [`isolate()`][barnekoordinator.templating.isolate]), the result is markup, with
    ``template`` and every other argument escaped. ``template`` is the page's own words."""
    if not any(_is_markup(v) for v in (*args, *kwargs.values())):
        return template.format(*args, **kwargs)
    from markupsafe import escape

    return escape(template).format(*args, **kwargs)


def join(separator: str, parts: Iterable[str]) -> str:
    """``separator.join(parts)``; markup when a part is (see
    [`compose()`][barnekoordinator.templating.compose])."""
    listed = list(parts)
    if not any(_is_markup(p) for p in listed):
        return separator.join(listed)
    from markupsafe import escape

    return escape(separator).join(listed)


def template_environment(directory: Path, *, extra: str, feature: str) -> jinja2.Environment:
    """The autoescaping environment over the templates in ``directory``.

    Args:
        directory: The folder of templates (package data beside the module that renders).
        extra: The extra that installs Jinja2 for this feature (named in the error).
        feature: What needs the templates, for the error (``"Min oversikt"``).

    Raises:
        MissingExtraError: Jinja2 is not installed.
    """
    try:
        return _environment(directory.resolve())
    except ImportError:
        raise MissingExtraError(extra, feature) from None


@cache
def _environment(directory: Path) -> jinja2.Environment:
    import jinja2  # an ImportError here names the extra (above)

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=_printed,
    )
    environment.globals["document_policy"] = DOCUMENT_POLICY  # each page's <meta> (edges)
    return environment


def _printed(value: object) -> object:
    """Every value a template prints, before autoescape: control characters replaced (markup
    stays markup)."""
    from markupsafe import Markup

    html = getattr(value, "__html__", None)
    if html is not None:
        # Markup already: taking characters out of it makes no tag.
        return Markup(without_controls(html()))  # noqa: S704
    # str() of an undefined name raises, as printing it would (StrictUndefined).
    return without_controls(value if isinstance(value, str) else str(value))
