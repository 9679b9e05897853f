"""Playwright fixtures: Debian's Chromium driving pytest-django's live server.

Playwright cannot download its own browsers on our machines, so the tests launch
``/usr/bin/chromium`` (``apt-get install chromium``). Without it the browser
tests are skipped on a workstation, but fail in CI (``CI=true``), where a
missing browser must not pass as green.

The browser is started once per session; every test gets a fresh context (no
cookies shared between tests) and page. Pages ask for ``transactional_db`` so
they close before the database is flushed: a page still loading lazy images
while the flush runs deadlocked the SQLite run (the live server shares the
test's SQLite connection, and the search index's trigger calls back into
Python while holding that connection's mutex).

The stylesheet names Noto first (what Android phones render with; here
``apt-get install fonts-noto-core``); ``make_page(fonts="fallback")`` renders
as a machine without Noto does.
"""

import os
import re
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an asyncio event loop in the main thread, and
# Django refuses ORM calls from a thread with a running loop. The tests call the
# ORM synchronously between browser steps, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# fonts-noto-core's folder; the fallback browser's fontconfig rejects it.
NOTO = Path("/usr/share/fonts/truetype/noto")
FALLBACK_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><glob>{noto}/*</glob></rejectfont></selectfont>
</fontconfig>
"""
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# Playwright waits this long (ms) for an element or a navigation before failing.
TIMEOUT_MS = 15_000
_OUTCOMES = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome so page fixtures can see a failed test."""
    report = yield
    item.stash.setdefault(_OUTCOMES, {})[report.when] = report
    return report


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def _playwright():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium"
        if _in_ci():
            pytest.fail(f"{reason} (browser tests cannot be skipped in CI)")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        yield playwright


def _launch(playwright, **options):
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, **options
    )


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _launch(_playwright)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def fallback_fonts_browser(_playwright, tmp_path_factory):
    """Chromium with the system's fonts but Noto, as on a machine without it.

    Chromium finds fonts through fontconfig, so a configuration that includes
    the system's and rejects Noto's folder hides Noto from this browser only.
    """
    config = tmp_path_factory.mktemp("fontconfig") / "fonts.conf"
    config.write_text(FALLBACK_FONTCONFIG.format(noto=NOTO), encoding="utf-8")
    browser = _launch(_playwright, env={**os.environ, "FONTCONFIG_FILE": str(config)})
    try:
        yield browser
    finally:
        browser.close()


def _require_noto() -> None:
    if not any(NOTO.glob("NotoSerif-*.ttf")) or not any(NOTO.glob("NotoSans-*.ttf")):
        reason = f"Noto Serif/Sans are not in {NOTO}: apt-get install fonts-noto-core"
        if _in_ci():
            pytest.fail(f"{reason} (the font checks cannot be skipped in CI)")
        pytest.skip(reason)


def rendered_fonts(page, selector: str) -> list[tuple[str, list[str]]]:
    """(the start of its markup, the font families Chromium drew its text
    with) for every match the layout shows; ``display: none`` draws nothing.

    Fonts as drawn, not as named: CSS cannot tell which font of a stack a
    glyph came from, and a stack's first font may lack some of them.
    """
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})
        drawn = []
        for node in found["nodeIds"]:
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})
            if fonts["fonts"]:
                html = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
                # Bold and regular are two fonts of one family.
                families = list(dict.fromkeys(f["familyName"] for f in fonts["fonts"]))
                drawn.append((html[:80], families))
        return drawn
    finally:
        cdp.detach()


def _serve_media(route):
    """Answer /media/ requests from MEDIA_ROOT, like nginx in front of the app.

    The test settings do not serve uploads (nginx does in production), so
    without this every photo would be a broken image in the screenshots.
    Files not on disk go on to the app, which makes missing renditions.
    """
    relative = unquote(urlsplit(route.request.url).path).removeprefix(
        settings.MEDIA_URL
    )
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if path.is_file() and path.is_relative_to(root):
        route.fulfill(path=path)
    else:
        # A rendition not made yet: the app makes it, as behind nginx.
        route.continue_()


def _new_page(browser, live_server, **options):
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    if not settings.SERVE_MEDIA:
        context.route(f"**{settings.MEDIA_URL}**", _serve_media)
    return context, context.new_page()


def _close(request, context, page):
    """Close the context, first keeping a screenshot if the test failed.

    Closed whatever happens: a page left open goes on loading from the live
    server while the next test runs.
    """
    try:
        call = request.node.stash.get(_OUTCOMES, {}).get("call")
        if call is not None and call.failed and not page.is_closed():
            SCREENSHOTS.mkdir(exist_ok=True)
            name = re.sub(r"[^-\w.]+", "-", request.node.name).strip("-")
            try:
                page.screenshot(path=SCREENSHOTS / f"failed-{name}.png", full_page=True)
            except PlaywrightError:
                pass  # The failure itself matters more than its picture.
    finally:
        context.close()


@pytest.fixture
def desktop_page(request, browser, live_server, transactional_db):
    """A page in a 1366x768 desktop window, with its own cookies."""
    context, page = _new_page(browser, live_server, viewport=DESKTOP)
    yield page
    _close(request, context, page)


@pytest.fixture
def phone_page(request, browser, live_server, transactional_db):
    """A page on a 390x844 touch phone that honours the viewport meta tag."""
    context, page = _new_page(
        browser,
        live_server,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield page
    _close(request, context, page)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as tests/browser/screenshots/<name>.png.

    A failed test also leaves ``failed-<test name>.png`` there.
    """

    def save(page, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return save


AXE_JS = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0/2.1/2.2 A and AA rules, plus axe's best practices (landmarks,
# one h1, heading order, ...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's script, installed from the npm registry by ``make install``."""
    if not AXE_JS.exists():
        reason = f"{AXE_JS} is missing: run `npm ci` (make install does it)"
        if _in_ci():
            pytest.fail(f"{reason} (accessibility checks cannot be skipped in CI)")
        pytest.skip(reason)
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """Run axe-core on the page; return its violations, printing every one.

    The script goes in through the DevTools protocol (``page.evaluate``), which
    the page's Content-Security-Policy does not govern, so the policy the
    reader gets stays exactly as served.
    """

    def run(page, *, context="document", rules=None) -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        options = {"resultTypes": ["violations"]}
        if rules:
            options["runOnly"] = {"type": "rule", "values": rules}
        else:
            options["runOnly"] = {"type": "tag", "values": AXE_TAGS}
        result = page.evaluate(f"options => axe.run({context}, options)", options)
        violations = result["violations"]
        for violation in violations:
            targets = [node["target"] for node in violation["nodes"]][:5]
            print(  # noqa: T201 - shown with -s, and with a failing test
                f"axe {page.url}: {violation['impact']} {violation['id']} "
                f"({len(violation['nodes'])}): {violation['help']} {targets}"
            )
        return violations

    return run


def visible(locator):
    """The first visible match: a phone layout may keep hidden copies around."""
    return locator.filter(visible=True).first


def assert_fits_width(page):
    """The page does not scroll sideways, measured with its stylesheet applied.

    A script may run while the stylesheet is still loading, and the layout it
    sees then is the unstyled one (a card's 1,200 px image, say).
    """
    page.wait_for_load_state("load")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def blocking(violations: list[dict]) -> list[str]:
    """The ids of violations of serious or critical impact."""
    return [v["id"] for v in violations if v["impact"] in AXE_BLOCKING]


@pytest.fixture
def make_page(request, browser, live_server, transactional_db):
    """Pages with other settings: ``make_page("phone", java_script_enabled=False)``.

    Sizes are "desktop" (1366x768) and "phone" (390x844 touch screen); other
    keyword arguments go to ``browser.new_context`` (``color_scheme``, ...).
    """
    closing = ExitStack()

    def make(size: str = "desktop", *, fonts: str = "system", **options):
        """``fonts``: "system" (what is installed), "noto" (the same, and Noto
        must be installed), or "fallback" (Noto hidden)."""
        if fonts == "noto":
            _require_noto()
        chromium = (
            request.getfixturevalue("fallback_fonts_browser")
            if fonts == "fallback"
            else browser
        )
        if size == "phone":
            options = {
                "viewport": PHONE,
                "device_scale_factor": 2,
                "is_mobile": True,
                "has_touch": True,
                **options,
            }
        else:
            options = {"viewport": DESKTOP, **options}
        context, page = _new_page(chromium, live_server, **options)
        closing.callback(_close, request, context, page)
        return page

    # Every page is closed even if closing one fails.
    with closing:
        yield make
