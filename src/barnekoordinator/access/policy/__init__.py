"""Who may see and do what in a case: the access policy (domain.md §6).

[`decide()`][barnekoordinator.access.policy.decide] answers one question — may this `Principal`
perform this [`AccessAction`][barnekoordinator.access.policy.AccessAction] on this case (or on one
of its entries) on this day — with a
[`AccessDecision`][barnekoordinator.access.policy.AccessDecision] that says why and on which legal
basis. It denies by default: a permission exists only where a rule below grants it. Nothing is
cached across calls that could outlive a birthday, a withdrawal or a handover: the child's age is
computed from the registered birth date on ``as_of`` in every call, and everything else is read from
the (immutable) case value passed in, so a new event — a withdrawn consent, a participant who left —
is a new case value and is seen by the very next decision.

How a principal relates to a case ([`CaseRole`][barnekoordinator.access.policy.CaseRole]) is derived
from the case:

=================================  ===============================================
case role                          how it is recognised
=================================  ===============================================
``CHILD``                          ``principal.national_id == child.person_id``
``GUARDIAN``                       ``principal.national_id == guardian.person_id``
                                   for a guardian **with** foreldreansvar (for an
                                   expected child also the expecting mother)
``PARENT_WITHOUT_RESPONSIBILITY``  the same match, without foreldreansvar
``PARTICIPANT``                    a current participant with
                                   ``Professional.ref == principal.subject``, or
                                   the same HPR number (and, when both are known,
                                   the same organisation)
``BARNEVERN``                      system role ``barnevern`` for the case's
                                   municipality, or a participant from barnevern
``KOORDINERENDE_ENHET``            system role ``koordinerende-enhet`` for the
                                   case's municipality
``LEADER``                         system role ``leader`` for the municipality
=================================  ===============================================

Guardians and the child are matched on [`PersonId`][barnekoordinator.identifiers.PersonId]
equality (the case stores ``person_id`` on [`Guardian`][barnekoordinator.people.Guardian]
and [`Child`][barnekoordinator.people.Child]); a person registered without an id
cannot be recognised and gets no access. A principal may hold several case
roles; the first role (in the order above) whose rule allows wins, otherwise
the first role's denial is returned.

Reading entries, by the child's age on the day of the read (pbrl § 3-4,
§ 4-3; domain.md §6.2):

* **Guardians with foreldreansvar** — under 16 they see every entry except
  those a professional withheld at the child's request (12–16, § 3-4 second
  ledd) or for weighty reasons (§ 3-4 third ledd); from 16 to 18 they see
  health entries only when marked necessary to fulfil foreldreansvaret (§ 3-4
  fourth ledd), while non-health entries stay visible unless withheld (*design
  decision*: foreldreansvar lasts to 18 and the other welfare laws keep parents
  informed); entries marked necessary are always visible up to 18; from 18
  nothing, unless the adult granted the guardian access
  ([`GuardianAccessGranted`][barnekoordinator.access.grants.GuardianAccessGranted]). A
  withholding decision never expires by a birthday.
* **A parent without foreldreansvar** has no guardian rights in the case:
  everything is denied with barneloven § 47 as the reason (the limited right to
  information is served by each service outside the shared case).
* **The child** (*design decision, pending legal review*): under 12 no direct
  access (informed and heard through guardians and professionals, pbrl § 3-1,
  § 4-4 fifth ledd); from 12 the case overview, entries the child wrote,
  entries withheld at the child's own request (the child's own matters, § 4-3 c)
  and general and education entries; from 16 also every health entry (§ 4-3 b);
  from 18 everything (the case is the adult's own). Child-welfare and social
  entries, which often hold information about the parents, are given through
  the service until 18.
* **A professional from service S** reads an entry of section X when S wrote it (or the professional
  did), or when a valid consent covers S and X: a SHARE_INFORMATION consent, or for stafettlogg
  entries also a STAFETTLOGG consent (taushetsplikt; domain.md §6.3 rule 5). "Valid" means everyone
  who must consent *on the day of the read* has consented (see
  [`barnekoordinator.access.consent`][barnekoordinator.access.consent]), so a consent lapses at the
  16th and 18th birthdays and a withdrawal acts the same day.
* **Koordinerende enhet** reads entries like a service (S = koordinerende enhet)
  and sees the case overview. **Leaders** see the case overview (status and
  deadlines) but no entry content.
* **Barnevernstjenesten** gives consent to necessary health care once it has
  taken over care (pbrl § 4-5); guardians are then refused that consent. It
  reads entries only as a participating service.

Writing: guardians with foreldreansvar (until 18), the child from 12, participants, koordinerende
enhet and leaders may write; the concept commands then decide *which* change each may make. The
family acts as themselves (issue 16, decision 24): the child's own voice, lysglimt, proposed
tiltak, comments on evaluations and answers to invitations are allowed to the child from the ages
in ``MunicipalSettings.participation`` (own voice at the latest from 7, so a younger child passes
the coarse write check for those acts only), to guardians with foreldreansvar until 18 (relaying
the child's view only under 16), and each event's author must be the principal; any other event a
family member produces must name that family member as its author.
Decisions and the municipality's steps in a complaint are recorded by koordinerende enhet only;
a complaint is lodged by the complainant on their own behalf or registered by koordinerende
enhet (recognised by their event tags, since the access wing does not import the rights wing).
Consent events are checked further by
[`authorise_events()`][barnekoordinator.access.policy.authorise_events] (a family member consents
only for themselves; a professional may record a signed declaration, but only of people entitled to
give it).

Assurance by what is read (Normen; domain.md §6): health entries, and writes that touch them,
need a *high* login ([`HEALTH_ASSURANCE`][barnekoordinator.access.policy.HEALTH_ASSURANCE]:
``idporten-loa-high``, BankID ``LOA=4``, HelseID ``"4"``). By default so does everything else; a
municipality may allow *substantial* (MinID, HelseID ``"3"``) for named non-health actions
(``MunicipalSettings.substantial_assurance_actions``). Nothing is allowed below *substantial*. A
refusal for the login's level carries ``needed_assurance``, and the Casebook raises
[`InsufficientAssurance`][barnekoordinator.errors.InsufficientAssurance] naming that level.

Derived entries (decision 44): a command that copies one entry's words into a new entry asks
[`readers_beyond()`][barnekoordinator.access.policy.readers_beyond] who would read the new entry
but not the source — by the rules above, for every service a consent may name, each guardian and
the child — and copies nothing that anyone would gain.
"""

from __future__ import annotations

from barnekoordinator.access.policy._authorise import authorise_events
from barnekoordinator.access.policy._decide import decide
from barnekoordinator.access.policy._derived import readers_beyond
from barnekoordinator.access.policy._services import is_stafettlogg_entry
from barnekoordinator.access.policy._standing import case_professional, case_roles
from barnekoordinator.access.policy._values import (
    HEALTH_ASSURANCE,
    MINIMUM_ASSURANCE,
    AccessAction,
    AccessDecision,
    CaseRole,
    insufficient_assurance,
    needed_assurance,
)

__all__ = [
    "HEALTH_ASSURANCE",
    "MINIMUM_ASSURANCE",
    "AccessAction",
    "AccessDecision",
    "CaseRole",
    "authorise_events",
    "case_professional",
    "case_roles",
    "decide",
    "insufficient_assurance",
    "is_stafettlogg_entry",
    "needed_assurance",
    "readers_beyond",
]
