"""``assess`` of a valid facts file stays quick to start (issue 17 item 4, decision 25).

A whole process, as a user runs it: what it imports decides most of its start-up time. A valid
document is checked without jsonschema and read without cattrs; stdnum is imported only when a
national identity number is checked. An invalid document still gets jsonschema's every problem.

Nor does it import what only other commands, ``--debug`` or a terminal need: the person and
identity-number classes (``people``, ``identifiers``), the plugin host, ``traceback``, ``shutil``
(argparse's formatter asks it for the terminal's width), ``pathlib``, ``hashlib``; and of the
eligibility tables' values and the catalogue's texts it makes only the few it shows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FACTS = ROOT / "examples" / "facts" / "bk-01-baseline-eligible.json"
HEAVY = (
    "jsonschema",
    "referencing",
    "cattrs",
    "attrs",
    "attr",
    "stdnum",
    "barnekoordinator.rights.decisions",
)
UNUSED = (
    "barnekoordinator.people",
    "barnekoordinator.identifiers",
    "barnekoordinator.plugins",
    "pluggy",
    "importlib.metadata",
    "traceback",
    "shutil",
    "pathlib",
    "hashlib",
    "hmac",
)

_PROBE = """
import contextlib, io, json, sys
from barnekoordinator.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    status = main(sys.argv[1:])
made = {}
if "barnekoordinator.rights.eligibility._rule_sets" in sys.modules:
    from barnekoordinator.rights.eligibility._rule_sets import TABLES
    from barnekoordinator.texts import _MADE, TEXTS
    tables = list(TABLES.values())
    made = {
        "table values": sum(len(t.conditions._made) + len(t.follow_ups._made) for t in tables),
        "table keys": sum(len(t.conditions) + len(t.follow_ups) for t in tables),
        "texts": len(_MADE),
        "catalogue": len(TEXTS),
    }
print(json.dumps({"status": status, "modules": sorted(sys.modules), "made": made}))
"""


def _probe(*argv: str) -> dict[str, object]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    probed: dict[str, object] = json.loads(run.stdout)
    return probed


def test_assess_of_a_valid_file_imports_no_jsonschema_cattrs_or_stdnum() -> None:
    probed = _probe("assess", "--as-of", "2026-01-01", str(FACTS))
    assert probed["status"] == 0
    modules = probed["modules"]
    assert isinstance(modules, list)
    loaded = sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY)
    assert loaded == []


def test_assess_of_an_invalid_file_asks_jsonschema_for_every_problem(tmp_path: Path) -> None:
    document = json.loads(FACTS.read_text("utf-8"))
    document["bti_level"] = 9
    document["child"]["birth_date"] = "not a date"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), "utf-8")
    probed = _probe("assess", "--as-of", "2026-01-01", str(bad))
    assert probed["status"] == 2
    modules = probed["modules"]
    assert isinstance(modules, list)
    assert "jsonschema" in modules


def _at_start() -> set[str]:
    """What the interpreter has imported before any of our code runs: a ``.pth`` file in the
    base installation's site-packages may import ``pathlib`` or ``shutil`` for every process, and
    that is not ours to save."""
    run = subprocess.run(
        [sys.executable, "-c", "import json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(json.loads(run.stdout))


def test_assess_imports_nothing_only_other_commands_debug_or_a_terminal_need() -> None:
    probed = _probe("assess", "--as-of", "2026-01-01", str(FACTS))
    assert probed["status"] == 0
    modules = probed["modules"]
    assert isinstance(modules, list)
    assert sorted((set(UNUSED) - _at_start()) & set(modules)) == []


def test_assess_makes_only_the_table_values_and_texts_it_shows() -> None:
    made = _probe("assess", "--as-of", "2026-01-01", str(FACTS))["made"]
    assert isinstance(made, dict)
    # One family, one date: a few dozen of the tables' hundreds of values and of the catalogue.
    assert 0 < made["table values"] <= made["table keys"] // 5
    assert 0 < made["texts"] <= made["catalogue"] // 5
