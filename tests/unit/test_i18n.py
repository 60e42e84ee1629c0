"""The gettext catalogues: complete in nb, nn and en, no fallback, a language is a catalogue.

Issue 16 item 5 and design §6 ("gettext catalogues managed with Babel; nb, nn and en complete,
no fallback"); decision 28.
"""

from __future__ import annotations

import ast
import shutil
import string
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from hypothesis import given, settings
from hypothesis import strategies as st

from barnekoordinator import _i18n
from barnekoordinator.errors import InvalidInput
from barnekoordinator.texts import LOCALE_PATH_ENV, TEXTS, Language, language, read_mo, text

SRC = Path(__file__).resolve().parents[2] / "src"
LOCALE = SRC / "barnekoordinator" / "locale"
PO = "LC_MESSAGES/barnekoordinator.po"
_APPOINT_ENDS = "Retten til barnekoordinator gjelder til barnet fyller 18 år, {date}."


def _calls(name: str) -> list[tuple[str, str]]:
    """Every ``name("literal", …)`` call in the source: (first argument, file)."""
    found = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name | ast.Attribute)
                and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == name
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append((node.args[0].value, str(path.relative_to(SRC))))
    return found


def test_the_catalogue_check_passes() -> None:
    """Template fresh, nb/nn/en complete and not fuzzy, placeholders equal, .mo files current."""
    errors, _notes = _i18n.check()
    assert errors == []


@pytest.mark.parametrize("code", ["nb", "nn", "en"])
def test_every_message_has_a_non_empty_non_fuzzy_text_with_the_same_placeholders(
    code: str,
) -> None:
    """Read the .po directly: no message of a complete language is empty, fuzzy or misplaced."""
    with (LOCALE / "barnekoordinator.pot").open("rb") as f:
        template = {m.context: m.id for m in read_po(f) if m.id}
    with (LOCALE / code / PO).open("rb") as f:
        catalog = read_po(f)
    messages = {m.context: m for m in catalog if m.id}
    assert messages.keys() == template.keys()
    for key, message in messages.items():
        assert message.string, (code, key)
        assert not message.fuzzy, (code, key)
        assert _i18n.placeholders(str(message.string)) == _i18n.placeholders(str(message.id)), key
    assert read_mo(LOCALE / code / "LC_MESSAGES" / "barnekoordinator.mo") == {
        k: m.string for k, m in messages.items()
    }


def test_the_check_finds_a_missing_translation_and_a_changed_placeholder(tmp_path: Path) -> None:
    """A blank nynorsk message and a renamed placeholder are errors, not silent fallbacks."""
    shutil.copytree(LOCALE / "nn", tmp_path / "nn")
    with (tmp_path / "nn" / PO).open("rb") as f:
        catalog = read_po(f, locale="nn")
    catalog.get(_APPOINT_ENDS, context="doc.appoint-ends").string = "Frist {dato}."
    blank = next(m for m in catalog if m.context == "outcome.not-met")
    blank.string = ""
    with (tmp_path / "nn" / PO).open("wb") as f:
        write_po(f, catalog)
    sources = {str(m.context): str(m.id) for m in catalog if m.id}
    notes: list[str] = []
    errors = _i18n._check_language("nn", tmp_path, sources, complete=True, notes=notes)
    assert any("outcome.not-met: missing or fuzzy" in e for e in errors)
    assert any("doc.appoint-ends: placeholders ['dato']" in e for e in errors)
    assert any("barnekoordinator.mo is stale" in e for e in errors)


def test_no_key_is_marked_twice() -> None:
    """Each key is one message (one msgctxt) in the source markers."""
    twice = [key for key, n in Counter(k for k, _f in _calls("_N_")).items() if n > 1]
    assert twice == []


def test_every_key_used_in_code_exists() -> None:
    """``text("…")``, Min oversikt's ``say("…")`` and the archive's ``label("…")`` resolve."""
    used = [(k, f) for k, f in _calls("text") if "." in k and " " not in k]
    used += [("overview." + k, f) for k, f in _calls("say") if f.startswith("barnekoordinator/ov")]
    used += [("archive." + k, f) for k, f in _calls("label") if "archive" in f]
    assert len(used) > 50
    variants = {k.rsplit(".", 1)[0] for k in TEXTS if k.rsplit(".", 1)[-1] in _VERSIONS}
    assert [(k, f) for k, f in used if k not in TEXTS and k not in variants] == []


_VERSIONS = ("child", "youth", "guardian")  # Min oversikt's variants, which say() prefers
_FIELDS = sorted(TEXTS)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_FIELDS), st.sampled_from(list(Language)), st.text(max_size=5))
def test_format_with_the_placeholders_never_raises(key: str, lang: Language, value: str) -> None:
    """Every text formats in every language given the placeholders of its bokmål source."""
    fields = _i18n.placeholders(TEXTS[key].nb)
    shown = TEXTS[key].format(lang, **dict.fromkeys(fields, value))
    assert "{" not in shown or "{" in value


def test_nynorsk_never_falls_back_to_bokmal() -> None:
    """A text whose nb and nn differ is shown in nynorsk; `get("nn")` reads only nn.mo."""
    nn = read_mo(LOCALE / "nn" / "LC_MESSAGES" / "barnekoordinator.mo")
    assert all(text(key).get("nn") == nn[key] for key in TEXTS)
    assert text("outcome.not-met").get("nn") == "ikkje oppfylt"


def _somali(tmp_path: Path) -> Path:
    """A Somali catalogue made the translator's way: copy, translate two, compile."""
    (tmp_path / "so" / "LC_MESSAGES").mkdir(parents=True)
    with (LOCALE / "barnekoordinator.pot").open("rb") as f:
        catalog = read_po(f, locale="so")
    catalog.get("oppfylt", context="outcome.met").string = "la buuxiyay"
    catalog.get(_APPOINT_ENDS, context="doc.appoint-ends").string = "Waqtiga cabashada waa {date}."
    catalog.get("ikke oppfylt", context="outcome.not-met").string = "lama buuxin"
    catalog.get("ikke oppfylt", context="outcome.not-met").flags.add("fuzzy")
    catalog.fuzzy = False
    with (tmp_path / "so" / PO).open("wb") as f:
        write_po(f, catalog)
    _i18n._babel("compile", "-d", str(tmp_path), "-D", "barnekoordinator")
    return tmp_path


def test_adding_a_language_is_a_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Somali from a catalogue in a directory named by the setting; missing messages in bokmål."""
    with pytest.raises(InvalidInput, match="unknown language 'so'"):
        language("so")
    monkeypatch.setenv(LOCALE_PATH_ENV, str(_somali(tmp_path)))
    so = language("so")
    assert isinstance(so, Language)
    assert so == "so"
    assert so is Language("so")
    assert list(Language) == [Language.NB, Language.NN, Language.EN]
    assert text("outcome.met").get("so") == "la buuxiyay"
    assert text("doc.appoint-ends").format(so, date="2026-03-01") == (
        "Waqtiga cabashada waa 2026-03-01."
    )
    # Fuzzy and untranslated messages are shown in bokmål, the documented fallback for extras.
    assert text("outcome.not-met").get("so") == "ikke oppfylt"
    assert text("outcome.met").join(text("outcome.not-met"), "/").get("so") == (
        "la buuxiyay/ikke oppfylt"
    )


def test_an_incomplete_extra_language_is_reported(tmp_path: Path) -> None:
    """The check lists what an extra language lacks; that is a note, not an error."""
    errors, notes = _i18n.check([_somali(tmp_path)])
    assert errors == []
    assert any(n.startswith(f"so: incomplete, {len(TEXTS) - 2} of {len(TEXTS)}") for n in notes)


def test_absorb_moves_a_tuple_dict_into_the_catalogues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_i18n absorb`` turns ``key: (nb, nn, en)`` entries into markers and .po messages."""
    package = tmp_path / "barnekoordinator"
    shutil.copytree(LOCALE, package / "locale")
    shutil.copy(SRC / "barnekoordinator" / "_messages.py", package / "_messages.py")
    module = tmp_path / "absorb_me.py"
    module.write_text(
        'NEW: dict[str, tuple[str, str, str]] = {\n    "test.hello": ("Hei {name}, hva nå?", '
        '"Hei {name}, kva no?", "Hello {name}, what now?"),\n}\n',
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(_i18n, "LOCALE", package / "locale")
    monkeypatch.setattr(_i18n, "TEMPLATE", package / "locale" / "barnekoordinator.pot")
    monkeypatch.setattr(_i18n, "MARKERS", package / "_messages.py")
    monkeypatch.setattr(_i18n, "_SOURCES", (package,))
    assert _i18n.absorb("absorb_me:NEW") == 1
    assert "NEW: dict[str, tuple[str, str, str]] = {}" in module.read_text(encoding="utf-8")
    assert '_N_("test.hello", "Hei {name}, hva nå?")' in (package / "_messages.py").read_text()
    for code, expected in (("nb", "Hei {name}, hva nå?"), ("nn", "Hei {name}, kva no?")):
        assert (
            read_mo(package / "locale" / code / "LC_MESSAGES" / "barnekoordinator.mo")["test.hello"]
            == expected
        )
    assert _i18n.check()[0] == []


def test_placeholders_reads_brace_fields() -> None:
    """``{date}`` and ``{n}`` are placeholders; literal text is not."""
    assert _i18n.placeholders("Frist {date}: {n} gonger") == {"date", "n"}
    assert _i18n.placeholders("ingen") == frozenset()
    assert set(string.ascii_letters) >= set("".join(_i18n.placeholders("{abc}")))


def test_an_obligation_has_its_own_nynorsk() -> None:
    """Obligations were shown in bokmål for nynorsk; now ``text_nn`` is required and catalogued."""
    import attrs

    from barnekoordinator.coordination.roles import Obligation, worded

    words = worded("obligation.undring-overdue", id="u-1")
    assert words["text_nn"] == "Undringa u-1 er ikkje avklart innan fristen; følg opp."
    assert words["text_nb"] == "Undringen u-1 er ikke avklart innen fristen; følg opp."
    assert "text_nn" in {a.name for a in attrs.fields(Obligation) if a.default is attrs.NOTHING}
