"""What the site shows, read from the graph once: entities, facts and their evidence, codes, the ontology.

Every value comes from the prepared queries in ``queries/site`` (SPARQL lives only
there); this module groups their rows into plain objects the templates render.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .. import queries, resources
from ..graph import KnowledgeGraph
from ..namespaces import INFERRED_GRAPH, OWL, curie_map

__all__ = ["Code", "Entity", "Fact", "SiteModel", "Term", "read_model"]

IAO_DEFINITION = "http://purl.obolibrary.org/obo/IAO_0000115"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ARTICLE_BASE = "https://w3id.org/spinekg/article/"
KG_BASE = "https://w3id.org/spinekg/id/"
ONTOLOGY_BASE = "https://w3id.org/spinekg/ontology/"


@dataclass
class Fact:
    """One fact: ``subject property object``, its hedges and its evidence."""

    subject: str
    predicate: str
    object: str
    object_is_iri: bool
    from_article: bool
    source: str
    hedges: list[str] = field(default_factory=list)
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    citation: str | None = None
    source_quote: str | None = None

    @property
    def sentence(self) -> str | None:
        """:returns: the local name of the article sentence the fact comes from (``s05``), if it does."""
        return self.source.rsplit("/", 1)[-1] if self.start is not None else None


@dataclass(frozen=True)
class Code:
    """A term of another vocabulary an entity is linked to."""

    iri: str
    prefix: str
    local: str

    @property
    def curie(self) -> str:
        """:returns: ``prefix:local``."""
        return f"{self.prefix}:{self.local}"


@dataclass
class Entity:
    """An individual or an ontology term with everything the site says of it."""

    iri: str
    label: str
    synonyms: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    notations: list[str] = field(default_factory=list)
    types: dict[str, bool] = field(default_factory=dict)  # class IRI -> inferred only
    facts: list[Fact] = field(default_factory=list)
    codes: list[tuple[str, Code]] = field(default_factory=list)  # (SKOS match property, code)

    @property
    def is_term(self) -> bool:
        """Whether this is a class or property of the ontology (not an individual)."""
        return self.iri.startswith(ONTOLOGY_BASE)


@dataclass
class Term:
    """An ontology class or property: its kind and its named parents."""

    iri: str
    kind: str
    parents: list[str] = field(default_factory=list)


@dataclass
class SiteModel:
    """Everything the pages need."""

    entities: dict[str, Entity]
    facts: list[Fact]
    terms: dict[str, Term]
    nerve_edges: list[tuple[str, str, str]]
    codes: dict[str, list[tuple[str, str]]]  # code IRI -> [(entity IRI, match property)]
    reasoned: bool

    def label(self, iri: str) -> str:
        """:returns: the label of ``iri``, or its CURIE, or the IRI itself."""
        entity = self.entities.get(iri)
        return entity.label if entity else curie_map().compress(iri) or iri

    def is_a(self, iri: str, cls: str) -> bool:
        """Whether ``iri`` has ``cls`` among its classes or their superclasses (the ontology's named hierarchy)."""
        entity = self.entities.get(iri)
        todo, seen = list(entity.types) if entity else [], set()
        while todo:
            current = todo.pop()
            if current == cls:
                return True
            if current not in seen:
                seen.add(current)
                todo += self.terms[current].parents if current in self.terms else []
        return False

    def by_sentence(self) -> dict[str, list[Fact]]:
        """:returns: the article's facts by the local name of their sentence, in text order."""
        found: dict[str, list[Fact]] = defaultdict(list)
        for fact in sorted((f for f in self.facts if f.sentence), key=lambda f: (f.start, f.subject, f.predicate, f.object)):
            found[fact.sentence or ""].append(fact)
        return dict(found)


def _rows(kg: KnowledgeGraph, name: str) -> list[dict[str, Any]]:
    query = queries.get(name, resources.site_queries_dir())
    results = kg.select(query.text)
    return [dict(zip(results.variables, row, strict=True)) for row in results.rows]


def _value(term: Any) -> str | None:
    return None if term is None else term.value


def _facts(kg: KnowledgeGraph) -> list[Fact]:
    """One Fact per axiom and source, its hedges gathered from the rows."""
    facts: dict[tuple[str, str], Fact] = {}
    for row in _rows(kg, "facts"):
        key = (str(row["axiom"]), row["source"].value)
        fact = facts.get(key)
        if fact is None:
            start, end = _value(row["start"]), _value(row["end"])
            fact = facts[key] = Fact(
                subject=row["subject"].value,
                predicate=row["property"].value,
                object=row["object"].value,
                object_is_iri=isinstance(row["object"], ox.NamedNode),
                from_article=row["fromArticle"].value == "true",
                source=row["source"].value,
                quote=_value(row["quote"]),
                start=None if start is None else int(start),
                end=None if end is None else int(end),
                citation=_value(row["citation"]),
                source_quote=_value(row["sourceQuote"]),
            )
        hedge = _value(row["hedge"])
        if hedge and hedge not in fact.hedges:
            fact.hedges.append(hedge)
    return list(facts.values())


def _entities(kg: KnowledgeGraph) -> dict[str, Entity]:
    names: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in _rows(kg, "names"):
        names[row["entity"].value][row["property"].value].append(row["value"].value)
    entities = {}
    for iri, values in names.items():
        if iri.startswith(ARTICLE_BASE):
            continue  # sentences and selectors are shown on the article page, not as entities
        entities[iri] = Entity(
            iri,
            label=sorted(values[RDFS_LABEL])[0],
            synonyms=sorted(set(values[SKOS + "altLabel"])),
            definitions=values[IAO_DEFINITION],
            notations=values[SKOS + "notation"],
        )
    return entities


def _add_types(kg: KnowledgeGraph, entities: dict[str, Entity]) -> None:
    asserted: dict[str, set[str]] = defaultdict(set)
    inferred: dict[str, set[str]] = defaultdict(set)
    for row in _rows(kg, "types"):
        (inferred if row["graph"] == INFERRED_GRAPH else asserted)[row["entity"].value].add(row["type"].value)
    for iri, entity in entities.items():
        entity.types = {t: False for t in asserted[iri]} | {t: True for t in inferred[iri] - asserted[iri]}


def _codes(kg: KnowledgeGraph, entities: dict[str, Entity]) -> dict[str, list[tuple[str, str]]]:
    by_code: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _rows(kg, "codes"):
        code_iri, entity = row["code"].value, row["entity"].value
        curie = curie_map().compress(code_iri)
        if curie is None or entity not in entities:
            continue
        prefix, _, local = curie.partition(":")
        entities[entity].codes.append((row["match"].value, Code(code_iri, prefix, local)))
        by_code[code_iri].append((entity, row["match"].value))
    return dict(by_code)


def _terms(kg: KnowledgeGraph) -> dict[str, Term]:
    terms: dict[str, Term] = {}
    for row in _rows(kg, "terms"):
        term = terms.setdefault(row["term"].value, Term(row["term"].value, row["kind"].value.removeprefix(OWL)))
        parent = _value(row["parent"])
        if parent and parent not in term.parents:
            term.parents.append(parent)
    return terms


def read_model(kg: KnowledgeGraph) -> SiteModel:
    """:returns: the site's model of ``kg`` (asserted graphs, and the reasoner's graph when it holds anything)."""
    entities = _entities(kg)
    _add_types(kg, entities)
    facts = _facts(kg)
    for fact in facts:
        for iri in (fact.subject, fact.object):
            if iri in entities:
                entities[iri].facts.append(fact)
    codes = _codes(kg, entities)
    edges = [(r["from"].value, r["relation"].value, r["to"].value) for r in _rows(kg, "nerve-tree")]
    reasoned = any(True for _ in kg.graph_triples(INFERRED_GRAPH))
    return SiteModel(entities, facts, _terms(kg), edges, codes, reasoned)
