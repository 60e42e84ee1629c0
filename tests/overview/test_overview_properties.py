"""Min oversikt holds only what ``decide`` allowed (issue 16 item 2), for random cases and readers.

For a random family (the child from newborn to 19, guardians with and without foreldreansvar),
random content written by the professionals themselves (consents, a stafettlogg with tiltak,
meetings and decisions, visibility decisions under pbrl § 3-4, a recorded refusal of
barnekoordinator) and a random reader (the child, a guardian with or without foreldreansvar, a
professional with or without a consent covering their service, koordinerende enhet, a leader,
a stranger) asking in a random language for their own or another version — the properties:

* every ``data-entry-id`` on the page is an entry ``decide`` lets that reader read today (the
  oracle is ``decide`` on the case as stored), and the page lists exactly those it shows;
* the text of an entry the reader may not read is nowhere on the page, nor is any national id;
  a leader's page names no one in the family;
* every call leaves exactly one audit record and stores no event; a refused reader gets
  ``AccessDenied`` (the page is never made).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from _family import (
    AS_OF,
    FATHER_ID,
    MOTHER_ID,
    NAMES,
    RICH,
    STAFF,
    STEPS,
    STRANGER_ID,
    Family,
    Filler,
    new_book,
)
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from barnekoordinator.access.entries import entries
from barnekoordinator.access.policy import AccessAction, CaseRole, decide
from barnekoordinator.errors import AccessDenied
from barnekoordinator.overview import OverviewVersion

ENTRY_ID = re.compile(r'data-entry-id="([^"]*)"')
# With foreldreansvar first: the simplest family is one whose consent can be given.
responsible = st.sampled_from([True, False])
families = st.builds(
    Family, age=st.integers(0, 19), mother_responsible=responsible, father_responsible=responsible
)
steps = st.tuples(st.sampled_from(STEPS), st.sampled_from(sorted(STAFF)), st.integers(0, 11))
# Most cases start with a stafettlogg consent for every service, an open log held by a drawn
# professional, and tiltak by the holder and another drawn professional; random steps follow.
started = st.builds(
    lambda holder, other, pick: [
        ("consent", "ke", 2),
        ("log", holder, 0),
        ("tiltak", holder, pick),
        ("tiltak", other, pick + 1),
        ("meeting", holder, pick),
    ],
    st.sampled_from(sorted(STAFF)),
    st.sampled_from(sorted(STAFF)),
    st.integers(0, 11),
)
contents = st.builds(
    lambda start, rest: [*start, *rest],
    st.one_of(started, started, started, st.just([])),
    st.lists(steps, max_size=10),
)
readers = st.sampled_from(["mother", "child", "father", "hs", "kl", "ke", "leader", "stranger"])
WITHHELD = [*RICH, ("withhold", "hs", 0), ("withhold", "hs", 1)]
versions = st.one_of(st.none(), st.none(), st.sampled_from(list(OverviewVersion)))


def _texts_of(entry: object) -> set[str]:
    """The unique texts the test wrote into an entry (``Tiltak t3``, ``Agenda m4`` …)."""
    content = getattr(entry, "content", None)
    found = {getattr(content, name, "") for name in ("description", "text")}
    found.update(getattr(content, "agenda", ()))
    return {t for t in found if isinstance(t, str) and re.fullmatch(r"\w+ [a-z]\d+", t)}


@settings(suppress_health_check=[HealthCheck.too_slow])
@example(  # a 14-year-old asked to keep a tiltak from the guardians (pbrl § 3-4 second ledd)
    family=Family(14), content=WITHHELD, later=0, reader="mother", lang="nb", version=None
)
@example(family=Family(14), content=WITHHELD, later=0, reader="child", lang="nn", version=None)
@example(  # the child at 12 reads the child version of its own case (no health entries)
    family=Family(12), content=RICH, later=0, reader="child", lang="en", version=None
)
@example(  # the guardian reads the child version with the child
    family=Family(9),
    content=RICH,
    later=30,
    reader="father",
    lang="nb",
    version=OverviewVersion.CHILD,
)
@example(  # a leader previews: refused; a leader's own page names no one in the family
    family=Family(9),
    content=RICH,
    later=0,
    reader="leader",
    lang="nb",
    version=OverviewVersion.CHILD,
)
@example(family=Family(9), content=RICH, later=0, reader="leader", lang="nb", version=None)
@example(  # the child's 16th birthday passed: the guardians lose the health tiltak
    family=Family(15), content=RICH, later=400, reader="mother", lang="nn", version=None
)
@given(
    family=families,
    content=contents,
    later=st.integers(0, 800),
    reader=readers,
    lang=st.sampled_from(["nb", "nn", "en"]),
    version=versions,
)
def test_every_entry_on_the_page_is_one_decide_allowed(
    family: Family,
    content: list[tuple[str, str, int]],
    later: int,
    reader: str,
    lang: str,
    version: OverviewVersion | None,
) -> None:
    """The page shows a subset of what the policy allows; one audit record, nothing stored."""
    book, clock = new_book()
    case_id = family.open(book)
    filler = Filler(book, case_id, family)
    for step in content:
        filler.run(*step)
    clock.set(datetime.combine(AS_OF + timedelta(days=later), time(9), tzinfo=UTC))
    who = family.principals()[reader]
    case = filler.case()
    as_of = book.today()
    overview = decide(who, case, AccessAction.READ, None, as_of, settings=book.settings)
    allowed = {
        e.meta.id: e
        for e in entries(case)
        if decide(who, case, AccessAction.READ, e.meta, as_of, settings=book.settings).allowed
    }
    hidden = [e for e in entries(case) if e.meta.id not in allowed]
    audits, events = len(book.store.read_audit(case_id)), book.store.version(case_id)
    try:
        page = book.overview(who, case_id, lang=lang, version=version)
    except AccessDenied:
        event("AccessDenied")
        assert not overview.allowed or version is not None, "a reader's own version was refused"
        assert len(book.store.read_audit(case_id)) == audits + 1
        assert book.store.version(case_id) == events
        return
    event(f"page: {page.version.value}, {len(page.entry_ids)} entries")
    assert overview.allowed
    shown = ENTRY_ID.findall(page.html)
    assert tuple(shown) == page.entry_ids
    assert set(shown) <= set(allowed), f"not allowed: {set(shown) - set(allowed)}"
    for entry in hidden:
        for written in _texts_of(entry):
            assert written not in page.html, f"{written} (of a withheld entry) is on the page"
    for person in (family.child.person_id, MOTHER_ID, FATHER_ID, STRANGER_ID):
        assert person.reveal() not in page.html
    if overview.role is CaseRole.LEADER:
        assert not any(name in page.html for name in NAMES.values())
    assert len(book.store.read_audit(case_id)) == audits + 1
    last = book.store.read_audit(case_id)[-1]
    assert (last.action, last.target, last.allowed) == ("read", "overview", True)
    assert book.store.version(case_id) == events
