"""No message, repr or ref shows an eleven-digit number that may be a person's (issue 11, item 3).

``barnekoordinator._redact`` hides such numbers in every ``BarnekoordinatorError`` message; refs
and login ``amr`` values refuse them. Synthetic (Tenor, month + 80) numbers only.
"""

from __future__ import annotations

import inspect
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator import errors
from barnekoordinator._redact import holds_person_number, number_shaped, redact
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.errors import (
    BarnekoordinatorError,
    ChainBroken,
    InvalidConfiguration,
    InvalidInput,
    MalformedJson,
    SchemaViolation,
    StoreDiverged,
    TokenRejected,
)
from barnekoordinator.identifiers import Organisasjonsnummer
from barnekoordinator.people import (
    Child,
    ExpectedChild,
    Guardian,
    GuardianRelation,
    Professional,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.strategies import synthetic_fodselsnummer_strings

NUMBER = "17851550097"  # synthetic: month 85 = May + 80

_PLAIN = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, BarnekoordinatorError) and cls.__init__ is BarnekoordinatorError.__init__
]
"""The error classes whose constructor takes the message as it is."""

_AROUND = st.sampled_from(["", " ", "'", '"', ":", "-", ".", "/", "(", "[", "=", "_", "\n"])


def _shown(number: str) -> str:
    return number[:6] + "*****"


def test_plain_error_classes_are_found() -> None:
    """The parametrised tests below cover the tree, not a handful of classes."""
    assert len(_PLAIN) >= 25
    assert errors.CaseNotFound in _PLAIN
    assert errors.AccessDenied not in _PLAIN


@pytest.mark.parametrize("cls", _PLAIN, ids=lambda c: c.__name__)
@given(number=synthetic_fodselsnummer_strings(), before=_AROUND, after=_AROUND, text=st.text())
def test_no_error_message_shows_a_person_number(
    cls: type[BarnekoordinatorError], number: str, before: str, after: str, text: str
) -> None:
    """Whatever surrounds it (but more digits: then it is another, longer number), a number in
    a message is shown as ``ddmmyy*****``."""
    message = f"{text} no case {before}{number}{after} {text}"
    error = cls(message)
    assert number not in str(error)
    assert number not in repr(error)
    assert all(number not in str(arg) for arg in error.args)
    assert _shown(number) in str(error)


@given(number=synthetic_fodselsnummer_strings(), word=st.sampled_from(["child", "ref", "x", "æ"]))
def test_a_number_inside_a_word_is_hidden_when_its_control_digits_fit(
    number: str, word: str
) -> None:
    """``child17851550097`` is a person number in a ref: its control digits give it away."""
    assert redact(f"{word}{number}{word}") == f"{word}{_shown(number)}{word}"
    assert holds_person_number(f"{word}{number}")


def test_what_is_not_a_person_number_is_left_alone() -> None:
    """Shorter and longer runs, and a run inside a hash whose controls do not fit, stay."""
    kept = [
        "position 1234567890 of 12345678901234",
        "hash deadbeef12345678901cafe",  # 12345678901: its control digits do not fit
        "0301 974760673 181000001",  # a kommunenummer, an orgnr, an HPR number
        "",
        "2026-12-06T21:40:00Z",
    ]
    for text in kept:
        assert redact(text) == text
        assert not holds_person_number(text)


def test_six_and_five_digits_with_a_space_count_as_one_number() -> None:
    """``178515 50097`` is how a number is often written."""
    assert redact("fnr 178515 50097.") == "fnr 178515*****."


def test_the_structured_parts_are_hidden_too() -> None:
    """Problems, places and reasons are read by callers as well as the message."""
    violation = SchemaViolation(f"facts {NUMBER}.json", [("$", f"('{NUMBER}' was unexpected)")])
    configuration = InvalidConfiguration("settings", problems=[f"{NUMBER}: unknown setting"])
    malformed = MalformedJson(f"{NUMBER}.json", f"line 1: {NUMBER}")
    reasons = [
        ChainBroken(f"case {NUMBER}", 3, f"record {NUMBER} edited").reason,
        StoreDiverged("events", 3, f"record {NUMBER}").reason,
        TokenRejected(f"amr {NUMBER}").reason,
        errors.AccessDenied(f"no entry {NUMBER}").reason,
    ]
    texts = [
        str(violation),
        violation.document,
        *(part for problem in violation.problems for part in problem),
        str(configuration),
        *configuration.problems,
        str(malformed),
        malformed.where,
        malformed.problem,
        *reasons,
    ]
    for text in texts:
        assert NUMBER not in text, text
    assert _shown(NUMBER) in violation.problems[0][1]


def test_an_error_keeps_its_other_arguments() -> None:
    """Only text is redacted: numbers and objects pass as they are."""
    error = BarnekoordinatorError(f"no case {NUMBER}", 42, None)
    assert error.args == ("no case 178515*****", 42, None)


@pytest.mark.parametrize(
    "make",
    [
        lambda ref: Child(ref=ref, birth_date=date(2021, 3, 14)),
        lambda ref: ExpectedChild(ref=ref, expected_date=date(2027, 1, 1)),
        lambda ref: Guardian(
            ref=ref, relation=GuardianRelation.MOTHER, parental_responsibility=True
        ),
        lambda ref: Professional(
            ref=ref,
            service=ServiceKind.BARNEHAGE,
            organisation=Organisasjonsnummer("974760673"),
        ),
    ],
    ids=["child", "expected-child", "guardian", "professional"],
)
@pytest.mark.parametrize(
    "ref",
    [
        NUMBER,
        f"mor-{NUMBER}",
        "178515 50097",
        "178515-50097",
        "17 85 15 500 97",
        "178515\u200950097",
        "178515\u201350097",
        "178515_50097",
        "12345678901",
        " ",
        "",
    ],
)
def test_a_ref_is_never_an_identity_number(make: object, ref: str) -> None:
    """Refs are stored in clear (domain.md §6: identity numbers are sealed, refs are not):
    a ref that holds eleven digits, checksum or not, or no text at all, is refused."""
    assert callable(make)
    with pytest.raises(InvalidInput) as caught:
        make(ref)
    assert ".ref: expected" in str(caught.value)
    assert NUMBER not in str(caught.value)
    assert make("mor") is not None


def test_a_principal_refuses_an_amr_holding_an_identity_number() -> None:
    """``repr(principal)`` shows ``amr``; the number would be in every log of it."""
    with pytest.raises(InvalidInput, match="amr: expected method names"):
        Principal(
            subject="s", display_label="x", assurance=AssuranceLevel.HIGH, amr=("BankID", NUMBER)
        )
    assert Principal(
        subject="s", display_label="x", assurance=AssuranceLevel.HIGH, amr=("BankID",)
    ).amr == ("BankID",)


_SEPARATORS = st.sampled_from(
    [
        " ",
        "\t",
        "\u00a0",
        ".",
        "-",
        "/",
        # The edge sweep of 2026-12-07: each of these let a number through, echoed in a message
        # and stored in a ref (thin, narrow no-break and figure space, en and em dash, minus
        # sign, non-breaking hyphen, underscore, comma, colon, two spaces, spaced hyphen).
        "\u2009",
        "\u202f",
        "\u2007",
        "\u2013",
        "\u2014",
        "\u2212",
        "\u2011",
        "_",
        ",",
        ":",
        "  ",
        " - ",
    ]
)
_SCRIPTS = st.sampled_from(["0123456789", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩"])


@given(number=synthetic_fodselsnummer_strings(), sep=_SEPARATORS, digits=_SCRIPTS)
def test_a_number_is_found_in_the_forms_people_write_it(number: str, sep: str, digits: str) -> None:
    """Six and five digits with a separator, groups split by spaces, other scripts' digits: the
    second sweep found each echoed whole (``no case '178515-50097'``)."""
    written = number.translate(str.maketrans("0123456789", digits))
    forms = [written, written[:6] + sep + written[6:]]
    if sep.isspace():
        groups = [written[:2], written[2:4], written[4:6], written[6:9], written[9:]]
        forms.append(sep.join(groups))
    for form in forms:
        message = f"no case '{form}' in the store"
        assert form not in redact(message)
        assert written[:6] + "*****" in redact(message)
        assert number_shaped(form)
        assert str(BarnekoordinatorError(message)) == redact(message)


def test_separated_forms_do_not_swallow_dates_times_or_uuids() -> None:
    """What has separators but is not eleven digits stays whole."""
    for text in [
        "2026-12-06T21:40:00+01:00",
        "case 6585b4b1-d244-4890-915a-401504242426",
        "0301 974760673",
        "checkpoint of 3 event(s) and 4 audit record(s)",
        "sizes 10 20 50 100",
        "events 1–5 and 12–40 of case 4",
        "12:00–13:30, 2026-12-07",
    ]:
        assert redact(text) == text
        assert not number_shaped(text)
