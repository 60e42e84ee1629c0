# Catalogue sentences stay whole, one literal per language, so translators read them as written.
# ruff: noqa: E501
"""Min oversikt's words in bokmål, nynorsk and English (private; decision 23).

One delimited catalogue for the feature, beside its template (``texts.py`` is at its size
limit): every value is a [`Text`][barnekoordinator.texts.Text], so each exists in all three
languages by construction, with no fallback. A key may have a variant per version —
``"<key>.child"``, ``"<key>.youth"``, ``"<key>.guardian"`` — which
[`say()`][barnekoordinator.overview._texts.say] prefers to the plain key: the child version
speaks in short, plain sentences to a child of about 7 to 12 («du»), the youth version to the
young person («du»), the guardian version to the family («dere»).

Names of Norwegian institutions stay Norwegian (statsforvalteren, stafettlogg); the English
text adds a gloss the first time.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from barnekoordinator.texts import Language, Text


def _t(nb: str, nn: str, en: str) -> Text:
    return Text(nb=nb, nn=nn, en=en)


# fmt: off
# --- Min oversikt (issue 16 item 2) ------------------------------------------------------------
_OVERVIEW: dict[str, Text] = {
    "title.child": _t("Min oversikt", "Mi oversikt", "My overview"),
    "title.youth": _t("Min oversikt", "Mi oversikt", "My overview"),
    "title.guardian": _t("Oversikt over saken", "Oversikt over saka", "Overview of the case"),
    "subtitle": _t("Saken til {name}", "Saka til {name}", "The case of {name}"),
    "skip": _t("Gå til innholdet", "Gå til innhaldet", "Skip to the content"),
    "contents": _t("Innhold", "Innhald", "Contents"),
    "updated": _t("Oppdatert {date}.", "Oppdatert {date}.", "Updated {date}."),
    "intro.child": _t(
        "Her kan du se hvem som hjelper deg, og hva de gjør. Spør en voksen du stoler på hvis noe er vanskelig å forstå.",
        "Her kan du sjå kven som hjelper deg, og kva dei gjer. Spør ein vaksen du stoler på viss noko er vanskeleg å forstå.",
        "Here you can see who helps you and what they do. Ask a grown-up you trust if something is hard to understand."),
    "intro.youth": _t(
        "Her ser du hvem som hjelper deg, tiltakene dine, neste møte og hva som er bestemt. Du har rett til å si hva du mener, og det du mener, skal telle mye.",
        "Her ser du kven som hjelper deg, tiltaka dine, neste møte og kva som er bestemt. Du har rett til å seie kva du meiner, og det du meiner, skal telje mykje.",
        "Here you see who helps you, your measures (tiltak), the next meeting and what has been decided. You have the right to say what you think, and what you think must count for a lot."),
    "intro.guardian": _t(
        "Her er hvem som hjelper barnet og familien og med hva, tiltakene og når de skal evalueres, neste møte, hva som er bestemt, hvem som har sett saken og hvordan dere klager.",
        "Her er kven som hjelper barnet og familien og med kva, tiltaka og når dei skal evaluerast, neste møte, kva som er bestemt, kven som har sett saka og korleis de klagar.",
        "Here is who helps the child and the family and with what, the measures (tiltak) and when they are evaluated, the next meeting, what has been decided, who has looked at the case and how to complain."),
    "only-yours": _t(
        "Siden viser bare det du har lov til å se i dag.",
        "Sida viser berre det du har lov til å sjå i dag.",
        "This page shows only what you may see today."),
    "stronger-login": _t(
        "Logg inn med et høyere sikkerhetsnivå (for eksempel BankID) for å se mer.",
        "Logg inn med eit høgare tryggingsnivå (til dømes BankID) for å sjå meir.",
        "Log in at a higher security level (for example BankID) to see more."),
    "preview": _t(
        "Forhåndsvisning: siden viser det du selv har lov til å se, med ordene i denne versjonen.",
        "Førehandsvising: sida viser det du sjølv har lov til å sjå, med orda i denne versjonen.",
        "Preview: the page shows what you yourself may see, in the words of this version."),

    # --- who helps ------------------------------------------------------------------------------
    "helpers.heading.child": _t("Hvem hjelper meg?", "Kven hjelper meg?", "Who helps me?"),
    "helpers.heading.youth": _t("Hvem hjelper meg, og med hva", "Kven hjelper meg, og med kva", "Who helps me, and with what"),
    "helpers.heading.guardian": _t("Hvem hjelper, og med hva", "Kven hjelper, og med kva", "Who helps, and with what"),
    "helpers.none": _t("Ingen er med i saken ennå.", "Ingen er med i saka enno.", "Nobody takes part in the case yet."),
    "helpers.works-at": _t("fra {service}", "frå {service}", "from {service}"),
    "helpers.helps-with": _t("Hjelper med: {what}", "Hjelper med: {what}", "Helps with: {what}"),
    "helpers.someone": _t("En person", "Ein person", "Someone"),
    "role.barnekoordinator.child": _t(
        "Barnekoordinator: passer på at alle som hjelper deg, jobber sammen.",
        "Barnekoordinator: passar på at alle som hjelper deg, arbeider saman.",
        "Child coordinator (barnekoordinator): makes sure everyone who helps you works together."),
    "role.barnekoordinator": _t(
        "Barnekoordinator: samordner tjenestene og er kontaktperson for familien.",
        "Barnekoordinator: samordnar tenestene og er kontaktperson for familien.",
        "Child coordinator (barnekoordinator): coordinates the services and is the family's contact."),
    "role.koordinator.child": _t(
        "Koordinator: passer på at alle som hjelper deg, jobber sammen.",
        "Koordinator: passar på at alle som hjelper deg, arbeider saman.",
        "Coordinator (koordinator): makes sure everyone who helps you works together."),
    "role.koordinator": _t(
        "Koordinator: samordner tjenestene og den individuelle planen.",
        "Koordinator: samordnar tenestene og den individuelle planen.",
        "Coordinator (koordinator): coordinates the services and the individual plan."),
    "role.stafettholder.child": _t(
        "Stafettholder: den voksne som holder styr på hjelpen akkurat nå.",
        "Stafetthaldar: den vaksne som held styr på hjelpa akkurat no.",
        "Baton holder (stafettholder): the grown-up who keeps track of the help right now."),
    "role.stafettholder": _t(
        "Stafettholder: har ansvaret for stafettloggen og for at tiltakene følges opp.",
        "Stafetthaldar: har ansvaret for stafettloggen og for at tiltaka vert følgde opp.",
        "Baton holder (stafettholder): responsible for the relay log (stafettlogg) and for following up the measures."),

    # --- measures -------------------------------------------------------------------------------
    "measures.heading.child": _t("Det vi gjør for å hjelpe deg", "Det vi gjer for å hjelpe deg", "What we do to help you"),
    "measures.heading.youth": _t("Tiltakene mine", "Tiltaka mine", "My measures (tiltak)"),
    "measures.heading.guardian": _t("Tiltak og evaluering", "Tiltak og evaluering", "Measures (tiltak) and evaluation"),
    "measures.none": _t("Det er ingen tiltak ennå.", "Det er ingen tiltak enno.", "There are no measures yet."),
    "measures.who": _t("Ansvarlig: {name}", "Ansvarleg: {name}", "Responsible: {name}"),
    "measures.who.child": _t("{name} passer på dette.", "{name} passar på dette.", "{name} takes care of this."),
    "measures.due": _t("Evalueres {date}", "Evaluerast {date}", "Evaluated on {date}"),
    "measures.due.child": _t("Vi ser på om det hjelper: {date}", "Vi ser på om det hjelper: {date}", "We check if it helps: {date}"),
    "measures.ended": _t("Avsluttet {date}", "Avslutta {date}", "Ended on {date}"),
    "measures.ended.child": _t("Ferdig {date}", "Ferdig {date}", "Finished on {date}"),

    # --- the next meeting -----------------------------------------------------------------------
    "meeting.heading": _t("Neste møte", "Neste møte", "The next meeting"),
    "meeting.none": _t("Det er ikke satt opp noe møte.", "Det er ikkje sett opp noko møte.", "No meeting has been set up."),
    "meeting.when": _t("Møtet er {date}.", "Møtet er {date}.", "The meeting is on {date}."),
    "meeting.agenda": _t("Det skal snakkes om:", "Det skal snakkast om:", "What will be talked about:"),
    "meeting.bring-heading.child": _t("Dette kan du ta med", "Dette kan du ta med", "What you can bring"),
    "meeting.bring-heading": _t("Dette kan du ta med", "Dette kan du ta med", "What you can bring"),
    "meeting.bring-heading.guardian": _t("Dette kan dere ta med", "Dette kan de ta med", "What you can bring"),
    "meeting.bring.child": _t(
        "Du kan ta med en tegning eller noe du har skrevet om det som er viktig for deg. Du kan ta med en voksen du stoler på. Du kan også be en voksen si det du vil si.",
        "Du kan ta med ei teikning eller noko du har skrive om det som er viktig for deg. Du kan ta med ein vaksen du stoler på. Du kan òg be ein vaksen seie det du vil seie.",
        "You can bring a drawing or something you have written about what matters to you. You can bring a grown-up you trust. You can also ask a grown-up to say what you want to say."),
    "meeting.bring.youth": _t(
        "Ta med spørsmål, det du ønsker skal skje, og gjerne en person du stoler på. Du kan be om å få snakke alene med noen før møtet.",
        "Ta med spørsmål, det du ønskjer skal skje, og gjerne ein person du stoler på. Du kan be om å få snakke åleine med nokon før møtet.",
        "Bring questions, what you want to happen, and someone you trust if you like. You can ask to talk to someone alone before the meeting."),
    "meeting.bring.guardian": _t(
        "Ta med spørsmål, det dere ønsker skal skje, papirer fra andre tjenester og gjerne en person dere stoler på. Barnet har rett til å si sin mening og bli hørt (pasient- og brukerrettighetsloven § 3-1).",
        "Ta med spørsmål, det de ønskjer skal skje, papir frå andre tenester og gjerne ein person de stoler på. Barnet har rett til å seie meininga si og bli høyrt (pasient- og brukarrettslova § 3-1).",
        "Bring questions, what you want to happen, papers from other services and someone you trust if you like. The child has the right to say what it thinks and be heard (pasient- og brukerrettighetsloven § 3-1)."),

    # --- what was decided -----------------------------------------------------------------------
    "decided.heading.child": _t("Det som er bestemt", "Det som er bestemt", "What has been decided"),
    "decided.heading": _t("Hva er bestemt", "Kva er bestemt", "What has been decided"),
    "decided.none": _t("Ingenting er bestemt ennå.", "Ingenting er bestemt enno.", "Nothing has been decided yet."),
    "decided.on": _t("Bestemt {date}", "Bestemt {date}", "Decided on {date}"),
    "decided.level": _t(
        "Samarbeidet ble endret fra BTI-nivå {old} til nivå {new}.",
        "Samarbeidet vart endra frå BTI-nivå {old} til nivå {new}.",
        "The cooperation changed from BTI level {old} to level {new}."),
    "decided.appoint": _t("Vedtak: dere får {right}.", "Vedtak: de får {right}.", "Decision: you get a {right}."),
    "decided.refuse": _t("Vedtak: dere får ikke {right}.", "Vedtak: de får ikkje {right}.", "Decision: you do not get a {right}."),
    "decided.partial": _t(
        "Vedtak: dere får ikke {right}, men annen koordinering.",
        "Vedtak: de får ikkje {right}, men anna koordinering.",
        "Decision: you do not get a {right}, but other coordination."),
    "right.barnekoordinator": _t("barnekoordinator", "barnekoordinator", "child coordinator (barnekoordinator)"),
    "right.koordinator": _t("koordinator", "koordinator", "coordinator (koordinator)"),
    "right.individuell-plan": _t("individuell plan", "individuell plan", "individual plan (individuell plan)"),
    "right.stafettlogg": _t("stafettlogg", "stafettlogg", "relay log (stafettlogg)"),

    # --- who has looked -------------------------------------------------------------------------
    "looked.heading.child": _t("Hvem har sett saken min", "Kven har sett saka mi", "Who has looked at my case"),
    "looked.heading.youth": _t("Hvem har sett saken min", "Kven har sett saka mi", "Who has looked at my case"),
    "looked.heading.guardian": _t("Hvem har sett saken", "Kven har sett saka", "Who has looked at the case"),
    "looked.none": _t("Ingen har sett saken ennå.", "Ingen har sett saka enno.", "Nobody has looked at the case yet."),
    "looked.not-shown": _t(
        "Du kan spørre kommunen om hvem som har sett saken.",
        "Du kan spørje kommunen om kven som har sett saka.",
        "You can ask the municipality who has looked at the case."),

    # --- how to complain ------------------------------------------------------------------------
    "complain.heading.child": _t("Hvis du er uenig", "Viss du er usamd", "If you disagree"),
    "complain.heading": _t("Slik klager du", "Slik klagar du", "How to complain"),
    "complain.heading.guardian": _t("Slik klager dere", "Slik klagar de", "How to complain"),
    "complain.how.child": _t(
        "Hvis du eller familien din er uenig i noe som er bestemt, kan dere klage. En voksen kan hjelpe deg. Klagen sendes til kommunen. Hvis kommunen ikke endrer det, sender kommunen klagen videre til statsforvalteren, som bestemmer.",
        "Viss du eller familien din er usamde i noko som er bestemt, kan de klage. Ein vaksen kan hjelpe deg. Klaga vert send til kommunen. Viss kommunen ikkje endrar det, sender kommunen klaga vidare til statsforvaltaren, som bestemmer.",
        "If you or your family disagree with something that was decided, you can complain. A grown-up can help you. The complaint goes to the municipality. If the municipality does not change it, it sends the complaint on to the county governor (statsforvalteren), who decides."),
    "complain.how": _t(
        "Klagen skal være skriftlig og underskrevet, og sendes til kommunen som gjorde vedtaket. Kommunen vurderer saken på nytt. Får du ikke medhold, sender kommunen klagen til statsforvalteren (pasient- og brukerrettighetsloven §§ 7-2 og 7-3). Fristen er fire uker fra du fikk vite om vedtaket (§ 7-5). Pasient- og brukerombudet kan hjelpe deg gratis.",
        "Klaga skal vere skriftleg og underskriven, og sendast til kommunen som gjorde vedtaket. Kommunen vurderer saka på nytt. Får du ikkje medhald, sender kommunen klaga til statsforvaltaren (pasient- og brukarrettslova §§ 7-2 og 7-3). Fristen er fire veker frå du fekk vite om vedtaket (§ 7-5). Pasient- og brukarombodet kan hjelpe deg gratis.",
        "The complaint must be written and signed, and sent to the municipality that made the decision. The municipality looks at the case again. If it does not agree with you, it sends the complaint to the county governor (statsforvalteren) (pasient- og brukerrettighetsloven §§ 7-2 and 7-3). The deadline is four weeks from when you learnt of the decision (§ 7-5). The patient and user ombudsman (pasient- og brukerombudet) can help you for free."),
    "complain.how.guardian": _t(
        "Klagen skal være skriftlig og underskrevet, og sendes til kommunen som gjorde vedtaket. Kommunen vurderer saken på nytt. Får dere ikke medhold, sender kommunen klagen til statsforvalteren (pasient- og brukerrettighetsloven §§ 7-2 og 7-3). Fristen er fire uker fra dere fikk vite om vedtaket (§ 7-5). Pasient- og brukerombudet kan hjelpe dere gratis.",
        "Klaga skal vere skriftleg og underskriven, og sendast til kommunen som gjorde vedtaket. Kommunen vurderer saka på nytt. Får de ikkje medhald, sender kommunen klaga til statsforvaltaren (pasient- og brukarrettslova §§ 7-2 og 7-3). Fristen er fire veker frå de fekk vite om vedtaket (§ 7-5). Pasient- og brukarombodet kan hjelpe dykk gratis.",
        "The complaint must be written and signed, and sent to the municipality that made the decision. The municipality looks at the case again. If it does not agree with you, it sends the complaint to the county governor (statsforvalteren) (pasient- og brukerrettighetsloven §§ 7-2 and 7-3). The deadline is four weeks from when you learnt of the decision (§ 7-5). The patient and user ombudsman (pasient- og brukerombudet) can help you for free."),
    "complain.to": _t(
        "Til: kommunen, som sender klagen videre til statsforvalteren.",
        "Til: kommunen, som sender klaga vidare til statsforvaltaren.",
        "To: the municipality, which sends the complaint on to the county governor (statsforvalteren)."),
    "complain.by": _t(
        "Vedtaket fra {decided}: siste frist er {deadline} hvis dere fikk vedtaket samme dag. Fikk dere det senere, regnes fire uker fra den dagen.",
        "Vedtaket frå {decided}: siste frist er {deadline} viss de fekk vedtaket same dag. Fekk de det seinare, vert fire veker rekna frå den dagen.",
        "The decision of {decided}: the last day is {deadline} if you got the decision that day. If you got it later, four weeks count from that day."),
    "complain.by.child": _t(
        "Siste dag å klage på vedtaket fra {decided}: {deadline}.",
        "Siste dag å klage på vedtaket frå {decided}: {deadline}.",
        "The last day to complain about the decision of {decided}: {deadline}."),
    "complain.no-decision": _t(
        "Det er ikke gjort noe vedtak i saken ennå. Du kan alltid si fra til kommunen hvis du er uenig i noe.",
        "Det er ikkje gjort noko vedtak i saka enno. Du kan alltid seie frå til kommunen viss du er usamd i noko.",
        "No decision has been made in the case yet. You can always tell the municipality if you disagree with something."),

    # --- services, in plain words ---------------------------------------------------------------
    "service.helsestasjon": _t("helsestasjonen", "helsestasjonen", "the child health centre (helsestasjon)"),
    "service.skolehelsetjeneste": _t("skolehelsetjenesten", "skulehelsetenesta", "the school health service"),
    "service.fastlege": _t("fastlegen", "fastlegen", "the GP (fastlege)"),
    "service.fysioterapi": _t("fysioterapien", "fysioterapien", "physiotherapy"),
    "service.ergoterapi": _t("ergoterapien", "ergoterapien", "occupational therapy"),
    "service.avlastning": _t("avlastningen", "avlastinga", "respite care (avlastning)"),
    "service.hjemmetjeneste": _t("hjemmetjenesten", "heimetenesta", "home care"),
    "service.kommunal-psykisk-helse": _t("psykisk helsetjeneste i kommunen", "psykisk helseteneste i kommunen", "the municipal mental health service"),
    "service.jordmor": _t("jordmoren", "jordmora", "the midwife (jordmor)"),
    "service.koordinerende-enhet": _t("koordinerende enhet", "koordinerande eining", "the coordinating unit (koordinerende enhet)"),
    "service.habilitering": _t("habiliteringstjenesten", "habiliteringstenesta", "the habilitation service"),
    "service.bup": _t("BUP", "BUP", "child and adolescent mental health (BUP)"),
    "service.sykehus": _t("sykehuset", "sjukehuset", "the hospital"),
    "service.tannhelse": _t("tannhelsetjenesten", "tannhelsetenesta", "the dental service"),
    "service.barnehage": _t("barnehagen", "barnehagen", "the kindergarten (barnehage)"),
    "service.skole": _t("skolen", "skulen", "the school"),
    "service.sfo": _t("SFO", "SFO", "the after-school programme (SFO)"),
    "service.ppt": _t("PP-tjenesten", "PP-tenesta", "the educational-psychological service (PPT)"),
    "service.friskole": _t("friskolen", "friskulen", "the independent school"),
    "service.barnevern": _t("barnevernstjenesten", "barnevernstenesta", "the child welfare service (barnevern)"),
    "service.nav-kommune": _t("NAV-kontoret", "NAV-kontoret", "the NAV office"),
    "service.nav-stat": _t("NAV", "NAV", "NAV"),
    "service.krisesenter": _t("krisesenteret", "krisesenteret", "the crisis centre"),
    "service.familievern": _t("familievernet", "familievernet", "family counselling (familievern)"),
    "service.introduksjonsprogram": _t("introduksjonsprogrammet", "introduksjonsprogrammet", "the introduction programme"),

    # --- the foot of the page -------------------------------------------------------------------
    "footer": _t(
        "Laget av barnekoordinator. Skriv ut siden for å ta den med på møtet.",
        "Laga av barnekoordinator. Skriv ut sida for å ta henne med på møtet.",
        "Made by barnekoordinator. Print the page to bring it to the meeting."),
}
# --- end of Min oversikt -----------------------------------------------------------------------
# fmt: on

OVERVIEW_TEXTS: Final[Mapping[str, Text]] = MappingProxyType(_OVERVIEW)
"""Every text of Min oversikt by key (variants ``<key>.<version>`` included)."""


def say(key: str, version: enum.Enum, lang: Language, **values: object) -> str:
    """The text ``key`` in ``lang``: the version's own variant when there is one."""
    found = OVERVIEW_TEXTS.get(f"{key}.{version.value}") or OVERVIEW_TEXTS[key]
    return found.format(lang, **values)
