"""The one Jinja2 set-up for the HTML the library renders (the archive document, Min oversikt).

Every page is made from templates shipped as package data, with **autoescaping on for every
template** (text written in a case — a tiltak called ``<script>`` — is shown as text, never as
markup), undefined names as errors (a misspelt field fails the tests instead of printing
nothing) and the trailing newline kept. One environment per template folder is built on first
use and kept for the process: a cache, not a registry.

Jinja2 is optional: the ``archive`` and ``overview`` extras install it. Without it,
[`template_environment()`][barnekoordinator.templating.template_environment] raises
[`MissingExtraError`][barnekoordinator.errors.MissingExtraError] naming the extra and the pip
command.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from barnekoordinator.errors import MissingExtraError

if TYPE_CHECKING:
    import jinja2

__all__ = ["template_environment"]


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

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
