"""Render the site's pages from the model with Jinja2 (autoescaped: graph text is never markup)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox
from markupsafe import Markup

from .. import queries, resources
from ..graph import KnowledgeGraph
from ..namespaces import curie_map, prefix_map
from ..params import resolve
from ..schemaorg import CODING_SYSTEMS
from .article import mark_text
from .model import KG_BASE, ONTOLOGY_BASE, Code, Fact, SiteModel
from .paths import code_path, entity_path, relative, text_fragment, vocabulary_page

__all__ = ["Page", "Site", "search_index", "write_pages"]

SKOS = "http://www.w3.org/2004/02/skos/core#"
MATCH_LABELS = {SKOS + m: m.replace("Match", " match") for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")}
Page = tuple[str, str]  # (path relative to the site root, HTML)


class Site:
    """The helpers templates call (links, labels) and the page builders."""

    def __init__(self, kg: KnowledgeGraph, model: SiteModel, schemaorg: str, *, sparql: bool = False) -> None:
        self.kg, self.model, self.schemaorg = kg, model, schemaorg
        self.reasoned = model.reasoned
        self.sparql = sparql  # the SPARQL page exists, and the query forms run in the browser
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("spinekg.site", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def label(self, iri: str) -> str:
        """:returns: the label of ``iri`` (a SKOS match property by its name)."""
        return MATCH_LABELS.get(iri) or self.model.label(iri)

    def href(self, page: str, iri: str) -> str | None:
        """:returns: the link from ``page`` to the page of ``iri``, when the site has one."""
        target = entity_path(iri)
        if target is None or (iri not in self.model.entities and not iri.startswith(ONTOLOGY_BASE)):
            return None
        if iri.startswith(ONTOLOGY_BASE) and iri not in self.model.terms:
            return None
        return relative(page, target)

    def evidence_href(self, page: str, fact: Fact) -> str:
        """:returns: the link to the fact's sentence: its anchor, then a Text Fragment built from its quote."""
        return relative(page, f"article.html#{fact.sentence}{text_fragment(fact.quote or '')}")

    def code_href(self, page: str, code: Code) -> str:
        """:returns: the link from ``page`` to the page of ``code``."""
        return relative(page, code_path(code))

    def vocabulary_page(self, code: Code) -> str | None:
        """:returns: the code's page in its own vocabulary."""
        return vocabulary_page(code)

    def _render(self, template: str, page: str, **context: Any) -> Page:
        html = self.env.get_template(template).render(site=self, page=page, root=relative(page, ""), **context)
        return page, html

    def pages(self, nerve_svg: str) -> Iterator[Page]:
        """:returns: every HTML page of the site."""
        yield self.index()
        yield self.article()
        yield from self.entity_pages()
        yield self.entities_index()
        yield from self.code_pages()
        yield self.nerves(nerve_svg)
        yield self.ontology_index()
        yield from self.query_pages()
        if self.sparql:
            yield self.sparql_page()
        yield self._render("search.html", "search.html", title="Search", section="search")

    def index(self) -> Page:
        """The home page: what the site holds, with counts."""
        m = self.model
        counts = {
            "sentences": len(m.by_sentence()),
            "article_facts": sum(1 for f in m.facts if f.from_article),
            "entities": sum(1 for e in m.entities if e.startswith(KG_BASE)),
            "codes": len(m.codes),
            "classes": sum(1 for t in m.terms.values() if t.kind == "Class"),
            "properties": sum(1 for t in m.terms.values() if t.kind != "Class"),
        }
        return self._render("index.html", "index.html", title="Home", section="home", counts=counts)

    def article(self) -> Page:
        """The article page: the text with its fact sentences marked, the facts by sentence, the schema.org JSON-LD."""
        text = resources.article_path().read_text(encoding="utf-8")
        by_sentence = self.model.by_sentence()
        script = self.schemaorg.replace("</", "<\\/")  # a JSON string never closes the script element
        return self._render(
            "article.html", "article.html", title="The article", section="article", passages=mark_text(text, by_sentence),
            by_sentence=by_sentence, schemaorg=Markup(script),
        )  # fmt: skip

    def entity_pages(self) -> Iterator[Page]:
        """One page per entity and ontology term."""
        children: dict[str, list[str]] = defaultdict(list)
        for term in self.model.terms.values():
            for parent in term.parents:
                children[parent].append(term.iri)
        members: dict[str, list[str]] = defaultdict(list)
        for entity in self.model.entities.values():
            for cls, inferred in entity.types.items():
                if not inferred and entity.iri.startswith(KG_BASE):
                    members[cls].append(entity.iri)
        for iri, entity in sorted(self.model.entities.items()):
            path = entity_path(iri)
            if path is None or (entity.is_term and iri not in self.model.terms):
                continue
            types = sorted(entity.types.items(), key=lambda t: (t[1], self.label(t[0])))
            yield self._render(
                "entity.html", path, title=entity.label, section="ontology" if entity.is_term else "entities", entity=entity,
                stem=path.rsplit("/", 1)[-1].removesuffix(".html"), types=types, term=self.model.terms.get(iri),
                children=sorted(children[iri], key=self.label), members=sorted(members[iri], key=self.label),
            )  # fmt: skip

    def entities_index(self) -> Page:
        """Every entity, grouped by its most specific asserted class."""
        groups: dict[str, list[str]] = defaultdict(list)
        for iri, entity in self.model.entities.items():
            if not iri.startswith(KG_BASE):
                continue
            asserted = sorted(
                (self.label(t) for t, inferred in entity.types.items() if not inferred and t.startswith(ONTOLOGY_BASE)), key=len
            )
            groups[asserted[-1] if asserted else "other"].append(iri)
        ordered = [(g, sorted(members, key=self.label)) for g, members in sorted(groups.items())]
        return self._render("entities.html", "entities.html", title="Entities", section="entities", groups=ordered)

    def code_pages(self) -> Iterator[Page]:
        """One page per code of another vocabulary, and the codes index."""
        systems: dict[str, list[tuple[Code, list[str]]]] = defaultdict(list)
        by_entity = defaultdict(list)
        for fact in self.model.facts:
            if fact.from_article:
                by_entity[fact.subject].append(fact)
                by_entity[fact.object].append(fact)
        for code_iri, linked in sorted(self.model.codes.items()):
            curie = curie_map().compress(code_iri) or code_iri
            code = Code(code_iri, *curie.split(":", 1))
            system = CODING_SYSTEMS.get(code.prefix, code.prefix)
            passages = sorted({id(f): f for iri, _ in linked for f in by_entity[iri]}.values(), key=lambda f: (f.start or 0, f.subject))
            systems[system].append((code, sorted({self.label(iri) for iri, _ in linked})))
            yield self._render(
                "code.html", code_path(code), title=code.curie, section="codes", code=code, system=system,
                own=vocabulary_page(code), entities=sorted(linked, key=lambda e: self.label(e[0])), passages=passages,
            )  # fmt: skip
        yield self._render("codes.html", "codes.html", title="Codes", section="codes", systems=sorted(systems.items()))

    def nerves(self, svg: str) -> Page:
        """The nerve tree: the Graphviz picture and the same tree as nested lists."""
        children: dict[str, list[tuple[str, str]]] = defaultdict(list)
        targets = set()
        for source, relation, target in self.model.nerve_edges:
            children[source].append((target, relation))
            targets.add(target)
        roots = sorted({s for s, _, _ in self.model.nerve_edges} - targets, key=self.label)
        for kids in children.values():
            kids.sort(key=lambda k: (k[1] != "branch", self.label(k[0])))
        return self._render(
            "nerves.html", "nerves.html", title="The nerve tree", section="nerves", svg=Markup(svg),
            children=children, roots=roots,
        )  # fmt: skip

    def ontology_index(self) -> Page:
        """The ontology's class and property hierarchies."""
        children: dict[str, list[str]] = defaultdict(list)
        roots: dict[bool, list[str]] = {True: [], False: []}
        for term in self.model.terms.values():
            own = [p for p in term.parents if p in self.model.terms]
            for parent in own:
                children[parent].append(term.iri)
            if not own:
                roots[term.kind == "Class"].append(term.iri)
        for kids in children.values():
            kids.sort(key=self.label)
        return self._render(
            "ontology.html", "ontology/index.html", title="Ontology", section="ontology", children=children,
            class_roots=sorted(roots[True], key=self.label), property_roots=sorted(roots[False], key=self.label),
            ontology_description=None,
        )  # fmt: skip

    def query_pages(self) -> Iterator[Page]:
        """The prepared queries: an index, and a page per query with its form and the answers for its examples."""
        catalogue = queries.catalogue()
        yield self._render("queries.html", "queries/index.html", title="Prepared queries", section="queries", queries=catalogue.values())
        suggestions = sorted({e.label for e in self.model.entities.values() if e.iri.startswith(KG_BASE)})
        for name, query in catalogue.items():
            params = self._examples(query)
            page = f"queries/{name}.html"
            answer = self._answer(page, query, params) if all(p.optional or p.example for p in query.params) else None
            shown = ", ".join(f"{k} = “{v}”" for k, v in params.items())
            yield self._render(
                "query.html", page, title=name, section="queries", query=query, answer=answer, shown_params=shown,
                suggestions=suggestions, examples=params,
            )  # fmt: skip

    @staticmethod
    def _examples(query: queries.PreparedQuery) -> dict[str, str]:
        """:returns: the example value of each required parameter, as its query file's header gives it."""
        return {p.name: p.example for p in query.params if p.example and not p.optional}

    def sparql_page(self) -> Page:
        """The SPARQL page: YASGUI over the site's data in the browser, a tab per prepared query."""
        catalogue = queries.catalogue()
        return self._render("sparql.html", "sparql.html", title="SPARQL", section="sparql", queries=catalogue.values())

    def browser_data(self) -> dict[str, Any]:
        """:returns: what the browser pages need to run prepared queries as spinekg does (``data/queries.json``): each
        query's text, parameters and the offset where a ``VALUES`` block binds them (:func:`spinekg.queries.group_start`),
        its text with the examples bound (:func:`spinekg.queries.bind_values`), the label lookup query, the prefixes of
        CURIEs, and each entity's label and page."""
        lookup = queries.lookup_query()
        prepared = {name: self._browser_query(query) for name, query in queries.catalogue().items()}
        pages = {iri: [self.label(iri), self.href("", iri)] for iri in sorted(self.model.entities)}
        return {
            "queries": prepared, "lookup": {"text": lookup, "start": queries.group_start(lookup)},
            "prefixes": prefix_map(), "entities": pages,
        }  # fmt: skip

    def _browser_query(self, query: queries.PreparedQuery) -> dict[str, Any]:
        examples = self._examples(query)
        bound = self.kg.bind(query, examples) if all(p.optional or p.example for p in query.params) else None
        params = [{"name": p.name, "type": p.type.value, "kind": p.kind.value, "optional": p.optional} for p in query.params]
        return {
            "summary": query.summary, "text": query.text, "start": queries.group_start(query.text), "params": params,
            "examples": examples, "bound": None if bound is None else queries.bind_values(query.text, bound),
        }  # fmt: skip

    def _answer(self, page: str, query: queries.PreparedQuery, params: dict[str, str]) -> dict[str, Any]:
        bindings = {name: resolve(value, query.param(name), self.kg.labels) for name, value in params.items()}
        results = self.kg.select(query.text, bindings)
        rows = [[self._cell(page, term) for term in row] for row in results.rows]
        return {"variables": results.variables, "rows": rows}

    def _cell(self, page: str, term: Any) -> dict[str, str | None]:
        if term is None:
            return {"text": "", "href": None, "term": None}
        if isinstance(term, ox.NamedNode):
            return {"text": self.label(term.value), "href": self.href(page, term.value), "term": str(term)}
        return {"text": term.value, "href": None, "term": str(term)}


def write_pages(out: Path, pages: Iterator[Page]) -> int:
    """Write every page under ``out``; :returns: how many were written."""
    n = 0
    for path, html in pages:
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        n += 1
    return n


def search_index(model: SiteModel) -> str:
    """:returns: the search index as a script that sets ``window.SPINEKG_SEARCH`` (a file:// page cannot fetch JSON)."""
    entries = []
    for iri, entity in sorted(model.entities.items()):
        path = entity_path(iri)
        if path is None or (entity.is_term and iri not in model.terms):
            continue
        entries.append({"label": entity.label, "synonyms": entity.synonyms, "href": path, "kind": "term" if entity.is_term else "entity"})
    return "window.SPINEKG_SEARCH = " + json.dumps(entries, ensure_ascii=False, sort_keys=True) + ";\n"
