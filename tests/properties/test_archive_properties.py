"""Random stafettlogg histories render to the archive document without error, and every visible
entry's title is in it (issue 13 item 4), in every language."""

from __future__ import annotations

import contextlib
import html
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination import stafettlogg as sl
from barnekoordinator.errors import BarnekoordinatorError
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.archive import export_view_of
from barnekoordinator.testing.builders import DEFAULT_AS_OF, CaseRun, consent_all, standard_case
from barnekoordinator.texts import Language
from barnekoordinator_plugins.archive import HtmlArchiveExporter, PdfArchiveExporter, entry_title

# Any text a person could type: no lone surrogates (not UTF-8) and no C0/C1 controls (not HTML).
TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    str.strip
)
WRITERS = ("pl", "hs", "fysio")
SERVICES = (ServiceKind.BARNEHAGE, ServiceKind.HELSESTASJON, ServiceKind.FYSIOTERAPI)


def _try(run: CaseRun, command: Any, **kwargs: Any) -> None:
    # The rules may refuse it: a valid outcome, and nothing was recorded.
    with contextlib.suppress(BarnekoordinatorError):
        run.run(command, **kwargs)


@st.composite
def histories(draw: Any) -> tuple[CaseRun, Any]:
    run = standard_case(age=draw(st.integers(0, 17)))
    day = DEFAULT_AS_OF
    consent_all(run, ConsentPurpose.STAFETTLOGG, SERVICES, as_of=day)
    level = draw(st.sampled_from([sl.BtiLevel.NIVAA_2, sl.BtiLevel.NIVAA_3]))
    run.run(sl.open_stafettlogg, by="pl", holder_ref="pl", level=level, as_of=day)
    for n in range(draw(st.integers(0, 10))):
        day += timedelta(days=draw(st.integers(0, 9)))
        by = draw(st.sampled_from(WRITERS))
        action = draw(st.sampled_from(["tiltak", "eval", "goal", "note", "meet", "min", "dec"]))
        log = sl.open_log(run.case)
        if log is None:
            break
        if action == "tiltak":
            _try(
                run,
                sl.add_log_measure,
                tiltak_id=f"t{n}",
                by=by,
                description=draw(TEXT),
                responsible_ref=by,
                evaluation_date=day + timedelta(days=14),
                as_of=day,
            )
        elif action == "eval" and log.tiltak:
            t = draw(st.sampled_from(log.tiltak))
            _try(
                run,
                sl.evaluate_log_measure,
                tiltak_id=t.id,
                by=t.responsible_ref,
                effect=draw(st.sampled_from(list(sl.EffectAssessment))),
                next_step=draw(st.sampled_from(list(sl.MeasureNext))),
                note=draw(TEXT),
                next_evaluation_date=day + timedelta(days=14),
                as_of=day,
            )
        elif action == "goal":
            _try(run, sl.set_goal, goal_id=f"g{n}", by=by, text=draw(TEXT), as_of=day)
        elif action == "note":
            _try(
                run,
                sl.record_observation,
                observation_id=f"o{n}",
                by=by,
                kind=draw(st.sampled_from(list(sl.ObservationKind))),
                text=draw(TEXT),
                as_of=day,
            )
        elif action == "meet":
            _try(
                run,
                sl.schedule_meeting,
                meeting_id=f"m{n}",
                by="pl",
                meeting_on=day + timedelta(days=3),
                agenda=(draw(TEXT),),
                invited=("hs",),
                as_of=day,
            )
        elif action == "min" and log.meetings:
            m = draw(st.sampled_from(log.meetings))
            _try(
                run,
                sl.record_minutes,
                meeting_id=m.id,
                by="pl",
                text=draw(TEXT),
                attended=("pl",),
                as_of=max(day, m.on),
            )
        elif action == "dec":
            _try(run, sl.record_decision, decision_id=f"d{n}", by="pl", text=draw(TEXT), as_of=day)
    if draw(st.booleans()):
        _try(
            run,
            sl.close_stafettlogg,
            by="pl",
            reason=draw(st.sampled_from(list(sl.ClosingReason))),
            summary=draw(TEXT),
            as_of=day,
        )
    return run, day


@settings(max_examples=40, deadline=None)
@given(histories(), st.sampled_from(list(Language)))
def test_every_visible_entry_title_is_in_the_html(
    history: tuple[CaseRun, Any], lang: Language
) -> None:
    run, day = history
    view = export_view_of(run.case, day)
    page = HtmlArchiveExporter(lang=lang).export(view).content.decode("utf-8")
    assert "<script" not in page
    text = html.unescape(page)
    for entry in view.entries:
        assert entry_title(entry, lang) in text, entry.meta.id


@settings(max_examples=5, deadline=None)
@given(histories())
def test_random_histories_print_to_pdf(history: tuple[CaseRun, Any]) -> None:
    run, day = history
    content = PdfArchiveExporter(lang="nn").export(export_view_of(run.case, day)).content
    assert content.startswith(b"%PDF-")
