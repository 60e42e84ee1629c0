"""Casebook commands as JSON documents (``command.v1``): how scripts and other languages write.

A ``command.v1`` document names one command, the case and the command's arguments::

    {"command": "record_observation", "case": "3f…", "expected_version": 7,
     "arguments": {"observation_id": "o-1", "kind": "oppmerksomhet", "text": "…"}}

The **registry** ([`command_registry()`][barnekoordinator.commands.command_registry]) maps each
name to the command function of the wing that owns it (``record_observation`` in
[`barnekoordinator.coordination.stafettlogg`][barnekoordinator.coordination.stafettlogg],
``give_consent`` in [`barnekoordinator.access.consent`][barnekoordinator.access.consent] …).
Which functions are commands is listed here once; what each takes is **read from the function's
signature**: an attrs class of its keyword arguments is built from the type hints, the arguments
are structured into it with the library's cattrs converter, and ``_schemagen`` writes the JSON
Schema from the same classes — so the schema, the parser and the function cannot disagree.

Three arguments are filled in by the Casebook rather than the document: ``settings`` (the
municipality's settings, never in a document), ``as_of`` (default: the Casebook's today, in
Norway) and ``by`` (default: the principal's subject — give it when the case knows the person
by another ref; a ``by`` naming someone else is refused as ``AccessDenied``: a principal records
only what it does itself). A command runs through
[`Casebook.execute()`][barnekoordinator.casebook.Casebook.execute] with its name as the action,
so the audit trail names it; it is authorised, decided and stored as any other write.

Bad input raises [`SchemaViolation`][barnekoordinator.errors.SchemaViolation] listing every
problem with its JSON path (``$.arguments.kind``), before anything is read or stored; no message
repeats a value. A synthetic identity number in the arguments is refused unless asked for.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import Any, Final

import attrs

from barnekoordinator.access import consent, entries, grants
from barnekoordinator.casebook import Casebook, Recorded
from barnekoordinator.coordination import (
    appointments,
    follow_up,
    handover,
    meetings,
    plan,
    roles,
    stafettlogg,
    transitions,
    voice,
)
from barnekoordinator.errors import SchemaViolation
from barnekoordinator.history import case as case_events
from barnekoordinator.history.case import Case, DomainEvent
from barnekoordinator.history.documents import validate_document
from barnekoordinator.history.serialization import register_document, structure
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, checksum_rule_on
from barnekoordinator.identifiers import inspect as inspect_identifier
from barnekoordinator.rights import complaint_records, decision_records
from barnekoordinator.rights.eligibility import EligibilityFacts
from barnekoordinator.rights.wire import facts_from_json

if typing.TYPE_CHECKING:
    from barnekoordinator.access.principal import Principal

__all__ = [
    "COMMAND_SCHEMA",
    "CommandSpec",
    "ScriptedCommand",
    "command_registry",
    "execute_command",
    "parse_command",
]

COMMAND_SCHEMA: Final = "command.v1"
"""The name of the schema a command document must match."""

_INJECTED: Final = frozenset({"settings"})
"""Arguments the Casebook supplies and a document never holds."""
_DEFAULTED: Final = frozenset({"by", "as_of"})
"""Arguments a document may leave out: the principal's subject, the Casebook's today."""

_FUNCTIONS: Final[tuple[Callable[..., Any], ...]] = (
    # the case itself
    case_events.join_participant,
    # BTI and the stafettlogg
    stafettlogg.register_undring,
    stafettlogg.decide_nivaa0,
    stafettlogg.open_stafettlogg,
    stafettlogg.record_observation,
    stafettlogg.set_goal,
    stafettlogg.add_log_measure,
    stafettlogg.evaluate_log_measure,
    stafettlogg.schedule_meeting,
    stafettlogg.record_minutes,
    stafettlogg.record_decision,
    stafettlogg.complete_decision,
    stafettlogg.close_stafettlogg,
    stafettlogg.withdraw_stafettlogg_consent,
    meetings.call_prepared_meeting,
    voice.record_child_voice,
    # the baton
    handover.propose_handover,
    handover.accept_handover,
    handover.decline_handover,
    handover.withdraw_handover,
    handover.assign_holder,
    handover.participant_leaves,
    # the individual plan
    plan.start_plan,
    plan.set_overview,
    plan.add_plan_participant,
    plan.set_plan_responsible,
    plan.add_contribution,
    plan.add_plan_measure,
    plan.evaluate_plan_measure,
    plan.set_plan_period,
    plan.reference_plan_consent,
    plan.add_cooperation,
    plan.link_sub_plan,
    plan.revise_plan,
    plan.suspend_plan,
    plan.resume_plan,
    plan.end_plan,
    # coordination, duties, roles, transitions
    appointments.offer_statutory_coordination,
    appointments.decline_statutory_offer,
    appointments.appoint_barnekoordinator,
    appointments.appoint_koordinator,
    appointments.end_appointment,
    appointments.designate_coordinating_service,
    follow_up.record_follow_up_overview,
    follow_up.give_information,
    follow_up.make_referral,
    roles.grant_role,
    roles.revoke_role,
    transitions.change_level,
    transitions.start_school,
    transitions.move_municipality,
    transitions.turn_eighteen,
    transitions.continue_as_adult,
    transitions.child_born,
    # consent, access, visibility
    consent.give_consent,
    consent.withdraw_consent,
    consent.change_care_order,
    grants.grant_guardian_access,
    grants.withdraw_guardian_access,
    entries.change_visibility,
    # decisions and complaints (a document carries the eligibility facts; the library assesses
    # them, so a recorded decision's legal references are the rule set's, never the document's)
    decision_records.record_assessed_decision,
    complaint_records.lodge_complaint,
    complaint_records.correct_recorded_complaint,
    complaint_records.review_recorded_complaint,
    complaint_records.decide_recorded_complaint,
    complaint_records.fulfil_recorded_complaint,
)
"""Every command a document may name, by the function that decides it (its name is the name)."""

_SEQUENCES: Final = (Sequence, Collection, Iterable)

DOCUMENT_ARGUMENTS: Final[Mapping[type, str]] = MappingProxyType(
    {EligibilityFacts: "eligibility-facts.v1"}
)
"""Argument types a document holds as a whole document of another schema (by its name)."""

register_document(EligibilityFacts, facts_from_json)


@attrs.frozen(kw_only=True)
class CommandSpec:
    """One registered command: its name, the function it runs, and its argument class.

    ``arguments`` is an attrs class with one field per argument a document gives (the
    function's keyword arguments less ``settings``; ``by`` and ``as_of`` optional), built from
    the function's type hints. ``summary`` is the first line of the function's docstring.
    """

    name: str
    function: Callable[..., DomainEvent | Sequence[DomainEvent]] = attrs.field(repr=False)
    arguments: type = attrs.field(repr=False)
    summary: str
    takes_settings: bool = False

    def call(self, case: Case, arguments: object, *, by: str, as_of: date, settings: Any) -> Any:
        """Run the function on ``case`` with ``arguments`` (an instance of ``arguments``),
        ``by`` and ``as_of`` filled in where the document left them out."""
        given = {a.name: getattr(arguments, a.name) for a in attrs.fields(self.arguments)}
        if "by" in given and given["by"] is None:
            given["by"] = by
        if "as_of" in given and given["as_of"] is None:
            given["as_of"] = as_of
        if self.takes_settings:
            given["settings"] = settings
        return self.function(case, **given)


@attrs.frozen(kw_only=True)
class ScriptedCommand:
    """A validated ``command.v1`` document: the command, the case and the structured arguments."""

    spec: CommandSpec
    case_id: str
    arguments: object = attrs.field(repr=False)
    expected_version: int | None = None


def _document_type(hint: Any) -> Any:
    """The type a document holds for a parameter hint: sequences and sets become tuples."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        members = tuple(_document_type(a) for a in args)
        return typing.Union[members]  # noqa: UP007 - built from a tuple at run time
    if origin in _SEQUENCES and len(args) == 1:
        return tuple[_document_type(args[0]), ...]  # type: ignore[misc]
    return hint


def _argument_field(parameter: inspect.Parameter, hint: Any) -> Any:
    """The attrs field of one argument (optional where the function or the Casebook has a
    default)."""
    tp = _document_type(hint)
    if parameter.name in _DEFAULTED:
        return attrs.field(type=tp | None, default=None)
    if parameter.default is inspect.Parameter.empty:
        return attrs.field(type=tp)
    default = parameter.default
    if isinstance(default, list | set | frozenset):
        default = tuple(default)
    return attrs.field(type=tp, default=default)


def _spec(function: Callable[..., Any]) -> CommandSpec:
    """The registry entry of one command function, read from its signature and hints."""
    name = function.__name__
    signature = inspect.signature(function)
    hints = typing.get_type_hints(function)
    parameters = list(signature.parameters.values())
    if not parameters or parameters[0].name != "case":
        raise TypeError(f"{name}: a command takes the case first")
    fields: dict[str, Any] = {}
    for parameter in parameters[1:]:
        if parameter.name in _INJECTED:
            continue
        fields[parameter.name] = _argument_field(parameter, hints[parameter.name])
    # Fields without a default first (attrs requires it of positional classes; these are
    # keyword-only, but the schema lists them in this order too).
    ordered = dict(sorted(fields.items(), key=lambda item: item[1]._default is not attrs.NOTHING))
    title = "".join(part.title() for part in name.split("_")) + "Arguments"
    arguments = attrs.make_class(title, ordered, frozen=True, kw_only=True)
    arguments.__doc__ = f"The arguments of the command ``{name}``."
    arguments.__module__ = __name__
    doc = inspect.getdoc(function) or name
    summary = doc.splitlines()[0].removeprefix("Command: ")
    summary = summary[:1].upper() + summary[1:]
    return CommandSpec(
        name=name,
        function=function,
        arguments=arguments,
        summary=summary,
        takes_settings="settings" in signature.parameters,
    )


@cache
def command_registry() -> Mapping[str, CommandSpec]:
    """Every command a ``command.v1`` document may name, by name (built once)."""
    return MappingProxyType({spec.name: spec for spec in map(_spec, _FUNCTIONS)})


def _person_ids(value: object, path: str) -> Iterable[tuple[str, PersonId]]:
    """The identity numbers inside structured ``value``, each with its JSON path."""
    if isinstance(value, PersonId):
        yield path, value
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):  # type: ignore[arg-type]
            yield from _person_ids(getattr(value, field.name), f"{path}.{field.alias}")
    elif isinstance(value, tuple | frozenset):
        for index, item in enumerate(value):
            yield from _person_ids(item, f"{path}[{index}]")


def _not_issued_by(arguments: object, as_of: date) -> list[tuple[str, str]]:
    """The identity numbers in ``arguments`` that could not have been issued by ``as_of``: valid
    only under the control-digit rule of 2032 (``checksum_rule_on``). A command document's
    numbers are structured as stored ones are, under both rules, so that a history written
    after 2032 still reads; what a person *gives* today is held to today's rule (domain.md
    §8.1). The reason never holds the number."""
    policy = IdentifierPolicy.testing(checksum_rule=checksum_rule_on(as_of))
    problems = []
    for path, person in _person_ids(arguments, "$.arguments"):
        report = inspect_identifier(person.reveal(), policy=policy)
        if not report.valid:
            problems.append((path, report.reason or "not a valid identity number"))
    return problems


def parse_command(document: object, *, allow_synthetic: bool = False) -> ScriptedCommand:
    """A [`ScriptedCommand`][barnekoordinator.commands.ScriptedCommand] from a ``command.v1``
    document (parsed JSON; read text with
    [`read_json()`][barnekoordinator.edges.read_json]).

    Raises:
        SchemaViolation: the document does not match ``command.v1``, or its arguments cannot
            be structured (a checksum, a synthetic identity number without
            ``allow_synthetic``): every problem, each with its JSON path.
    """
    validate_document(COMMAND_SCHEMA, document)
    assert isinstance(document, dict)  # the schema says so
    spec = command_registry()[document["command"]]
    try:
        arguments: object = structure(document.get("arguments", {}), spec.arguments)
    except SchemaViolation as exc:
        raise SchemaViolation(
            COMMAND_SCHEMA,
            [("$.arguments" + path.removeprefix("$"), message) for path, message in exc.problems],
        ) from None
    if not allow_synthetic:
        synthetic = [
            (path, "a synthetic identity number (test data) is not accepted here")
            for path, person in _person_ids(arguments, "$.arguments")
            if person.synthetic
        ]
        if synthetic:
            raise SchemaViolation(COMMAND_SCHEMA, synthetic)
    return ScriptedCommand(
        spec=spec,
        case_id=document["case"],
        arguments=arguments,
        expected_version=document.get("expected_version"),
    )


def execute_command(book: Casebook, principal: Principal, command: ScriptedCommand) -> Recorded:
    """Run a parsed command as ``principal`` through
    [`Casebook.execute()`][barnekoordinator.casebook.Casebook.execute] (audited under the
    command's name) and return what was recorded.

    Raises whatever ``execute`` raises: ``AccessDenied``, ``ConcurrencyConflict``, the
    command's own ``RuleViolation`` …; nothing is stored then. An ``as_of`` after the
    Casebook's today is ``SchemaViolation`` (``$.arguments.as_of``), before the Casebook is
    called: a command records what happened by the day it is written. So is an identity number
    that could not have been issued by today: valid only under the control-digit rule of 2032
    ([`checksum_rule_on()`][barnekoordinator.identifiers.checksum_rule_on]).
    """
    spec, as_of = command.spec, book.today()
    not_issued = _not_issued_by(command.arguments, as_of)
    if not_issued:
        raise SchemaViolation(COMMAND_SCHEMA, not_issued)
    given = getattr(command.arguments, "as_of", None)
    if isinstance(given, date) and given > as_of:
        # A command records what happened, by the day it is written: a withdrawal dated ahead
        # kept the consent in force and could not be undone (found in review, 2026-12-07).
        raise SchemaViolation(
            COMMAND_SCHEMA,
            [("$.arguments.as_of", "a day after today; expected today or a day before it")],
        )

    def run(case: Case) -> Any:
        return spec.call(
            case, command.arguments, by=principal.subject, as_of=as_of, settings=book.settings
        )

    return book.execute(
        principal,
        command.case_id,
        run,
        action=spec.name,
        expected_version=command.expected_version,
    )
