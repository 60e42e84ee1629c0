"""Who may apply for the family: a family member's opening is confirmed in Folkeregisteret.

pbrl § 2-5 c gives the right to a barnekoordinator to the *family*; hotl § 7-2 a first ledd makes
the municipality's duty depend on what «foreldrene eller den som samtykker på vegne av barnet»
want, and pbrl § 4-4 says who consents on a child's behalf: those with foreldreansvar. Who holds
foreldreansvar, and when the child was born, is what Folkeregisteret says (domain.md §6.3 rules 2
and 3), never what the applicant writes. A parent without foreldreansvar has only the limited
right to information of barneloven § 47. The young adult applies in her own case from 18
(vergemålsloven § 2), her age being the registry's.

So ``Casebook.open_case`` allows a guardian or the young adult only when its
[`PersonRegistry`][barnekoordinator.protocols.PersonRegistry] confirms them (decision 46), before
it looks for the child's open case: a stranger who names herself guardian of a child whose
fødselsnummer she knows learns nothing of the child's case (no ``CaseAlreadyOpen`` with its id)
and cannot make her case the child's one case. Without a registry no family member opens a case:
koordinerende enhet (hotl § 7-3) does. Staff open as before (hotl § 3-4).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pluggy
import pytest

from barnekoordinator.access.policy import CaseRole
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.cli import main
from barnekoordinator.clock import FixedClock
from barnekoordinator.config import Config
from barnekoordinator.errors import AccessDenied, CaseAlreadyOpen
from barnekoordinator.history.case import CaseOpened, open_case
from barnekoordinator.hookspecs import hookimpl
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child, ExpectedChild, Guardian, GuardianRelation
from barnekoordinator.protocols import PersonRegistry
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator.testing.leaks import identifier_runs
from barnekoordinator.testing.registry import InMemoryPersonRegistry
from barnekoordinator_plugins.memory import InMemoryCaseStore

SECRET = b"guardian-opening-secret-32-bytes"
POLICY = IdentifierPolicy.testing()
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)
BORN = date(2016, 3, 3)
ADULT_BORN = date(2007, 6, 1)  # 18 on 5 January 2026
MINOR_BORN = date(2008, 6, 1)  # 17 on 5 January 2026


def pid(born: date) -> PersonId:
    """A synthetic (Tenor +80) fødselsnummer."""
    return PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY)


CHILD_ID = pid(BORN)
MOTHER_ID = pid(date(1985, 1, 9))
FATHER_ID = pid(date(1983, 7, 2))
STRANGER_ID = pid(date(1970, 1, 1))
ADULT_ID = pid(ADULT_BORN)
MINOR_ID = pid(MINOR_BORN)
EVERY_ID = (CHILD_ID, MOTHER_ID, FATHER_ID, STRANGER_ID, ADULT_ID, MINOR_ID)


def citizen(person: PersonId, subject: str) -> Principal:
    """Someone logged in with BankID (high), acting as herself."""
    return Principal(
        subject=subject,
        display_label=subject.capitalize(),
        assurance=AssuranceLevel.HIGH,
        national_id=person,
        roles=frozenset({SystemRole.CITIZEN}),
    )


MOTHER = citizen(MOTHER_ID, "mor")
FATHER = citizen(FATHER_ID, "far")
STRANGER = citizen(STRANGER_ID, "ukjent")
ADULT = citizen(ADULT_ID, "ung")
MINOR = citizen(MINOR_ID, "yngre")
KE = Principal(
    subject="ke-siri",
    display_label="Siri, koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({SystemRole.KOORDINERENDE_ENHET}),
    municipality_number="0301",
)


def guardian(
    ref: str, person: PersonId, relation: GuardianRelation, *, responsible: bool = True
) -> Guardian:
    return Guardian(
        ref=ref, relation=relation, parental_responsibility=responsible, person_id=person
    )


def the_mother(person: PersonId = MOTHER_ID) -> Guardian:
    return guardian("mor", person, GuardianRelation.MOTHER)


def the_father(*, responsible: bool) -> Guardian:
    return guardian("far", FATHER_ID, GuardianRelation.FATHER, responsible=responsible)


def opening(*guardians: Guardian, born: date = BORN) -> CaseOpened:
    """The child's case, opened with ``guardians``."""
    return open_case(
        municipality_number="0301",
        subject=Child(ref="child", birth_date=born, person_id=CHILD_ID),
        guardians=guardians,
    )


def own_case(person: PersonId, born: date) -> CaseOpened:
    """A case whose child is the opener herself."""
    return open_case(
        municipality_number="0301", subject=Child(ref="meg", birth_date=born, person_id=person)
    )


def folkeregisteret() -> InMemoryPersonRegistry:
    """The child with the mother (foreldreansvar) and the father (none); the young adult."""
    registry = InMemoryPersonRegistry()
    registry.register_child(
        Child(ref="child", birth_date=BORN, person_id=CHILD_ID),
        [the_mother(), the_father(responsible=False)],
    )
    registry.register_person(ADULT_ID, ADULT_BORN)
    registry.register_person(MINOR_ID, MINOR_BORN)
    return registry


def make_book(store: InMemoryCaseStore, registry: PersonRegistry | None = None) -> Casebook:
    """A Casebook on 5 January 2026; with ``registry`` only when one is given."""
    extra = {} if registry is None else {"registry": registry}
    return Casebook(
        store, clock=FixedClock(NOW), sealing=TEST_SEALING_KEY, subject_secret=SECRET, **extra
    )


@pytest.fixture
def store() -> InMemoryCaseStore:
    return InMemoryCaseStore()


@pytest.fixture
def registry() -> InMemoryPersonRegistry:
    return folkeregisteret()


@pytest.fixture
def book(store: InMemoryCaseStore, registry: InMemoryPersonRegistry) -> Casebook:
    return make_book(store, registry)


def refused(book: Casebook, principal: Principal, event: CaseOpened, attempt: str) -> AccessDenied:
    """The refusal of ``principal``'s opening under the id ``attempt``: nothing of it stored,
    exactly one audit record, a refusal naming no identifier."""
    with pytest.raises(AccessDenied) as caught:
        book.open_case(principal, [event], case_id=attempt)
    store = book.store
    assert store.read(attempt) == []
    trail = store.read_audit(attempt)
    assert len(trail) == 1
    assert (trail[0].action, trail[0].allowed) == ("open", False)
    record = trail[0]
    written = (record.actor, record.actor_label, record.target, record.reason, *record.basis)
    for text in (str(caught.value), *written):
        assert identifier_runs(text) == []
        for person in EVERY_ID:
            assert person.redacted()[:6] not in text
    return caught.value


# --- the stranger -------------------------------------------------------------------------------


def test_pbrl_2_5_c_a_stranger_learns_nothing_of_the_childs_open_case(
    book: Casebook, store: InMemoryCaseStore
) -> None:
    """pbrl § 2-5 c, § 4-4: naming oneself guardian of a child one is not guardian of is refused
    before the child's open case is looked for: no ``CaseAlreadyOpen``, no id, nothing in the
    child's trail."""
    first = book.open_case(KE, [opening(the_mother())])
    events, audit = len(store.read(first)), len(store.read_audit(first))
    denial = refused(book, STRANGER, opening(the_mother(STRANGER_ID)), "attempt")
    assert not isinstance(denial, CaseAlreadyOpen)
    assert first not in str(denial)
    assert "foreldreansvar" in str(denial)
    assert (len(store.read(first)), len(store.read_audit(first))) == (events, audit)


def test_pbrl_2_5_c_the_refusal_is_the_same_whether_or_not_the_child_has_a_case() -> None:
    """pbrl § 2-5 c: the refusal (message and audit record) cannot tell a stranger whether the
    child has a case."""
    with_case, without = InMemoryCaseStore(), InMemoryCaseStore()
    book_with, book_without = (
        make_book(with_case, folkeregisteret()),
        make_book(without, folkeregisteret()),
    )
    book_with.open_case(KE, [opening(the_mother())])
    attempt = opening(the_mother(STRANGER_ID))
    one = refused(book_with, STRANGER, attempt, "attempt")
    other = refused(book_without, STRANGER, attempt, "attempt")
    assert str(one) == str(other)
    assert with_case.read_audit("attempt")[0].reason == without.read_audit("attempt")[0].reason


def test_pbrl_2_5_c_a_stranger_cannot_make_her_case_the_childs_one_case(
    book: Casebook, store: InMemoryCaseStore
) -> None:
    """pbrl § 2-5 c; IP-forskriften (one plan per person): the stranger's opening stores
    nothing, so koordinerende enhet opens the child's case and is referred to no one's."""
    refused(book, STRANGER, opening(the_mother(STRANGER_ID)), "squat")
    case_id = book.open_case(KE, [opening(the_mother())])
    assert case_id != "squat"
    assert store.read(case_id)


# --- guardians with and without foreldreansvar --------------------------------------------------


def test_pbrl_4_4_a_registered_guardian_with_foreldreansvar_opens(
    book: Casebook, store: InMemoryCaseStore, registry: InMemoryPersonRegistry
) -> None:
    """pbrl § 4-4, hotl § 7-2 a: the mother, registered with foreldreansvar of the child born on
    the day she gives, applies; the case is stored with one allowed audit record, and she reads
    it as guardian."""
    case_id = book.open_case(MOTHER, [opening(the_mother())])
    assert registry.lookups > 0
    assert len(store.read(case_id)) == 1
    trail = store.read_audit(case_id)
    assert [(r.action, r.allowed) for r in trail] == [("open", True)]
    assert CaseRole.GUARDIAN in book.read(MOTHER, case_id).roles


def test_pbrl_4_4_a_confirmed_guardian_is_referred_to_the_childs_open_case(book: Casebook) -> None:
    """IP-forskriften, hotl § 7-1: the family's own application for a child with a case leads to
    that case, as before."""
    first = book.open_case(KE, [opening(the_mother())])
    with pytest.raises(CaseAlreadyOpen) as referred:
        book.open_case(MOTHER, [opening(the_mother())])
    assert referred.value.case_id == first


def test_barnel_47_a_parent_without_foreldreansvar_is_refused(
    book: Casebook, registry: InMemoryPersonRegistry
) -> None:
    """barneloven § 47, pbrl § 4-4: the father, registered without foreldreansvar, cannot apply
    by writing that he has it; nor can the mother once the registry no longer says she has it."""
    refused(book, FATHER, opening(the_father(responsible=True)), "father")
    registry.withdraw_responsibility(CHILD_ID, MOTHER_ID)
    refused(book, MOTHER, opening(the_mother()), "mother")


def test_pbrl_4_4_the_childs_registered_birth_date_must_be_the_one_given(book: Casebook) -> None:
    """domain.md §6.3 rule 2: the child's age is the registry's; an opening that gives another
    birth date is refused (with the stranger's words: it confirms nothing)."""
    wrong = refused(book, MOTHER, opening(the_mother(), born=date(2016, 3, 4)), "wrong-day")
    stranger = refused(book, STRANGER, opening(the_mother(STRANGER_ID)), "stranger")
    assert str(wrong).split(": ", 1)[1] == str(stranger).split(": ", 1)[1]


def test_pbrl_4_4_another_guardian_named_with_foreldreansvar_must_be_registered_with_it(
    book: Casebook, store: InMemoryCaseStore
) -> None:
    """pbrl § 4-4: the mother cannot give the father guardian rights the registry does not give
    him; naming him as he is registered is allowed."""
    denial = refused(book, MOTHER, opening(the_mother(), the_father(responsible=True)), "both")
    assert "registered" in str(denial)
    case_id = book.open_case(MOTHER, [opening(the_mother(), the_father(responsible=False))])
    assert len(store.read(case_id)) == 1


def test_hotl_7_2_a_an_expecting_mother_applies_with_a_registry(store: InMemoryCaseStore) -> None:
    """hotl § 7-2 a («venter barn»), domain.md §2.6: before birth there is no child to look up;
    the expecting mother applies where a registry is configured, and not where none is."""
    expected = open_case(
        municipality_number="0301",
        subject=ExpectedChild(ref="child", expected_date=date(2026, 5, 1)),
        guardians=(the_mother(),),
    )
    refused(make_book(store), MOTHER, expected, "no-registry")
    case_id = make_book(store, folkeregisteret()).open_case(MOTHER, [expected])
    assert len(store.read(case_id)) == 1


# --- no registry, staff, the young adult --------------------------------------------------------


def test_hotl_7_2_a_without_a_registry_no_family_member_opens(store: InMemoryCaseStore) -> None:
    """Folkeregisteret is the only source of foreldreansvar: with no registry configured the
    mother's application is refused, saying so and that koordinerende enhet opens the case, and
    a stranger learns nothing of the child's open case."""
    book = make_book(store)
    denial = refused(book, MOTHER, opening(the_mother()), "mother")
    assert "registry" in str(denial)
    assert "koordinerende enhet" in str(denial)
    first = book.open_case(KE, [opening(the_mother())])
    denial = refused(book, STRANGER, opening(the_mother(STRANGER_ID)), "stranger")
    assert first not in str(denial)
    refused(book, ADULT, own_case(ADULT_ID, ADULT_BORN), "adult")


@pytest.mark.parametrize("with_registry", [True, False])
def test_hotl_3_4_staff_open_as_before(store: InMemoryCaseStore, with_registry: bool) -> None:
    """hotl § 3-4, hotl § 7-3: koordinerende enhet opens and is referred as before, with or
    without a registry, and the registry is not asked."""
    registry = folkeregisteret()
    book = make_book(store, registry if with_registry else None)
    first = book.open_case(KE, [opening(the_mother(STRANGER_ID))])
    with pytest.raises(CaseAlreadyOpen) as referred:
        book.open_case(KE, [opening(the_mother())])
    assert referred.value.case_id == first
    assert registry.lookups == 0
    assert [(r.action, r.allowed) for r in store.read_audit(first)] == [
        ("open", True),
        ("open", False),
    ]


def test_vergeml_2_the_young_adult_applies_as_the_registry_dates_her(book: Casebook) -> None:
    """vergemålsloven § 2: from 18 the young adult applies in her own case, her age being the
    registry's; a 17-year-old who writes an earlier birth date is refused."""
    case_id = book.open_case(ADULT, [own_case(ADULT_ID, ADULT_BORN)])
    assert CaseRole.CHILD in book.read(ADULT, case_id).roles
    refused(book, MINOR, own_case(MINOR_ID, date(2007, 6, 1)), "minor")


# --- one audit record, nothing stored ------------------------------------------------------------

_REFUSALS: dict[str, tuple[Principal, Callable[[], CaseOpened], bool]] = {
    "stranger": (STRANGER, lambda: opening(the_mother(STRANGER_ID)), True),
    "stranger, child with a case": (STRANGER, lambda: opening(the_mother(STRANGER_ID)), True),
    "without foreldreansvar": (FATHER, lambda: opening(the_father(responsible=True)), True),
    "another birth date": (MOTHER, lambda: opening(the_mother(), born=date(2016, 1, 1)), True),
    "no registry": (MOTHER, lambda: opening(the_mother()), False),
}


@pytest.mark.parametrize("name", sorted(_REFUSALS))
def test_a_refused_opening_is_audited_once_and_stores_nothing(name: str) -> None:
    """Every refusal leaves exactly one audit record (no identifier in it) where it was aimed,
    stores no event, and leaves the child's open case and its trail as they were."""
    principal, event, with_registry = _REFUSALS[name]
    store = InMemoryCaseStore()
    book = make_book(store, folkeregisteret() if with_registry else None)
    first = book.open_case(KE, [opening(the_mother())]) if "with a case" in name else None
    before: Sequence[object] = store.read_audit(first) if first else ()
    refused(book, principal, event(), "attempt")
    if first is not None:
        assert store.read_audit(first) == before
        assert len(store.read(first)) == 1


class _Unavailable:
    """A registry that cannot answer (Folkeregisteret down)."""

    def birth_date(self, person: PersonId) -> date | None:
        raise ConnectionError("registry unavailable")

    def guardians(self, child: PersonId) -> Sequence[Guardian]:
        raise ConnectionError("registry unavailable")


def test_a_registry_that_cannot_answer_refuses_and_is_audited_once(
    store: InMemoryCaseStore,
) -> None:
    """Failing closed: the registry's failure propagates, nothing is stored, one audit record."""
    book = make_book(store, _Unavailable())
    with pytest.raises(ConnectionError):
        book.open_case(MOTHER, [opening(the_mother())], case_id="down")
    assert store.read("down") == []
    assert [r.allowed for r in store.read_audit("down")] == [False]


# --- wiring: the plugin hook and the command line ----------------------------------------------


class _RegistryPlugin:
    """A plugin providing Folkeregisteret through ``barnekoordinator_person_registry``."""

    def __init__(self, registry: PersonRegistry) -> None:
        self.registry = registry

    @hookimpl
    def barnekoordinator_person_registry(self, config: Config) -> PersonRegistry:
        return self.registry


def test_from_config_asks_the_plugins_for_the_registry(
    bk_plugin_manager: pluggy.PluginManager,
) -> None:
    """``Casebook.from_config`` takes the registry a plugin provides; with none, the mother's
    application is refused."""
    config = Config(
        store="memory:", subject_key_secret=SECRET, sealing_key=TEST_SEALING_KEY.to_text()
    )
    bare = Casebook.from_config(config, clock=FixedClock(NOW), plugin_manager=bk_plugin_manager)
    with pytest.raises(AccessDenied, match="registry"):
        bare.open_case(MOTHER, [opening(the_mother())])
    bare.close()
    bk_plugin_manager.register(_RegistryPlugin(folkeregisteret()), name="folkeregisteret")
    book = Casebook.from_config(config, clock=FixedClock(NOW), plugin_manager=bk_plugin_manager)
    case_id = book.open_case(MOTHER, [opening(the_mother())])
    assert CaseRole.GUARDIAN in book.read(MOTHER, case_id).roles
    book.close()


def test_the_command_line_opens_for_a_family_member_only_with_a_registry_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``case open`` as the young adult: refused (exit 1) when no plugin provides a registry;
    opened when one does and confirms her birth date."""
    monkeypatch.setenv("BARNEKOORDINATOR_STORE", f"sqlite:{tmp_path / 'cases.db'}")
    monkeypatch.setenv("BARNEKOORDINATOR_SEALING_KEY", TEST_SEALING_KEY.to_text())
    monkeypatch.setenv("BARNEKOORDINATOR_SUBJECT_SECRET", SECRET.decode())
    monkeypatch.setenv("BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS", "1")
    me = tmp_path / "me.json"
    me.write_text(
        json.dumps(
            {
                "subject": "idporten-ung",
                "display_label": "Ung",
                "assurance": "high",
                "national_id": ADULT_ID.reveal(),
            }
        ),
        encoding="utf-8",
    )
    own_id = tmp_path / "own-id"
    own_id.write_text(ADULT_ID.reveal(), encoding="utf-8")
    argv = [
        "case", "open", "--as", str(me), "--municipality", "0301", "--born", "2007-06-01",
        "--child-id-file", str(own_id), "--allow-synthetic", "--json",
    ]  # fmt: skip
    capsys.readouterr()
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "registry" in err
    assert identifier_runs(err) == []

    import barnekoordinator.plugins as plugins

    build = plugins.get_plugin_manager

    def with_registry(**kwargs: object) -> plugins.PluginHost:
        pm = build(**kwargs)  # type: ignore[arg-type]
        pm.register(_RegistryPlugin(folkeregisteret()), name="folkeregisteret")
        return pm

    monkeypatch.setattr(plugins, "get_plugin_manager", with_registry)
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["case_id"]
