"""The main job (`barnekoordinator demo`) runs end to end on a real SQLite file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from barnekoordinator.cli import main
from barnekoordinator.testing.leaks import identifier_runs


@pytest.fixture(autouse=True)
def _in_a_folder_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo writes ./barnekoordinator-demo/ unless told: never into the checkout."""
    monkeypatch.chdir(tmp_path)


def test_demo_runs_and_verifies_every_chain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The story completes in the issue's order, refusals shown, and all chains verify (twice)."""
    store = f"sqlite:{tmp_path / 'demo.db'}"
    out = tmp_path / "out"
    assert main(["demo", "--store", store, "--output", str(out)]) == 0
    said = capsys.readouterr().out
    chapters = re.findall(r"^== (\d+)\. ", said, flags=re.MULTILINE)
    assert chapters == [str(n) for n in range(1, 16)]
    assert "undring u-1 registrert og avgjort samme dag: nivå 2" in said
    assert "barnekoordinator   oppfylt           → oppnevn" in said
    assert "avvist: samtykket fra foreldrene dekker ikke PPT ennå (mangler: mor og far)" in said
    # pbrl § 4-4 fifth ledd: the child is heard; here from six, so at five she is refused and
    # her mother relays her view; at the school start, six, she writes herself.
    assert "Emma (5) skriver selv: avvist" in said
    assert "mor formidler Emmas syn til møtet" in said
    assert "Emma, nå seks, skriver sin egen stemme selv" in said
    assert "nivå 3; foreslått; stafettholder er fortsatt ped-leder-1 til PPT godtar" in said
    assert "godtatt; stafettholder er nå ppt-ola" in said
    assert "modus: lovfestet; individuell plan ip-1 opprettet" in said
    assert "første skoledag blir kontaktlæreren med i den individuelle planen" in said
    assert "Ta med: fysio-ali" in said  # the prepared agenda, read back through a view
    assert "forfalt    2026-01-22 evaluation-due stafettlogg:t-fysio" in said
    # Every look at the result of a write is a read of its own, audited as one; so are the
    # FHIR export, the two archive documents and the six Min oversikt pages.
    assert "1 sak(er), 36 hendelse(r), 47 loggpost(er): alt verifisert" in said
    assert "8 brev i utboksen" in said
    assert main(["demo", "--store", store, "--output", str(out)]) == 0
    again = capsys.readouterr().out
    assert "dette barnet har allerede en åpen sak" in again  # one plan per person
    assert "ingen ny familie legges til" in again
    # No second family, no new event, no new letter: the referral (1), the FHIR export (1), the
    # archive (2) and the pages (6) are audited reads of the same case.
    assert "1 sak(er), 36 hendelse(r), 57 loggpost(er): alt verifisert" in again
    assert "0 melding(er) behandlet nå" in again
    assert len(list((out / "outbox").glob("*.eml"))) == 8


def test_the_demo_writes_its_files_into_the_output_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Default ``./barnekoordinator-demo/``: the store, letters, pages and a checkpoint there."""
    import email
    from datetime import date
    from email.message import EmailMessage
    from email.policy import default

    from barnekoordinator._cli._keys import load_verifier, read_note
    from barnekoordinator._cli.verify import verify_store
    from barnekoordinator.history.checkpoint import open_checkpoint
    from barnekoordinator.identifiers import synthetic_fodselsnummer
    from barnekoordinator_plugins.sqlite import SQLiteCaseStore

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BARNEKOORDINATOR_STORE", raising=False)
    assert main(["demo"]) == 0
    said = capsys.readouterr().out
    out = tmp_path / "barnekoordinator-demo"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["barnekoordinator-demo"]
    assert f"Filene fra demoen ligger i {out}" in said
    names = {p.name for p in out.iterdir()}
    for who in ("child", "mother"):
        for lang in ("nb", "nn", "en"):
            name = f"min-oversikt-{who}-{lang}.html"
            assert name in names
            assert str(out / name) in said  # it says where every file is
            assert f'<html lang="{lang}"' in (out / name).read_text(encoding="utf-8")
    assert {"demo.db", "addresses.json", "checkpoint.txt", "archive-nb.html", "outbox"} <= names
    letters = sorted((out / "outbox").glob("*.eml"))
    assert letters
    family = [
        synthetic_fodselsnummer(born)
        for born in (date(2020, 3, 14), date(1990, 6, 2), date(1988, 11, 23))
    ]
    addressed = set()
    for path in letters:
        mail = email.message_from_bytes(path.read_bytes(), policy=default)
        assert isinstance(mail, EmailMessage)
        body = mail.get_content()
        addressed.add(mail["To"])
        whole = str(mail) + body
        assert not identifier_runs(body)  # no fødselsnummer (the Message-ID is a digest)
        assert not any(number in whole for number in family)
        assert "Emma" not in whole  # no child's name
        assert mail["To"].endswith("@example.invalid")
    assert "mor@example.invalid" in addressed or "nora.barnehage@example.invalid" in addressed
    # The checkpoint in the folder verifies the store, as `verify --checkpoint` would.
    url = f"sqlite:{out / 'demo.db'}"
    verifier = load_verifier(None, store_url=url, environ=__import__("os").environ)
    checkpoint = open_checkpoint(read_note(out / "checkpoint.txt"), verifier)
    with SQLiteCaseStore(out / "demo.db") as raw:
        report = verify_store(raw, checkpoint=checkpoint)
    assert report.ok
    assert (report.cases, report.events) == (1, 36)


def test_the_demo_summarises_itself_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--json``: one JSON document, every chapter with its verdict and every file's path."""
    import json

    out = tmp_path / "out"
    args = ["demo", "--store", f"sqlite:{tmp_path / 'd.db'}", "--output-dir", str(out), "--json"]
    assert main(args) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is True
    assert document["referred_to_open_case"] is False
    assert len(document["chapters"]) == 15
    assert {c["verdict"] for c in document["chapters"]} == {"ok"}
    assert document["counts"] == {
        "messages_handled": 10,
        "letters": 8,
        "cases": 1,
        "events": 36,
        "audit_records": 47,
    }
    for path in document["files"].values():
        assert Path(path).exists()
    assert Path(document["files"]["checkpoint"]).parent == out.resolve()
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["referred_to_open_case"] is True
    assert again["case_id"] == document["case_id"]
    assert again["counts"]["letters"] == 8
    assert again["counts"]["messages_handled"] == 0


def test_the_demo_sees_the_case_only_through_the_casebook() -> None:
    """The story reads no history outside the Casebook: no catalogue load, no store read."""
    import ast
    import inspect

    import barnekoordinator._cli._demo_files as files
    import barnekoordinator._cli._demo_stage as stage
    import barnekoordinator._cli.demo as demo

    for module in (demo, stage, files):
        tree = ast.parse(inspect.getsource(module))
        called = {
            node.func.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        }
        assert not called & {"load", "replay", "read_all", "read_audit"}
        assert "store.read" not in inspect.getsource(module)


def test_demo_never_prints_a_full_identifier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only redacted ids appear in the output (eleven consecutive digits never do)."""
    assert main(["demo", "--store", f"sqlite:{tmp_path / 'd.db'}", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert not identifier_runs(out)
    assert "Who has looked at our case" in out or "who has looked" in out.lower()


def test_agenda_without_a_principal_shows_only_ids_kinds_and_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nobody named, nothing of a case shown: no due date (a turns-18 date is a birth date)."""
    import json

    from barnekoordinator.history.documents import validate_document

    store = f"sqlite:{tmp_path / 'agenda.db'}"
    assert main(["demo", "--store", store]) == 0
    capsys.readouterr()
    assert (
        main(["agenda", "--lang", "en", "--store", store, "--as-of", "2026-02-13", "--days", "30"])
        == 0
    )
    out = capsys.readouterr().out
    assert re.search(r"^\S+ evaluation-due +2$", out, flags=re.MULTILINE)
    # The demo appoints a barnekoordinator: duties b–d are agenda rows too (issue 14 item 7).
    assert re.search(r"^\S+ duty-due +\d+$", out, flags=re.MULTILINE)
    assert "6 item(s) due by 2026-03-15" in out
    assert not re.search(r"2026-0[12]-\d\d", out.replace("2026-03-15", ""))  # no due date
    args = ["agenda", "--lang", "en", "--store", store, "--as-of", "2026-02-13", "--json"]
    assert main([*args, "--days", "5000"]) == 0
    out = capsys.readouterr().out
    rows = [json.loads(line) for line in out.splitlines()]
    assert "duty-due" in {r["kind"] for r in rows}  # every kind is in the schema
    for row in rows:
        validate_document("agenda-count.v1", row)
    # No turns-18 row without a principal, not even its count: a horizon moved a day at a time
    # would tell the birth date (tests/cli/test_agenda_without_principal.py).
    assert "turns-18" not in {r["kind"] for r in rows}
    assert "2038" not in out
    assert "03-14" not in out
    assert main([*args, "--kind", "turns-18", "--days", "5000"]) == 2
    assert "--principal" in capsys.readouterr().err


def _principal_file(tmp_path: Path, name: str, **fields: object) -> str:
    import json

    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(fields), encoding="utf-8")
    return str(path)


@pytest.fixture
def on_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The agenda command decides access on 13 February 2026 (its SystemClock)."""
    from datetime import UTC, datetime

    import barnekoordinator._cli.agenda as agenda_cli
    from barnekoordinator.clock import FixedClock

    monkeypatch.setattr(
        agenda_cli, "SystemClock", lambda: FixedClock(datetime(2026, 2, 13, 10, tzinfo=UTC))
    )


@pytest.mark.usefixtures("on_the_day")
def test_agenda_with_a_principal_shows_what_they_may_read_and_audits_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A professional in the case sees its deadlines; each case shown is audited as a read."""
    import json

    from barnekoordinator.history.documents import validate_document
    from barnekoordinator_plugins.sqlite import SQLiteCaseStore

    db = tmp_path / "agenda.db"
    store = f"sqlite:{db}"
    assert main(["demo", "--store", store]) == 0
    capsys.readouterr()
    ped = _principal_file(
        tmp_path,
        "ped",
        subject="ped-leder-1",
        display_label="Nora, barnehage",
        assurance="high",
        municipality_number="0301",
        roles=["caseworker"],
    )
    with SQLiteCaseStore(db) as raw:
        [case_id] = raw.case_ids()
        before = len(raw.read_audit(case_id))
    args = ["agenda", "--lang", "en", "--store", store, "--as-of", "2026-02-13", "--principal", ped]
    assert main([*args, "--days", "30"]) == 0
    out = capsys.readouterr().out
    assert "OVERDUE 2026-01-22 evaluation-due" in out
    assert "2 item(s) due by 2026-03-15" in out
    assert main([*args, "--json", "--kind", "turns-18", "--days", "5000"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    for row in rows:
        validate_document("agenda-item.v1", row)
    assert [(r["kind"], r["due"], r["overdue"]) for r in rows] == [
        ("turns-18", "2038-03-14", False)
    ]
    with SQLiteCaseStore(db) as raw:
        trail = raw.read_audit(case_id)[before:]
    assert [(r.actor, r.action, r.target, r.allowed) for r in trail] == [
        ("ped-leder-1", "read", "agenda", True)
    ] * 2


@pytest.mark.usefixtures("on_the_day")
def test_agenda_shows_a_stranger_nothing_and_leaves_no_trace_in_the_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone with no part in any case gets no row, and no case's trail names them."""
    from barnekoordinator_plugins.sqlite import SQLiteCaseStore

    db = tmp_path / "agenda.db"
    assert main(["demo", "--store", f"sqlite:{db}"]) == 0
    capsys.readouterr()
    with SQLiteCaseStore(db) as raw:
        [case_id] = raw.case_ids()
        before = len(raw.read_audit(case_id))
    stranger = _principal_file(
        tmp_path, "x", subject="someone", display_label="Ukjent", assurance="high"
    )
    args = [
        "agenda",
        "--lang",
        "en",
        "--store",
        f"sqlite:{db}",
        "--principal",
        stranger,
        "--days",
        "5000",
    ]
    assert main(args) == 0
    assert "0 item(s) due by" in capsys.readouterr().out
    with SQLiteCaseStore(db) as raw:
        assert len(raw.read_audit(case_id)) == before


@pytest.mark.usefixtures("on_the_day")
def test_agenda_for_the_mother_needs_her_national_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A citizen is recognised by the national id in the file (synthetic only when allowed)."""
    from datetime import date

    from barnekoordinator.identifiers import synthetic_fodselsnummer

    db = tmp_path / "agenda.db"
    assert main(["demo", "--store", f"sqlite:{db}"]) == 0
    capsys.readouterr()
    mother = _principal_file(
        tmp_path,
        "mor",
        subject="idporten-mor",
        display_label="Mor",
        assurance="high",
        national_id=synthetic_fodselsnummer(date(1990, 6, 2)),
        roles=["citizen"],
    )
    args = [
        "agenda",
        "--lang",
        "en",
        "--store",
        f"sqlite:{db}",
        "--principal",
        mother,
        "--days",
        "5000",
    ]
    assert main(args) == 2  # a synthetic id is refused unless allowed
    err = capsys.readouterr().err
    assert "synthetic" in err
    assert not identifier_runs(err)
    assert main([*args, "--allow-synthetic", "--as-of", "2026-02-13"]) == 0
    out = capsys.readouterr().out
    assert "turns-18" in out
    assert "OVERDUE 2026-01-22 evaluation-due" in out
    # The same mother with MinID (substantial): a case's health data needs a level-4 login.
    minid = mother.replace(".json", "-minid.json")
    Path(minid).write_text(Path(mother).read_text().replace('"high"', '"substantial"'))
    assert main([*args[:6], minid, *args[7:], "--allow-synthetic", "--as-of", "2026-02-13"]) == 0
    assert "turns-18" not in capsys.readouterr().out


def test_agenda_refuses_an_invalid_principal_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A principal file that does not match principal.v1 is a usage error naming the path."""
    bad = _principal_file(tmp_path, "bad", subject="x", assurance="medium", extra=1)
    assert main(["agenda", "--lang", "en", "--store", "memory:", "--principal", bad]) == 2
    err = capsys.readouterr().err
    assert "$.assurance" in err
    assert "display_label" in err
    assert "extra" in err
    twice = tmp_path / "twice.json"
    twice.write_text('{"subject": "a", "subject": "b"}', encoding="utf-8")
    assert main(["agenda", "--lang", "en", "--store", "memory:", "--principal", str(twice)]) == 2
    assert "duplicate key" in capsys.readouterr().err
    missing = str(tmp_path / "nope.json")
    assert main(["agenda", "--lang", "en", "--store", "memory:", "--principal", missing]) == 2


def test_output_piped_into_a_closed_reader_exits_quietly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`barnekoordinator plugins | head -1`: a reader that went away ends the command quietly."""
    import os
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader goes away, as `head` does
    closed_pipe = open(write_end, "w", buffering=1, encoding="utf-8")  # noqa: SIM115
    monkeypatch.setattr(sys, "stdout", closed_pipe)
    try:
        assert main(["plugins"]) == 0  # without the handler: BrokenPipeError
    finally:
        monkeypatch.undo()
        closed_pipe.close()


def test_demo_writes_the_archive_document_beside_its_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Chapter 10: archive-nb.html (and the PDF/A) in the output folder, and it says where."""
    out = tmp_path / "out"
    assert main(["demo", "--store", f"sqlite:{tmp_path / 'd.db'}", "--output-dir", str(out)]) == 0
    said = capsys.readouterr().out
    page = (out / "archive-nb.html").read_text(encoding="utf-8")
    assert str((out / "archive-nb.html").resolve()) in said
    assert '<html lang="nb">' in page
    assert "Tilrettelagt lek og motorisk trening i barnehagen" in page
    # Made through Casebook.export, not from a bare read: the baton history and the consents
    # are in it, and each document left its audit record.
    assert "overføring akseptert" in page
    assert "k-logg-1" in page
    assert (out / "archive-nb.pdf").read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.db", "out"]
    from barnekoordinator_plugins.sqlite import SQLiteCaseStore

    with SQLiteCaseStore(tmp_path / "d.db") as raw:
        (case_id,) = raw.case_ids()
        targets = [r.target for r in raw.read_audit(case_id)]
    assert targets.count("export:archive-html") == 1
    assert targets.count("export:archive-pdf") == 1


def test_demo_writes_the_archive_in_its_language(tmp_path: Path) -> None:
    """``demo --lang nn``: the archive document is written in nynorsk, as archive-nn.html."""
    out = tmp_path / "out"
    db = f"sqlite:{tmp_path / 'd.db'}"
    assert main(["demo", "--store", db, "--output-dir", str(out), "--lang", "nn"]) == 0
    page = (out / "archive-nn.html").read_text(encoding="utf-8")
    assert '<html lang="nn">' in page
    assert not (out / "archive-nb.html").exists()


def test_the_demo_says_where_it_made_its_keys_in_its_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first demo run makes the checkpoint key and the sealing key and says where in its
    ``--lang``, all of each line (they were English inside a bokmål run); a second run finds the
    keys and says nothing."""
    key = tmp_path / "keys" / "checkpoint.key"
    sealing = tmp_path / "keys" / "sealing.key"
    monkeypatch.setenv("BARNEKOORDINATOR_CHECKPOINT_KEY_FILE", str(key))
    monkeypatch.setenv("BARNEKOORDINATOR_SEALING_KEY_FILE", str(sealing))
    for name in ("BARNEKOORDINATOR_CHECKPOINT_KEY", "BARNEKOORDINATOR_SEALING_KEY"):
        monkeypatch.delenv(name, raising=False)
    db = f"sqlite:{tmp_path / 'd.db'}"
    assert main(["demo", "--store", db, "--output-dir", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if str(key) in line] == [
        f"barnekoordinator demo: en ny nøkkel laget i {key} (offentlig nøkkel i "
        f"{key.with_suffix('.pub')}: ta vare på en kopi sammen med sjekkpunktene; verify "
        "trenger den)"
    ]
    assert [line for line in err if str(sealing) in line] == [
        f"barnekoordinator demo: en ny forseglingsnøkkel laget i {sealing} (ta sikkerhetskopi "
        "av den et annet sted enn databasen: uten den kan ikke fødselsnumrene i lageret leses)"
    ]
    assert main(["demo", "--store", db, "--output-dir", str(tmp_path / "out")]) == 0
    again = capsys.readouterr().err
    assert str(key) not in again
    assert str(sealing) not in again
