"""The SPARQL page and the query forms in a real browser give the rows ``spinekg query`` gives.

The site is built once for the module and served as ``spinekg site --serve`` serves it
(``serve`` on 127.0.0.1); Debian's Chromium is driven by Selenium through chromedriver. Every
example of ``query_examples.py`` runs twice in the browser, over the site's own data in
Oxigraph's WebAssembly build: typed into its query page's form, and as a tab of YASGUI on the
SPARQL page. Each answer must have the variables and rows (as multisets of RDF terms) of
:meth:`KnowledgeGraph.query` on the graph the site was built from, and no page may log a console
error or warning. Without Chromium, chromedriver or ``node_modules`` (``npm ci``) the module is
skipped, unless ``SPINEKG_REQUIRE_BROWSER=1`` (as in CI), which makes that an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from spinekg import KnowledgeGraph, queries
from spinekg.site import NodeModulesMissingError, build_site, find_node_modules

from .browser import axe_violations, chromium, console_problems, require, served
from .query_examples import EXAMPLES, case_id, cases


def _node_modules() -> bool:
    try:
        return (find_node_modules() / "axe-core" / "axe.min.js").is_file()
    except NodeModulesMissingError:
        return False


require(("oxigraph, @zazuko/yasgui and axe-core (npm ci)", _node_modules()))

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

Row = tuple[str | None, ...]
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Reads the current YASGUI tab's answer as the page's YASR parsed it: variables and bindings.
READ_TAB = """
const tab = window.spinekgYasgui.getTab();
const results = tab.getYasr().results;
if (!results) { return null; }
if (results.hasError()) { return {error: results.getError()}; }
return {name: tab.getName(), variables: results.getVariables(), bindings: results.getBindings()};
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeGraph, Path]:
    kg = KnowledgeGraph.load()
    out = tmp_path_factory.mktemp("sparql") / "site"
    build_site(kg, out, infer=False)
    return kg, out


@pytest.fixture(scope="module")
def server(built: tuple[KnowledgeGraph, Path]) -> Iterator[str]:
    """:returns: the site's base URL on 127.0.0.1."""
    with served(built[1]) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One headless Chromium for the module, with the console log kept."""
    with chromium(tmp_path_factory.mktemp("chromium"), window="1280,1000") as driver:
        yield driver


def _expected(kg: KnowledgeGraph, name: str, params: dict[str, str]) -> tuple[tuple[str, ...], Counter[Row]]:
    results = kg.query(name, **params)
    rows = Counter(tuple(None if term is None else str(term) for term in row) for row in results.rows)
    return tuple(results.variables), rows


def _term(binding: dict[str, str] | None) -> str | None:
    """The N-Triples form of a SPARQL results JSON term, written by pyoxigraph."""
    if binding is None:
        return None
    if binding["type"] == "uri":
        return str(ox.NamedNode(binding["value"]))
    if binding["type"] == "bnode":
        return str(ox.BlankNode(binding["value"]))
    if "xml:lang" in binding:
        return str(ox.Literal(binding["value"], language=binding["xml:lang"]))
    return str(ox.Literal(binding["value"], datatype=ox.NamedNode(binding.get("datatype", XSD_STRING))))


def _wait(browser: WebDriver, script: str, timeout: float = 30) -> Any:
    return WebDriverWait(browser, timeout, poll_frequency=0.05).until(lambda d: d.execute_script(script))


def _run_form(browser: WebDriver, params: dict[str, str]) -> tuple[tuple[str, ...], Counter[Row]]:
    """Type ``params`` into the query page's form (clearing the others), press its button, read the answer."""
    before = browser.execute_script("return document.getElementById('answers').dataset.run || '0'")
    for field in browser.find_elements(By.CSS_SELECTOR, "form.query-form input[name]"):
        field.clear()
        value = params.get(field.get_attribute("name") or "")
        if value:
            field.send_keys(value)
    browser.find_element(By.CSS_SELECTOR, "form.query-form button[type=submit]").click()
    _wait(browser, f"return (document.getElementById('answers').dataset.run || '0') !== {before!r}")
    section = browser.find_element(By.ID, "answers")
    assert section.get_attribute("data-state") == "done", section.text
    table = browser.execute_script(
        "const t = document.querySelector('#answers table');"
        "return [[...t.tHead.rows[0].cells].map(c => c.textContent),"
        " [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.dataset.term === undefined ? null : c.dataset.term))];"
    )
    return tuple(table[0]), Counter(tuple(row) for row in table[1])


def test_every_query_form_gives_the_rows_of_spinekg_query(built: tuple[KnowledgeGraph, Path], server: str, browser: WebDriver) -> None:
    kg = built[0]
    assert set(EXAMPLES) == set(queries.catalogue())
    checked = 0
    for name in sorted(EXAMPLES):
        browser.get(f"{server}queries/{name}.html")
        for params in EXAMPLES[name]:
            assert _run_form(browser, params) == _expected(kg, name, params), case_id((name, params))
            checked += 1
        assert not console_problems(browser), name
    assert checked == len(cases())


def test_a_query_page_runs_the_values_in_its_address(built: tuple[KnowledgeGraph, Path], server: str, browser: WebDriver) -> None:
    browser.get(f"{server}queries/muscles-by-nerve.html?nerve=L4")
    _wait(browser, "return document.getElementById('answers').dataset.state === 'done'")
    terms = {td.get_attribute("data-term") for td in browser.find_elements(By.CSS_SELECTOR, "#answers td[data-term]")}
    expected = {str(term) for row in built[0].query("muscles-by-nerve", nerve="L4").rows for term in row if term is not None}
    assert terms == expected and "nerve = “L4”" in browser.find_element(By.ID, "answers-heading").text
    assert not axe_violations(browser)


def test_a_value_that_names_nothing_is_refused_as_spinekg_refuses_it(server: str, browser: WebDriver) -> None:
    browser.get(f"{server}queries/nerves-of-muscle.html?muscle=" + "no%20such%20muscle%22%20%7D%20%23")
    _wait(browser, "return document.getElementById('answers').dataset.state === 'error'")
    assert "no entity is labelled" in browser.find_element(By.ID, "answers-body").text
    assert not console_problems(browser)


def _open_sparql_page(browser: WebDriver, server: str) -> None:
    browser.get(f"{server}sparql.html")
    state = _wait(browser, "const s = document.documentElement.dataset.sparql; return s === 'loading' ? null : s;", 60)
    assert state == "ready", browser.find_element(By.ID, "sparql-status").text


def _run_tab(browser: WebDriver) -> tuple[tuple[str, ...], Counter[Row]]:
    browser.execute_script("window.spinekgYasgui.getTab().getYasr().results = undefined;")
    visible = [b for b in browser.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton") if b.is_displayed()]
    assert len(visible) == 1
    visible[0].click()
    answer = _wait(browser, f"return (() => {{ {READ_TAB} }})();")
    assert "error" not in answer, answer
    variables = tuple(answer["variables"])
    return variables, Counter(tuple(_term(b.get(v)) for v in variables) for b in answer["bindings"])


def test_the_sparql_page_has_a_tab_per_prepared_query_giving_its_rows(
    built: tuple[KnowledgeGraph, Path], server: str, browser: WebDriver
) -> None:
    kg = built[0]
    _open_sparql_page(browser, server)
    tabs = browser.find_elements(By.CSS_SELECTOR, ".tabsList a[role=tab]")
    names = [tab.find_element(By.TAG_NAME, "span").text for tab in tabs]
    assert names == sorted(queries.catalogue())
    for tab, name in zip(tabs, names, strict=True):
        tab.click()
        examples = {p.name: p.example for p in queries.get(name).params if p.example and not p.optional}
        assert _run_tab(browser) == _expected(kg, name, examples), name
    requested = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name);")
    assert requested and all(url.startswith(server) for url in requested), requested  # no endpoint, no other host
    assert not console_problems(browser)
    assert not axe_violations(browser)


def test_the_sparql_page_gives_the_rows_of_spinekg_query_for_every_example(
    built: tuple[KnowledgeGraph, Path], server: str, browser: WebDriver
) -> None:
    """Each example's text, bound as spinekg binds it for a remote endpoint, typed into one tab."""
    kg = built[0]
    _open_sparql_page(browser, server)
    for name, params in cases():
        query = queries.get(name)
        text = queries.bind_values(query.text, kg.bind(query, params))
        browser.execute_script("window.spinekgYasgui.getTab().setQuery(arguments[0]);", text)
        assert _run_tab(browser) == _expected(kg, name, params), case_id((name, params))
    assert not console_problems(browser)


def test_the_sparql_page_keeps_the_default_graph_rule_and_refuses_service(
    built: tuple[KnowledgeGraph, Path], server: str, browser: WebDriver
) -> None:
    """The union of the named graphs, unless the query says FROM (then that graph alone), as ``spinekg sparql``."""
    kg = built[0]
    _open_sparql_page(browser, server)
    union = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    own = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/spinekg/graph/anatomy> WHERE { ?s ?p ?o }"
    counts = []
    for text in (union, own):
        browser.execute_script("window.spinekgYasgui.getTab().setQuery(arguments[0]);", text)
        (n,) = _run_tab(browser)[1]
        assert n == (str(kg.select(text).rows[0][0]),)
        counts.append(n)
    assert counts[0] != counts[1]
    browser.execute_script(
        "window.spinekgYasgui.getTab().setQuery(arguments[0]);", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    )
    browser.execute_script("window.spinekgYasgui.getTab().getYasr().results = undefined;")
    browser.execute_script("window.spinekgYasgui.getTab().query();")
    answer = _wait(browser, f"return (() => {{ {READ_TAB} }})();")
    assert "SERVICE" in answer["error"]["text"]


def test_from_the_file_system_the_pages_say_they_need_a_server(built: tuple[KnowledgeGraph, Path], browser: WebDriver) -> None:
    site = built[1]
    browser.get((site / "sparql.html").as_uri())
    assert browser.execute_script("return document.documentElement.dataset.sparql") == "file"
    assert "spinekg site --serve" in browser.find_element(By.ID, "sparql-status").text
    browser.get((site / "queries" / "muscles-by-nerve.html").as_uri())
    assert "spinekg site --serve" in browser.find_element(By.ID, "query-status").text
    assert browser.find_elements(By.CSS_SELECTOR, "#answers td[data-term]")  # the examples' answers stay
    assert not console_problems(browser)


def test_without_node_modules_the_build_says_to_run_npm_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import spinekg.site

    monkeypatch.setattr(spinekg.site, "PROJECT_ROOT", tmp_path)
    monkeypatch.setenv("SPINEKG_NODE_MODULES", str(tmp_path / "nowhere"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NodeModulesMissingError, match="run `npm ci`"):
        build_site(KnowledgeGraph.load(), tmp_path / "site", infer=False)
    assert not (tmp_path / "site").exists()
    build_site(KnowledgeGraph.load(), tmp_path / "site", infer=False, sparql=False)
    page = (tmp_path / "site" / "queries" / "muscles-by-nerve.html").read_text(encoding="utf-8")
    assert not (tmp_path / "site" / "sparql.html").exists() and "sparql.html" not in page and "query.js" not in page
    assert "data-term=" in page  # the examples' answers, as without JavaScript


def test_the_site_ships_the_browser_packages_and_its_data(built: tuple[KnowledgeGraph, Path]) -> None:
    kg, site = built
    vendor = site / "assets" / "vendor"
    for package, names in {
        "oxigraph": ("web.js", "web_bg.wasm"),
        "@zazuko/yasgui": ("build/yasgui.min.js", "build/yasgui.min.css"),
    }.items():
        for name in names:
            assert (vendor / package / Path(name).name).read_bytes() == (find_node_modules() / package / name).read_bytes()
        assert "license" in (vendor / package / "package.json").read_text(encoding="utf-8")
    quads = ox.parse(path=site / "data" / "spinekg.nq", format=ox.RdfFormat.N_QUADS)
    assert sum(1 for _ in quads) == len(kg)
    assert 'href="data/spinekg.nq"' in (site / "sparql.html").read_text(encoding="utf-8")
