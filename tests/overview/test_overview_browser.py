"""Min oversikt in a real browser: axe-core finds no WCAG 2.1 A/AA violation (issue 16 item 3).

Norwegian public services must meet WCAG 2.1 AA (likestillings- og diskrimineringsloven § 17 and
forskrift om universell utforming av IKT-løsninger § 4). Each version — the child (12, reading
itself), the young person (14) and a guardian — in nb, nn and en, at 375 px (a phone) and
1280 px, is opened from a file in headless Chromium (Debian's ``chromium``, driven by
Playwright; no browser is downloaded) and checked by axe-core with the tags ``wcag2a``,
``wcag2aa``, ``wcag21a`` and ``wcag21aa``: 0 violations (printed when there are any). A PNG
screenshot and the HTML of each are saved under ``$BARNEKOORDINATOR_ARTEFACTS/min-oversikt/``
(default: a pytest temporary folder, printed at the end of the session).

Where the browser or axe-core is missing the tests are skipped with the reason, unless
``BARNEKOORDINATOR_REQUIRE_BROWSER=1`` (CI sets it): then they fail. Chromium is
``$BARNEKOORDINATOR_CHROMIUM`` (default ``/usr/bin/chromium``), axe-core's ``axe.min.js`` is
``$BARNEKOORDINATOR_AXE`` (default: the npm cache ``.ci/run`` installs it into).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _family import RICH, Family, Filler, new_book

from barnekoordinator.edges import DOCUMENT_POLICY
from barnekoordinator.overview import OverviewPage, OverviewVersion

# Read at import: the test fixtures point HOME at a temporary folder.
_NPM = Path(
    os.environ.get("BARNEKOORDINATOR_NPM_CACHE", Path.home() / ".cache/barnekoordinator/npm")
)
AXE = Path(os.environ.get("BARNEKOORDINATOR_AXE", _NPM / "node_modules/axe-core/axe.min.js"))
CHROMIUM = Path(os.environ.get("BARNEKOORDINATOR_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("BARNEKOORDINATOR_REQUIRE_BROWSER") == "1"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
READERS = {
    OverviewVersion.CHILD: (12, "child"),
    OverviewVersion.YOUTH: (14, "child"),
    OverviewVersion.GUARDIAN: (12, "mother"),
}


def _missing(why: str) -> None:
    if REQUIRED:
        pytest.fail(f"{why} (BARNEKOORDINATOR_REQUIRE_BROWSER=1)")
    pytest.skip(why)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install 'barnekoordinator[browser]')")
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if not AXE.is_file():
        _missing(f"no axe-core at {AXE} (npm install axe-core@4; see .ci/run)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots and pages go."""
    base = os.environ.get("BARNEKOORDINATOR_ARTEFACTS")
    folder = Path(base) / "min-oversikt" if base else tmp_path_factory.mktemp("artefacts") / "min"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def pages() -> dict[tuple[OverviewVersion, str], OverviewPage]:
    """Every version in every language, each read by its own reader through the Casebook."""
    made = {}
    for version, (age, reader) in READERS.items():
        family = Family(age)
        book, _ = new_book()
        case_id = family.open(book)
        filler = Filler(book, case_id, family)
        for step in RICH:
            filler.run(*step)
        for lang in ("nb", "nn", "en"):
            page = book.overview(family.principals()[reader], case_id, lang=lang)
            assert page.version is version
            assert not page.preview
            made[version, lang] = page
    return made


def _open(
    browser: Any, page: OverviewPage, width: int, artefacts: Path, *, with_axe: bool = False
) -> tuple[Any, Path]:
    """The page in a new tab. ``with_axe``: the page's Content-Security-Policy is bypassed, so
    that axe-core's script can be added (the policy lets no script run; the other tests keep it,
    and ``test_the_pages_policy_lets_nothing_run_or_load_but_its_own_style`` checks it)."""
    name = f"{page.version.value}-{page.lang.value}-{width}px"
    html = artefacts / f"{name}.html"
    html.write_text(page.html, encoding="utf-8")
    tab = browser.new_page(viewport={"width": width, "height": 900}, bypass_csp=with_axe)
    tab.goto(html.as_uri())
    return tab, artefacts / f"{name}.png"


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
@pytest.mark.parametrize("version", list(OverviewVersion), ids=lambda v: v.value)
def test_every_version_has_no_wcag_21_aa_violation(
    browser: Any,
    pages: dict[tuple[OverviewVersion, str], OverviewPage],
    artefacts: Path,
    version: OverviewVersion,
    lang: str,
    width: int,
) -> None:
    """axe-core (WCAG 2.1 A and AA rules): 0 violations; the page fits the width; screenshot."""
    page = pages[version, lang]
    tab, shot = _open(browser, page, width, artefacts, with_axe=True)
    try:
        tab.add_script_tag(path=str(AXE))
        result = tab.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        tab.screenshot(path=str(shot), full_page=True)
        overflow = tab.evaluate("document.documentElement.scrollWidth")
    finally:
        tab.close()
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)
    assert len(result["passes"]) > 10, "axe ran no rules: the check would be vacuous"
    assert overflow <= width, f"the page is {overflow}px wide in a {width}px window"
    assert shot.stat().st_size > 1000


def test_the_page_runs_no_script_and_its_skip_link_shows_on_focus(
    browser: Any, pages: dict[tuple[OverviewVersion, str], OverviewPage], artefacts: Path
) -> None:
    """No script (with JavaScript off it reads the same); Tab reaches a visible skip link."""
    page = pages[OverviewVersion.CHILD, "nb"]
    assert "<script" not in page.html.lower()
    tab, _ = _open(browser, page, 375, artefacts)
    try:
        assert tab.evaluate("document.scripts.length") == 0
        assert tab.evaluate("document.documentElement.lang") == "nb"
        tab.keyboard.press("Tab")
        focused = tab.evaluate(
            "(() => { const a = document.activeElement; const r = a.getBoundingClientRect();"
            " return {cls: a.className, left: r.left, width: r.width,"
            " outline: getComputedStyle(a).outlineStyle}; })()"
        )
        tab.keyboard.press("Enter")
        target = tab.evaluate("document.activeElement.id")
    finally:
        tab.close()
    assert focused["cls"] == "skip"
    assert focused["left"] >= 0, "the skip link stays off screen"
    assert focused["width"] > 0
    assert focused["outline"] != "none", "no visible focus"
    assert target == "main"


def test_the_print_style_leaves_out_the_navigation(
    browser: Any, pages: dict[tuple[OverviewVersion, str], OverviewPage], artefacts: Path
) -> None:
    """On paper the contents list and the skip link are hidden; the sections stay."""
    tab, _ = _open(browser, pages[OverviewVersion.GUARDIAN, "nn"], 1280, artefacts)
    try:
        tab.emulate_media(media="print")
        shown = tab.evaluate(
            "['nav', '.skip', 'main', '#complain'].map("
            "s => getComputedStyle(document.querySelector(s)).display)"
        )
        pdf = tab.pdf()
    finally:
        tab.close()
    assert shown[:2] == ["none", "none"]
    assert "none" not in shown[2:]
    assert pdf.startswith(b"%PDF")


_WATCH_POLICY = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    {directive: e.effectiveDirective, blocked: String(e.blockedURI)}));
"""

_TRY_TO_RUN_AND_LOAD = """() => {
    const script = document.createElement('script');
    script.textContent = 'window.__ran = true';
    document.body.appendChild(script);
    const image = document.createElement('img');
    image.src = 'http://127.0.0.1:9/tracker.png';
    document.body.appendChild(image);
}"""


def test_the_pages_policy_lets_nothing_run_or_load_but_its_own_style(
    browser: Any, pages: dict[tuple[OverviewVersion, str], OverviewPage], artefacts: Path
) -> None:
    """The page's Content-Security-Policy (``edges.DOCUMENT_POLICY``) is in force: its own inline
    style applies with no violation, and a script or an image put into the page by an escaping
    mistake neither runs nor loads (the image's loopback address is never asked)."""
    page = pages[OverviewVersion.GUARDIAN, "nb"]
    html = artefacts / "policy-guardian-nb.html"
    html.write_text(page.html, encoding="utf-8")
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        tab.add_init_script(_WATCH_POLICY)
        tab.goto(html.as_uri())
        policy = tab.evaluate(
            "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content"
        )
        at_load = tab.evaluate("window.__violations")
        styled = tab.evaluate("getComputedStyle(document.querySelector('.skip')).position")
        tab.evaluate(_TRY_TO_RUN_AND_LOAD)
        tab.wait_for_function("window.__violations.length >= 2", timeout=5000)
        ran = tab.evaluate("window.__ran === true")
        refused = tab.evaluate("window.__violations")
    finally:
        tab.close()
    assert policy == DOCUMENT_POLICY
    assert at_load == [], "the page's own style or content broke its policy"
    assert styled != "static", "the inline stylesheet did not apply"
    assert not ran
    assert {v["directive"] for v in refused} >= {"script-src-elem", "img-src"}
