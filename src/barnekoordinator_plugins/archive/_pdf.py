"""The archive document as PDF/A-3b, printed from its HTML by WeasyPrint (private).

Importing this module needs WeasyPrint (the ``archive`` extra) and the machine's Pango and
HarfBuzz libraries; without them the import raises
[`MissingExtraError`][barnekoordinator.errors.MissingExtraError] with the pip command (WeasyPrint
names the missing system library in the chained error).
"""

from __future__ import annotations

import warnings
from typing import Final

from barnekoordinator.errors import MissingExtraError

try:
    import weasyprint
except (ImportError, OSError) as exc:  # OSError: WeasyPrint found no Pango on the machine
    raise MissingExtraError("archive", "The archive document (PDF)") from exc

PDF_VARIANT: Final = "pdf/a-3b"
"""The PDF/A level written: PDF/A-3 (ISO 19005-3), conformance B (visual appearance)."""


def render_pdf(html: str) -> bytes:
    """Print ``html`` (the archive page) to a PDF/A-3b document."""
    document = weasyprint.HTML(string=html)
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile for the PDF/A output intent and leaves the file to
        # the garbage collector; it is freed inside this call. Only that warning is silenced.
        warnings.filterwarnings("ignore", r".*sRGB2014\.icc", ResourceWarning)
        pdf: bytes | None = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None  # no target given: WeasyPrint returns the bytes
    return pdf
