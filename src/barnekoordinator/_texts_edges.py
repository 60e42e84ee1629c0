# Catalogue sentences stay whole, one literal per language, so translators read them as written.
# ruff: noqa: E501
"""The nb/nn/en texts of the edges people touch: the command line, the family's own acts and the reminders (private).

Kept apart from the rights catalogue in [`barnekoordinator.texts`][barnekoordinator.texts], which
merges them into [`TEXTS`][barnekoordinator.texts.TEXTS] (a key defined twice is refused at
import). Each entry is ``key: (bokmål, nynorsk, English)``.
"""

from __future__ import annotations

from typing import Final

EDGE_TEXTS: Final[dict[str, tuple[str, str, str]]] = {
    # --- issue 17: scripting a case from the command line (barnekoordinator._cli case, record, schemas …)
    "cli.case-opened": (
        "Sak {case} er opprettet.",
        "Sak {case} er oppretta.",
        "Case {case} opened.",
    ),
    "cli.recorded": (
        "Registrert i sak {case}: versjon {version}, {count} hendelse(r): {types}.",
        "Registrert i sak {case}: versjon {version}, {count} hending(ar): {types}.",
        "Recorded in case {case}: version {version}, {count} event(s): {types}.",
    ),
    "cli.nothing-recorded": (
        "Ingenting ble registrert i sak {case} (versjon {version}).",
        "Ingenting vart registrert i sak {case} (versjon {version}).",
        "Nothing was recorded in case {case} (version {version}).",
    ),
    "cli.case-summary": (
        "Sak {case}, versjon {version}, kommune {municipality}: {mode}, {state}.",
        "Sak {case}, versjon {version}, kommune {municipality}: {mode}, {state}.",
        "Case {case}, version {version}, municipality {municipality}: {mode}, {state}.",
    ),
    "cli.state-open": ("åpen", "open", "open"),
    "cli.state-closed": ("avsluttet", "avslutta", "closed"),
    "cli.child-age": (
        "Barnets alder i dag: {age} år.",
        "Alderen til barnet i dag: {age} år.",
        "The child's age today: {age}.",
    ),
    "cli.child-expected": ("Barnet er ventet.", "Barnet er venta.", "The child is expected."),
    "cli.your-roles": (
        "Dine roller i saken: {roles}.",
        "Rollene dine i saka: {roles}.",
        "Your roles in the case: {roles}.",
    ),
    "cli.role-holders": ("Roller: {holders}.", "Roller: {holders}.", "Roles: {holders}."),
    "cli.participants": (
        "Deltakere: {participants}.",
        "Deltakarar: {participants}.",
        "Participants: {participants}.",
    ),
    "cli.entries-visible": (
        "{count} oppføring(er) du kan lese i dag.",
        "{count} oppføring(ar) du kan lese i dag.",
        "{count} entry/entries you may read today.",
    ),
    "cli.stronger-login": (
        "Logg inn på nivå {level} for å se mer.",
        "Logg inn på nivå {level} for å sjå meir.",
        "Log in at level {level} to see more.",
    ),
    "cli.schema-valid": (
        "{name}: dokumentet er gyldig.",
        "{name}: dokumentet er gyldig.",
        "{name}: the document is valid.",
    ),
    "cli.schema-invalid": (
        "{name}: dokumentet er ugyldig, {count} problem(er):",
        "{name}: dokumentet er ugyldig, {count} problem:",
        "{name}: the document is invalid, {count} problem(s):",
    ),
    # --- end of issue 17 block ---
    # --- issue 16: the child and the guardians act as themselves (coordination.participation) ---
    "family-act.own-voice": (
        "Skrive eget innspill: hva er viktig for meg, hva vil jeg si på møtet",
        "Skrive eige innspel: kva er viktig for meg, kva vil eg seie på møtet",
        "Write my own input: what matters to me, what I want to say at the meeting",
    ),
    "family-act.lysglimt": (
        "Skrive et lysglimt: noe som gikk bra",
        "Skrive eit lysglimt: noko som gjekk bra",
        "Write a lysglimt: something that went well",
    ),
    "family-act.propose-measure": (
        "Foreslå et tiltak (en fagperson tar ansvar for det og setter evalueringsdato)",
        "Føreslå eit tiltak (ein fagperson tek ansvar for det og set evalueringsdato)",
        "Propose a tiltak (a professional takes charge of it and sets the evaluation date)",
    ),
    "family-act.comment-on-evaluation": (
        "Kommentere en evaluering av et tiltak",
        "Kommentere ei evaluering av eit tiltak",
        "Comment on the evaluation of a tiltak",
    ),
    "family-act.answer-invitation": (
        "Svare på en møteinnkalling (kommer / kommer ikke, og hva jeg vil ta opp)",
        "Svare på ei møteinnkalling (kjem / kjem ikkje, og kva eg vil ta opp)",
        "Answer a meeting invitation (coming / not coming, and what I want to bring up)",
    ),
    "family-act.consent": (
        "Gi og trekke tilbake eget samtykke",
        "Gje og trekkje tilbake eige samtykke",
        "Give and withdraw my own consent",
    ),
    "family-act.see-who-looked": (
        "Se hvem som har sett saken",
        "Sjå kven som har sett saka",
        "See who has looked at the case",
    ),
    "agenda.child-own-voice": (
        "Barnets eget innspill ({age} år): {text}",
        "Barnet sitt eige innspel ({age} år): {text}",
        "The child's own input (age {age}): {text}",
    ),
    "agenda.guardian-own-voice": (
        "Innspill fra foresatt: {text}",
        "Innspel frå føresett: {text}",
        "Input from a guardian: {text}",
    ),
    "agenda.bring-up": (
        "Ønsker å ta opp: {text}",
        "Ønskjer å ta opp: {text}",
        "Wants to bring up: {text}",
    ),
    # --- issue 16 item 4: reminders that reach people (barnekoordinator_plugins.notify) ---------
    # Only that something is waiting and where to log in: no name, no identity number, no health
    # detail. {service} is the service's name, {date} a date, {url} the login address.
    "notify.subject": (
        "Noe venter på deg i {service}",
        "Noko ventar på deg i {service}",
        "Something is waiting for you in {service}",
    ),
    "notify.proposed-as-holder": (
        "Du er foreslått som stafettholder i en sak. Logg inn for å svare.",
        "Du er føreslegen som stafetthaldar i ei sak. Logg inn for å svare.",
        "You have been proposed as stafettholder in a case. Log in to answer.",
    ),
    "notify.handover-unanswered": (
        "En overlevering av stafettholderrollen er ennå ikke besvart.",
        "Ei overlevering av stafetthaldarrolla er enno ikkje svart på.",
        "A handover of the stafettholder role has not been answered yet.",
    ),
    "notify.evaluation-due": (
        "Et tiltak du har ansvar for, skal evalueres innen {date}.",
        "Eit tiltak du har ansvar for, skal evaluerast innan {date}.",
        "A measure you are responsible for is to be evaluated by {date}.",
    ),
    "notify.evaluation-overdue": (
        "Evalueringen av et tiltak du har ansvar for, skulle vært gjort {date}.",
        "Evalueringa av eit tiltak du har ansvar for, skulle vore gjord {date}.",
        "The evaluation of a measure you are responsible for was due on {date}.",
    ),
    "notify.meeting-called": (
        "Du er innkalt til et møte {date}. Dagsordenen ligger klar når du logger inn.",
        "Du er kalla inn til eit møte {date}. Dagsordenen ligg klar når du loggar inn.",
        "You are invited to a meeting on {date}. Its agenda is ready when you log in.",
    ),
    "notify.minutes-ready": (
        "Referatet fra et møte du deltok på, er klart.",
        "Referatet frå eit møte du var med på, er klart.",
        "The minutes of a meeting you attended are ready.",
    ),
    "notify.decision-made": (
        "Det er fattet et vedtak i en sak der du er part. Klagefristen er {date}.",
        "Det er gjort eit vedtak i ei sak der du er part. Klagefristen er {date}.",
        "A decision has been made in a case where you are a party. The deadline for a complaint is {date}.",
    ),
    "notify.complaint-deadline": (
        "Klagefristen for et vedtak i en sak der du er part, går ut {date}.",
        "Klagefristen for eit vedtak i ei sak der du er part, går ut {date}.",
        "The deadline for a complaint about a decision in a case where you are a party is {date}.",
    ),
    "notify.login": (
        "Logg inn på {url} for å se hva det gjelder.",
        "Logg inn på {url} for å sjå kva det gjeld.",
        "Log in at {url} to see what it is about.",
    ),
    "notify.footer": (
        "Denne e-posten er sendt automatisk og inneholder ingen opplysninger om saken. Ikke svar på den.",
        "Denne e-posten er send automatisk og inneheld ingen opplysningar om saka. Ikkje svar på han.",
        "This e-mail was sent automatically and holds no information about the case. Do not reply to it.",
    ),
    # --- end of issue 16 item 4 ------------------------------------------------------------------
}
