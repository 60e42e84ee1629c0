"""The facts an assessment may rely on, and their validation.

The input values are frozen attrs classes.
[`EligibilityFacts`][barnekoordinator.rights.eligibility.EligibilityFacts] checks the whole tree
when it is built and raises [`SchemaViolation`][barnekoordinator.errors.SchemaViolation] listing
every problem with its JSON path, so a value that exists is a valid one.

``HEALTH_KINDS`` and ``WELFARE_KINDS`` (the service kinds of each sector) are
internal to the eligibility package: validation and the evaluator both read them.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from attrs import frozen
else:
    from barnekoordinator._classes import frozen

from barnekoordinator._redact import number_shaped
from barnekoordinator._who_consents import GuardianRelation
from barnekoordinator.errors import SchemaViolation
from barnekoordinator.rights.eligibility._vocabulary import WISH_FIELD, Right, Wish
from barnekoordinator.services import SERVICES, Sector, ServiceKind

__all__ = [
    "Author",
    "ChildFacts",
    "EligibilityFacts",
    "ExistingCoordination",
    "ExpectedChildFacts",
    "GuardianFacts",
    "Judgement",
    "Judgements",
    "Needs",
    "Wishes",
]

HEALTH_KINDS: Final = frozenset(
    k for k, s in SERVICES.items() if s.sector is Sector.HEALTH_AND_CARE
)
WELFARE_KINDS: Final = frozenset(k for k, s in SERVICES.items() if s.sector is Sector.OTHER_WELFARE)


# cache_hash: a Wishes is a key of the evaluator's shared wish reasons; it hashes its value once.
@frozen(kw_only=True, cache_hash=True)
class Wishes:
    """One party's wish for each right (unknown until asked)."""

    barnekoordinator: Wish = Wish.UNKNOWN
    koordinator: Wish = Wish.UNKNOWN
    individual_plan: Wish = Wish.UNKNOWN
    stafettlogg: Wish = Wish.UNKNOWN

    def for_right(self, right: Right) -> Wish:
        """The wish recorded for ``right``."""
        wish: Wish = getattr(self, WISH_FIELD[right])
        return wish


_NO_WISHES: Final = Wishes()


@frozen(kw_only=True)
class Author:
    """Who made a professional judgement: an opaque actor reference, never a national id."""

    ref: str
    role: str
    """The author's role, e.g. ``"helsesykepleier"`` or ``"koordinerende enhet"``."""
    service: ServiceKind | None = None


@frozen(kw_only=True)
class Judgement:
    """A professional's conclusion on one open legal term, with author and date.

    A judgement dated after ``as_of`` did not exist yet on that date and is ignored.
    """

    conclusion: bool
    author: Author
    assessed_on: date
    note: str = ""


@frozen(kw_only=True)
class Judgements:
    """The professional judgements the conditions need (``None`` = not yet made)."""

    serious: Judgement | None = None
    """«alvorlig sykdom, skade eller nedsatt funksjonsevne» (C2)."""
    long_term: Judgement | None = None
    """«langvarige» (C3)."""
    composite: Judgement | None = None
    """«sammensatte» (C4, either this or ``coordinated``)."""
    coordinated: Judgement | None = None
    """«koordinerte» (C4; alone for koordinator and individuell plan)."""


@frozen(kw_only=True)
class Needs:
    """The services the family needs; the sector of each comes from `services`.

    ``health_and_care`` / ``other_welfare`` record a need not covered by a listed
    service (``True``, e.g. NAV benefits) or a finding of *no* need (``False``).
    ``None`` means: derive it from ``services``; with no such service listed the
    need counts as not yet mapped.
    """

    services: tuple[ServiceKind, ...] = ()
    health_and_care: bool | None = None
    other_welfare: bool | None = None


@frozen(kw_only=True)
class ChildFacts:
    """A born child: a case-local reference and the registered birth date."""

    ref: str
    birth_date: date


@frozen(kw_only=True)
class ExpectedChildFacts:
    """A child not yet born, or an approved adoption in progress (``adoption=True``).

    ``birth_date`` is the birth date of the child to be adopted, when known: the barnekoordinator
    is for families with a child under 18 (hotl § 7-2 a, pbrl § 2-5 c), so C7 is assessed on it.
    Only an adoption has one (a child not yet born is expected on ``expected_date``).
    """

    ref: str
    expected_date: date
    adoption: bool = False
    birth_date: date | None = None


@frozen(kw_only=True)
class GuardianFacts:
    """A parent or carer: whether they hold foreldreansvar, and their wishes.

    ``relation`` says who the pregnant woman is before birth (``MOTHER``); it is
    optional, and without it nobody is known to be pregnant.
    """

    ref: str
    parental_responsibility: bool
    wishes: Wishes = _NO_WISHES
    relation: GuardianRelation | None = None


@frozen(kw_only=True)
class ExistingCoordination:
    """Coordination already in place for this child or family."""

    barnekoordinator: bool = False
    koordinator: bool = False
    individual_plan: bool = False
    stafettlogg: bool = False
    family_barnekoordinator: bool = False
    """The family already has a barnekoordinator, appointed for a sibling (BK-20)."""
    previous_municipality_barnekoordinator: bool = False
    """A barnekoordinator was appointed in the municipality the family moved from (BK-19)."""


_NO_EXISTING: Final = ExistingCoordination()
_NO_NEEDS: Final = Needs()
_NO_JUDGEMENTS: Final = Judgements()


def _ref_problem(path: str, value: str) -> list[tuple[str, str]]:
    if not value.strip():
        return [(path, "must be a non-empty reference")]
    if number_shaped(value):
        return [(path, "must be an opaque reference, never a national identity number")]
    return []


# --- types: the Python API gives no schema, so the classes check what the schema would ---------

_Problems = list[tuple[str, str]]


def _want(problems: _Problems, path: str, value: object, ok: bool, expected: str) -> bool:
    """Record a problem at ``path`` unless ``ok``; the message names the type, never the value."""
    if not ok:
        problems.append((path, f"expected {expected}, got {type(value).__name__}"))
    return ok


def _bool(problems: _Problems, path: str, value: object) -> None:
    _want(problems, path, value, type(value) is bool, "true or false (a bool)")


def _date(problems: _Problems, path: str, value: object) -> bool:
    # A datetime is a date subclass, and compares with neither dates nor as_of: refused.
    return _want(problems, path, value, type(value) is date, "a datetime.date (not a datetime)")


def _str(problems: _Problems, path: str, value: object) -> bool:
    return _want(problems, path, value, isinstance(value, str), "a str")


def _free_text(problems: _Problems, path: str, value: object) -> None:
    """A free text kept for people: a str with no national identity number in it (it would
    show in the repr and in the facts document)."""
    if not _str(problems, path, value):
        return
    assert isinstance(value, str)
    if number_shaped(value):
        problems.append((path, "must not hold a national identity number (free text)"))


def _wishes_types(problems: _Problems, path: str, wishes: object) -> None:
    if not _want(problems, path, wishes, isinstance(wishes, Wishes), "a Wishes"):
        return
    for name in ("barnekoordinator", "koordinator", "individual_plan", "stafettlogg"):
        wish = getattr(wishes, name)
        _want(problems, f"{path}.{name}", wish, isinstance(wish, Wish), "a Wish member")


def _kinds_types(problems: _Problems, path: str, kinds: object) -> None:
    if not _want(problems, path, kinds, type(kinds) is tuple, "a tuple of ServiceKind members"):
        return
    assert isinstance(kinds, tuple)
    for i, kind in enumerate(kinds):
        _want(problems, f"{path}[{i}]", kind, isinstance(kind, ServiceKind), "a ServiceKind")


def _judgement_types(problems: _Problems, path: str, judgement: object) -> None:
    if judgement is None:
        return
    if not _want(problems, path, judgement, isinstance(judgement, Judgement), "a Judgement"):
        return
    assert isinstance(judgement, Judgement)
    _bool(problems, f"{path}.conclusion", judgement.conclusion)
    _date(problems, f"{path}.assessed_on", judgement.assessed_on)
    _free_text(problems, f"{path}.note", judgement.note)
    author = judgement.author
    if _want(problems, f"{path}.author", author, isinstance(author, Author), "an Author"):
        _str(problems, f"{path}.author.ref", author.ref)
        _free_text(problems, f"{path}.author.role", author.role)
        service = author.service
        ok = service is None or isinstance(service, ServiceKind)
        _want(problems, f"{path}.author.service", service, ok, "a ServiceKind or None")


def _type_problems(facts: EligibilityFacts) -> _Problems:
    """Every value of the wrong type in ``facts``, with its path (checked before the values)."""
    problems: _Problems = []
    child = facts.child
    if child is not None and _want(
        problems, "$.child", child, isinstance(child, ChildFacts), "a ChildFacts"
    ):
        _str(problems, "$.child.ref", child.ref)
        _date(problems, "$.child.birth_date", child.birth_date)
    expected = facts.expected_child
    if expected is not None and _want(
        problems,
        "$.expected_child",
        expected,
        isinstance(expected, ExpectedChildFacts),
        "an ExpectedChildFacts",
    ):
        _str(problems, "$.expected_child.ref", expected.ref)
        _date(problems, "$.expected_child.expected_date", expected.expected_date)
        _bool(problems, "$.expected_child.adoption", expected.adoption)
        if expected.birth_date is not None:
            _date(problems, "$.expected_child.birth_date", expected.birth_date)
    needs = facts.needs
    if _want(problems, "$.needs", needs, isinstance(needs, Needs), "a Needs"):
        _kinds_types(problems, "$.needs.services", needs.services)
        for flag in ("health_and_care", "other_welfare"):
            value = getattr(needs, flag)
            ok = value is None or type(value) is bool
            _want(problems, f"$.needs.{flag}", value, ok, "true, false or None")
    judgements = facts.judgements
    if _want(
        problems, "$.judgements", judgements, isinstance(judgements, Judgements), "a Judgements"
    ):
        for name in _JUDGEMENT_NAMES:
            _judgement_types(problems, f"$.judgements.{name}", getattr(judgements, name))
    guardians = facts.guardians
    if _want(
        problems, "$.guardians", guardians, type(guardians) is tuple, "a tuple of GuardianFacts"
    ):
        for i, g in enumerate(guardians):
            path = f"$.guardians[{i}]"
            if not _want(problems, path, g, isinstance(g, GuardianFacts), "a GuardianFacts"):
                continue
            _str(problems, f"{path}.ref", g.ref)
            _bool(problems, f"{path}.parental_responsibility", g.parental_responsibility)
            _wishes_types(problems, f"{path}.wishes", g.wishes)
            relation = g.relation
            ok = relation is None or isinstance(relation, GuardianRelation)
            _want(problems, f"{path}.relation", relation, ok, "a GuardianRelation or None")
    _wishes_types(problems, "$.child_wishes", facts.child_wishes)
    _wishes_types(problems, "$.barnevern_wishes", facts.barnevern_wishes)
    for flag in ("child_heard", "barnevern_has_care", "parental_risk_factors"):
        _bool(problems, f"$.{flag}", getattr(facts, flag))
    level = facts.bti_level
    ok = level is None or type(level) is int
    _want(problems, "$.bti_level", level, ok, "an int from 0 to 3, or None")
    existing = facts.existing
    if _want(
        problems,
        "$.existing",
        existing,
        isinstance(existing, ExistingCoordination),
        "an ExistingCoordination",
    ):
        for flag in _EXISTING_FLAGS:
            _bool(problems, f"$.existing.{flag}", getattr(existing, flag))
    _kinds_types(problems, "$.services_declining_cooperation", facts.services_declining_cooperation)
    _free_text(problems, "$.description", facts.description)
    diagnoses = facts.diagnoses
    if _want(problems, "$.diagnoses", diagnoses, type(diagnoses) is tuple, "a tuple of str"):
        for i, diagnosis in enumerate(diagnoses):
            _free_text(problems, f"$.diagnoses[{i}]", diagnosis)
    return problems


_JUDGEMENT_NAMES: Final = ("serious", "long_term", "composite", "coordinated")
_EXISTING_FLAGS: Final = (
    "barnekoordinator",
    "koordinator",
    "individual_plan",
    "stafettlogg",
    "family_barnekoordinator",
    "previous_municipality_barnekoordinator",
)


def _fact_problems(facts: EligibilityFacts) -> list[tuple[str, str]]:
    problems = _type_problems(facts)
    if problems:  # the value checks below read the values as their types
        return problems
    if (facts.child is None) == (facts.expected_child is None):
        problems.append(("$", "give exactly one of 'child' and 'expected_child'"))
    if facts.child is not None:
        problems += _ref_problem("$.child.ref", facts.child.ref)
    if facts.expected_child is not None:
        expected = facts.expected_child
        problems += _ref_problem("$.expected_child.ref", expected.ref)
        if expected.birth_date is not None and not expected.adoption:
            problems.append(
                (
                    "$.expected_child.birth_date",
                    "only a child to be adopted has a birth date (adoption is false): "
                    "a child not yet born is expected on expected_date",
                )
            )
    seen: set[str] = set()
    for i, g in enumerate(facts.guardians):
        problems += _ref_problem(f"$.guardians[{i}].ref", g.ref)
        if g.ref in seen:
            problems.append((f"$.guardians[{i}].ref", f"duplicate guardian reference {g.ref!r}"))
        seen.add(g.ref)
    for name in _JUDGEMENT_NAMES:
        judgement: Judgement | None = getattr(facts.judgements, name)
        if judgement is not None:
            problems += _ref_problem(f"$.judgements.{name}.author.ref", judgement.author.ref)
            if not judgement.author.role.strip():
                problems.append((f"$.judgements.{name}.author.role", "must name the author's role"))
    needs = facts.needs
    for flag, kinds, label in (
        ("health_and_care", HEALTH_KINDS, "a health and care service"),
        ("other_welfare", WELFARE_KINDS, "an other welfare service"),
    ):
        listed = sorted(k.value for k in needs.services if k in kinds)
        if getattr(needs, flag) is False and listed:
            problems.append(
                (
                    f"$.needs.{flag}",
                    f"false contradicts needs.services, which lists {listed[0]} ({label})",
                )
            )
    if facts.bti_level is not None and not 0 <= facts.bti_level <= 3:
        problems.append(("$.bti_level", "expected a BTI level from 0 to 3"))
    return problems


@frozen(kw_only=True)
class EligibilityFacts:
    """Everything `assess()` may rely on about one child (born or expected) and family.

    Exactly one of ``child`` and ``expected_child`` is given. ``description`` and
    ``diagnoses`` are kept for the caseworker and are **ignored** by the engine:
    a diagnosis is not a condition, and judgements are never inferred from it.
    Construction checks the whole tree and raises
    [`SchemaViolation`][barnekoordinator.errors.SchemaViolation] listing every problem.
    """

    child: ChildFacts | None = None
    expected_child: ExpectedChildFacts | None = None
    needs: Needs = _NO_NEEDS
    judgements: Judgements = _NO_JUDGEMENTS
    guardians: tuple[GuardianFacts, ...] = ()
    child_wishes: Wishes = _NO_WISHES
    """The child's or young person's own say (decisive from 16 for health matters)."""
    child_heard: bool = False
    """The child has been informed and heard (pbrl § 4-4; latest from 7 years)."""
    barnevern_has_care: bool = False
    """Barnevernstjenesten has taken over care: it consents for the child (pbrl § 4-5)."""
    barnevern_wishes: Wishes = _NO_WISHES
    bti_level: int | None = None
    parental_risk_factors: bool = False
    """Risk factors in the parent(s) only; never read as a condition in the child (BK-03)."""
    existing: ExistingCoordination = _NO_EXISTING
    services_declining_cooperation: tuple[ServiceKind, ...] = ()
    description: str = ""
    diagnoses: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        problems = _fact_problems(self)
        if problems:
            raise SchemaViolation("eligibility-facts.v1", problems)

    @property
    def subject_ref(self) -> str:
        """The reference of the child or expected child the facts are about."""
        if self.child is not None:
            return self.child.ref
        assert self.expected_child is not None  # guaranteed by construction
        return self.expected_child.ref
