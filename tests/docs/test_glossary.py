"""The glossary leads from each Norwegian term to its module, its names and its concept page."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
MODULE_LINK = re.compile(r"\[`([\w.]+)`\]\(reference/api\.md#([\w.]+)\)")
CONCEPT_LINK = re.compile(r"\]\((concepts/[\w-]+\.md)\)")


def _rows() -> list[list[str]]:
    lines = (DOCS / "glossary.md").read_text(encoding="utf-8").splitlines()
    table = [line for line in lines if line.startswith("| ") and not line.startswith("| Norwegian")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in table]


def _resolve(module: str, dotted: str) -> object:
    obj: object = importlib.import_module(module)
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def test_the_glossary_has_its_rows() -> None:
    """The table is read (the checks below run on every row)."""
    rows = _rows()
    assert len(rows) >= 40
    assert all(len(row) == 5 for row in rows)


@pytest.mark.parametrize("row", _rows(), ids=lambda row: row[0])
def test_each_row_links_its_module_names_and_concept_page(row: list[str]) -> None:
    """Every row links a public module of the API reference, names objects that exist in
    it, and links a concept page that exists."""
    api = (DOCS / "reference" / "api.md").read_text(encoding="utf-8")
    _norwegian, _english, code, concept, _source = row
    links = MODULE_LINK.findall(code)
    assert links, f"{row[0]}: no link to a module"
    for shown, anchor in links:
        assert anchor == f"barnekoordinator.{shown}", (shown, anchor)
        assert f"::: {anchor}\n" in api, f"{anchor} is not in the API reference"
    # The names after each module link (up to the next link) live in that module.
    pieces = MODULE_LINK.split(code)
    for shown, _anchor, names in zip(pieces[1::3], pieces[2::3], pieces[3::3], strict=True):
        for name in re.findall(r"`([A-Za-z_][\w.]*)`", names):
            assert _resolve(f"barnekoordinator.{shown}", name) is not None
    pages = CONCEPT_LINK.findall(concept)
    assert pages, f"{row[0]}: no concept page"
    for page in pages:
        assert (DOCS / page).is_file(), page
