"""``spinekg site`` in a real browser: Debian's Chromium driven by Selenium through chromedriver.

The site is built once for the module and opened both over ``spinekg site --serve``'s server
(``serve`` on 127.0.0.1) and from the file system. Each kind of page must log no console error
or warning and have no serious or critical axe-core violation, and leaves a screenshot as a test
artefact (``test-artifacts/screenshots/`` or ``$SPINEKG_ARTIFACTS``, never committed). The
article's marked sentences, the keyboard path, the search and the pages without JavaScript are
driven as a reader would; a crawl over http checks that the server gives every local link.
Without Chromium, chromedriver or ``node_modules`` (``npm ci``) the module is skipped, unless
``SPINEKG_REQUIRE_BROWSER=1`` (as in CI), which makes that an error.
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver import Chrome
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from spinekg import KnowledgeGraph
from spinekg.site import build_site

from .browser import ROOT, axe_violations, chromium, console_problems, require, served

#: One page of each kind, by the name its screenshot gets.
KINDS = {
    "home": "index.html",
    "article": "article.html",
    "entity": "entity/lumbar-multifidus.html",
    "ontology-term": "ontology/Trigger.html",
    "code": "code/icd10cm/M62.830.html",
    "codes": "codes.html",
    "entities": "entities.html",
    "nerves": "nerves.html",
    "ontology": "ontology/index.html",
    "queries": "queries/index.html",
    "query": "queries/muscles-by-nerve.html",
    "search": "search.html?q=slipped",
}

require()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(KnowledgeGraph.load(), out)  # with inferred classes when Java is there (as in CI)
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """:returns: the site's base URL on 127.0.0.1, served as ``spinekg site --serve`` serves it."""
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chrome]:
    """One headless Chromium for the module, with the console log kept."""
    with chromium(tmp_path_factory.mktemp("chromium")) as driver:
        yield driver


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(os.environ.get("SPINEKG_ARTIFACTS") or ROOT / "test-artifacts") / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _url(scheme: str, server: str, site: Path, page: str) -> str:
    return server + page if scheme == "http" else site.as_uri() + "/" + page


def _screenshot(driver: Chrome, path: Path) -> None:
    """Write the whole page (up to 16,000 CSS pixels down) as a PNG."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 16000), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
    path.write_bytes(base64.b64decode(shot["data"]))


def _window_screenshot(driver: Chrome, path: Path) -> None:
    """Write what a 1280 x 900 window shows (the README's pictures, docs/site-*.png, are two of these)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    try:
        path.write_bytes(driver.get_screenshot_as_png())
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _status(url: str) -> tuple[int, str]:
    """:returns: the HTTP status and content type the server gives for ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get_content_type()
    except urllib.error.HTTPError as err:
        return err.code, ""


@pytest.mark.parametrize("scheme", ["http", "file"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_page_has_no_console_error_nor_serious_accessibility_violation(
    browser: Chrome, server: str, site: Path, artifacts: Path, kind: str, scheme: str
) -> None:
    console_problems(browser)
    browser.get(_url(scheme, server, site, KINDS[kind]))
    violations = axe_violations(browser)
    console = console_problems(browser)
    _screenshot(browser, artifacts / f"{kind}-{scheme}.png")
    assert not console, f"{KINDS[kind]} over {scheme}"
    assert not violations, f"{KINDS[kind]} over {scheme}"


def _ax_subtree(driver: Chrome, role: str) -> list[tuple[dict[str, Any], list[str]]]:
    """:returns: the accessibility tree under the first node of ``role``: each node with its ancestors' roles."""
    nodes = {n["nodeId"]: n for n in driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]}
    top = next(n for n in nodes.values() if n.get("role", {}).get("value") == role)
    out, stack = [], [(top, [role])]
    while stack:
        node, ancestors = stack.pop()
        for child in (nodes[c] for c in node.get("childIds", []) if c in nodes):
            out.append((child, ancestors))
            stack.append((child, [*ancestors, child.get("role", {}).get("value", "")]))
    return out


def test_the_nerve_picture_is_named_links_without_iris_for_assistive_technology(browser: Chrome, server: str, artifacts: Path) -> None:
    browser.get(server + "nerves.html")
    _window_screenshot(browser, artifacts / "nerves-window.png")
    drawn = sorted(a.text for a in browser.find_elements(By.CSS_SELECTOR, "figure svg a"))
    exposed = [(n, up) for n, up in _ax_subtree(browser, "figure") if not n.get("ignored")]
    links = [(n.get("name", {}).get("value", ""), up) for n, up in exposed if n.get("role", {}).get("value") == "link"]
    assert drawn and sorted(name for name, _ in links) == drawn
    assert [name for name, up in links if "image" in up] == [], "an image's children are presentational (WAI-ARIA)"
    assert [n["name"]["value"] for n, _ in exposed if n.get("name", {}).get("value", "").startswith("http")] == []


def _fact_links(driver: Chrome) -> list[Any]:
    return driver.find_elements(By.CSS_SELECTOR, "article.source a.fact")


def test_each_marked_sentence_shows_its_facts_and_their_entity_pages_exist(browser: Chrome, server: str, artifacts: Path) -> None:
    browser.get(server + "article.html")
    spans, targets = _fact_links(browser), set()
    assert spans
    for span in spans:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", span)
        span.click()
        panel = browser.find_element(By.ID, "fact-panel")
        below = browser.find_elements(By.CSS_SELECTOR, f"#facts-{span.get_attribute('data-sentence')} li")
        assert panel.is_displayed() and "selected" in (span.get_attribute("class") or "")
        assert below and [li.text for li in panel.find_elements(By.TAG_NAME, "li")] == [li.text for li in below]
        links = [str(a.get_property("href")) for a in panel.find_elements(By.CSS_SELECTOR, "li a[href]")]
        entities = [h for h in links if "/entity/" in h or "/ontology/" in h]
        assert entities, f"sentence {span.get_attribute('data-sentence')} links to no entity"
        targets.update(entities)
    assert not axe_violations(browser), "the article with its fact panel open"
    assert [(t, s) for t in sorted(targets) if (s := _status(t)[0]) != 200] == []
    first = browser.find_elements(By.CSS_SELECTOR, "article.source p:first-of-type a.fact")
    browser.execute_script("window.scrollTo(0, 0)")
    max(first, key=lambda a: len(browser.find_elements(By.CSS_SELECTOR, f"#facts-{a.get_attribute('data-sentence')} li"))).click()
    _window_screenshot(browser, artifacts / "article-facts.png")


def test_an_evidence_link_opens_the_article_with_the_facts_of_its_sentence_shown(browser: Chrome, server: str) -> None:
    browser.get(server + "entity/cough.html")
    link = browser.find_element(By.CSS_SELECTOR, "a.evidence")
    sentence = urllib.parse.urlsplit(str(link.get_property("href"))).fragment.split(":~:")[0]
    link.click()
    WebDriverWait(browser, 10).until(lambda d: "article.html" in d.current_url)
    panel = browser.find_element(By.ID, "fact-panel")
    below = browser.find_elements(By.CSS_SELECTOR, f"#facts-{sentence} li")
    assert panel.is_displayed() and browser.find_element(By.ID, sentence).get_attribute("class") == "fact selected"
    assert below and [li.text for li in panel.find_elements(By.TAG_NAME, "li")] == [li.text for li in below]


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_main(browser: Chrome, server: str) -> None:
    browser.get(server + "article.html")
    keys = ActionChains(browser)
    keys.send_keys(Keys.TAB).perform()
    skip = browser.switch_to.active_element
    assert skip.get_attribute("class") == "skip" and skip.is_displayed()
    assert skip.rect["x"] >= 0 and skip.rect["y"] >= 0, "the focused skip link is on screen"
    keys.send_keys(Keys.ENTER).perform()
    assert browser.switch_to.active_element.tag_name == "main"
    keys.send_keys(Keys.TAB).perform()
    first = browser.switch_to.active_element
    assert "fact" in (first.get_attribute("class") or "").split(), "the next stop is the article's first marked sentence"
    keys.send_keys(Keys.ENTER).perform()
    assert browser.find_element(By.ID, "fact-panel").is_displayed(), "Enter on a marked sentence shows its facts"


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_search_finds_slipped_and_its_result_opens_the_entity_page(browser: Chrome, server: str, site: Path, scheme: str) -> None:
    browser.get(_url(scheme, server, site, "search.html"))
    browser.find_element(By.ID, "q").send_keys("slipped")
    items = WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results li"))
    assert all("slipped" in item.text.lower() for item in items)
    result = next(a for a in browser.find_elements(By.CSS_SELECTOR, "#results a") if "/entity/" in str(a.get_property("href")))
    label = result.text
    result.click()
    WebDriverWait(browser, 10).until(lambda d: "/entity/" in d.current_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == label


class _Refs(HTMLParser):
    """The local links and resources of a page (``href``, ``src``, SVG ``xlink:href``)."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [value for name, value in attrs if name in ("href", "src", "xlink:href") and value]


def _local_refs(url: str, base: str) -> Iterator[str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        parser = _Refs()
        parser.feed(response.read().decode("utf-8"))
    for ref in parser.refs:
        target = urllib.parse.urldefrag(urllib.parse.urljoin(url, ref)).url
        if target.startswith(base):
            yield target


def test_crawl_from_the_home_page_over_http_finds_no_broken_link_nor_orphan_page(server: str, site: Path) -> None:
    seen, queue, broken = {server + "index.html"}, [server + "index.html"], []
    while queue:
        page = queue.pop()
        for target in _local_refs(page, server):
            if target in seen:
                continue
            seen.add(target)
            status, kind = _status(target)
            if status != 200 or kind == "application/octet-stream":
                broken.append((page, target, status, kind))
            elif kind == "text/html":
                queue.append(target)
    assert broken == []
    pages = {server + p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert sorted(pages - seen) == [], "pages no link leads to"


def _main_text(driver: Chrome, url: str) -> str:
    driver.get(url)
    return driver.find_element(By.TAG_NAME, "main").text


@pytest.fixture
def no_script(browser: Chrome) -> Iterator[Chrome]:
    """The module's browser with JavaScript switched off (DevTools emulation), on again afterwards."""
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    yield browser
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_without_javascript_the_article_lists_the_facts_of_each_marked_sentence(no_script: Chrome, server: str) -> None:
    no_script.get(server + "article.html")
    assert not no_script.find_elements(By.ID, "fact-panel"), "article.js did not run"
    spans = _fact_links(no_script)
    assert spans
    for span in spans:
        section = no_script.find_element(By.ID, (span.get_attribute("href") or "").rsplit("#", 1)[-1])
        items = section.find_elements(By.TAG_NAME, "li")
        assert section.is_displayed() and items and all(li.text.strip() for li in items), span.get_attribute("data-sentence")


def test_without_javascript_the_search_page_says_where_the_entities_are(no_script: Chrome, server: str) -> None:
    no_script.get(server + "search.html")
    note = no_script.find_element(By.CSS_SELECTOR, "main p a[href='entities.html']")
    assert note.is_displayed()


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"search"}))
def test_page_content_is_the_same_without_javascript(browser: Chrome, server: str, kind: str) -> None:
    with_script = _main_text(browser, server + KINDS[kind])
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        assert _main_text(browser, server + KINDS[kind]) == with_script
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
