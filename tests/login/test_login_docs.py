"""docs/plugins/login.md runs as written and lists what the code has: every option,
every rejection code and every test of the attack suite."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from barnekoordinator.access.login import OPTION_NAMES, RejectionCode
from barnekoordinator.testing.leaks import identifier_runs

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "plugins" / "login.md"
ATTACKS = Path(__file__).with_name("test_login_attacks.py")


def test_the_python_blocks_run(capsys: pytest.CaptureFixture[str]) -> None:
    """The worked example logs in through the plugins and prints the redacted identity."""
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) >= 2
    namespace: dict[str, object] = {"__name__": "docs.login"}
    for block in blocks:
        exec(compile(block, str(PAGE), "exec"), namespace)  # noqa: S102 - the docs' own code
    out = capsys.readouterr().out
    assert "idporten high 038512*****" in out
    assert not identifier_runs(out)


def test_every_option_is_documented() -> None:
    """Each option a plugin reads has a row in the options table."""
    text = PAGE.read_text(encoding="utf-8")
    missing = [name for name in OPTION_NAMES if f"`{name}`" not in text]
    assert missing == []


def test_every_rejection_code_is_documented() -> None:
    """Each ``TokenRejected.code`` is in the table of codes."""
    text = PAGE.read_text(encoding="utf-8")
    assert [code.value for code in RejectionCode if f"`{code.value}`" not in text] == []


def test_the_attack_list_is_the_attack_suite() -> None:
    """Every attack test is listed, every listed test exists, and there are at least 25."""
    tree = ast.parse(ATTACKS.read_text(encoding="utf-8"))
    tests = {
        n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
    }
    listed = set(re.findall(r"`(test_\w+)`", PAGE.read_text(encoding="utf-8")))
    assert tests == listed
    assert len(tests) >= 25
