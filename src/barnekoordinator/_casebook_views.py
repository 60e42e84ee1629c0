"""The values the Casebook hands out, and the checks on what it is handed.

Private to [`barnekoordinator.casebook`][barnekoordinator.casebook], which re-exports the public
values ([`CaseView`][barnekoordinator.casebook.CaseView],
[`Recorded`][barnekoordinator.casebook.Recorded] …): they are built only from what an access
decision covered, so a view holds no identifier, and a leader's view no family names.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import TYPE_CHECKING, Final

import attrs

from barnekoordinator._redact import holds_identifier
from barnekoordinator.access.consent import Section, section_of
from barnekoordinator.access.entries import Entry, EntryMeta, entries
from barnekoordinator.access.grants import guardian_access_grants
from barnekoordinator.access.policy import AccessAction, AccessDecision, CaseRole, case_roles
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.coordination.plan import current_plan
from barnekoordinator.coordination.roles import Role, RoleAssignment, roles
from barnekoordinator.errors import InvalidInput, SealingError
from barnekoordinator.history.case import Case, CaseMode, DomainEvent
from barnekoordinator.history.paging import AgendaCursor, paged_agenda
from barnekoordinator.history.projections import AgendaItem, AgendaKind
from barnekoordinator.history.records import AuditRecord
from barnekoordinator.legal_basis import parameter
from barnekoordinator.people import (
    MAX_ID_LENGTH,
    GuardianRelation,
    case_id_problem,
    holds_number,
    text_problem,
)
from barnekoordinator.services import ServiceKind

if TYPE_CHECKING:
    from barnekoordinator._casebook_call import Call
    from barnekoordinator.casebook import Casebook


@attrs.frozen(kw_only=True)
class GuardianView:
    """A guardian as a viewer may see them: no identifier; the name only where needed."""

    ref: str
    relation: GuardianRelation
    parental_responsibility: bool
    name: str = attrs.field(default="", repr=False)


@attrs.frozen(kw_only=True)
class ParticipantView:
    """A participating professional as shown in a case view (no HPR, no organisation)."""

    ref: str
    service: ServiceKind
    title: str = ""
    name: str = attrs.field(default="", repr=False)


@attrs.frozen(kw_only=True)
class CaseView:
    """What one principal may see of one case on one day.

    ``entries`` holds only the entries the principal may read on ``as_of``;
    nothing says how many others exist. ``roles`` are the viewer's case roles;
    ``role_holders`` says who holds which role in the case (the stafettholder, a
    coordinator, koordinerende enhet …), by case-local ref.
    """

    case_id: str
    version: int
    as_of: date
    municipality_number: str
    mode: CaseMode
    is_open: bool
    roles: tuple[CaseRole, ...]
    child_ref: str | None
    child_age: int | None
    """The child's age on ``as_of`` (``None`` for an expected child)."""
    child_name: str = attrs.field(default="", repr=False)
    guardians: tuple[GuardianView, ...] = ()
    participants: tuple[ParticipantView, ...] = ()
    entries: tuple[Entry, ...] = ()
    role_holders: tuple[RoleAssignment, ...] = ()
    """Who holds which role on ``as_of`` (refs only, as in ``participants``)."""
    stronger_login_shows_more: AssuranceLevel | None = None
    """Set when entries this principal may read are withheld only because of the login's
    level (health entries need *high*): the level to ask the person to log in at."""

    def entry(self, entry_id: str) -> Entry | None:
        """The visible entry with this id."""
        return next((e for e in self.entries if e.meta.id == entry_id), None)

    def holders(self, role: str) -> tuple[str, ...]:
        """The refs holding ``role`` (a [`Role`][barnekoordinator.coordination.roles.Role] value,
        e.g. ``"stafettholder"``), in the order the case lists them.
        """
        return tuple(a.ref for a in self.role_holders if a.role.value == role)


@attrs.frozen(kw_only=True)
class Recorded:
    """What a write hands back: where it landed, never case data.

    The write decision covers changing the case, not reading it, so a write returns
    ids and numbers only; call [`Casebook.read()`][barnekoordinator.casebook.Casebook.read]
    to see the result (audited as a read).
    """

    case_id: str
    version: int
    """The case's version after the call (unchanged when nothing was stored)."""
    sequences: tuple[int, ...] = ()
    """The sequence numbers of the events this call stored, in order (empty: none)."""
    types: tuple[str, ...] = ()
    """The type tag of each stored event, in the same order."""


def batch_problem(produced: object) -> str | None:
    """Why ``produced`` is not a domain event or a sequence of them (types only), or None."""
    if isinstance(produced, DomainEvent):
        return None
    if not isinstance(produced, list | tuple):
        return f"returned {type(produced).__name__}"
    for index, item in enumerate(produced):
        if not isinstance(item, DomainEvent):
            kind = type(produced).__name__
            return f"returned a {kind} holding {type(item).__name__} at index {index}"
    return None


def as_batch(produced: DomainEvent | Sequence[DomainEvent]) -> tuple[DomainEvent, ...]:
    return (produced,) if isinstance(produced, DomainEvent) else tuple(produced)


_A_NUMBER: Final = "holds an eleven-digit number (it could be a fødselsnummer)"

MAX_ENTRY_ID_LENGTH: Final = 2 * MAX_ID_LENGTH + 100
"""The longest entry id: an entry id joins at most two ids of
[`MAX_ID_LENGTH`][barnekoordinator.people.MAX_ID_LENGTH] (``plan:<plan>:<item>``,
``invitation-answer:<meeting>:<ref>``) with a kind and separators."""
MAX_ACTION_LENGTH: Final = MAX_ID_LENGTH
"""The longest action name ``Casebook.execute`` audits (command names are a few words)."""


def quoted(value: str, limit: int = 60) -> str:
    """``value`` as an error message repeats it: a repr, cut at ``limit`` characters (``…``), so
    that a long id never comes back whole."""
    return repr(value) if len(value) <= limit else f"{value[:limit]!r}…"


def entry_id_problem(entry_id: object) -> str | None:
    """Why ``entry_id`` cannot be audited as the target ``entry:<id>`` of
    [`read_entry()`][barnekoordinator.casebook.Casebook.read_entry], or None: what
    [`text_problem()`][barnekoordinator.people.text_problem] refuses, more than
    ``MAX_ENTRY_ID_LENGTH`` characters, and a number
    ([`holds_number()`][barnekoordinator.people.holds_number]; an entry id is made of
    item ids, which never hold one). Never the value itself."""
    problem = text_problem(entry_id)
    if problem is None and isinstance(entry_id, str) and len(entry_id) > MAX_ENTRY_ID_LENGTH:
        return f"has more than {MAX_ENTRY_ID_LENGTH} characters"
    if problem is None and isinstance(entry_id, str) and holds_number(entry_id):
        return _A_NUMBER
    return problem


def label_problem(label: object) -> str | None:
    """Why ``label`` cannot be the ``actor_label`` of an audit record made without a principal
    (an import's operator), or None; never the value. The family is shown it in "who has looked
    at our case" as it is shown a principal's ``display_label``, so the same rule: a text that
    can be stored and shown ([`text_problem()`][barnekoordinator.people.text_problem])
    and no identifier — six or more digits, once spaces and the separators of written numbers
    are dropped ([`holds_identifier()`][barnekoordinator._redact.holds_identifier])."""
    problem = text_problem(label)
    if problem is not None:
        return problem
    if isinstance(label, str) and holds_identifier(label):
        return "holds an identifier (six or more digits)"
    return None


def require_caller(principal: object, case_id: object) -> None:
    """A call must name somebody and a case, or there is nothing to audit it under.

    Raises:
        InvalidInput: ``principal`` is not a Principal, or ``case_id`` is not a case id (see
            [`case_id_problem()`][barnekoordinator.people.case_id_problem]); nothing is
            read or audited.
    """
    if not isinstance(principal, Principal):
        raise InvalidInput(f"principal: expected a Principal, got {type(principal).__name__}")
    problem = case_id_problem(case_id)
    if problem is not None:
        raise InvalidInput(f"case_id: {problem}")


_WRITE_ACTIONS: Final = frozenset(
    {AccessAction.WRITE, AccessAction.CONSENT, AccessAction.DECIDE_VISIBILITY}
)
_INSTEAD: Final = {
    AccessAction.READ: "read() or read_entry()",
    AccessAction.READ_AUDIT: "who_looked()",
    AccessAction.OPEN: "open_case()",
}


REFERRED: Final = AccessDecision(
    allowed=False,
    action=AccessAction.OPEN,
    reason="the child already has an open case in this municipality; the opener was referred "
    "to it (one individual plan per person)",
    basis=("ip-forskriften", "hotl-7-1"),
)
"""The decision audited in the open case's trail when a second opening is referred to it."""


def write_action(action: object) -> tuple[AccessAction, str | None]:
    """The coarse action of ``Casebook.execute`` and, for anything but a write, the problem
    (also for a name that cannot be stored: a control character or a lone surrogate)."""
    if not isinstance(action, AccessAction) and text_problem(action) is not None:
        return AccessAction.WRITE, "execute: action: expected a write action or command name"
    if isinstance(action, str) and len(action) > MAX_ACTION_LENGTH:
        return AccessAction.WRITE, (
            f"execute: action: expected a command name of at most {MAX_ACTION_LENGTH} characters"
        )
    if isinstance(action, str) and holds_number(action):
        return AccessAction.WRITE, f"execute: action: expected a command name; this one {_A_NUMBER}"
    try:
        act = AccessAction.of(action)  # type: ignore[arg-type]
    except InvalidInput:
        return AccessAction.WRITE, "execute: action: expected a write action or command name"
    if act not in _WRITE_ACTIONS:
        return act, (
            f"execute changes a case; action {act.value!r} is not a write (use {_INSTEAD[act]})"
        )
    return act, None


def merge_decisions(first: AccessDecision, second: AccessDecision) -> AccessDecision:
    """Two allowing decisions as one (reasons and bases joined); else the refusal."""
    if not second.allowed:
        return second
    return attrs.evolve(
        first,
        reason=f"{first.reason}; {second.reason}",
        basis=tuple(dict.fromkeys((*first.basis, *second.basis))),
    )


def agenda_problem(until: object, limit: object, after: object = None) -> str | None:
    """What is wrong with the arguments of ``Casebook.agenda``, or None."""
    if not isinstance(until, date):
        return f"until: expected a date, got {type(until).__name__}"
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        return "limit: expected a whole number, 0 or more"
    if after is not None and not isinstance(after, AgendaCursor):
        return f"after: expected an AgendaCursor, got {type(after).__name__}"
    return None


def audited_action(action: object) -> str | AccessAction:
    """The action as the audit record keeps it (junk, a name that cannot be stored, one longer
    than ``MAX_ACTION_LENGTH`` and one that holds a number that may be a fødselsnummer are kept
    as 'invalid-action')."""
    if isinstance(action, AccessAction):
        return action
    if (
        isinstance(action, str)
        and text_problem(action) is None
        and len(action) <= MAX_ACTION_LENGTH
        and not holds_number(action)
    ):
        return action
    return "invalid-action"


_TEAM_ROLES: Final = frozenset({Role.BARNEKOORDINATOR, Role.KOORDINATOR, Role.STAFETTHOLDER})
"""The coordinating roles guardians must know the holder of for foreldreansvaret (decision 52)."""


def hidden_from_guardian(
    case: Case, principal: Principal, role: CaseRole | None, as_of: date
) -> frozenset[str]:
    """The refs of the participants a guardian is not shown in ``case`` on ``as_of``
    (decision 52): the one rule for every place a guardian sees the team.

    From the child's 16th birthday until 18 health information is the young person's
    (pbrl § 3-4 first and fourth ledd, § 4-3 b; helsepersonelloven § 22): that a health
    service — BUP, a psychologist, the school health service … — takes part is itself health
    information, and guardians get only what is necessary to fulfil foreldreansvaret. So a
    principal who sees the case as a guardian (``role`` is the role of the overview or audit
    decision) is not shown the participants whose service is a health service
    ([`section_of()`][barnekoordinator.access.consent.section_of] is the health section),
    except one who holds a coordinating role the guardians need to know: barnekoordinator,
    koordinator, stafettholder, or responsible for the current individuell plan. A guardian the
    young person granted the health section
    ([`GuardianAccessGranted`][barnekoordinator.access.grants.GuardianAccessGranted], active
    on ``as_of``) sees them all. Before 16, from 18 (guardians then see only what the adult
    granted), for an expected child and for every other role: nobody is hidden (empty set).
    The ages are the legal parameters ``health_majority_age`` and ``age_of_majority`` in
    force on ``as_of``, as in the access policy.
    """
    child = case.child
    if role is not CaseRole.GUARDIAN or child is None or as_of < child.birth_date:
        return frozenset()
    age = child.age_on(as_of)
    health_major = parameter("health_majority_age").at(as_of)
    if not health_major <= age < parameter("age_of_majority").at(as_of):
        return frozenset()
    person = principal.national_id
    refs = {g.ref for g in case.guardians if person is not None and g.person_id == person}
    if any(
        g.guardian_ref in refs and g.active_on(as_of) and Section.HEALTH in g.sections
        for g in guardian_access_grants(case)
    ):
        return frozenset()
    needed = {a.ref for a in roles(case, as_of) if a.role in _TEAM_ROLES}
    plan = current_plan(case)
    if plan is not None and plan.responsible_ref:
        needed.add(plan.responsible_ref)
    return frozenset(
        p.ref
        for p in case.participants
        if section_of(p.service) is Section.HEALTH and p.ref not in needed
    )


def trail_shown(
    trail: Sequence[AuditRecord],
    case: Case,
    principal: Principal,
    role: CaseRole | None,
    as_of: date,
) -> tuple[AuditRecord, ...]:
    """The audit records "who has looked" shows ``principal`` (``role``: the role of the
    audit-read decision): without the looks of the participants
    [`hidden_from_guardian()`][barnekoordinator._casebook_views.hidden_from_guardian] leaves
    out (decision 52; pbrl § 3-4, § 5-1). Matched on the record's actor id, which is the
    principal's subject: a participant whose ref is that subject."""
    hidden = hidden_from_guardian(case, principal, role, as_of)
    return tuple(r for r in trail if r.actor not in hidden)


def case_view(
    case: Case,
    principal: Principal,
    overview: AccessDecision,
    visible: tuple[Entry, ...],
    as_of: date,
) -> CaseView:
    # A leader oversees status and deadlines: roles, not names.
    names = overview.role is not CaseRole.LEADER
    # A guardian of a 16–17-year-old: no health participant without a coordinating role.
    hidden = hidden_from_guardian(case, principal, overview.role, as_of)
    child = case.child
    subject = case.subject
    return CaseView(
        case_id=case.id,
        version=case.version,
        as_of=as_of,
        municipality_number=case.municipality_number,
        mode=case.mode,
        is_open=case.is_open,
        roles=case_roles(principal, case),
        child_ref=subject.ref if subject is not None else None,
        child_age=(
            child.age_on(as_of) if child is not None and as_of >= child.birth_date else None
        ),
        child_name=child.name if child is not None and names else "",
        guardians=tuple(
            GuardianView(
                ref=g.ref,
                relation=g.relation,
                parental_responsibility=g.parental_responsibility,
                name=g.name if names else "",
            )
            for g in case.guardians
        ),
        participants=tuple(
            ParticipantView(ref=p.ref, service=p.service, title=p.title, name=p.name)
            for p in case.participants
            if p.ref not in hidden
        ),
        entries=visible,
        role_holders=tuple(a for a in roles(case, as_of) if a.ref not in hidden),
    )


def principal_view(
    book: Casebook, call: Call, case: Case, as_of: date
) -> tuple[AccessDecision, CaseView]:
    """The overview decision and the view ``call.principal`` gets of ``case`` on ``as_of``.

    The one place a view is decided — [`read()`][barnekoordinator.casebook.Casebook.read] and
    [`overview()`][barnekoordinator.casebook.Casebook.overview] both use it: a refused overview
    is audited and raised; otherwise every entry is decided on its own, and the view holds the
    allowed ones (and says when a stronger login would show more). Not audited when allowed:
    the caller audits once it has what it returns.
    """
    principal = call.principal
    overview = book._overview(principal, case, as_of)
    if not overview.allowed:
        raise call.refuse(overview)
    visible: list[Entry] = []
    stronger: AssuranceLevel | None = None
    for entry in entries(case):
        decision = book._entry_decision(principal, case, entry.meta, as_of)
        if decision.allowed:
            visible.append(entry)
        elif decision.needed_assurance is not None:
            stronger = decision.needed_assurance
    view = case_view(case, principal, overview, tuple(visible), as_of)
    if stronger is not None:
        view = attrs.evolve(view, stronger_login_shows_more=stronger)
    return overview, view


def rows_shown(
    rows: Sequence[AgendaItem],
    metas: Callable[[], Sequence[EntryMeta]],
    may_read: Callable[[EntryMeta], bool],
) -> list[AgendaItem]:
    """The agenda rows of one case a principal who may read its overview may see.

    A key without a colon (``turns-18``, ``stafettholder``, ``plan``) is about the case as
    a whole. A key ``prefix:<item>`` is about one item: the row is shown only when some
    entry's id ends in ``:<item>`` and ``may_read`` allows every such entry (fail closed:
    no entry found, no row). ``metas`` lists the case's entries, asked at most once.
    """
    listed: Sequence[EntryMeta] | None = None
    shown: list[AgendaItem] = []
    for row in rows:
        _, colon, item = row.key.partition(":")
        if not colon:
            shown.append(row)
            continue
        if listed is None:
            listed = metas()
        about = [m for m in listed if m.id.endswith(f":{item}")]
        if about and all(may_read(m) for m in about):
            shown.append(row)
    return shown


def search_rows(
    rows: Sequence[AgendaItem],
    shown_of: Callable[[str, list[AgendaItem]], tuple[AccessDecision, list[AgendaItem]]],
    limit: int | None,
) -> tuple[list[AgendaItem], dict[str, AccessDecision]]:
    """The rows of a search across cases, and the overview decision of each case shown.

    ``shown_of(case_id, rows)`` decides one case (its overview and the rows shown); a case is
    decided when its first row comes up, so a small ``limit`` loads few cases. Rows keep the
    store's order.
    """
    by_case: dict[str, list[AgendaItem]] = {}
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    decided: dict[str, tuple[AccessDecision, set[AgendaItem]]] = {}
    result: list[AgendaItem] = []
    for row in rows:
        if limit is not None and len(result) >= limit:
            break
        if row.case_id not in decided:
            overview, shown = shown_of(row.case_id, by_case[row.case_id])
            decided[row.case_id] = (overview, set(shown))
        if row in decided[row.case_id][1]:
            result.append(row)
    return result, {case_id: decided[case_id][0] for case_id in {r.case_id for r in result}}


_FIRST_READ: Final = 100
_LARGEST_READ: Final = 10_000


def paged_search(
    read: Callable[[AgendaCursor | None, int], Sequence[AgendaItem]],
    shown_of: Callable[[str, list[AgendaItem]], tuple[AccessDecision, list[AgendaItem]]],
    limit: int,
    after: AgendaCursor | None,
) -> tuple[list[AgendaItem], dict[str, AccessDecision]]:
    """[`search_rows`][barnekoordinator._casebook_views.search_rows] over the store's agenda read
    in keyset pages (``read(after, size)``) until ``limit`` rows are shown or the agenda ends.

    The first read is ``max(limit, 100)`` rows and each next one twice the last (at most
    10,000), so a page that shows every row costs one read, and a principal who may see few of
    the rows does not make one read per hundred. A case whose rows span two reads is decided
    in each (the same decision: nothing is written in between by this search).
    """
    result: list[AgendaItem] = []
    decided: dict[str, AccessDecision] = {}
    size = max(limit, _FIRST_READ)
    while len(result) < limit:
        rows = read(after, size)
        found, seen = search_rows(rows, shown_of, limit - len(result))
        result += found
        for case_id, decision in seen.items():
            decided.setdefault(case_id, decision)
        if len(rows) < size:
            break
        after, size = AgendaCursor.of(rows[-1]), min(size * 2, max(_LARGEST_READ, limit))
    return result, decided


SHREDDED: Final = AccessDecision(
    allowed=False,
    action=AccessAction.READ,
    reason="the case was crypto-shredded (its data key destroyed); no one can read it",
)
"""The decision on a crypto-shredded case in an agenda search (never audited: nothing shown)."""


def agenda_search(
    book: Casebook,
    principal: Principal,
    until: date,
    kinds: Collection[AgendaKind] | None,
    limit: int | None,
    after: AgendaCursor | None,
) -> tuple[AgendaItem, ...]:
    """[`Casebook.agenda()`][barnekoordinator.casebook.Casebook.agenda] without a case id: the
    rows of every case ``principal`` may see, each case shown audited once.

    A case crypto-shredded at the end of its retention (``KeyRing.destroy``) whose rows are
    still in the store's agenda is skipped, not named: no one can read it any more, and it
    must not break the search of everyone else's cases.
    """
    as_of = book.today()

    def shown_of(case_id: str, rows: list[AgendaItem]) -> tuple[AccessDecision, list[AgendaItem]]:
        case = _readable(book, case_id)
        if case is None:
            return SHREDDED, []
        return book._case_rows(principal, case, rows, as_of)

    def read(cursor: AgendaCursor | None, size: int | None) -> list[AgendaItem]:
        return paged_agenda(book._store, until=until, kinds=kinds, limit=size, after=cursor)

    if limit is None:
        result, decided = search_rows(read(after, None), shown_of, None)
    else:
        result, decided = paged_search(read, shown_of, limit, after)
    # Decide everything first, then audit what is shown: a failure above shows nothing.
    for shown_case in dict.fromkeys(r.case_id for r in result):
        count = sum(1 for r in result if r.case_id == shown_case)
        book._call(principal, shown_case, AccessAction.READ, "agenda").audit(
            decided[shown_case], f"agenda: {count} row(s) due by {until.isoformat()}"
        )
    return tuple(result)


def _readable(book: Casebook, case_id: str) -> Case | None:
    """The case, or None when it was crypto-shredded: it holds sealed identifiers and its data
    key is gone. Any other failure to load it (a broken chain, a key that does not open) is
    raised."""
    try:
        return book._load(case_id)[0]
    except SealingError:
        if book._keys.existing(case_id) is not None:
            raise
        return None
