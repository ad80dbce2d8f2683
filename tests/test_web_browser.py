"""The reader in a real browser: headless Chromium (Debian's `chromium`, installed by .ci/run) driven by
Playwright for Python against `newsfuse serve`'s app on a loopback port.

Searches for an entity, opens the story, clicks a citation chip and finds the cited sentence highlighted
in the viewport, follows a conflict claim to its sentence, ingests an article through the API (401 without
the token) and sees it after a reload, and checks that hostile article text executes nothing. Screenshots
of the list, story and article pages go to out/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from newsfuse.store import open_store
from newsfuse.store.update import ingest_articles
from test_web import RECORDS, TOKEN, _articles

playwright_sync = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -c requirements.lock playwright)")
CHROMIUM = os.environ.get("NEWSFUSE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip("no chromium on PATH (.ci/run installs Debian's chromium)", allow_module_level=True)

SHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"
ARGS = ["--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-domain-reliability",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
HIGHLIGHT = "rgb(255, 227, 110)"  # --hl in app.css


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """The app over a freshly filled SQLite store, served by uvicorn in a thread."""
    import uvicorn

    from newsfuse.web import create_app

    db = tmp_path_factory.mktemp("browser") / "store.db"
    store = open_store(f"sqlite:///{db}")
    assert not ingest_articles(store, _articles(RECORDS)).problems
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(store, token=TOKEN), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}", store
    srv.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    pg = context.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    yield pg
    context.close()


def _highlighted_in_view(pg) -> dict:
    """The element the URL's #fragment names: its background and whether it lies inside the viewport."""
    return pg.evaluate("""() => {
        const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
        if (!el) return {found: false};
        const r = el.getBoundingClientRect();
        return {found: true, text: el.textContent, bg: getComputedStyle(el).backgroundColor,
                inView: r.bottom > 0 && r.top < window.innerHeight && r.height > 0};
    }""")


def test_search_open_story_and_click_a_citation(server, page):
    base, store = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(base + "/")
    page.screenshot(path=str(SHOTS / "list.png"), full_page=True)
    page.fill("header input[name=q]", "Okafor")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/?q=Okafor*")
    bridge = store.article("gazette").story
    link = page.locator(f'ol.stories a[href="/stories/{bridge}"]')
    assert link.count() == 1 and page.locator("ol.stories li").count() == 1
    link.click()
    page.wait_for_url(f"**/stories/{bridge}")
    assert page.locator("nav.sections a[href='#conflicts']").count() == 1
    page.screenshot(path=str(SHOTS / "story.png"), full_page=True)
    chip = page.locator("#summary a.chip:not(.chip-plain)").first
    href = chip.get_attribute("href")
    assert href and "#s-" in href
    chip.click()
    page.wait_for_url("**/articles/**#s-*")
    page.wait_for_timeout(150)
    got = _highlighted_in_view(page)
    aid, frag = href.split("/articles/")[1].split("#")
    start, end = (int(x) for x in frag[2:].split("-"))
    assert got["found"] and got["inView"] and got["bg"] == HIGHLIGHT, got
    assert got["text"].strip() and got["text"] in store.article(aid.split("?")[0]).raw[start:end]
    page.screenshot(path=str(SHOTS / "article.png"))
    assert page.dialogs == []


def test_conflict_claim_opens_its_sentence(server, page):
    base, store = server
    bridge = store.article("gazette").story
    page.goto(f"{base}/stories/{bridge}")
    claims = page.locator("#conflicts a.claim")
    assert claims.count() >= 2
    href = claims.nth(1).get_attribute("href")
    claims.nth(1).click()
    page.wait_for_url("**#s-*")
    page.wait_for_timeout(150)
    got = _highlighted_in_view(page)
    assert got["found"] and got["inView"] and got["bg"] == HIGHLIGHT, (href, got)
    assert any(ch.isdigit() for ch in got["text"])  # the claim's figure is in the highlighted sentence


def test_ingest_through_the_api_shows_on_reload(server, page):
    base, store = server
    bridge = store.article("gazette").story
    page.goto(f"{base}/stories/{bridge}")
    assert "Harlow Herald" not in page.content()
    rec = {"id": "herald-b", "title": "Harlow Bridge closure: engineers find cracks", "outlet": "Harlow Herald",
           "published": "2024-03-04T18:00",
           "text": "Denmere closed the Harlow Bridge on Monday after inspectors found cracks in two of its piers.\n"
                   "Council engineer Ruth Okafor said repairs would take six weeks.\n"}
    denied = page.request.post(base + "/api/v1/articles", data=rec)
    assert denied.status == 401 and "error" in denied.json()
    ok = page.request.post(base + "/api/v1/articles", data=rec, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status == 201, ok.text()
    target = ok.json()["stories"]["herald-b"]
    page.goto(f"{base}/stories/{target}")
    page.reload()
    assert page.locator("#articles", has_text="Harlow Herald").count() == 1


def test_hostile_article_executes_nothing(server, page):
    base, store = server
    evil_story = store.article("evil").story
    for url in ["/", f"/stories/{evil_story}", "/articles/evil", "/?q=%3Cscript%3Ealert(5)%3C/script%3E"]:
        page.goto(base + url)
        page.wait_for_timeout(100)
    page.goto(base + "/articles/evil")
    assert page.locator("script:not([src='/static/app.js'])").count() == 0
    assert page.locator("img").count() == 0
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]
    for link in page.locator("a.ent, a.chip").all()[:3]:
        link.click()
        page.go_back()
    assert page.dialogs == []


def test_pages_work_without_javascript(server, browser):
    base, store = server
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1100, "height": 800})
    pg = context.new_page()
    try:
        bridge = store.article("gazette").story
        pg.goto(f"{base}/?q=Okafor")
        pg.locator(f'ol.stories a[href="/stories/{bridge}"]').click()
        pg.wait_for_url(f"**/stories/{bridge}")
        chip = pg.locator("#facts a.chip:not(.chip-plain)").first
        chip.click()
        pg.wait_for_url("**/articles/**#s-*")
        got = _highlighted_in_view(pg)  # evaluate() runs even with page scripts off; the page's own app.js does not
        assert got["found"] and got["inView"] and got["bg"] == HIGHLIGHT, got  # CSS :target alone
    finally:
        context.close()
