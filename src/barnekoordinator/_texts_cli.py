"""The words the older commands print (``verify``, ``checkpoint``, ``agenda``, ``id``,
``whoami``, ``export``, ``import``, ``plugins``, ``remind``), in bokmål, nynorsk and English.

Kept apart from ``texts.py`` while the catalogue moves to gettext: ``CLI_TEXTS`` is one block,
key → (nb, nn, en), for that move to take whole. Error messages are not here: library errors
stay English.
"""

from __future__ import annotations

from typing import Final

from barnekoordinator.texts import Text

__all__ = ["CLI_TEXTS", "cli_text"]

# --- Feature: one set of conventions on the command line (issue 17 item 2) -------------------
CLI_TEXTS: Final[dict[str, tuple[str, str, str]]] = {
    "cli.yes": ("ja", "ja", "yes"),
    "cli.no": ("nei", "nei", "no"),
    # verify
    "cli.verify.problem": ("problem: {problem}", "problem: {problem}", "problem: {problem}"),
    "cli.verify.summary": (
        "kontrollerte {cases} sak(er), {events} hendelse(r), {audit} loggpost(er): {verdict}",
        "kontrollerte {cases} sak(er), {events} hending(ar), {audit} loggpost(ar): {verdict}",
        "verified {cases} case(s), {events} event(s), {audit} audit record(s): {verdict}",
    ),
    "cli.verify.ok": ("OK", "OK", "OK"),
    "cli.verify.problems": ("{count} problem(er)", "{count} problem", "{count} problem(s)"),
    "cli.verify.consistent": (
        "i samsvar med sjekkpunktet fra {origin} ({events} hendelse(r), {audit} loggpost(er) "
        "da; lageret har bare vokst siden)",
        "i samsvar med sjekkpunktet frå {origin} ({events} hending(ar), {audit} loggpost(ar) "
        "då; lageret har berre vakse sidan)",
        "consistent with the checkpoint of {origin} ({events} event(s), {audit} audit "
        "record(s) then; the store only grew since)",
    ),
    # checkpoint
    "cli.checkpoint.signed": (
        "signert med {source}",
        "signert med {source}",
        "signed with {source}",
    ),
    "cli.checkpoint.written": (
        "sjekkpunkt for {events} hendelse(r) og {audit} loggpost(er) skrevet til {output}",
        "sjekkpunkt for {events} hending(ar) og {audit} loggpost(ar) skrive til {output}",
        "checkpoint of {events} event(s) and {audit} audit record(s) written to {output}",
    ),
    "cli.checkpoint.public-key": (
        "offentlig nøkkel: {key}",
        "offentleg nøkkel: {key}",
        "public key: {key}",
    ),
    # agenda
    "cli.agenda.total": (
        "{count} punkt(er) forfaller innen {until}",
        "{count} punkt forfell innan {until}",
        "{count} item(s) due by {until}",
    ),
    "cli.agenda.overdue": ("FORFALT", "FORFALLE", "OVERDUE"),
    "cli.agenda.due": ("forfaller", "forfell", "due"),
    # The kinds' English names are their codes, as agenda printed them before --lang.
    "cli.agenda.kind.evaluation-due": (
        "evaluering av tiltak",
        "evaluering av tiltak",
        "evaluation-due",
    ),
    "cli.agenda.kind.handover-pending": (
        "overlevering venter",
        "overlevering ventar",
        "handover-pending",
    ),
    "cli.agenda.kind.holder-missing": (
        "stafettholder mangler",
        "stafetthaldar manglar",
        "holder-missing",
    ),
    "cli.agenda.kind.turns-18": ("fyller 18 år", "fyller 18 år", "turns-18"),
    "cli.agenda.kind.decision-due": ("vedtak venter", "vedtak ventar", "decision-due"),
    "cli.agenda.kind.revision-due": (
        "revisjon av individuell plan",
        "revisjon av individuell plan",
        "revision-due",
    ),
    "cli.agenda.kind.obligation-due": ("frist", "frist", "obligation-due"),
    "cli.agenda.kind.duty-due": ("barnekoordinatorplikt", "barnekoordinatorplikt", "duty-due"),
    # id
    "cli.id.identifier": ("identifikator", "identifikator", "identifier"),
    "cli.id.valid": ("gyldig", "gyldig", "valid"),
    "cli.id.kind": ("type", "type", "kind"),
    "cli.id.synthetic": ("syntetisk", "syntetisk", "synthetic"),
    "cli.id.birth-date": ("fødselsdato", "fødselsdato", "birth date"),
    "cli.id.no-birth-date": (
        "(ikke gitt av nummeret)",
        "(ikkje gitt av nummeret)",
        "(not given by the number)",
    ),
    "cli.id.reason": ("grunn", "grunn", "reason"),
    # whoami
    "cli.whoami.accepted": ("godtatt", "godteke", "accepted"),
    "cli.whoami.identity_provider": (
        "identitetsleverandør",
        "identitetsleverandør",
        "identity provider",
    ),
    "cli.whoami.subject": ("subjekt", "subjekt", "subject"),
    "cli.whoami.display_label": ("navn", "namn", "name"),
    "cli.whoami.assurance": ("sikkerhetsnivå", "tryggleiksnivå", "assurance"),
    "cli.whoami.national_id": ("fødselsnummer", "fødselsnummer", "national id"),
    "cli.whoami.hpr": ("HPR-nummer", "HPR-nummer", "HPR number"),
    "cli.whoami.organisation": ("organisasjon", "organisasjon", "organisation"),
    "cli.whoami.amr": ("amr", "amr", "amr"),
    "cli.whoami.reason": ("grunn", "grunn", "reason"),
    # export and import
    "cli.export.warning": ("advarsel: {warning}", "åtvaring: {warning}", "warning: {warning}"),
    "cli.export.written": (
        "{format} av sak {case} (versjon {version}) skrevet til {output}",
        "{format} av sak {case} (versjon {version}) skrive til {output}",
        "{format} of case {case} (version {version}) written to {output}",
    ),
    "cli.import.done": (
        "importerte sak {case}: {count} hendelse(r)",
        "importerte sak {case}: {count} hending(ar)",
        "imported case {case}: {count} event(s)",
    ),
    # plugins
    "cli.plugins.broken": (
        "{name}: ØDELAGT, ikke lastet: {why}",
        "{name}: ØYDELAGD, ikkje lasta: {why}",
        "{name}: BROKEN, not loaded: {why}",
    ),
    "cli.plugins.no-distribution": (
        "ikke installert som distribusjon",
        "ikkje installert som distribusjon",
        "not installed as a distribution",
    ),
    "cli.plugins.no-hooks": ("(ingen hooks)", "(ingen hooks)", "(no hooks)"),
    # remind
    "cli.remind.due": ("forfaller {date}", "forfell {date}", "due {date}"),
    "cli.remind.due-total": (
        "{count} melding(er) forfaller",
        "{count} melding(ar) forfell",
        "{count} message(s) due",
    ),
    "cli.remind.total": (
        "{count} melding(er): {counts}",
        "{count} melding(ar): {counts}",
        "{count} message(s): {counts}",
    ),
    "cli.remind.status.pending": ("venter", "ventar", "pending"),
    "cli.remind.status.sent": ("sendt", "sendt", "sent"),
    "cli.remind.status.undeliverable": ("kan ikke leveres", "kan ikkje leverast", "undeliverable"),
    "cli.remind.status.obsolete": ("utdatert", "utdatert", "obsolete"),
}
"""The command line's words: key → (bokmål, nynorsk, English)."""
# --- End of feature: one set of conventions on the command line ------------------------------


def cli_text(key: str) -> Text:
    """The text of ``key`` in ``CLI_TEXTS`` as a [`Text`][barnekoordinator.texts.Text].

    Raises:
        KeyError: no such key (a programming error, caught by the tests).
    """
    nb, nn, en = CLI_TEXTS[key]
    return Text(nb=nb, nn=nn, en=en)
