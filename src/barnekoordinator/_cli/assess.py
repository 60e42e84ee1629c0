"""``barnekoordinator assess``: assess the rights in a facts file.

Reads an ``eligibility-facts.v1`` document (``-`` reads standard input),
assesses barnekoordinator, koordinator, individuell plan and the stafettlogg
offer, and prints the result as text (``--lang nb|nn|en``) or as an
``eligibility-result.v1`` JSON document (``--json``; it holds all three
languages; ``--format json`` is its deprecated spelling, kept for one release).

Exit status, as every command: 0 when the assessment was made (whatever its outcome —
"not met" is a result, not a failure), 2 for usage errors and bad input (argparse;
``--as-of`` outside the supported dates; an unreadable file, not UTF-8, not JSON, schema
problems — every one with its JSON path —, invalid settings, or a date the rules cannot use).

Files and standard input are read the same way, as bytes, by the strict reader
[`read_json()`][barnekoordinator.edges.read_json]: invalid UTF-8, a lone
surrogate, nesting too deep, a duplicate key, NaN or an oversized number is
refused wherever the document comes from.

This is an edge, so it may read the real date: ``--as-of`` defaults to today in Norway
(Europe/Oslo) from [`SystemClock`][barnekoordinator.clock.SystemClock], as the Casebook's day
is: at 00:30 on an 18th birthday in Oslo it is the birthday, though not yet in UTC.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any, Final

from barnekoordinator._cli import add_json_option, json_text, one_line, printable, read_source
from barnekoordinator.clock import SystemClock
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.edges import parse_date, read_json
from barnekoordinator.errors import InvalidInput
from barnekoordinator.rights.eligibility import EligibilityResult, FollowUp, RightResult, assess
from barnekoordinator.rights.wire import facts_from_json, result_to_json
from barnekoordinator.texts import Language, text

__all__ = ["register", "render_text", "run"]

_MAX_DOCUMENT: Final = 16 << 20
"""The most bytes of a facts or settings document read (as ``schemas validate`` reads one)."""


def _date(value: str) -> date:
    try:
        return parse_date(value, "--as-of")
    except InvalidInput as exc:
        # argparse names the option itself and shows the value (repr: safe to print).
        reason = str(exc).removeprefix("--as-of: ")
        shown = repr(value) if len(value) <= 40 else repr(value[:40]) + "…"
        raise argparse.ArgumentTypeError(f"{reason}, got {shown}") from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``assess`` subcommand to the ``barnekoordinator`` parser."""
    parser = subparsers.add_parser(
        "assess",
        help="assess barnekoordinator, koordinator, individuell plan and stafettlogg",
        description=(
            "Assess the rights of one child and family from an eligibility-facts.v1 JSON "
            "document. Exit status: 0 assessed (whatever the outcome), 2 usage error or bad input."
        ),
    )
    parser.add_argument(
        "file", metavar="FILE.json", help="the facts document; '-' reads standard input"
    )
    parser.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="DATE",
        help="assessment date (default: today in Norway)",
    )
    parser.add_argument("--lang", choices=[lang.value for lang in Language], default="nb")
    add_json_option(parser, "the eligibility-result.v1 document (all three languages)")
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="deprecated: --format json is --json (removed in the next release)",
    )
    parser.add_argument(
        "--settings",
        metavar="SETTINGS.json",
        help="the municipality's settings as a JSON object (MunicipalSettings fields)",
    )
    parser.set_defaults(func=run)


def _fail(message: object) -> int:
    """Bad input: one line on standard error, exit 2 (the convention of every command)."""
    print(f"barnekoordinator assess: {printable(one_line(message))}", file=sys.stderr)
    return 2


def _load(name: str, where: str) -> Any:
    """Read (at most ``_MAX_DOCUMENT`` bytes) and parse ``name`` (``-``: standard input).

    Raises:
        InvalidInput: it cannot be read ("cannot read WHERE: …"), or is not JSON (naming
            ``where``).
    """
    return read_json(read_source(name, _MAX_DOCUMENT, f"cannot read {where}"), where)


def _today() -> date:
    """The Norwegian calendar day now (the zone database is read only when it is needed)."""
    from barnekoordinator.access.audit import local_date

    return local_date(SystemClock().now())


def run(args: argparse.Namespace) -> int:
    """Read, validate and assess ``args.file``; print the result; return the exit status."""
    where = "standard input" if args.file == "-" else args.file
    try:
        document = _load(args.file, where)
    except InvalidInput as exc:
        # "cannot read …", MalformedJson ("… is not JSON: line 1 column 11 …") or the reader's
        # SchemaViolation ("standard input: 1 problem(s) at $.a: duplicate key …"): all name where.
        return _fail(exc)
    try:
        facts = facts_from_json(document)
    except InvalidInput as exc:
        return _fail(f"{where}: {one_line(exc)}")
    settings = MunicipalSettings()
    if args.settings is not None:
        named = f"settings {args.settings}"
        try:
            data = _load(args.settings, named)
        except InvalidInput as exc:
            return _fail(exc)
        if not isinstance(data, dict):
            return _fail(f"{named}: expected a JSON object")
        try:
            settings = MunicipalSettings.from_mapping(data)
        except InvalidInput as exc:  # the settings' problems name the settings file
            return _fail(f"{named}: {one_line(exc)}")
    try:
        as_of = args.as_of if args.as_of is not None else _today()
        result = assess(facts, as_of=as_of, settings=settings)
    except InvalidInput as exc:
        return _fail(f"{where}: {one_line(exc)}")
    if args.format == "json":
        print("barnekoordinator assess: --format json is deprecated; use --json", file=sys.stderr)
    if args.json or args.format == "json":
        print(json_text(result_to_json(result), indent=2))
    else:
        print(render_text(result, Language(args.lang)))
    return 0


def _citations(follow_up_or_right: FollowUp | RightResult) -> str:
    return ", ".join(r.citation for r in follow_up_or_right.basis)


def render_text(result: EligibilityResult, lang: Language = Language.NB) -> str:
    """A plain-text report of ``result`` in ``lang``."""

    def t(key: str) -> str:
        return text(key).get(lang)

    lines = [
        f"{t('ui.assessment')} {t('ui.as-of')} {result.as_of.isoformat()} "
        f"({t('ui.rules')} {result.rules_version}): {printable(result.subject_ref)}",
    ]
    for right in result.rights:
        lines.append("")
        lines.append(right.explanation.get(lang))
        lines.append(f"  {t('ui.basis')}: {_citations(right)}")
        if right.ends_on is not None:
            lines.append(f"  {t('ui.ends-on')}: {right.ends_on.isoformat()}")
        for c in right.conditions:
            basis = ", ".join(r.citation for r in c.basis)
            lines.append(f"  [{c.outcome_label.get(lang)}] {c.condition.label.get(lang)}")
            lines.append(f"      {c.explanation.get(lang)} ({basis})")
        if right.follow_ups:
            lines.append(f"  {t('ui.follow-ups')}:")
            lines += [f"  - {f.explain(lang)} ({_citations(f)})" for f in right.follow_ups]
    if result.follow_ups:
        lines.append("")
        lines.append(f"{t('ui.case')}:")
        lines += [f"  - {f.explain(lang)} ({_citations(f)})" for f in result.follow_ups]
    return "\n".join(lines)
