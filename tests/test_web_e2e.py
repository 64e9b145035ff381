"""`kg serve` in a real headless browser (Debian's chromium driven by Playwright's Python API).

A person types a number into search, opens the document, opens its lineage picture and reads the
root resolution there and the sentence that proves an edge; then a department's page. The pages
are saved as screenshots (docs/screenshots/ for the README, and a copy under the test's tmp dir).
Nothing may load from another host, no Content-Security-Policy violation may occur, and a
document carrying markup runs no script. Chromium missing is a failure, not a skip: CI installs it
(`apt-get install -y chromium`)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.test_web import TODAY, UNIT, XSS_ATTR, XSS_TITLE, Site, corpus_store, u, xss_store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 860}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser test needs Debian's chromium "
                    "(apt-get update && apt-get install -y chromium)", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser test needs Playwright's Python API: pip install playwright "
                    "(its own browser download, `playwright install`, is not used)", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Watch:
    """A page that records what a person would not see: requests elsewhere, console errors, dialogs."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", java_script_enabled=True)
        self.page = self.context.new_page()
        self.elsewhere, self.errors, self.dialogs = [], [], []
        self.page.on("request", lambda r: None if r.url.startswith(base) else self.elsewhere.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def check(self, expected_404: int = 0):
        assert self.elsewhere == [], self.elsewhere
        not_found = [e for e in self.errors if "status of 404" in e]
        assert len(not_found) == expected_404, self.errors
        self.errors = [e for e in self.errors if e not in not_found]
        assert self.errors == [], self.errors  # a CSP violation is reported as a console error
        assert self.dialogs == [], self.dialogs

    def close(self):
        self.context.close()


def shoot(page, name: str, tmp_path: Path, full_page: bool = False) -> None:
    out = tmp_path / "screenshots" / f"{name}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=full_page)
    if os.environ.get("KG_UPDATE_SCREENSHOTS"):  # refresh the README's pictures on demand only
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, SHOTS / f"{name}.png")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    s = Site(corpus_store(tmp_path_factory), today=TODAY)
    yield s
    s.close()


def test_search_document_lineage_and_department_in_a_browser(browser, site, tmp_path):
    w = Watch(browser, site.base)
    page = w.page
    try:
        # search: type a number, as a person would
        page.goto(site.base + "/")
        page.locator("#q").click()
        page.keyboard.type("6526")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=6526*")
        match = page.locator(".number-match a.match")
        assert "6526/KH-SGDĐT" in match.inner_text()
        assert page.locator("ol.results li").count() >= 1
        shoot(page, "search", tmp_path)

        # the document
        match.click()
        page.wait_for_url("**/doc?key=6526*")
        assert page.locator("h1").inner_text() == "6526/KH-SGDĐT"
        assert page.locator("#tasks tbody tr").count() == 6
        assert page.locator("#text mark.entity.ent-REF").count() > 0
        shoot(page, "document", tmp_path)
        ref = page.locator("#text mark.ent-REF a.kb", has_text="24-NQ/TW").first
        assert ref.get_attribute("href") == "/doc?key=24-NQ%2FTW"

        # its lineage picture reaches the root resolutions
        page.get_by_role("link", name="Sơ đồ nguồn gốc").click()
        page.wait_for_url("**/lineage?key=6526*")
        svg = page.locator("svg.lineage")
        assert svg.is_visible()
        roots = page.locator("svg.lineage a.node.root")
        assert sorted(roots.nth(i).get_attribute("data-key") for i in range(roots.count())) == ["24-NQ/TW", "31-NQ/TW"]
        root = page.locator('svg.lineage a.node.root[data-key="31-NQ/TW"]')
        assert root.is_visible() and "Nghị quyết" in root.text_content()
        assert "Nghị quyết 31-NQ/TW" in page.locator(".summary").inner_text()

        # hovering an edge shows its relation and the sentence that proves it, clicking pins it
        edge = page.locator('svg.lineage g.edge[data-to="2531/QĐ-UBND"]').first
        edge.hover()
        panel = page.locator("#evidence-panel")
        assert "Căn cứ Quyết định số 2531/QĐ-UBND" in panel.inner_text()
        edge.click()
        page.mouse.move(5, 5)
        assert "Căn cứ Quyết định số 2531/QĐ-UBND" in panel.inner_text()
        assert "active" in (edge.get_attribute("class") or "")
        shoot(page, "lineage", tmp_path)

        # a root's box leads to that resolution's page
        root.click()
        page.wait_for_url("**/doc?key=31-NQ*")
        assert page.locator("h1").inner_text() == "31-NQ/TW"

        # the department page, filtered with the select (JS submits the form)
        page.goto(site.base + u("/unit", name=UNIT))
        assert page.locator("h1").inner_text() == UNIT
        assert page.locator("section.plan").count() == 2
        shoot(page, "department", tmp_path)
        page.select_option("select[name=period]", "next")
        page.wait_for_url("**period=next*")
        labels = [x.strip() for x in page.locator("section.plan td.label").all_inner_texts()]
        assert labels == ["2.3", "3.1", "3.2"]
        w.check()
    finally:
        w.close()
    for name in ("search", "document", "lineage", "department"):
        assert (tmp_path / "screenshots" / f"{name}.png").stat().st_size > 10_000
        assert (SHOTS / f"{name}.png").exists()


def test_markup_in_a_document_runs_nothing_in_a_browser(browser, tmp_path_factory):
    s = Site(xss_store(tmp_path_factory), today=TODAY)
    w = Watch(browser, s.base)
    page = w.page
    try:
        for path in ("/", u("/search", q="script alert"), u("/doc", key="321/KH-SGDĐT"),
                     u("/lineage", key="321/KH-SGDĐT#1"), u("/unit", name="Phòng Kế hoạch - Tài chính"),
                     u("/doc", key=XSS_TITLE)):
            page.goto(s.base + path)
            page.wait_for_load_state("load")
            assert page.evaluate("document.images.length") == 0, path
            scripts = page.evaluate("Array.from(document.scripts).map(s => s.getAttribute('src'))")
            assert scripts == ["/static/app.js"], (path, scripts)
            assert page.evaluate("typeof window.alert") == "function"
        page.goto(s.base + u("/doc", key="321/KH-SGDĐT"))
        assert page.locator(".doc-title").inner_text() == f"Triển khai {XSS_TITLE} chuyển đổi số {XSS_ATTR} năm 2024"
        assert XSS_TITLE in page.locator("#tasks").inner_text()
        w.check(expected_404=1)  # the unknown key's page is a 404, as it should be
    finally:
        w.close()
        s.close()
