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


def test_the_legal_basis_page_names_the_modules_citing_each_reference() -> None:
    """Each reference row lists the public modules whose code cites its key (or —)."""
    users = _docgen.citing_modules(REFERENCES)
    assert set(users) == set(REFERENCES)
    # The barnekoordinator right is read by eligibility and acted on by appointments.
    assert {
        "barnekoordinator.rights.eligibility",
        "barnekoordinator.coordination.appointments",
    } <= set(users["pbrl-2-5-c"])
    # Private modules fold into their public package; the test kit never counts.
    assert all("._" not in m and ".testing" not in m for ms in users.values() for m in ms)
    page = (DOCS / "legal-basis.md").read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if line.startswith("| `pbrl-2-5-c` |"))
    assert "(reference/api.md#barnekoordinator.rights.eligibility)" in row


def test_private_modules_fold_into_their_public_package() -> None:
    """The generated pages name the public path of a class defined in a private module."""
    assert _docgen.public_module("barnekoordinator.coordination.plan._events") == (
        "barnekoordinator.coordination.plan"
    )
    assert _docgen.public_module("barnekoordinator.history.case") == "barnekoordinator.history.case"
