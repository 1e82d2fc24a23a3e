"""``spinekg site``: the pages, their links and their data, checked without a browser (see test_site_browser.py).

HTML is read with the standard library's parser, the entity files with rdflib, so
the checks do not trust the generator's own code.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from spinekg import KnowledgeGraph, resources
from spinekg.cli import main
from spinekg.errors import InputError
from spinekg.site import MARKER, build_site, serve

if shutil.which("dot") is None:
    if os.environ.get("SPINEKG_REQUIRE_GRAPHVIZ") == "1":
        raise RuntimeError("SPINEKG_REQUIRE_GRAPHVIZ=1 but Graphviz's dot is missing")
    pytest.skip("the nerve tree needs Graphviz (Debian graphviz)", allow_module_level=True)


class _Links(HTMLParser):
    """Collects every link and resource reference of a page, and the ids it defines."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []  # (tag, value)
        self.ids: set[str] = set()
        self.facts: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src", "xlink:href"):
            if values.get(name):
                self.refs.append((tag, values[name] or ""))
        if tag == "a" and "fact" in (values.get("class") or "").split():
            self.facts.append(values.get("data-sentence") or "")
        self._in_script = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(KnowledgeGraph.load(), out, infer=False)
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_local_link_and_anchor_resolves(site: Path) -> None:
    pages = _pages(site)
    assert len(pages) > 300
    ids = {p: _parse(p).ids for p in pages}
    broken = []
    for page in pages:
        for tag, ref in _parse(page).refs:
            parts = urllib.parse.urlsplit(ref)
            if parts.scheme in ("http", "https", "mailto"):
                assert tag == "a", (page, ref)  # a link to elsewhere, never a resource the page loads
                continue
            target = (page.parent / urllib.parse.unquote(parts.path)).resolve() if parts.path else page
            anchor = parts.fragment.split(":~:", 1)[0]
            if not target.exists() or (anchor and target.suffix == ".html" and anchor not in ids.get(target, _parse(target).ids)):
                broken.append((str(page.relative_to(site)), ref))
    assert not broken, broken[:10]


def test_every_marked_sentence_leads_to_facts_that_link_to_entity_pages(site: Path, kg: KnowledgeGraph) -> None:
    article = _parse(site / "article.html")
    sentences = set(article.facts)
    assert len(sentences) > 20 and all(f"facts-{s}" in article.ids for s in sentences)
    entity_links = [ref for tag, ref in article.refs if ref.startswith("entity/")]
    assert entity_links and all((site / urllib.parse.unquote(ref)).exists() for ref in entity_links)


def test_evidence_links_are_text_fragments_of_the_article(site: Path) -> None:
    text = " ".join(resources.article_path().read_text(encoding="utf-8").split())
    fragments = [ref for page in (site / "entity").glob("*.html") for _, ref in _parse(page).refs if ":~:text=" in ref]
    assert len(fragments) > 50
    for ref in fragments:
        directive = urllib.parse.urlsplit(ref).fragment.split(":~:text=", 1)[1]
        for part in directive.split(","):
            assert urllib.parse.unquote(part) in text, ref


def test_the_article_page_embeds_the_schemaorg_page(site: Path) -> None:
    (script,) = _parse(site / "article.html").scripts
    page = json.loads(script)
    assert page["@type"] == "MedicalWebPage" and page["headline"] == "Lower Back Muscle Spasm"


def test_entity_files_are_the_entity_in_turtle_and_json_ld(site: Path) -> None:
    stem = site / "entity" / "cough"
    turtle = Graph().parse(stem.with_suffix(".ttl"), format="turtle")
    document = Graph().parse(stem.with_suffix(".jsonld"), format="json-ld")
    cough = URIRef("https://w3id.org/spinekg/id/cough")
    assert (cough, None, None) in turtle and len(turtle) == len(document)
    links = [ref for tag, ref in _parse(stem.with_suffix(".html")).refs if tag == "link"]
    assert "cough.ttl" in links and "cough.jsonld" in links


def test_code_pages_lead_from_a_code_to_its_entities(site: Path) -> None:
    page = site / "code" / "icd10cm" / "M62.830.html"
    refs = [ref for _, ref in _parse(page).refs]
    assert "../../entity/lower-back-muscle-spasm.html" in refs
    assert any(ref.startswith("https://www.icd10data.com/") for ref in refs)


def test_the_nerve_tree_is_drawn_by_graphviz_with_a_link_per_node(site: Path) -> None:
    html = (site / "nerves.html").read_text(encoding="utf-8")
    assert "<svg" in html and "Generated by graphviz" not in html  # Graphviz's comments are dropped
    svg_links = [ref for tag, ref in _parse(site / "nerves.html").refs if tag == "a" and ref.startswith("entity/")]
    assert "entity/spinal-nerve-l4.html" in svg_links and "entity/lumbar-multifidus.html" in svg_links


def test_no_page_loads_anything_from_the_network(site: Path) -> None:
    for page in _pages(site):
        for tag, ref in _parse(page).refs:
            if tag in ("script", "link", "img", "iframe", "source"):
                assert not urllib.parse.urlsplit(ref).scheme, (page, ref)


def test_every_entity_is_in_the_search_index(site: Path, kg: KnowledgeGraph) -> None:
    text = (site / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(text.removeprefix("window.SPINEKG_SEARCH = ").rstrip(";\n"))
    assert {e["href"] for e in entries} >= {"entity/cough.html", "entity/multifidus.html", "ontology/Trigger.html"}
    assert all((site / e["href"]).exists() for e in entries)


def test_graph_text_is_escaped(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/spinekg/id/cough> rdfs:label "<script>alert(1)</script>"@fr .\n',
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build_site(KnowledgeGraph.load(extra=[hostile]), out, infer=False)
    assert "<script>alert(1)</script>" not in (out / "entity" / "cough.html").read_text(encoding="utf-8")


def test_a_folder_that_is_not_a_site_is_refused_and_kept(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not a spinekg site"):
        build_site(KnowledgeGraph.load(), tmp_path, infer=False)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_an_earlier_site_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(KnowledgeGraph.load(), out, infer=False)
    (out / "stale.html").write_text("old", encoding="utf-8")
    build_site(KnowledgeGraph.load(), out, infer=False)
    assert (out / MARKER).exists() and not (out / "stale.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no work folder left behind


def test_the_server_serves_the_site_on_loopback(site: Path) -> None:
    server = serve(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/entity/cough.jsonld", timeout=10) as reply:
            assert reply.headers["Content-Type"] == "application/ld+json"
    finally:
        server.shutdown()
        server.server_close()


def test_the_command_line_writes_the_site(tmp_path: Path, capsys) -> None:
    assert main(["site", "-o", str(tmp_path / "out"), "--no-reason"]) == 0
    assert "pages to" in capsys.readouterr().out and (tmp_path / "out" / "index.html").exists()


def test_vocabulary_pages_are_bioregistry_s_own_uri_formats() -> None:
    import bioregistry

    from spinekg.site.paths import VOCABULARY_PAGES

    for prefix, template in VOCABULARY_PAGES.items():
        assert bioregistry.get_uri_format(prefix) == template, prefix
