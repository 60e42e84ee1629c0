"""Configuration: municipal settings and the wiring of plugins.

[`MunicipalSettings`][barnekoordinator.config.MunicipalSettings] holds the choices the law leaves to
each municipality (domain.md marks them ``[PRACTICE]``): the age from which a young person consents
alone to a stafettlogg (15 or 16), the nivå-0 decision deadline, how long a handover may stay
pending … It is one typed, validated object; invalid settings raise
[`InvalidConfiguration`][barnekoordinator.errors.InvalidConfiguration] listing every problem.

[`Config`][barnekoordinator.config.Config] says which store to use and carries per-plugin options.

Where the law is open, the setting says so: a setting that answers a legal question
nobody has settled carries a legal-review flag (its field metadata), and
[`MunicipalSettings.legal_review()`][barnekoordinator.config.MunicipalSettings.legal_review]
lists each one with its question, default and legal basis (docs/concepts: consent,
eligibility, decisions and complaints).
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from attrs import field, fields, frozen
else:
    from barnekoordinator._classes import field, fields, frozen

from barnekoordinator._classes import field_names
from barnekoordinator.errors import InvalidConfiguration
from barnekoordinator.texts import text

__all__ = [
    "ASSURANCE_ACTIONS",
    "Config",
    "EntryPath",
    "FamilyAct",
    "LegalReviewPoint",
    "MunicipalSettings",
    "ParticipationAges",
    "ParticipationRule",
    "YouthBarnekoordinatorConsent",
    "municipality_number_problem",
]


class EntryPath(enum.Enum):
    """How a family comes to be assessed for barnekoordinator (domain.md §2.5)."""

    REFERRAL = "referral"
    APPLICATION = "application"
    PROACTIVE_IDENTIFICATION = "proactive_identification"


class YouthBarnekoordinatorConsent(enum.Enum):
    """Whose wish counts for a barnekoordinator when the child is 16 or 17 (domain.md BK-16).

    hotl § 7-2 a says «foreldrene eller den som samtykker på vegne av barnet»; from
    16 the young person consents to health care alone (pbrl § 4-3 b) while
    foreldreansvar lasts to 18. No source settles which wins: legal review.
    """

    GUARDIANS_AND_YOUTH = "guardians-and-youth"
    """Both: the guardians with foreldreansvar and the young person (the default)."""
    GUARDIANS = "guardians"
    """The guardians with foreldreansvar; the young person is heard."""
    YOUTH = "youth"
    """The young person alone, as in health matters from 16."""


def _youth_consent(value: object) -> YouthBarnekoordinatorConsent:
    try:
        return YouthBarnekoordinatorConsent(value)
    except ValueError:
        known = ", ".join(repr(v.value) for v in YouthBarnekoordinatorConsent)
        raise InvalidConfiguration(
            f"invalid municipal settings:\n  barnekoordinator_consent_16_17: expected one of "
            f"{known}"
        ) from None


def _review(question: str, *basis: str) -> dict[str, object]:
    """Field metadata of a setting that answers an open legal question."""
    return {"legal_review": question, "basis": basis}


@frozen(kw_only=True)
class LegalReviewPoint:
    """A setting that answers a question the law leaves open, flagged for legal review."""

    setting: str
    default: object
    question: str
    basis: tuple[str, ...]
    """Legal reference keys the question turns on."""


def municipality_number_problem(value: object) -> str | None:
    """Why ``value`` is not a kommunenummer (four ASCII digits), or ``None``; never the value
    itself (an eleven-digit text in its place may be a fødselsnummer). ASCII only:
    ``str.isdigit()`` also takes other scripts' digits (``"٠٣٠١"``)."""
    if isinstance(value, str) and len(value) == 4 and value.isascii() and value.isdigit():
        return None
    return "expected four digits, e.g. '0301'"


def _problems(settings: MunicipalSettings) -> list[str]:
    problems: list[str] = []
    problem = municipality_number_problem(settings.municipality_number)
    if problem is not None:
        problems.append(f"municipality_number: {problem}")
    if settings.stafettlogg_consent_age not in (15, 16):
        problems.append("stafettlogg_consent_age: expected 15 or 16 (domain.md §7.6)")
    for name in (
        "nivaa0_decision_days",
        "handover_escalation_days",
        "decision_sla_days",
        "effect_evaluation_days",
    ):
        if not 1 <= getattr(settings, name) <= 365:
            problems.append(f"{name}: expected a number of days from 1 to 365")
    if not 0 <= settings.turning_18_lead_days <= 3 * 365:
        problems.append("turning_18_lead_days: expected 0 to 1095 days")
    if not 0 <= settings.stafettlogg_from_level <= 3:
        problems.append("stafettlogg_from_level: expected a BTI level from 0 to 3")
    if not 1 <= settings.stafettlogg_age_limit <= 30:
        problems.append("stafettlogg_age_limit: expected an age from 1 to 30 (BTI target group)")
    if not settings.entry_paths:
        problems.append("entry_paths: at least one entry path is needed")
    problems += settings.participation.problems()
    for name in (
        "complaint_forwarding_days",
        "barnekoordinator_overview_days",
        "barnekoordinator_overview_review_days",
        "barnekoordinator_information_days",
        "barnekoordinator_referral_days",
    ):
        if not 1 <= getattr(settings, name) <= 365:
            problems.append(f"{name}: expected a number of days from 1 to 365")
    unknown = sorted(
        repr(a) if isinstance(a, str) else type(a).__name__
        for a in settings.substantial_assurance_actions
        if a not in ASSURANCE_ACTIONS
    )
    if unknown:
        problems.append(
            "substantial_assurance_actions: expected names from "
            + ", ".join(repr(a) for a in ASSURANCE_ACTIONS)
            + f"; not {', '.join(unknown)}"
        )
    return problems


ASSURANCE_ACTIONS: Final = ("read", "write", "consent", "read-audit", "decide-visibility", "open")
"""The access actions a municipality may name in
[`MunicipalSettings.substantial_assurance_actions`][barnekoordinator.config.MunicipalSettings.substantial_assurance_actions]
(the values of [`AccessAction`][barnekoordinator.access.policy.AccessAction])."""


# --- issue 16: what the child does as herself, from which age (decision 0024) -----------------


class FamilyAct(enum.Enum):
    """Something the child or a guardian does in the case as themselves (decision 0024)."""

    OWN_VOICE = "own-voice"
    """Record an *eget innspill*: what matters to me, what I want to say at the meeting."""
    LYSGLIMT = "lysglimt"
    """Record a *lysglimt*: something that went well."""
    PROPOSE_MEASURE = "propose-measure"
    """Propose a tiltak (a professional adopts it and sets its evaluation date)."""
    COMMENT_ON_EVALUATION = "comment-on-evaluation"
    """Comment on the evaluation of a tiltak."""
    ANSWER_INVITATION = "answer-invitation"
    """Answer a meeting invitation (come / not come, what I want to bring up)."""
    CONSENT = "consent"
    """Give or withdraw one's own consent (ages set by law, not by this setting)."""
    SEE_WHO_LOOKED = "see-who-looked"
    """See who has looked at the case."""

    def label(self, lang: str = "nb") -> str:
        """What the act is, in ``lang`` (``"nb"``, ``"nn"`` or ``"en"``)."""
        return text(f"family-act.{self.value}").get(lang)


@frozen(kw_only=True)
class ParticipationRule:
    """One row of the age table: from which age the child may do ``act``, and why."""

    act: FamilyAct
    from_age: int
    """The child's age from which the act is allowed (consent: the earliest age at all)."""
    legal_basis: tuple[str, ...]
    """Legal reference keys ([`ref()`][barnekoordinator.legal_basis.ref])."""
    lowest: int
    """The lowest age a municipality may set (equal to ``from_age`` where the law fixes it)."""
    note: str


_LAW_AGE: Final = {
    FamilyAct.OWN_VOICE: 7,
    FamilyAct.LYSGLIMT: 12,
    FamilyAct.PROPOSE_MEASURE: 12,
    FamilyAct.COMMENT_ON_EVALUATION: 12,
    FamilyAct.ANSWER_INVITATION: 12,
    FamilyAct.CONSENT: 12,
    FamilyAct.SEE_WHO_LOOKED: 12,
}
_ACT_BASIS: Final = {
    FamilyAct.OWN_VOICE: ("pbrl-4-4", "bk-art-12", "pbrl-3-1"),
    FamilyAct.LYSGLIMT: ("pbrl-3-1", "bk-art-12"),
    FamilyAct.PROPOSE_MEASURE: ("pbrl-3-1", "pbrl-4-4", "bk-art-12"),
    FamilyAct.COMMENT_ON_EVALUATION: ("pbrl-3-1", "bk-art-12"),
    FamilyAct.ANSWER_INVITATION: ("pbrl-3-1", "bk-art-12"),
    FamilyAct.CONSENT: ("pbrl-4-3", "pbrl-3-4", "pbrl-4-4", "vergeml-2"),
    FamilyAct.SEE_WHO_LOOKED: ("pbrl-5-1", "pbrl-3-4"),
}
_ACT_NOTE: Final = {
    FamilyAct.OWN_VOICE: "heard from when able to form views, at the latest from 7 "
    "(pbrl § 4-4 fifth ledd; barnekonvensjonen art. 12); a municipality may set a lower age",
    FamilyAct.LYSGLIMT: "medvirkning (pbrl § 3-1) from the age the child takes part in the "
    "case's writing; may be lowered to the own-voice age",
    FamilyAct.PROPOSE_MEASURE: "the child's views carry great weight from 12 (§ 4-4); a "
    "proposal is not a tiltak until a professional adopts it; may be lowered to the own-voice age",
    FamilyAct.COMMENT_ON_EVALUATION: "medvirkning in the evaluation (pbrl § 3-1); may be "
    "lowered to the own-voice age",
    FamilyAct.ANSWER_INVITATION: "the child is invited from 7 and answers from this age; "
    "may be lowered to the own-voice age",
    FamilyAct.CONSENT: "fixed by law: 12–16 in matters withheld from the parents (§ 4-3 c, "
    "§ 3-4 second ledd), the stafettlogg from stafettlogg_consent_age (15 or 16), health care "
    "from 16 (§ 4-3 b), everything from 18 (vergemålsloven § 2)",
    FamilyAct.SEE_WHO_LOOKED: "the child sees the case from 12 (policy design decision); the "
    "right to know who has had access follows pbrl § 5-1; not lowered apart from the reading "
    "age",
}
_WRITING_ACTS: Final = (
    FamilyAct.LYSGLIMT,
    FamilyAct.PROPOSE_MEASURE,
    FamilyAct.COMMENT_ON_EVALUATION,
    FamilyAct.ANSWER_INVITATION,
)


def _age_field(act: FamilyAct) -> Any:
    return field(default=_LAW_AGE[act])


@frozen(kw_only=True)
class ParticipationAges:
    """From which age the child acts in the case as herself (issue 16; decision 0024).

    Defaults follow the law: the child's own voice at the latest from 7 (pbrl § 4-4 fifth
    ledd; barnekonvensjonen art. 12), the other acts from 12, when the child's views carry
    great weight and the child takes part in the case (pbrl § 3-1, § 4-4). A municipality
    may only make them **more permissive** where the law allows: the own voice from a
    lower age (a child able to form views earlier), the other acts down to the own-voice
    age; never later than the defaults. Consent ages are the law's
    (pbrl § 4-3, § 4-4; ``stafettlogg_consent_age``) and not set here; who has looked is
    shown from the age the child reads the case (12). Guardians with foreldreansvar may do
    every act until the child turns 18, within their standing (the access policy).
    """

    own_voice: int = _age_field(FamilyAct.OWN_VOICE)
    """Age from which the child records her own voice (law: at the latest 7)."""
    lysglimt: int = _age_field(FamilyAct.LYSGLIMT)
    """Age from which the child records a lysglimt (default 12)."""
    propose_measure: int = _age_field(FamilyAct.PROPOSE_MEASURE)
    """Age from which the child proposes a tiltak (default 12)."""
    comment_on_evaluation: int = _age_field(FamilyAct.COMMENT_ON_EVALUATION)
    """Age from which the child comments on an evaluation (default 12)."""
    answer_invitation: int = _age_field(FamilyAct.ANSWER_INVITATION)
    """Age from which the child answers a meeting invitation (default 12)."""

    def problems(self) -> list[str]:
        """What is wrong with these ages (empty when they are within the law)."""
        found: list[str] = []
        for name in field_names(type(self)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                found.append(f"participation.{name}: expected a whole number of years")
        if found:
            return found
        if not 0 <= self.own_voice <= _LAW_AGE[FamilyAct.OWN_VOICE]:
            found.append(
                "participation.own_voice: expected 0 to 7 (the child is heard at the latest "
                "from 7, pbrl § 4-4 fifth ledd)"
            )
            return found  # the other ages are bounded by this one
        for act in _WRITING_ACTS:
            name = act.name.lower()
            value = getattr(self, name)
            if not self.own_voice <= value <= _LAW_AGE[act]:
                found.append(
                    f"participation.{name}: expected {self.own_voice} (the own-voice age) to "
                    f"{_LAW_AGE[act]}; a municipality may only lower it (decision 0024)"
                )
        return found

    def from_age(self, act: FamilyAct) -> int:
        """The age from which the child may do ``act`` (consent: the law's earliest, 12)."""
        if act in (FamilyAct.CONSENT, FamilyAct.SEE_WHO_LOOKED):
            return _LAW_AGE[act]
        return int(getattr(self, act.name.lower()))

    def allows(self, act: FamilyAct, age: int) -> bool:
        """True when a child of ``age`` may do ``act`` as herself under this setting.

        For ``CONSENT`` this is only the earliest age: whether the child is among those
        who must consent to a purpose is the consent rules' answer.
        """
        return age >= self.from_age(act)

    def rule(self, act: FamilyAct) -> ParticipationRule:
        """The row of the age table for ``act``, with its legal basis."""
        fixed = act in (FamilyAct.CONSENT, FamilyAct.SEE_WHO_LOOKED)
        lowest = (
            self.from_age(act) if fixed else (0 if act is FamilyAct.OWN_VOICE else self.own_voice)
        )
        return ParticipationRule(
            act=act,
            from_age=self.from_age(act),
            legal_basis=_ACT_BASIS[act],
            lowest=lowest,
            note=_ACT_NOTE[act],
        )

    def table(self) -> tuple[ParticipationRule, ...]:
        """Every act's row, in the order of [`FamilyAct`][barnekoordinator.config.FamilyAct]."""
        return tuple(self.rule(act) for act in FamilyAct)


def _participation(value: object) -> ParticipationAges:
    if isinstance(value, ParticipationAges):
        return value
    if isinstance(value, Mapping):
        known = {a.name for a in fields(ParticipationAges)}
        unknown = sorted(str(k) for k in value if k not in known)
        if unknown:
            raise InvalidConfiguration(
                "invalid municipal settings:\n  participation: unknown act(s) "
                + ", ".join(unknown)
                + "; expected "
                + ", ".join(sorted(known))
            )
        return ParticipationAges(**{str(k): v for k, v in value.items()})
    raise InvalidConfiguration(
        "invalid municipal settings:\n  participation: expected a ParticipationAges or a "
        "mapping of act to age"
    )


@frozen(kw_only=True)
class MunicipalSettings:
    """A municipality's own routines, within what the law allows.

    Defaults follow domain.md: the youth consents to a stafettlogg with the guardians from 15,
    nivå 0 is decided within 14 days (Tromsø), one barnekoordinator also fills the
    koordinator role, and the right belongs to the family (one per family).
    """

    municipality_number: str = "0301"
    name: str = "Eksempel kommune"
    stafettlogg_consent_age: int = 15
    """Age from which the young person's own consent to a stafettlogg is needed (15 or 16):
    with the guardians', who must always approve (domain.md §7.6), unless
    ``stafettlogg_youth_consents_alone``."""
    stafettlogg_youth_consents_alone: bool = field(
        default=False,
        metadata=_review(
            "From stafettlogg_consent_age, may the young person consent to a stafettlogg alone "
            "(«den unge sjølv frå 15 år», domain.md BTI-04), or must the guardians always approve "
            "too («Føresette må alltid godkjenna», §7.6)? Health entries stay with the guardians "
            "before 16 either way (pbrl § 4-4).",
            "bti-stafettlogg",
            "pbrl-4-4",
            "pbrl-4-3",
        ),
    )
    """BTI-04: from ``stafettlogg_consent_age`` the young person alone consents to the log (not to
    its health entries before 16)."""
    stafettlogg_from_level: int = 1
    """Lowest BTI level at which a stafettlogg is offered (some start at nivå 2)."""
    offers_stafettlogg: bool = True
    """Whether the municipality works with BTI and offers a stafettlogg at all."""
    stafettlogg_age_limit: int = 18
    """The BTI target group is children and young people under this age (Tromsø: 24)."""
    nivaa0_decision_days: int = 14
    """Days from a registered undring to a nivå-0 decision."""
    handover_escalation_days: int = 14
    """Days a handover may stay pending before it shows as an obligation."""
    decision_sla_days: int = 30
    """Days from a request for barnekoordinator to a decision before it is flagged."""
    effect_evaluation_days: int = 42
    """Default days before the effect of a family-proposed tiltak is evaluated."""
    turning_18_lead_days: int = 180
    """How far ahead an 18th birthday shows on the agenda (transition planning)."""
    barnekoordinator_fills_koordinator_role: bool = True
    """BK-27: one person holds both roles unless configured otherwise."""
    one_barnekoordinator_per_family: bool = True
    """BK-20: the right belongs to the family; siblings share one barnekoordinator."""
    entry_paths: frozenset[EntryPath] = frozenset(EntryPath)
    # --- issue 14: open legal points (flagged for review) and the barnekoordinator's duties ---
    barnekoordinator_consent_16_17: YouthBarnekoordinatorConsent = field(
        default=YouthBarnekoordinatorConsent.GUARDIANS_AND_YOUTH,
        converter=_youth_consent,
        metadata=_review(
            "Whose wish counts for a barnekoordinator when the child is 16 or 17: the guardians, "
            "the young person, or both (domain.md BK-16, §11 item 4)?",
            "hotl-7-2-a",
            "pbrl-4-3",
            "pbrl-4-4",
        ),
    )
    """BK-16: read by both ``assess`` and the case (one rule, ``people.who_consents``)."""
    care_order_consent_to_coordination: bool = field(
        default=True,
        metadata=_review(
            "After barnevernstjenesten has taken over care, does it (rather than the parents) "
            "consent to individuell plan, koordinator and barnekoordinator, as it does to "
            "necessary health care (pbrl § 4-5)?",
            "pbrl-4-5",
            "hotl-7-2-a",
            "bvl-15-9",
        ),
    )
    """Under a care order and below 16: barnevern consents to IP, koordinator, barnekoordinator."""
    private_provider_may_be_barnekoordinator: bool = field(
        default=False,
        metadata=_review(
            "Is a private provider delivering the municipality's services on its behalf «en av "
            "tjenesteyterne i kommunen» who may be appointed barnekoordinator (hotl § 7-2 a)?",
            "hotl-7-2-a",
            "hotl-3-1",
            "prop-100-l-tjenesteytere",
        ),
    )
    """A privately engaged professional (not on the municipality's behalf) never may."""
    complaint_forwarding_days: int = field(
        default=30,
        metadata=_review(
            "How many days may the municipality take to review a complaint and forward it to "
            "statsforvalteren? The law says «så snart saken er tilrettelagt» (fvl § 33).",
            "fvl-33",
            "fvl-11-a",
            "pbrl-7-2",
        ),
    )
    """Days from a valid complaint to the municipality's review and forwarding (then rolled to a
    working day)."""
    barnekoordinator_overview_days: int = 30
    """Duty b: days from the appointment to the first recorded overview of the follow-up."""
    barnekoordinator_overview_review_days: int = 180
    """Duty b: days an overview stays current before it is renewed."""
    barnekoordinator_information_days: int = 30
    """Duties c and d: days from the appointment to recorded information and guidance."""
    barnekoordinator_referral_days: int = 14
    """Duty d: days to pass on contact or a referral to a service the overview lists as needed."""
    substantial_assurance_actions: frozenset[str] = field(default=frozenset(), converter=frozenset)
    """The actions a login at *substantial* assurance (MinID, ``idporten-loa-substantial``,
    HelseID ``"3"``) may take on **non-health** information: any of ``"read"``, ``"write"``,
    ``"consent"``, ``"read-audit"``, ``"decide-visibility"``, ``"open"``. Empty by default:
    everything needs *high* (``idporten-loa-high``, BankID ``LOA=4``, HelseID ``"4"``). Health
    entries and writes that touch them need *high* whatever this says (Normen; the
    access policy's [`HEALTH_ASSURANCE`][barnekoordinator.access.policy.HEALTH_ASSURANCE])."""

    participation: ParticipationAges = field(factory=ParticipationAges, converter=_participation)
    """From which age the child acts as herself (issue 16): only lower than the law's defaults
    ([`ParticipationAges`][barnekoordinator.config.ParticipationAges], decision 0024)."""

    def __attrs_post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise InvalidConfiguration("invalid municipal settings", problems=problems)

    @classmethod
    def legal_review(cls) -> tuple[LegalReviewPoint, ...]:
        """Every setting that answers an open legal question, with its default and basis."""
        return tuple(
            LegalReviewPoint(
                setting=a.name,
                default=a.default,
                question=str(a.metadata["legal_review"]),
                basis=tuple(a.metadata["basis"]),
            )
            for a in fields(cls)
            if "legal_review" in a.metadata
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> MunicipalSettings:
        """Build settings from plain data (JSON/TOML), reporting every problem at once.

        Raises:
            InvalidConfiguration: ``data`` is not a mapping, or holds unknown settings or values
                of the wrong type or out of range (unhashable list items included); one problem
                per setting, each naming it.
        """
        if not isinstance(data, Mapping):
            raise InvalidConfiguration(
                f"invalid municipal settings: expected a mapping, got {type(data).__name__}"
            )
        known = {a.name for a in fields(cls)}
        unknown = sorted(str(k) for k in data if k not in known)
        problems = [f"{k}: unknown setting" for k in unknown]
        values = {k: v for k, v in data.items() if k in known}
        actions = values.get("substantial_assurance_actions", ())
        if not isinstance(actions, list | tuple | set | frozenset) or not all(
            isinstance(a, str) for a in actions
        ):
            problems.append("substantial_assurance_actions: expected a list of action names")
            values.pop("substantial_assurance_actions")
        if "entry_paths" in values:
            try:
                values["entry_paths"] = frozenset(EntryPath(p) for p in values["entry_paths"])
            except (ValueError, TypeError):
                problems.append(
                    "entry_paths: expected a list of " + ", ".join(repr(p.value) for p in EntryPath)
                )
                values.pop("entry_paths")
        for a in fields(cls):
            if a.name in values and a.type in ("int", "bool", "str"):
                expected = {"int": int, "bool": bool, "str": str}[str(a.type)]
                value = values[a.name]
                if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                    problems.append(f"{a.name}: expected {a.type}, got {type(value).__name__}")
                    values.pop(a.name)
        try:
            settings = cls(**values)
        except InvalidConfiguration as exc:
            problems += exc.problems
            settings = None
        if problems or settings is None:
            lines = [p.strip() for p in problems]
            raise InvalidConfiguration("invalid municipal settings", problems=lines)
        return settings


def _unprintable(text: str) -> bool:
    """True for text that holds a control character (NUL included), a line or paragraph
    separator (U+2028, U+2029: categories Zl, Zp) or a lone surrogate.

    None belongs in a URL, a path or an option (a separator breaks a header or a log line), and
    a lone surrogate cannot even be encoded to pass to SQLite, libpq or the file system.
    """
    return not text.isprintable() and any(
        unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in text
    )


_MAX_STORE_URL = 4096
"""Longer than any path (Linux's PATH_MAX) or connection string anyone writes."""


def _frozen_options(
    value: Mapping[str, Mapping[str, str]],
) -> Mapping[str, Mapping[str, str]]:
    if not isinstance(value, Mapping):
        raise InvalidConfiguration("plugin_options: expected a mapping of plugin name to options")
    frozen: dict[str, Mapping[str, str]] = {}
    for plugin, options in value.items():
        if not isinstance(plugin, str) or not plugin or _unprintable(plugin):
            raise InvalidConfiguration("plugin_options: expected plugin names as plain text")
        if not isinstance(options, Mapping):
            raise InvalidConfiguration(f"plugin_options[{plugin!r}]: expected a mapping of options")
        for key, option in options.items():
            if not isinstance(key, str) or not key or _unprintable(key):
                raise InvalidConfiguration(
                    f"plugin_options[{plugin!r}]: expected option names as plain text"
                )
            # Options are text (a plugin parses them); numbers and booleans are taken as written.
            given: object = option
            if isinstance(given, str):
                if _unprintable(given):
                    raise InvalidConfiguration(
                        f"plugin_options[{plugin!r}][{key!r}]: holds a control character or "
                        "a lone surrogate"
                    )
            elif not isinstance(given, int | float):
                raise InvalidConfiguration(
                    f"plugin_options[{plugin!r}][{key!r}]: expected text, got "
                    f"{type(given).__name__}"
                )
        frozen[plugin] = MappingProxyType(dict(options))
    return MappingProxyType(frozen)


@frozen(kw_only=True)
class Config:
    """How the library is wired.

    ``store`` is a URL: ``memory:``, ``sqlite:PATH`` (the embedded default) or
    ``postgresql://…``. ``subject_key_secret`` keys the hash under which a
    child's id is indexed (never stored in clear in the index); keep it secret
    and stable. ``sealing_key`` is the municipality's key-encryption key as
    ``KEY_ID:BASE64URL`` text (see ``barnekoordinator.history.sealing``): every
    national identity number is stored sealed under a case key it wraps; keep it
    outside the database, and never lose it. ``plugin_options`` holds per-plugin
    settings by plugin name. ``allow_development_principals`` lets the command line act as a
    principal named in a file (``--as FILE``) rather than one a verified token stands for: for
    local scripting and tests on the embedded store only, never in production (false by
    default; the CLI reads it from ``$BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS``).
    """

    store: str = field(default="sqlite:barnekoordinator.db")
    municipality: MunicipalSettings = field(factory=MunicipalSettings)
    subject_key_secret: bytes = field(default=b"", repr=False)
    sealing_key: str = field(default="", repr=False)
    plugin_options: Mapping[str, Mapping[str, str]] = field(factory=dict, converter=_frozen_options)
    allow_development_principals: bool = field(default=False)

    @store.validator
    def _check_store(self, _attribute: object, value: str) -> None:
        # Never echo the URL: it may hold a password.
        if not isinstance(value, str):
            raise InvalidConfiguration(f"store: expected a URL string, got {type(value).__name__}")
        if len(value) > _MAX_STORE_URL:
            raise InvalidConfiguration(f"store: longer than {_MAX_STORE_URL} characters")
        if _unprintable(value):
            raise InvalidConfiguration(
                "store: holds a control character (such as NUL) or a lone surrogate; a store "
                "URL or path must be plain text"
            )
        if not value.startswith(("memory:", "sqlite:", "postgresql:", "postgres:")) and (
            ":" not in value
        ):
            raise InvalidConfiguration(
                "store: expected a URL such as 'memory:', 'sqlite:PATH' or "
                "'postgresql://HOST/DB' (vendor stores may use their own scheme)"
            )

    @municipality.validator
    def _check_municipality(self, _attribute: object, value: object) -> None:
        if not isinstance(value, MunicipalSettings):
            raise InvalidConfiguration("municipality: expected MunicipalSettings")

    @subject_key_secret.validator
    def _check_secret(self, _attribute: object, value: object) -> None:
        if not isinstance(value, bytes):
            raise InvalidConfiguration("subject_key_secret: expected bytes")  # never the value

    @sealing_key.validator
    def _check_sealing_key(self, _attribute: object, value: object) -> None:
        # The form is checked here; the key itself when the Casebook unwraps with it.
        if not isinstance(value, str) or (value and (_unprintable(value) or ":" not in value)):
            raise InvalidConfiguration("sealing_key: expected KEY_ID:BASE64URL text")

    @allow_development_principals.validator
    def _check_development(self, _attribute: object, value: object) -> None:
        if not isinstance(value, bool):
            raise InvalidConfiguration("allow_development_principals: expected true or false")

    @property
    def store_scheme(self) -> str:
        """The URL scheme of ``store`` (``sqlite``, ``memory``, ``postgresql`` …)."""
        return self.store.split(":", 1)[0]
