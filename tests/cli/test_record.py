"""``record``: every registered command through its document; bad documents never stored.

The valid arguments are generated from the published ``command.v1`` schema, so this also
proves that the schema, the argument classes and the command functions agree: a document the
schema accepts is structured and reaches the Casebook (recorded, or refused by the law: exit 0,
1 or 2), never an error about the document itself or a crash (exit 3).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _cli_helpers import run_cli, stored_events
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from barnekoordinator.commands import command_registry, parse_command
from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.documents import schema
from barnekoordinator.identifiers import synthetic_fodselsnummer

COMMANDS = sorted(command_registry())
SCHEMA = schema("command.v1")
FACTS = Path(__file__).resolve().parents[2] / "examples" / "facts"


def _example(node: dict[str, Any]) -> Any:
    """A minimal value the schema node accepts (required properties, one item per array)."""
    if node.get("$ref", "").startswith("urn:"):  # a whole document: a shipped example of it
        assert node["$ref"] == "urn:barnekoordinator:schema:eligibility-facts.v1"
        return json.loads((FACTS / "bk-05-health-only.json").read_text(encoding="utf-8"))
    if "$ref" in node:
        return _example(SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]])
    if "oneOf" in node:
        return _example(next(b for b in node["oneOf"] if b.get("type") != "null"))
    if "if" in node:  # the child: born, with its kind
        return {**_example(node["then"]), "kind": "born"}
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object":
        return {name: _example(node["properties"][name]) for name in node.get("required", [])}
    if kind == "array":
        return [_example(node["items"])]
    if kind == "integer":
        return 1
    if kind == "boolean":
        return False
    if node.get("format") == "date":
        return "2026-12-01"
    if node.get("pattern") == "^[0-9]{11}$":
        return synthetic_fodselsnummer(date(2021, 3, 14))
    if node.get("pattern") == "^[0-9]{9}$":
        return "974760673"
    return "x"


def _arguments(name: str) -> dict[str, Any]:
    spec = command_registry()[name]
    return _example(SCHEMA["$defs"][spec.arguments.__name__])  # type: ignore[no-any-return]


def test_the_schema_names_every_registered_command() -> None:
    """The registry and the published schema list the same commands (the schema is generated)."""
    assert SCHEMA["properties"]["command"]["enum"] == COMMANDS
    assert len(COMMANDS) >= 60


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_with_valid_arguments_reaches_the_casebook(
    name: str,
    opened_case: str,
    people: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Recorded (0), refused by the law (1) or by the command's own check of what it names
    (2: no such complaint …), never a problem with the document itself or a crash (3)."""
    document = {"command": name, "case": opened_case, "arguments": _arguments(name)}
    path = tmp_path / "command.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    status, out, err = run_cli(
        capsys, "record", str(path), "--as", people["ke"], "--allow-synthetic", "--json"
    )
    assert status in (0, 1, 2), err
    assert "command.v1" not in err  # the document itself was accepted
    assert len(err.splitlines()) == (status != 0)  # a refusal is one line
    if status == 0:
        assert json.loads(out)["case_id"] == opened_case


def test_a_recorded_command_is_audited_under_its_name(
    opened_case: str, people: dict[str, str], store_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """The audit trail names the command a script ran."""
    from barnekoordinator.config import Config
    from barnekoordinator.plugins import case_store, get_plugin_manager

    path = tmp_path / "command.json"
    path.write_text(json.dumps({"command": "grant_role", "case": opened_case,
                                "arguments": {"ref": "ke-siri", "role": "leader"}}))  # fmt: skip
    assert run_cli(capsys, "record", str(path), "--as", people["ke"])[0] == 0
    store = case_store(get_plugin_manager(), Config(store=store_url))
    try:
        actions = [r.action for r in store.read_audit(opened_case)]
    finally:
        store.close()
    assert actions[-1] == "grant_role"


INVALID = {
    "not an object": ([], "$: expected type object"),
    "no case": ({"command": "accept_handover"}, "$: 'case' is a required property"),
    "unknown command": (
        {"command": "delete_everything", "case": "c"},
        "$.command: expected one of",
    ),
    "unknown argument": (
        {"command": "accept_handover", "case": "c", "arguments": {"sudo": True}},
        "$.arguments: Additional properties are not allowed ('sudo' was unexpected)",
    ),
    "bad enum": (
        {
            "command": "record_observation",
            "case": "c",
            "arguments": {"observation_id": "o", "kind": "gossip", "text": "t"},
        },
        "$.arguments.kind: expected one of",
    ),
    "bad date": (
        {"command": "accept_handover", "case": "c", "arguments": {"as_of": "2026-13-01"}},
        "$.arguments.as_of",
    ),
    "bad orgnr": (
        {
            "command": "join_participant",
            "case": "c",
            "arguments": {
                "participant": {
                    "ref": "r",
                    "service": "ppt",
                    "organisation": "123456789",
                    "title": "",
                    "hpr": None,
                    "name": "",
                    "provider": "public",
                }
            },
        },
        "$.arguments",
    ),
}


@pytest.mark.parametrize("label", sorted(INVALID))
def test_an_invalid_document_is_exit_2_with_its_json_path(
    label: str, opened_case: str, people: dict[str, str], store_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Every problem with its JSON path, one line, nothing stored."""
    document, expected = INVALID[label]
    if isinstance(document, dict) and document.get("case") == "c":
        document = {**document, "case": opened_case}
    path = tmp_path / "command.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = stored_events(store_url, opened_case)
    status, out, err = run_cli(capsys, "record", str(path), "--as", people["ke"])
    assert status == 2
    assert out == ""
    assert expected in err
    assert len(err.splitlines()) == 1
    assert stored_events(store_url, opened_case) == before


def test_one_bad_line_stores_nothing_of_the_others(
    opened_case: str, people: dict[str, str], store_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """JSON lines are all validated first: the problem names its line, nothing runs."""
    good = json.dumps({"command": "grant_role", "case": opened_case,
                       "arguments": {"ref": "ke-siri", "role": "leader"}})  # fmt: skip
    path = tmp_path / "commands.jsonl"
    path.write_text(good + "\n" + good.replace("leader", "emperor") + "\n")
    before = stored_events(store_url, opened_case)
    status, _, err = run_cli(capsys, "record", str(path), "--as", people["ke"])
    assert status == 2
    assert "line 2: $.arguments.role" in err
    assert stored_events(store_url, opened_case) == before


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    junk=st.one_of(
        _json,
        st.fixed_dictionaries(
            {
                "command": st.sampled_from(COMMANDS),
                "arguments": st.dictionaries(
                    st.sampled_from(["as_of", "by", "kind", "to_ref", "role", "x"]), _json
                ),
            }
        ),
    )
)
def test_arbitrary_json_never_gives_a_traceback(
    junk: Any, opened_case: str, people: dict[str, str], store_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Any JSON that is not a valid command: exit 2, one line, no traceback, nothing stored."""
    if isinstance(junk, dict) and "command" in junk:
        junk = {**junk, "case": opened_case}
    try:
        parse_command(junk)
    except InvalidInput:
        pass
    else:
        assume(False)  # a valid command: the test above runs those
    path = tmp_path / "junk.json"
    path.write_text(json.dumps(junk), encoding="utf-8")
    before = stored_events(store_url, opened_case)
    status, out, err = run_cli(capsys, "record", str(path), "--as", people["ke"])
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("barnekoordinator record: ")
    assert stored_events(store_url, opened_case) == before


def test_a_participant_joins_once(
    opened_case: str, people: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``join_participant``: a new service joins; one already taking part is refused (exit 1)."""
    professional = {"ref": "fysio-ali", "service": "fysioterapi", "organisation": "974760673"}
    path = tmp_path / "join.json"
    path.write_text(
        json.dumps(
            {
                "command": "join_participant",
                "case": opened_case,
                "arguments": {"participant": professional},
            }
        )
    )
    status, out, _ = run_cli(capsys, "record", str(path), "--as", people["ke"], "--json")
    assert status == 0
    assert json.loads(out)["types"] == ["case.participant-joined"]
    status, _, err = run_cli(capsys, "record", str(path), "--as", people["ke"])
    assert status == 1
    assert "fysio-ali already takes part" in err


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--guardian", "mor:aunt", "--guardian: expected REF:RELATION"),
        ("--participant", "x:nowhere:974760673", "--participant: expected REF:SERVICE:ORGNR"),
        ("--participant", "x:ppt:123456789", "--participant x:"),
        ("--municipality", "oslo", "--municipality: expected a kommunenummer"),
    ],
)
def test_case_open_refuses_what_was_mistyped(
    option: str,
    value: str,
    expected: str,
    store_url: str,
    people: dict[str, str],
    development: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Exit 2, one line naming the option, and no store is created."""
    argv = ["case", "open", "--as", people["ke"], "--municipality", "0301", "--born", "2021-03-14"]
    if option == "--municipality":
        argv[5] = value
    else:
        argv += [option, value]
    status, out, err = run_cli(capsys, *argv)
    assert status == 2
    assert out == ""
    assert expected in err
    assert len(err.splitlines()) == 1
    assert not Path(store_url.removeprefix("sqlite:")).exists()
