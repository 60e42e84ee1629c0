"""The built documentation site renders docstrings, not their markup.

Builds the site once (``mkdocs build --strict``) and reads the HTML: no Sphinx
role is left as text (``:class:`…```), ``Raises:`` sections are rendered as
sections rather than plain paragraphs, cross-references became links, and the
glossary links every row to its code and its concept page.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAW_ROLE = re.compile(
    r":(?:class|func|meth|attr|data|mod|exc|obj|const|ref|param|returns?|raises?):"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation site, built from this checkout with warnings as errors."""
    pytest.importorskip("mkdocs")
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def _text(html: str) -> str:
    """The visible text of a page (tags and scripts dropped)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_no_raw_role_markup_anywhere(site: Path) -> None:
    """No page shows a Sphinx role such as :class:`X` or :func:`y` as text."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    found = {
        str(p.relative_to(site)): sorted(set(RAW_ROLE.findall(_text(p.read_text("utf-8")))))
        for p in pages
    }
    assert {page: roles for page, roles in found.items() if roles} == {}


def test_raises_sections_are_rendered_as_sections(site: Path) -> None:
    """``Raises:`` in a docstring becomes a rendered section, never a plain paragraph."""
    api = (site / "reference" / "api" / "index.html").read_text("utf-8")
    assert api.count('doc-section-title">Raises:') >= 10
    assert not re.search(r"<p>\s*Raises:", api)


def test_cross_references_are_links(site: Path) -> None:
    """A docstring's reference to another object is a link to its entry in the reference."""
    api = (site / "reference" / "api" / "index.html").read_text("utf-8")
    assert 'href="#barnekoordinator.history.catalogue.Catalogue"' in api
    assert 'id="barnekoordinator.history.storekit.AppendCheck"' in api
    assert 'id="barnekoordinator_plugins.sqlite.SQLiteCaseStore"' in api


def test_glossary_and_legal_basis_links_land_on_real_anchors(site: Path) -> None:
    """Every link from the glossary and the legal-basis page into the API reference lands
    on an entry that exists there."""
    api = (site / "reference" / "api" / "index.html").read_text("utf-8")
    for page in ("glossary", "legal-basis"):
        html = (site / page / "index.html").read_text("utf-8")
        anchors = re.findall(r'href="\.\./reference/api/#([\w.]+)"', html)
        assert len(anchors) >= 20, page
        missing = sorted({a for a in anchors if f'id="{a}"' not in api})
        assert missing == [], (page, missing)
