"""Code in the tutorials and concept pages runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from barnekoordinator.testing.leaks import identifier_runs

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = [
    "tutorials/scripting.md",
    "tutorials/embedding.md",
    "concepts/case-and-history.md",
    "concepts/access-and-audit.md",
    "concepts/sealing.md",
    "concepts/min-oversikt.md",
]


@pytest.mark.parametrize("page", PAGES)
def test_python_blocks_run(page: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Every ```python block runs, in order, in one namespace, and prints no full id."""
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert blocks, f"{page} has no python blocks"
    namespace: dict[str, object] = {"__name__": f"docs.{page}"}
    for block in blocks:
        exec(compile(block, f"{page}", "exec"), namespace)  # noqa: S102 - the docs' own code
    assert not identifier_runs(capsys.readouterr().out), "a full identifier was printed"
