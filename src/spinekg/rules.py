"""OWL 2 RL rules evaluated inside Oxigraph, to a fixpoint: how ``spinekg reason`` reasons over individuals at scale.

Each rule is a query in ``queries/rules``, named after its rule in the OWL 2 RL/RDF rule table
(W3C, *OWL 2 Web Ontology Language Profiles*, section 4.3): a CONSTRUCT of what the rule derives
that the store does not hold yet. They read the union of the store's graphs and add to one of
them. ``min-cardinality`` is the ontology's own rule: a minimum cardinality is outside OWL 2 RL,
and the rule counts only values that an ``owl:AllDifferent`` or ``owl:differentFrom`` declares
distinct, since OWL makes no unique-name assumption.

Evaluation is semi-naive: the first round reads every named graph (and the default graph), each
later round joins only what the round before added (kept in a scratch graph, the rules' ``?delta``)
with the rest. The scratch graphs are removed at the end, also on failure. The rules assume that no
rule derives an axiom about classes or properties, which holds for these rules.

:func:`unsupported` names the OWL constructs the rules do not implement, and :func:`violations` what
makes the graph inconsistent (the rules whose head is ``false``).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import cast

import pyoxigraph as ox

from . import resources
from .errors import ReasonerTimeoutError
from .namespaces import OWL, RDF_TYPE
from .queries import PreparedQuery, catalogue

__all__ = ["ORDER", "Violation", "materialise", "scratch_graphs", "unreadable", "unsupported", "violations"]

MIN_CARDINALITY, INTERSECTION = "min-cardinality", "cls-int1"
#: The order of the rules in a round: properties first, then the classes that read them.
ORDER = (
    "prp-spo1",
    "prp-inv",
    "prp-symp",
    "prp-trp",
    "prp-spo2",
    "prp-dom",
    "prp-rng",
    "cls-svf1",
    MIN_CARDINALITY,
    "cls-uni",
    INTERSECTION,
    "cls-int2",
    "cax-sco",
)
DIFFERENT_FROM = ox.NamedNode(OWL + "differentFrom")
DELTA, SCHEMA = ox.Variable("delta"), ox.Variable("schema")
NOTHING = ox.NamedNode(OWL + "Nothing")

#: A term of a query solution.
Value = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Groups = Mapping[Value, set[object]]


@dataclass(frozen=True)
class Violation:
    """One contradiction: the rule that found it and the terms it names (an individual, then its classes)."""

    rule: str
    terms: tuple[Value, ...]


@dataclass(frozen=True)
class _Fixed:
    """What the engine reads once, before the rounds: the groups of individuals declared distinct, and the classes
    of each intersection."""

    distinct: Groups
    intersections: Mapping[Value, tuple[Value, ...]]


@cache
def _rules() -> dict[str, PreparedQuery]:
    return catalogue(resources.queries_dir() / "rules")


def _texts() -> dict[str, str]:
    return {name: query.text for name, query in _rules().items()}


def materialise(store: ox.Store, target: ox.NamedNode, links: Iterable[ox.Triple], *, deadline: float | None = None) -> int:
    """Add to ``target`` what the rules derive from the union of the store's graphs, round after round, until a
    round adds nothing.

    :param links: the links from each class or property to those above it (:func:`spinekg.tbox.schema_closure`); they
        sit in a scratch graph while the rules run.
    :param deadline: a :func:`time.monotonic` time; checked between queries (one query cannot be stopped).
    :returns: the number of triples added.
    :raises ReasonerTimeoutError: past ``deadline``.
    """
    fixed = _Fixed(_distinct(store), _intersections(store))
    first, second, schema = scratch_graphs(target)
    for graph in (first, second, schema):
        store.remove_graph(graph)
    try:
        store.extend(ox.Quad(t.subject, t.predicate, t.object, schema) for t in links)
        store.extend(
            ox.Quad(q.subject, q.predicate, q.object, second) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        )
        delta: ox.NamedNode | None = None
        fresh, added = first, 0
        while True:
            found = _round(store, {DELTA: delta, SCHEMA: schema}, fixed, (target, fresh), deadline)
            store.remove_graph(second if delta is None else delta)
            added += found
            if not found:
                return added
            delta, fresh = fresh, second if fresh == first else first
    finally:
        for graph in (first, second, schema):
            store.remove_graph(graph)


def scratch_graphs(target: ox.NamedNode) -> tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]:
    """:returns: the scratch graphs :func:`materialise` uses while it adds to ``target`` (two rounds', the links)."""
    return ox.NamedNode(target.value + "/round-a"), ox.NamedNode(target.value + "/round-b"), ox.NamedNode(target.value + "/schema")


def _round(
    store: ox.Store, bound: Mapping[ox.Variable, ox.NamedNode | None], fixed: _Fixed, into: tuple[ox.NamedNode, ...], deadline: float | None
) -> int:
    """Run every rule once, each with the variables it declares bound. :returns: the number of triples added (to each
    graph of ``into``)."""
    added = 0
    for name in ORDER:
        if deadline is not None and time.monotonic() > deadline:
            raise ReasonerTimeoutError("the OWL 2 RL rules ran past the time limit")
        rule = _rules()[name]
        declared = {ox.Variable(p.name) for p in rule.params}
        substitutions: dict[ox.Variable, Value] = {v: term for v, term in bound.items() if term is not None and v in declared}
        answer = store.query(rule.text, use_default_graph_as_union=True, substitutions=substitutions)
        if name == MIN_CARDINALITY:
            new = _counted(store, answer, fixed.distinct)  # type: ignore[arg-type]
        elif name == INTERSECTION:
            new = _intersected(store, answer, fixed.intersections)  # type: ignore[arg-type]
        else:
            new = set(answer)  # type: ignore[arg-type]
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for graph in into for t in new)
        added += len(new)
    return added


def _intersected(store: ox.Store, candidates: ox.QuerySolutions, classes: Mapping[Value, tuple[Value, ...]]) -> set[ox.Triple]:
    """:returns: ``x rdf:type intersection`` for each candidate that is in every class of the intersection."""
    found = set()
    for row in candidates:
        x, intersection = row["x"], row["intersection"]
        if all(next(store.quads_for_pattern(x, RDF_TYPE, c), None) is not None for c in classes.get(intersection, ())):
            found.add(ox.Triple(x, RDF_TYPE, intersection))
    return found


def _counted(store: ox.Store, candidates: ox.QuerySolutions, groups: Groups) -> set[ox.Triple]:
    """:returns: ``x rdf:type restriction`` for each candidate with as many values in the class as the restriction
    requires, pairwise declared distinct."""
    found = set()
    for row in candidates:
        x, restriction, cls, n = row["x"], row["restriction"], row["class"], row["n"].value
        if not n.isdigit() or ox.Triple(x, RDF_TYPE, restriction) in found:
            continue
        values = {q.object for q in store.quads_for_pattern(x, row["property"], None)}
        if cls is not None:
            values = {
                y for y in values if not isinstance(y, ox.Literal) and next(store.quads_for_pattern(y, RDF_TYPE, cls), None) is not None
            }
        if _at_least(values, int(n), groups):
            found.add(ox.Triple(x, RDF_TYPE, restriction))
    return found


def _distinct(store: ox.Store) -> dict[Value, set[object]]:
    """:returns: for each individual declared distinct from others, the groups it is declared in (an
    ``owl:AllDifferent``, or one ``owl:differentFrom`` triple): two individuals in one group are distinct."""
    groups: dict[Value, set[object]] = defaultdict(set)
    for row in _select(store, "distinct-members"):
        groups[row["member"]].add(row["group"])
    for q in store.quads_for_pattern(None, DIFFERENT_FROM, None):
        groups[q.subject].add(q.triple)
        groups[q.object].add(q.triple)
    return groups


def _intersections(store: ox.Store) -> dict[Value, tuple[Value, ...]]:
    found: dict[Value, list[Value]] = defaultdict(list)
    for row in _select(store, "intersections"):
        found[row["intersection"]].append(row["class"])
    return {k: tuple(v) for k, v in found.items()}


def _at_least(values: set[Value], n: int, groups: Groups) -> bool:
    """:returns: whether ``n`` of ``values`` are pairwise declared distinct."""
    if n <= 1:
        return len(values) >= n
    shared = Counter(g for v in values for g in groups.get(v, ()))
    if shared and max(shared.values()) >= n:
        return True
    return _clique(sorted((v for v in values if v in groups), key=str), n, groups)


def _clique(candidates: list[Value], n: int, groups: Groups) -> bool:
    if n == 0:
        return True
    for i, value in enumerate(candidates):
        rest = [w for w in candidates[i + 1 :] if groups[value] & groups[w]]
        if len(rest) >= n - 1 and _clique(rest, n - 1, groups):
            return True
    return False


def _select(store: ox.Store, name: str) -> ox.QuerySolutions:
    return cast(ox.QuerySolutions, store.query(_texts()[name], use_default_graph_as_union=True))


def violations(store: ox.Store) -> list[Violation]:
    """:returns: the contradictions in the union of the store's graphs (with what the rules added): an individual in
    two disjoint classes (OWL 2 RL cax-dw, cax-adc), or in ``owl:Nothing`` (cls-nothing2)."""
    found = [Violation("cls-nothing2", (q.subject,)) for q in store.quads_for_pattern(None, RDF_TYPE, NOTHING)]
    for row in _select(store, "disjoint-classes"):
        cls, other = row["class"], row["other"]
        members = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, cls)}
        both = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, other) if q.subject in members}
        found += [Violation("cax-dw", (x, cls, other)) for x in sorted(both, key=str)]
    return found


def unsupported(store: ox.Store) -> list[str]:
    """:returns: the OWL constructs in the store that the rules do not implement (an OWL term's IRI, or a phrase), sorted."""
    return sorted({row["construct"].value for row in _select(store, "unsupported")})


def unreadable(store: ox.Store) -> Iterator[ox.Triple]:
    """:returns: the triples a reasoner checks before it starts: those with an RDF-star quoted triple, and those
    whose object is a literal typed with an XSD datatype other than ``xsd:string``."""
    for row in _select(store, "unreadable"):
        yield ox.Triple(row["s"], row["p"], row["o"])
