"""Every optional dependency, when missing, raises MissingExtraError with the pip command
(issue 17 item 3).

Each case runs in a fresh interpreter whose import system refuses the extra's packages (an
import hook), so the package really is missing there, whatever this environment holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

PROBE = """\
import importlib.abc, json, sys

BLOCKED = set(sys.argv[1].split(","))


class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Missing())
try:
    exec(sys.argv[2])
except Exception as exc:
    print(json.dumps({"type": type(exc).__name__, "message": str(exc),
                      "extra": getattr(exc, "extra", None),
                      "is_import_error": isinstance(exc, ImportError)}))
else:
    print(json.dumps({"type": None}))
"""

CASES = {
    "fhir": (
        "fhir",
        "from barnekoordinator_plugins.fhir._bundle import through_models\n"
        "through_models({'resourceType': 'Bundle'})",
    ),
    "auth-jose": (
        "jose",
        "from barnekoordinator.access.login._jose import require_jose\nrequire_jose()",
    ),
    "auth-httpx": (
        "httpx",
        "from barnekoordinator.access.login._jwks import require_httpx\nrequire_httpx()",
    ),
    "postgres": (
        "psycopg",
        "from barnekoordinator_plugins.postgres import require_psycopg\nrequire_psycopg()",
    ),
    "archive-html": (
        "jinja2",
        "import barnekoordinator_plugins.archive._html",
    ),
    "archive-pdf": (
        "weasyprint",
        "import barnekoordinator_plugins.archive._pdf",
    ),
    "testing-conformance": ("hypothesis", "import barnekoordinator.testing.conformance"),
    "testing-pytest": ("pytest", "import barnekoordinator.testing.exporters"),
}


def _probe(blocked: str, code: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, blocked, code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_missing_extra_names_its_pip_command(case: str) -> None:
    blocked, code = CASES[case]
    extra = case.split("-")[0]
    result = _probe(blocked, code)
    assert result["type"] == "MissingExtraError", result
    assert result["extra"] == extra
    assert result["is_import_error"] is True
    assert f"pip install 'barnekoordinator[{extra}]'" in str(result["message"])


def test_the_probe_would_see_a_present_package() -> None:
    assert _probe("nothing-blocked", "import barnekoordinator.testing.conformance") == {
        "type": None
    }
