"""Assurance by what is read (issue 12 item 3).

Health information needs a login at level 4 — ``idporten-loa-high``, BankID ``LOA=4``, HelseID
``"4"`` (Normen, «Faktaark 33 – Autentisering»; pasientjournalloven § 22 and helseregisterloven
§ 21 require access control fitted to the information's sensitivity). Everything else needs it
too by default; a municipality may allow *substantial* (MinID, HelseID ``"3"``) for named
non-health actions. Refusals name the level needed and are audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.access.entries import entries
from barnekoordinator.access.policy import (
    HEALTH_ASSURANCE,
    AccessAction,
    decide,
    needed_assurance,
)
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.config import ASSURANCE_ACTIONS, Config, MunicipalSettings
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import AccessDenied, InsufficientAssurance, InvalidConfiguration
from barnekoordinator.history.case import Case
from barnekoordinator.people import Section
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    TEST_SEALING_KEY,
    CaseRun,
    standard_case,
)
from barnekoordinator_plugins.memory import InMemoryCaseStore

SECRET = b"assurance-test-secret-16+"


def _run() -> CaseRun:
    """The standard case with an undring from helsestasjon (health) and one from school."""
    run = standard_case(age=8)
    for by, undring_id in (("hs", "u-health"), ("kl", "u-school")):
        run.run(
            stafettlogg.register_undring,
            undring_id=undring_id,
            by=by,
            description="Observed something",
            as_of=DEFAULT_AS_OF,
        )
    return run


CASE: Case = _run().case


def staff(subject: str, assurance: AssuranceLevel) -> Principal:
    """A participant (the subject is their ref in the standard case) at ``assurance``."""
    return Principal(
        subject=subject,
        display_label=f"Ansatt {subject}",
        assurance=assurance,
        municipality_number="0301",
    )


@pytest.fixture
def store() -> Iterator[InMemoryCaseStore]:
    """The standard case with the two undringer, in a real in-memory store."""
    made = InMemoryCaseStore()
    made.append("case-1", 0, _run().records())
    yield made
    made.close()


def book_for(store: InMemoryCaseStore, *actions: str) -> Casebook:
    """A Casebook whose municipality allows substantial logins for ``actions``."""
    return Casebook(
        store,
        clock=FixedClock(datetime(2026, 1, 5, 10, tzinfo=UTC)),
        sealing=TEST_SEALING_KEY,
        subject_secret=SECRET,
        settings=MunicipalSettings(substantial_assurance_actions=frozenset(actions)),
    )


def test_by_default_a_substantial_login_reads_nothing_and_is_told_the_level(
    store: InMemoryCaseStore,
) -> None:
    """Normen level 4 by default: MinID opens nothing; the error names «high»; audited."""
    book = book_for(store)
    with pytest.raises(InsufficientAssurance) as refused:
        book.read(staff("kl", AssuranceLevel.SUBSTANTIAL), "case-1")
    assert refused.value.needed == "high"
    assert "BankID" in str(refused.value)
    last = store.read_audit("case-1")[-1]
    assert (last.actor, last.allowed) == ("kl", False)
    assert "below high" in last.reason
    assert (
        book.read(staff("kl", AssuranceLevel.HIGH), "case-1").entry("undring:u-school") is not None
    )


def test_a_named_read_lets_substantial_see_non_health_entries_only(
    store: InMemoryCaseStore,
) -> None:
    """With «read» named, a substantial login sees the overview and school entries; health
    entries stay withheld (even the nurse's own), and the view says which login shows them."""
    book = book_for(store, "read")
    teacher = book.read(staff("kl", AssuranceLevel.SUBSTANTIAL), "case-1")
    assert teacher.entry("undring:u-school") is not None
    assert teacher.stronger_login_shows_more is None  # a high login would not show u-health
    nurse = book.read(staff("hs", AssuranceLevel.SUBSTANTIAL), "case-1")
    assert nurse.entry("undring:u-health") is None
    assert nurse.stronger_login_shows_more is AssuranceLevel.HIGH
    with pytest.raises(InsufficientAssurance, match="high"):
        book.read_entry(staff("hs", AssuranceLevel.SUBSTANTIAL), "case-1", "undring:u-health")
    # The teacher could not read it at high either: refused like a missing entry, no level.
    with pytest.raises(AccessDenied, match="no entry 'undring:u-health' that you may read"):
        book.read_entry(staff("kl", AssuranceLevel.SUBSTANTIAL), "case-1", "undring:u-health")
    assert (
        book.read(staff("hs", AssuranceLevel.HIGH), "case-1").entry("undring:u-health") is not None
    )


def test_a_named_write_never_reaches_a_health_entry(store: InMemoryCaseStore) -> None:
    """With «write» named, a substantial login writes in school's section but a write that
    adds a health entry is refused, audited, and nothing is stored."""
    book = book_for(store, "read", "write")

    def undring(by: str, undring_id: str) -> object:
        return lambda case: stafettlogg.register_undring(
            case, undring_id=undring_id, by=by, description="x", as_of=DEFAULT_AS_OF
        )

    done = book.execute(staff("kl", AssuranceLevel.SUBSTANTIAL), "case-1", undring("kl", "u-2"))
    assert done.types == ("bti.undring-registered",)
    version = store.version("case-1")
    with pytest.raises(InsufficientAssurance) as refused:
        book.execute(staff("hs", AssuranceLevel.SUBSTANTIAL), "case-1", undring("hs", "u-3"))
    assert refused.value.needed == "high"
    assert store.version("case-1") == version
    assert not store.read_audit("case-1")[-1].allowed
    book.execute(staff("hs", AssuranceLevel.HIGH), "case-1", undring("hs", "u-3"))
    assert store.version("case-1") == version + 1


def test_low_is_refused_whatever_the_settings(store: InMemoryCaseStore) -> None:
    """Nothing below substantial, even for named actions."""
    book = book_for(store, *ASSURANCE_ACTIONS)
    with pytest.raises(InsufficientAssurance) as refused:
        book.read(staff("kl", AssuranceLevel.LOW), "case-1")
    assert refused.value.needed == "substantial"


def test_settings_name_known_actions_only() -> None:
    """A misspelt action is a configuration error listing the known names."""
    with pytest.raises(InvalidConfiguration, match="substantial_assurance_actions") as bad:
        MunicipalSettings(substantial_assurance_actions=frozenset({"read", "reed"}))
    assert "'reed'" in str(bad.value)
    assert "'read-audit'" in str(bad.value)
    with pytest.raises(InvalidConfiguration, match="expected a list"):
        MunicipalSettings.from_mapping({"substantial_assurance_actions": "read"})
    settings = MunicipalSettings.from_mapping({"substantial_assurance_actions": ["read"]})
    assert settings.substantial_assurance_actions == frozenset({"read"})
    assert Config(municipality=settings).municipality is settings


def test_the_named_actions_are_the_access_actions() -> None:
    """The configuration's list and the policy's actions are the same names."""
    assert set(ASSURANCE_ACTIONS) == {a.value for a in AccessAction}


def test_helseid_and_bankid_levels_map_onto_the_scale() -> None:
    """HelseID security_level «4» and BankID LOA=4 are high; «3» and LOA=3 are substantial."""
    assert AssuranceLevel.from_acr("4") is AssuranceLevel.HIGH
    assert AssuranceLevel.from_acr("3") is AssuranceLevel.SUBSTANTIAL
    assert AssuranceLevel.from_acr("idporten-loa-high") is HEALTH_ASSURANCE


@given(
    subject=st.sampled_from(["hs", "kl", "pl", "ke", "styrer", "lege", "ppt"]),
    level=st.sampled_from(list(AssuranceLevel)),
    named=st.frozensets(st.sampled_from(ASSURANCE_ACTIONS)),
    action=st.sampled_from(list(AccessAction)),
)
def test_no_decision_lets_a_login_below_what_the_information_needs(
    subject: str, level: AssuranceLevel, named: frozenset[str], action: AccessAction
) -> None:
    """Whatever the settings: a health entry is never allowed below high; anything else only
    at substantial when its action is named; nothing below substantial; and a refusal for the
    level says the level that was needed."""
    settings = MunicipalSettings(substantial_assurance_actions=named)
    principal = staff(subject, level)
    for meta in [None, *(e.meta for e in entries(CASE))]:
        decision = decide(principal, CASE, action, meta, DEFAULT_AS_OF, settings=settings)
        needed = needed_assurance(action, meta, settings)
        if meta is not None and meta.section is Section.HEALTH:
            assert needed is AssuranceLevel.HIGH
        if decision.allowed:
            assert level.at_least(needed)
            assert level is AssuranceLevel.HIGH or action.value in named
        if not level.at_least(needed):
            assert not decision.allowed
            assert decision.needed_assurance is needed
        stronger = decide(
            attrs.evolve(principal, assurance=AssuranceLevel.HIGH),
            CASE,
            action,
            meta,
            DEFAULT_AS_OF,
            settings=settings,
        )
        if decision.allowed:
            assert stronger.allowed  # a stronger login never sees less
