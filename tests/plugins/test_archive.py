"""The archive document (issue 13 item 4): the whole case in nb, nn and en, as HTML and PDF/A.

Rendered for a realistic case (a stafettlogg with tiltak, evaluation, meeting and minutes, a
handover, an individuell plan, consents, a decision and a complaint), and read back: the HTML as
text, the PDF through pypdf. Arkivlova and forskrift om offentlige arkiv § 9 are why it exists.
"""

from __future__ import annotations

import html
import importlib
import io
import re
import sys
from datetime import date, timedelta

import attrs
import pypdf
import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.config import Config
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.edges import DOCUMENT_POLICY
from barnekoordinator.errors import InvalidConfiguration, InvalidInput, MissingExtraError
from barnekoordinator.exporting import ExportView
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child
from barnekoordinator.plugins import exporters, get_plugin_manager
from barnekoordinator.protocols import Exporter
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.archive import STORY, export_view_of, realistic_case
from barnekoordinator.testing.builders import DEFAULT_AS_OF, consent_all, standard_case
from barnekoordinator.texts import Language
from barnekoordinator_plugins.archive import (
    HtmlArchiveExporter,
    PdfArchiveExporter,
    archive_exporters,
)
from barnekoordinator_plugins.archive._texts import LABEL_GROUPS, LABELS

LANGS = ("nb", "nn", "en")

# Headings that differ between the languages: each document must be in its own.
HEADINGS = {
    "nb": ("Samarbeidsmøter", "Stafettholdere og overføringer", "Samtykker", "Laget av"),
    "nn": ("Samarbeidsmøte", "Stafetthaldarar og overføringar", "Samtykke", "Laga av"),
    "en": (
        "Cooperation meetings (samarbeidsmøter)",
        "Baton holders and handovers (stafettholder)",
        "Consents",
        "Made by",
    ),
}


@pytest.fixture(scope="module")
def view() -> ExportView:
    run, last = realistic_case()
    return export_view_of(run.case, last, exported_by="Siri, koordinerende enhet")


def _html_text(content: bytes) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", content.decode("utf-8")))


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _squeezed(text: str) -> str:
    """Without whitespace: the PDF wraps long cells over lines (and dates at their hyphens)."""
    return re.sub(r"\s+", "", text)


def _facts(view: ExportView) -> list[str]:
    """The key facts every language must show, as the case wrote them."""
    return [
        STORY["tiltak_lek"],
        STORY["tiltak_fysio"],
        STORY["evaluation"],
        STORY["minutes"],
        STORY["log_decision"],
        STORY["plan_goal"],
        STORY["plan_measure"],
        STORY["closing"],
        STORY["considerations"],
        "2026-01-19",  # the meeting's day
        "k-stafettlogg",
        "k-individual-plan",  # consents
        "ppt",  # the stafettholder after the handover
        view.case_id,
        view.exported_by,
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_the_html_shows_the_whole_case_in_its_language(view: ExportView, lang: str) -> None:
    result = HtmlArchiveExporter(lang=lang).export(view)
    assert (result.format, result.media_type) == ("archive-html", "text/html; charset=utf-8")
    assert (result.case_id, result.version) == (view.case_id, view.version)
    page = result.content.decode("utf-8")
    assert f'<html lang="{lang}">' in page
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert policy is not None
    assert html.unescape(policy.group(1)) == DOCUMENT_POLICY
    text = _html_text(result.content)
    for fact in [*_facts(view), *HEADINGS[lang]]:
        assert fact in text, fact
    for other in set(LANGS) - {lang}:
        assert HEADINGS[other][0] not in text or HEADINGS[other][0] in HEADINGS[lang][0]
    # the baton history names the handover to PPT with its day
    assert re.search(r"2026-01-28\s*</td>", page)


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_reads_back_with_the_facts_in_its_language(view: ExportView, lang: str) -> None:
    result = PdfArchiveExporter(lang=lang).export(view)
    assert result.media_type == "application/pdf"
    assert result.content.startswith(b"%PDF-")
    text = _squeezed(_pdf_text(result.content))
    for fact in [*_facts(view), *HEADINGS[lang]]:
        assert _squeezed(fact) in text, fact


def test_the_pdf_is_pdf_a_3b_with_its_metadata(view: ExportView) -> None:
    reader = pypdf.PdfReader(io.BytesIO(PdfArchiveExporter(lang="nn").export(view).content))
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root
    assert root["/Lang"] == "nn"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    meta = reader.metadata
    assert meta is not None
    assert meta.title is not None
    assert view.case_id in meta.title
    assert meta.author == view.exported_by


def _identifiers(view: ExportView) -> list[str]:
    run, _ = realistic_case()
    child = run.case.subject
    assert isinstance(child, Child)
    assert child.person_id is not None
    return [str(child.person_id), child.birth_date.isoformat()]


@pytest.mark.parametrize("exporter", [HtmlArchiveExporter(), PdfArchiveExporter(lang="en")])
def test_no_identifier_without_identifiers(view: ExportView, exporter: Exporter) -> None:
    """The child's fødselsnummer and birth date appear only in a view made with identifiers."""
    fnr, born = _identifiers(view)
    assert not view.identifiers
    without = exporter.export(view).content
    text = _html_text(without) if exporter.format == "archive-html" else _pdf_text(without)
    assert fnr not in _squeezed(text)
    assert born not in text
    run, last = realistic_case()
    with_ids = export_view_of(run.case, last, identifiers=True)
    content = exporter.export(with_ids).content
    text = _html_text(content) if exporter.format == "archive-html" else _pdf_text(content)
    assert fnr in _squeezed(text)


def test_no_guardian_id_even_with_identifiers() -> None:
    """Only the child's id is shown; guardians appear by ref (and name), never by id."""
    run = standard_case(age=5)
    view = export_view_of(run.case, DEFAULT_AS_OF, identifiers=True)
    born = (date(1990, 6, 2), date(1988, 11, 23))
    ids = [
        PersonId.parse(synthetic_fodselsnummer(b), policy=IdentifierPolicy.testing()) for b in born
    ]
    view = attrs.evolve(
        view,
        guardians=tuple(
            attrs.evolve(g, person_id=i) for g, i in zip(view.guardians, ids, strict=True)
        ),
    )
    text = _html_text(HtmlArchiveExporter().export(view).content)
    assert not any(str(i) in text for i in ids)
    assert all(g.ref in text for g in view.guardians)


def test_hostile_text_is_shown_as_text() -> None:
    """A tiltak called <script> is escaped: the page has no script and no injected markup."""
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [ServiceKind.BARNEHAGE], as_of=DEFAULT_AS_OF)
    run.run(
        stafettlogg.open_stafettlogg,
        by="pl",
        holder_ref="pl",
        level=stafettlogg.BtiLevel.NIVAA_2,
        as_of=DEFAULT_AS_OF,
    )
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    run.run(
        stafettlogg.add_log_measure,
        tiltak_id="t1",
        by="pl",
        description=hostile,
        responsible_ref="pl",
        evaluation_date=DEFAULT_AS_OF + timedelta(days=28),
        as_of=DEFAULT_AS_OF,
    )
    page = HtmlArchiveExporter().export(export_view_of(run.case, DEFAULT_AS_OF)).content.decode()
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "&lt;script&gt;" in page
    assert hostile in html.unescape(page)


def test_every_label_exists_in_every_language_with_no_stray_placeholder() -> None:
    """No fallback: every label has a non-empty nb, nn and en text."""
    for key, text in LABELS.items():
        values = {lang: text.get(lang) for lang in LANGS}
        assert all(v.strip() for v in values.values()), key
        placeholders = {lang: set(re.findall(r"{(\w+)}", v)) for lang, v in values.items()}
        assert placeholders["nb"] == placeholders["nn"] == placeholders["en"], key


def test_every_enum_value_shown_has_its_label() -> None:
    missing = [
        f"{group}.{value.value}"
        for group, kind in LABEL_GROUPS.items()
        for value in kind
        if f"{group}.{value.value}" not in LABELS
    ]
    assert missing == []


def test_domain_names_stay_norwegian_with_an_english_gloss() -> None:
    for key, name in (
        ("section.logs", "stafettlogg"),
        ("log.tiltak", "tiltak"),
        ("section.plans", "individuell plan"),
    ):
        assert name in LABELS[key].get("nb").lower()
        assert name in LABELS[key].get("en").lower()
        assert LABELS[key].get("en").lower() != name


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidInput, match="'nb', 'nn' or 'en'"):
        HtmlArchiveExporter(lang="se")
    pm = get_plugin_manager()
    with pytest.raises(InvalidConfiguration, match="lang"):
        exporters(pm, Config(store="memory:", plugin_options={"archive": {"lang": "sv"}}))


def test_the_plugin_provides_both_formats_in_the_configured_language() -> None:
    pm = get_plugin_manager()
    found = exporters(pm, Config(store="memory:", plugin_options={"archive": {"lang": "nn"}}))
    archive = {e.format: e for e in found if e.format.startswith("archive-")}
    assert set(archive) == {"archive-html", "archive-pdf"}
    assert all(getattr(e, "lang", None) is Language.NN for e in archive.values())
    default = exporters(pm, Config(store="memory:"))
    assert {getattr(e, "lang", None) for e in default if e.format.startswith("archive-")} == {
        Language.NB
    }
    assert [type(e) for e in archive_exporters("en")] == [HtmlArchiveExporter, PdfArchiveExporter]


@pytest.mark.parametrize(
    ("module", "hidden"),
    [
        ("barnekoordinator_plugins.archive._pdf", "weasyprint"),
        ("barnekoordinator_plugins.archive._html", "jinja2"),
    ],
)
def test_without_the_extra_the_renderer_names_the_pip_command(
    monkeypatch: pytest.MonkeyPatch, view: ExportView, module: str, hidden: str
) -> None:
    """The plugin loads without the extra; making a document names what to install."""
    monkeypatch.setitem(sys.modules, hidden, None)  # import of it now fails, as when absent
    monkeypatch.delitem(sys.modules, module)
    with pytest.raises(MissingExtraError, match=r"pip install 'barnekoordinator\[archive\]'"):
        importlib.import_module(module)
    monkeypatch.delitem(sys.modules, module, raising=False)
    with pytest.raises(MissingExtraError) as caught:
        PdfArchiveExporter().export(view)
    assert caught.value.extra == "archive"


def test_an_empty_case_renders_with_none_shown() -> None:
    """A case with nothing in it yet still gives a whole document (sections say none)."""
    run = standard_case(age=2)
    view = export_view_of(run.case, DEFAULT_AS_OF)
    view = attrs.evolve(view, entries=(), consents=())
    for lang in LANGS:
        text = _html_text(HtmlArchiveExporter(lang=lang).export(view).content)
        assert LABELS["doc.none"].get(lang) in text


def test_an_item_written_the_day_a_new_log_opens_is_shown_under_that_log() -> None:
    """A log closed and a new one opened on the same day: each item under its own log.

    The export's frames name their items (``LogFrame.item_ids``); a guess by date would put
    the new log's first observation under the log that closed that morning.
    """
    from barnekoordinator.coordination.stafettlogg import (
        BtiLevel,
        ClosingReason,
        ObservationKind,
        close_stafettlogg,
        open_stafettlogg,
        record_observation,
    )

    day = DEFAULT_AS_OF
    services = (ServiceKind.BARNEHAGE, ServiceKind.HELSESTASJON)
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, consent_id="first")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=day)
    first = "Sover dårlig i hvilestunden"
    second = "Trives i den nye gruppa"
    run.run(
        record_observation,
        observation_id="o1",
        by="pl",
        kind=ObservationKind.OPPMERKSOMHET,
        text=first,
        as_of=day,
    )
    run.run(close_stafettlogg, by="pl", reason=ClosingReason.GOAL_REACHED, as_of=day)
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, consent_id="again", as_of=day)
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=day)
    run.run(
        record_observation,
        observation_id="o2",
        by="pl",
        kind=ObservationKind.OPPMERKSOMHET,
        text=second,
        as_of=day,
    )
    page = _html_text(HtmlArchiveExporter(lang="nb").export(export_view_of(run.case, day)).content)
    log1, log2 = page.index("Stafettlogg 1"), page.index("Stafettlogg 2")
    assert log1 < page.index(first) < log2 < page.index(second)


def test_a_long_unbroken_word_stays_on_the_page() -> None:
    """A pasted link or code with no place to break widened its table past the page, and the
    PDF/A cut off the text and the columns after it (archive sweep, 2026-12-07): the archive
    copy lost data. Every text run now starts on the page, and the whole word is there."""
    run, last = realistic_case(close=False)
    word = "https://sykehus.example.no/" + "".join(chr(97 + i % 26) for i in range(400)) + "SLUTT"
    run.run(
        stafettlogg.add_log_measure,
        tiltak_id="t-long",
        by="pl",
        description=word,
        responsible_ref="pl",
        evaluation_date=last + timedelta(days=30),
        as_of=last,
    )
    pdf = PdfArchiveExporter(lang="nb").export(export_view_of(run.case, last)).content
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    outside: list[float] = []
    for page in reader.pages:
        width = float(page.mediabox.width)

        def visit(
            text: str, cm: list[float], tm: list[float], *_: object, width: float = width
        ) -> None:
            x = tm[4] * cm[0] + cm[4]
            if text.strip() and not 0 <= x <= width:
                outside.append(x)

        page.extract_text(visitor_text=visit)
    assert outside == []
    assert word in re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
