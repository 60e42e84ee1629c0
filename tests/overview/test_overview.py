"""Min oversikt through the one door: versions, contents, refusals, audit, CLI (issue 16 item 2)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest
from _family import AS_OF, MOTHER_ID, NAMES, RICH, Family, Filler, new_book

from barnekoordinator.access.policy import CaseRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.cli import main
from barnekoordinator.errors import AccessDenied, InvalidInput, MissingExtraError
from barnekoordinator.legal_basis import deadline
from barnekoordinator.overview import (
    CHILD_VERSION_UNTIL,
    OverviewPage,
    OverviewVersion,
    may_ask_for,
    overview_version,
)
from barnekoordinator.overview._texts import OVERVIEW_TEXTS
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator.texts import Language
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

V = OverviewVersion


@pytest.mark.parametrize(
    ("roles", "age", "expected"),
    [
        ((CaseRole.CHILD,), 12, V.CHILD),
        ((CaseRole.CHILD,), CHILD_VERSION_UNTIL, V.YOUTH),
        ((CaseRole.CHILD,), 17, V.YOUTH),
        ((CaseRole.CHILD,), 19, V.YOUTH),
        ((CaseRole.GUARDIAN,), 5, V.GUARDIAN),
        ((CaseRole.PARTICIPANT,), 5, V.GUARDIAN),
        ((CaseRole.LEADER,), 5, V.GUARDIAN),
    ],
)
def test_the_reader_decides_the_version(
    roles: tuple[CaseRole, ...], age: int, expected: OverviewVersion
) -> None:
    """The child under 13 reads the child version, from 13 the youth version (decision 23)."""
    assert overview_version(roles, age) is expected


def test_who_may_ask_for_another_version() -> None:
    """The child chooses child or youth; a guardian also the child version; professionals any."""
    assert may_ask_for((CaseRole.CHILD,), V.YOUTH)
    assert not may_ask_for((CaseRole.CHILD,), V.GUARDIAN)
    assert may_ask_for((CaseRole.GUARDIAN,), V.CHILD)
    assert not may_ask_for((CaseRole.GUARDIAN,), V.YOUTH)
    for role in (CaseRole.PARTICIPANT, CaseRole.KOORDINERENDE_ENHET, CaseRole.BARNEVERN):
        assert all(may_ask_for((role,), v) for v in V)
    assert not any(may_ask_for((CaseRole.LEADER,), v) for v in (V.CHILD, V.YOUTH))


def test_every_text_exists_in_three_languages_without_placeholder_mistakes() -> None:
    """No fallback: every key has nb, nn and en, with the same placeholders in each."""
    import string

    for key, text in OVERVIEW_TEXTS.items():
        fields = [
            {f for _, f, _, _ in string.Formatter().parse(text.get(lang)) if f} for lang in Language
        ]
        assert all(text.get(lang).strip() for lang in Language), key
        assert fields[0] == fields[1] == fields[2], key


@pytest.fixture
def filled() -> tuple[Casebook, str, Family]:
    """A 14-year-old's case with everything in it; a health tiltak withheld at her request."""
    family = Family(14)
    book, _ = new_book()
    case_id = family.open(book)
    filler = Filler(book, case_id, family)
    for step in RICH:
        filler.run(*step)
    filler.run("withhold", "hs", 3)  # at her request: stafettlogg:t5 (ids d7, m6, t4, t5)
    return book, case_id, family


def test_the_guardian_page_has_every_section_and_the_complaint_deadline(
    filled: tuple[Casebook, str, Family],
) -> None:
    """Who helps and with what, tiltak with evaluation dates, the meeting, decisions, who looked,
    and the last day to complain: four weeks after the refusal (pbrl § 7-5, domstolloven § 148)."""
    book, case_id, family = filled
    book.read(family.principals()["father"], case_id)
    page = book.overview(family.principals()["mother"], case_id, lang="nb")
    assert (page.version, page.preview) == (V.GUARDIAN, False)
    assert page.entry_ids == ("stafettlogg:t4", "stafettlogg:m6", "stafettlogg:d7")
    assert page.decision_ids == ("v8",)
    for words in (
        "Hvem hjelper, og med hva",
        "Kari Lærer (kontaktlærer), fra skolen",
        "Stafettholder: har ansvaret",
        "Hjelper med: Tiltak t4",
        "Tiltak t4",
        "Evalueres 19. januar 2026",
        "Agenda m6",
        "Beslutning d7",
        "Vedtak: dere får ikke barnekoordinator.",
        "idp-far",  # the father's read, in who has looked
        "statsforvalteren",
        f"siste frist er {deadline(AS_OF, weeks=4).day}. februar 2026",
        f"Saken til {NAMES['child']}",
    ):
        assert words in page.html, words
    assert "Tiltak t5" not in page.html  # withheld at the child's request (pbrl § 3-4)
    assert MOTHER_ID.reveal() not in page.html
    assert '<html lang="nb">' in page.html
    assert "<script" not in page.html
    assert "@media print" in page.html


def test_the_child_reads_plain_words_and_her_own_withheld_matter(
    filled: tuple[Casebook, str, Family],
) -> None:
    """At 14 the youth version; the child version on request. The health tiltak she asked to keep
    from her parents is hers to read (her own matter, pbrl § 4-3 c), though not theirs."""
    book, case_id, family = filled
    child = family.principals()["child"]
    youth = book.overview(child, case_id, lang="nn")
    assert youth.version is V.YOUTH
    assert "Tiltaka mine" in youth.html
    plain = book.overview(child, case_id, lang="en", version="child")
    assert (plain.version, plain.preview) == (V.CHILD, True)
    assert "What we do to help you" in plain.html
    assert "We check if it helps: 19 January 2026" in plain.html
    assert "stafettlogg:t5" in plain.entry_ids
    assert "Tiltak t5" in plain.html


def test_text_written_in_a_case_is_shown_as_text(filled: tuple[Casebook, str, Family]) -> None:
    """Autoescaping: a tiltak called ``<script>`` is text on the page, never markup."""
    book, case_id, family = filled
    from barnekoordinator.coordination import stafettlogg

    book.execute(
        family.principals()["kl"],
        case_id,
        lambda c: stafettlogg.add_log_measure(
            c,
            tiltak_id="x1",
            by="kl",
            description='<script>alert("x")</script>',
            responsible_ref="kl",
            evaluation_date=date(2026, 3, 1),
            as_of=AS_OF,
        ),
    )
    page = book.overview(family.principals()["mother"], case_id)
    assert "<script" not in page.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.html


@pytest.mark.parametrize(
    ("reader", "lang", "version", "error"),
    [
        ("stranger", "nb", None, AccessDenied),
        ("leader", "nb", "child", AccessDenied),
        ("mother", "se", None, InvalidInput),
        ("mother", "nb", "baby", InvalidInput),
        ("mother", "nb", "youth", AccessDenied),
    ],
)
def test_a_refusal_is_audited_once_and_shows_nothing(
    filled: tuple[Casebook, str, Family],
    reader: str,
    lang: str,
    version: str | None,
    error: type[Exception],
) -> None:
    """A stranger, a leader's preview, a guardian asking for the youth version, an unknown
    language or version: a typed error naming no person, one refused audit record."""
    book, case_id, family = filled
    before = len(book.store.read_audit(case_id))
    with pytest.raises(error) as caught:
        book.overview(family.principals()[reader], case_id, lang=lang, version=version)
    trail = book.store.read_audit(case_id)
    assert len(trail) == before + 1
    assert (trail[-1].target, trail[-1].allowed) == ("overview", False)
    assert not any(name in str(caught.value) for name in NAMES.values())


def test_a_child_under_12_reads_through_a_guardian(filled: tuple[Casebook, str, Family]) -> None:
    """The policy gives a child under 12 no direct access; the guardian opens the child version
    to go through it with the child (pbrl § 4-4 fifth ledd)."""
    family = Family(10)
    book, _ = new_book()
    case_id = family.open(book)
    with pytest.raises(AccessDenied):
        book.overview(family.principals()["child"], case_id)
    page = book.overview(family.principals()["mother"], case_id, version=V.CHILD)
    assert page.version is V.CHILD
    assert "Hvem hjelper meg?" in page.html


def test_a_leader_sees_roles_not_names(filled: tuple[Casebook, str, Family]) -> None:
    """A leader's overview covers status and deadlines: no family name, no entry, no decision."""
    book, case_id, family = filled
    page = book.overview(family.principals()["leader"], case_id)
    assert (page.entry_ids, page.decision_ids) == ((), ())
    assert not any(name in page.html for name in NAMES.values())


def test_without_jinja2_the_page_names_the_extra(
    filled: tuple[Casebook, str, Family], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the extra: MissingExtraError with the pip command; the call is audited as failed."""
    from barnekoordinator import templating

    book, case_id, family = filled
    monkeypatch.setitem(sys.modules, "jinja2", None)
    templating._environment.cache_clear()
    before = len(book.store.read_audit(case_id))
    try:
        with pytest.raises(MissingExtraError, match=r"barnekoordinator\[overview\]"):
            book.overview(family.principals()["mother"], case_id)
    finally:
        templating._environment.cache_clear()
    assert len(book.store.read_audit(case_id)) == before + 1
    assert book.store.read_audit(case_id)[-1].allowed is False


def test_the_command_writes_the_page_from_a_sqlite_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``barnekoordinator overview --as FILE`` on a real SQLite file: the page, audited there."""
    db = tmp_path / "cases.db"
    store = SQLiteCaseStore(db)
    family = Family(12)
    book = Casebook(
        store,
        clock=new_book()[1],
        sealing=TEST_SEALING_KEY,
        subject_secret=b"overview-cli-secret-0123456789ab",
    )
    case_id = family.open(book)
    filler = Filler(book, case_id, family)
    for step in RICH:
        filler.run(*step)
    store.close()
    monkeypatch.setenv("BARNEKOORDINATOR_SEALING_KEY", TEST_SEALING_KEY.to_text())
    args = ["overview", "--store", f"sqlite:{db}", "--case", case_id]
    who = tmp_path / "mother.json"
    who.write_text(
        json.dumps(
            {
                "subject": "idp-mor",
                "display_label": "Mor",
                "assurance": "high",
                "national_id": MOTHER_ID.reveal(),
                "roles": ["citizen"],
            }
        )
    )
    # A development principal is refused unless the configuration allows it.
    assert main([*args, "--as", str(who), "--allow-synthetic"]) == 2
    assert "BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS" in capsys.readouterr().err
    monkeypatch.setenv("BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS", "1")
    args = [*args, "--as", str(who)]
    out = tmp_path / "oversikt.html"
    assert main([*args, "--allow-synthetic", "--lang", "nn", "--output", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert '<html lang="nn">' in html
    assert "Oversikt over saka" in html
    assert MOTHER_ID.reveal() not in capsys.readouterr().err
    assert main([*args, "--allow-synthetic", "--output", str(out)]) == 2  # never overwritten
    assert main([*args, "--allow-synthetic", "--version", "youth"]) == 1  # not hers: refused
    assert main([*args, "--allow-synthetic", "--version", "child"]) == 0
    assert "Hvem hjelper meg?" in capsys.readouterr().out
    reopened = SQLiteCaseStore(db)
    try:
        targets = [r.target for r in reopened.read_audit(case_id)]
    finally:
        reopened.close()
    assert targets.count("overview") == 3


def test_the_page_object_keeps_the_html_out_of_its_repr(
    filled: tuple[Casebook, str, Family],
) -> None:
    """Logging a page does not log names."""
    book, case_id, family = filled
    page: OverviewPage = book.overview(family.principals()["mother"], case_id)
    assert NAMES["child"] not in repr(page)
