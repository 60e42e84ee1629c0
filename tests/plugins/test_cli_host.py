"""The command line as a plugin host (issue 17 items 3 and 4).

* every command that builds the application calls ``barnekoordinator_configure``, so a plugin's
  option check runs for each of them (an installed plugin rejects a bad ``--option``: exit 2,
  one line);
* ``InvalidConfiguration`` is a heading and one problem per line, joined on one line by the CLI;
* plugins add commands through ``barnekoordinator_register_commands``; a broken one does not
  break the others;
* only the running command's module is imported; ``--help`` lists the others from a table.

Plugins are installed for real: a ``.dist-info`` with entry points on ``sys.path``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from barnekoordinator import cli
from barnekoordinator.cli import main
from barnekoordinator.errors import InvalidConfiguration
from barnekoordinator.plugins import BLOCK_ENV, FIRST_PARTY_PLUGINS

SRC = Path(__file__).resolve().parents[2] / "src"
FACTS = Path(__file__).resolve().parents[2] / "examples" / "facts" / "bk-01-baseline-eligible.json"

OPTION_CHECK = """\
from barnekoordinator.errors import InvalidConfiguration
from barnekoordinator.hookspecs import hookimpl


@hookimpl
def barnekoordinator_configure(config):
    level = config.plugin_options.get("optcheck", {}).get("level", "low")
    if level not in ("low", "high"):
        raise InvalidConfiguration(
            "optcheck plugin options",
            problems=["level: expected low or high", "see the vendor's manual"],
        )
"""


def _install(root: Path, dist: str, plugins: dict[str, tuple[str, str]]) -> None:
    """A distribution ``dist`` whose entry points name the modules in ``plugins``
    (entry-point name → (module, source))."""
    for module, source in plugins.values():
        (root / f"{module}.py").write_text(source)
    info = root / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = "".join(f"{name} = {module}\n" for name, (module, _) in plugins.items())
    (info / "entry_points.txt").write_text(f"[barnekoordinator]\n{lines}")


@pytest.fixture
def option_check(tmp_path: Path) -> Iterator[Path]:
    """A plugin checking ``optcheck.level``, installed on sys.path."""
    root = tmp_path / "site"
    root.mkdir()
    _install(root, "bk_optcheck", {"optcheck": ("bk_optcheck", OPTION_CHECK)})
    sys.path.insert(0, str(root))
    yield tmp_path
    sys.path.remove(str(root))
    sys.modules.pop("bk_optcheck", None)


def _commands(work: Path) -> dict[str, list[str]]:
    """Each command that builds the application, with arguments that get it that far."""
    store = f"sqlite:{work / 'cases.db'}"
    token = work / "token.txt"
    token.write_text("not.a.token")
    history = work / "history.json"
    history.write_text("{}")
    command = work / "command.json"
    command.write_text(
        '{"command": "record_observation", "case": "c", "arguments": '
        '{"observation_id": "o1", "kind": "oppmerksomhet", "text": "Sover lite"}}'
    )
    return {
        "verify": ["verify", "--store", store],
        "agenda": ["agenda", "--store", store],
        "agenda --principal": [
            "agenda",
            "--store",
            store,
            "--principal",
            str(work / "principal.json"),
        ],
        "checkpoint": ["checkpoint", "--store", store, "--output", str(work / "c.txt")],
        "export": [
            "export",
            "--store",
            store,
            "--case",
            "c",
            "--format",
            "fhir-r4",
            "--principal",
            str(work / "principal.json"),
        ],
        "import": ["import", str(history), "--store", store],
        "demo": ["demo", "--store", "memory:", "--output", str(work / "demo")],
        "whoami": ["whoami", "--token", str(token)],
        "remind": ["remind", "--store", store, "--outbox-dir", str(work / "eml")],
        "overview": ["overview", "--store", store, "--case", "c", "--token", str(token)],
        "case show": ["case", "show", "--store", store, "--case", "c", "--token", str(token)],
        "record": ["record", str(command), "--store", store, "--token", str(token)],
        "consent give": [
            *("consent", "give", "--id", "k", "--purpose", "stafettlogg"),
            *("--given-by", "mor", "--service", "barnehage"),
            *("--case", "c", "--store", store, "--token", str(token)),
        ],
        "handover propose": [
            *("handover", "propose", "--to", "ppt", "--case", "c"),
            *("--store", store, "--token", str(token)),
        ],
        "meeting prepare": [
            *("meeting", "prepare", "--id", "m", "--on", "2026-02-01", "--invite", "ppt"),
            *("--case", "c", "--store", store, "--token", str(token)),
        ],
    }


COMMANDS = (
    "verify",
    "agenda",
    "agenda --principal",
    "checkpoint",
    "export",
    "import",
    "demo",
    "whoami",
    "remind",
    "overview",
    "case show",
    "record",
    "consent give",
    "handover propose",
    "meeting prepare",
)


def test_every_command_that_builds_the_application_is_checked(tmp_path: Path) -> None:
    assert set(_commands(tmp_path)) == set(COMMANDS)
    built = {argv[0] for argv in _commands(tmp_path).values()}
    assert built | {"id", "assess", "plugins", "schemas"} == {
        name for name, _, _ in cli._SUBCOMMANDS
    }


@pytest.mark.parametrize("name", COMMANDS)
def test_a_plugin_checks_its_options_for_every_command(
    name: str,
    option_check: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BARNEKOORDINATOR_SUBJECT_SECRET", "a test secret")
    monkeypatch.setenv("BARNEKOORDINATOR_CHECKPOINT_KEY_FILE", str(option_check / "ck.key"))
    monkeypatch.setenv("BARNEKOORDINATOR_SEALING_KEY_FILE", str(option_check / "seal.key"))
    argv = _commands(option_check)[name]
    assert main([*argv, "--option", "optcheck.level=extreme"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"barnekoordinator {argv[0]}: ")
    assert "optcheck plugin options: level: expected low or high; see the vendor's manual" in err
    assert "extreme" not in err
    # Nothing was made on the way: no store, no key.
    assert not (option_check / "cases.db").exists()
    assert not (option_check / "ck.key").exists()


def test_invalid_configuration_is_a_heading_and_one_problem_a_line() -> None:
    error = InvalidConfiguration("sqlite store options", problems=["a: bad", " b: worse "])
    assert str(error) == "sqlite store options:\n  a: bad\n  b: worse"
    assert error.problems == ("a: bad", "b: worse")
    assert "[" not in str(error)
    assert cli._one_line(error) == "sqlite store options: a: bad; b: worse"
    single = InvalidConfiguration("store: expected a URL")
    assert single.problems == ("store: expected a URL",)
    assert cli._one_line(single) == "store: expected a URL"


def test_store_options_list_every_problem_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = f"sqlite:{tmp_path / 'x.db'}"
    argv = ["verify", "--store", store, "--option", "sqlite.busy_timeout=nan"]
    assert main([*argv, "--option", "sqlite.colour=red"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "sqlite store options: " in err
    assert "busy_timeout: expected seconds from 0" in err
    assert "; colour" in err


# --- commands from plugins ----------------------------------------------------------------

GOOD = """\
from barnekoordinator.errors import InvalidInput
from barnekoordinator.hookspecs import hookimpl


def _hello(args):
    print(f"hello {args.name}")
    return 0


def _fail(args):
    raise InvalidInput("the vendor says no:\\n  first reason\\n  second reason")


@hookimpl
def barnekoordinator_register_commands(subparsers):
    hello = subparsers.add_parser("hello", help="greet from the acme plugin")
    hello.add_argument("name")
    hello.set_defaults(func=_hello)
    subparsers.add_parser("fail", help="always fails").set_defaults(func=_fail)
"""

RAISES = """\
from barnekoordinator.hookspecs import hookimpl


@hookimpl
def barnekoordinator_register_commands(subparsers):
    subparsers.add_parser("half", help="added before the failure")
    raise RuntimeError("the vendor forgot a file")
"""

CLASH = """\
from barnekoordinator.hookspecs import hookimpl


@hookimpl
def barnekoordinator_register_commands(subparsers):
    subparsers.add_parser("verify", help="a vendor's verify")
"""


@pytest.fixture(scope="module")
def vendor_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vendor-site")
    _install(
        root,
        "bk_vendor_commands",
        {
            "good-cmds": ("bk_good_cmds", GOOD),
            "raising-cmds": ("bk_raising_cmds", RAISES),
            "clashing-cmds": ("bk_clashing_cmds", CLASH),
        },
    )
    return root


def _run(site: Path | None, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    path = [str(SRC)] if site is None else [str(site), str(SRC)]
    env["PYTHONPATH"] = os.pathsep.join(path)
    env[BLOCK_ENV] = "acme"  # the example plugin of the docs, installed in the dev venv
    return subprocess.run(
        [sys.executable, "-m", "barnekoordinator", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_plugin_commands_are_listed_and_a_broken_one_is_named(vendor_site: Path) -> None:
    done = _run(vendor_site, "--help")
    assert done.returncode == 0, done.stderr
    assert "hello" in done.stdout
    assert "greet from the acme plugin" in done.stdout
    assert "half" not in done.stdout  # taken back with the rest of the failing plugin
    assert "a vendor's verify" not in done.stdout
    assert "plugin 'raising-cmds' could not add its commands: RuntimeError" in done.stderr
    assert "plugin 'clashing-cmds' could not add its commands" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_plugin_command_runs_like_a_built_in_one(vendor_site: Path) -> None:
    done = _run(vendor_site, "hello", "Kari")
    assert (done.returncode, done.stdout) == (0, "hello Kari\n")
    failed = _run(vendor_site, "fail")
    assert failed.returncode == 2
    last = failed.stderr.splitlines()[-1]
    assert last == "barnekoordinator fail: the vendor says no: first reason; second reason"
    assert "Traceback" not in failed.stderr
    assert _run(vendor_site, "hello", "--help").returncode == 0
    assert "--block" in _run(vendor_site, "hello", "--help").stdout


def test_built_in_commands_do_not_look_for_plugin_commands(vendor_site: Path) -> None:
    """A built-in command runs even when a vendor's command plugin is broken (none is loaded)."""
    done = _run(vendor_site, "verify", "--help")
    assert done.returncode == 0
    assert done.stderr == ""


# --- starting quickly ---------------------------------------------------------------------


def test_each_table_line_is_its_modules_command() -> None:
    for name, module_name, help_line in cli._SUBCOMMANDS:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"barnekoordinator._cli.{module_name}").register(sub)
        assert name in sub.choices, module_name
        listed = {action.dest: action.help for action in sub._choices_actions}
        assert listed[name] == help_line, f"{name}: the table's help differs from the module's"


def test_the_first_party_table_is_the_plugin_hosts() -> None:
    assert cli.FIRST_PARTY_PLUGINS is FIRST_PARTY_PLUGINS
    entry_points = Path(SRC.parent / "pyproject.toml").read_text()
    for name, module in FIRST_PARTY_PLUGINS.items():
        assert f'{name} = "{module}"' in entry_points
    assert not cli._declares_vendor_plugin(
        "[barnekoordinator]\n" + "".join(f"{n} = {m}\n" for n, m in FIRST_PARTY_PLUGINS.items())
    )
    assert cli._declares_vendor_plugin("[barnekoordinator]\nacme = acme.plugin\n")
    assert not cli._declares_vendor_plugin("[console_scripts]\nacme = acme.plugin\n")


PROBE = """\
import json, sys
from barnekoordinator.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as done:
    status = done.code
loaded = sorted(m for m in sys.modules if m.startswith(("barnekoordinator", "pluggy",
    "jsonschema", "holidays", "cattrs", "importlib.metadata")))
print(json.dumps({"status": status, "loaded": loaded}), file=sys.stderr)
"""


def _loaded(*argv: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), BLOCK_ENV: "acme"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    result = json.loads(done.stderr.splitlines()[-1])
    assert result["status"] == 0, done.stderr
    return set(result["loaded"])


def test_help_imports_no_command_and_no_plugin_machinery() -> None:
    loaded = _loaded("--help")
    assert not {m for m in loaded if m.startswith("barnekoordinator._cli.")} - {
        "barnekoordinator._cli"
    }
    for heavy in ("pluggy", "jsonschema", "holidays", "cattrs", "importlib.metadata"):
        assert heavy not in loaded, heavy


def test_a_command_imports_only_its_own_module() -> None:
    loaded = _loaded("assess", str(FACTS))
    commands = {m for m in loaded if m.startswith("barnekoordinator._cli.")}
    assert commands == {"barnekoordinator._cli.assess"}
    assert "pluggy" not in loaded
    assert "holidays" not in loaded  # assess computes no deadline
