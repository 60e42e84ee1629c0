"""``Casebook.overview``: Min oversikt is one audited read through the one door.

Private to [`barnekoordinator.casebook`][barnekoordinator.casebook], whose class takes
[`overview()`][barnekoordinator.casebook.Casebook.overview] from here (``casebook.py`` is at its
size limit). The view is decided by the same function as
[`read()`][barnekoordinator.casebook.Casebook.read]'s (``principal_view``), and the page is made
from that view only; [`barnekoordinator.overview`][barnekoordinator.overview] says what it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from barnekoordinator._casebook_views import principal_view, require_caller, trail_shown
from barnekoordinator.access.audit import LANGUAGES, LookGroup, summarise_looks, verify
from barnekoordinator.access.policy import AccessAction, AccessDecision, CaseRole, decide
from barnekoordinator.exporting import records_for
from barnekoordinator.overview import (
    OverviewPage,
    OverviewVersion,
    may_ask_for,
    overview_version,
)
from barnekoordinator.overview._page import build_page, render_page
from barnekoordinator.rights.decision_records import IndividualDecisionRecorded
from barnekoordinator.texts import Language

if TYPE_CHECKING:
    from barnekoordinator._casebook_call import Call
    from barnekoordinator.access.principal import Principal
    from barnekoordinator.casebook import Casebook


def overview(
    self: Casebook,
    principal: Principal,
    case_id: str,
    *,
    lang: Language | str = Language.NB,
    version: OverviewVersion | str | None = None,
) -> OverviewPage:
    """Min oversikt: the case as ``principal`` may read it today, as one HTML page (audited).

    The view is decided as in `read()` — the same overview decision, the same entries — and the
    page is made from it alone, with the individual decisions whose readers include the
    principal ([`records_for()`][barnekoordinator.exporting.records_for], as in an export; none
    for a leader, whose overview has no names) and, when the principal may read the audit trail,
    who has looked. One audit record (action ``read``, target ``overview``), allowed or refused.

    Args:
        principal: Who reads.
        case_id: The case.
        lang: ``"nb"``, ``"nn"`` or ``"en"``.
        version: Another version than the principal's own
            ([`overview_version()`][barnekoordinator.overview.overview_version]), where
            [`may_ask_for()`][barnekoordinator.overview.may_ask_for] allows it: the child may
            choose the child or youth version, a guardian the child version, a professional
            taking part, koordinerende enhet or barnevern any (a preview of what *they* may read).

    Returns:
        The page ([`OverviewPage`][barnekoordinator.overview.OverviewPage]), with the ids of the
        entries and decisions it shows.

    Raises:
        AccessDenied: the principal may not read the case, or may not ask for that version
            (audited).
        InvalidInput: an unknown language or version (audited as a usage error).
        MissingExtraError: Jinja2 is not installed (the ``overview`` extra; audited as failed).
    """
    require_caller(principal, case_id)
    call = self._call(principal, case_id, AccessAction.READ, "overview")
    try:
        return _overview(self, call, lang, version)
    except BaseException as exc:
        call.failed(exc)
        raise


def _arguments(
    call: Call, lang: object, version: object
) -> tuple[Language, OverviewVersion | None]:
    if lang not in LANGUAGES:
        raise call.misused(AccessAction.READ, f"lang: expected one of {', '.join(LANGUAGES)}")
    if version is None or isinstance(version, OverviewVersion):
        return Language(lang), version
    try:
        return Language(lang), OverviewVersion(version)
    except ValueError:
        known = ", ".join(v.value for v in OverviewVersion)
        raise call.misused(AccessAction.READ, f"version: expected one of {known}") from None


def _overview(book: Casebook, call: Call, lang: object, version: object) -> OverviewPage:
    language, asked = _arguments(call, lang, version)
    principal, case_id = call.principal, call.case_id
    case, _ = book._load(case_id)
    as_of = book.today()
    decision, view = principal_view(book, call, case, as_of)
    own = overview_version(view.roles, view.child_age)
    chosen = asked or own
    if chosen is not own and not may_ask_for(view.roles, chosen):
        raise call.refuse(
            AccessDecision(
                allowed=False,
                action=AccessAction.READ,
                reason=f"the {chosen.value} version of Min oversikt is not for this principal "
                f"(their own is the {own.value} version)",
            )
        )
    # A decision is shown to its readers only (decision 45); a leader's overview has no names.
    names = decision.role is not CaseRole.LEADER
    settings = book.settings
    decisions: Sequence[IndividualDecisionRecorded] = ()
    if names:
        decisions = records_for(
            principal,
            case,
            as_of,
            may_read=lambda meta: book._may_read(principal, case, meta, as_of),
            settings=settings,
        ).decisions
    looks: tuple[LookGroup, ...] | None = None
    audit = decide(principal, case, AccessAction.READ_AUDIT, None, as_of, settings=settings)
    if audit.allowed:
        trail = book._store.read_audit(case_id)
        verify(case_id, trail)
        # A guardian of a 16–17-year-old is not shown a health participant's looks (decision 52).
        looks = summarise_looks(trail_shown(trail, case, principal, audit.role, as_of))
    preview = chosen is not own
    page = build_page(
        view, version=chosen, lang=language, decisions=decisions, looks=looks, preview=preview
    )
    html = render_page(page)
    entry_ids = tuple(line.entry_id for part in page.parts for line in part.lines if line.entry_id)
    decision_ids = tuple(
        dict.fromkeys(line.decision_id for part in page.parts for line in part.lines)
    )
    call.audit(
        decision,
        f"overview: the {chosen.value} version in {language.value}, {len(entry_ids)} entries",
    )
    return OverviewPage(
        case_id=case_id,
        version=chosen,
        lang=language,
        as_of=as_of,
        preview=preview,
        entry_ids=entry_ids,
        decision_ids=tuple(d for d in decision_ids if d),
        html=html,
    )
