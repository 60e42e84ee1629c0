"""Reference pages generated from the code are committed and current."""

from __future__ import annotations

from pathlib import Path

from barnekoordinator import _docgen
from barnekoordinator.legal_basis import REFERENCES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_generated_pages_are_current() -> None:
    """docs/legal-basis.md and docs/reference/events.md match what the code generates."""
    assert _docgen.main(["--check", "--docs", str(DOCS)]) == 0


def test_every_legal_reference_is_documented() -> None:
    """Each legal reference key appears on the legal-basis page with its citation."""
    page = (DOCS / "legal-basis.md").read_text(encoding="utf-8")
    for key, reference in REFERENCES.items():
        assert f"`{key}`" in page
        assert reference.title in page
