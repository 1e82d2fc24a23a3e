"""The axioms about classes and properties (the TBox), read out of a store, cut down for HermiT, and their hierarchies.

``spinekg reason`` gives HermiT only the TBox: without nominals in it, what HermiT infers
about classes and properties does not depend on the individuals, and a graph of a million
triples holds a few thousand such axioms. The individuals go to the rules in
:mod:`spinekg.rules`.

:func:`core` also leaves out the classes of plain hierarchies: a class that is declared and
said to be below named classes, with nothing else said about it, and whose superclasses all
lead to one class that is said more about. Such a class is satisfiable exactly when that
class is, and it has no subclass or superclass but the ones written down, so HermiT would
find nothing about it. A generated or linked vocabulary of thousands of such classes then
costs HermiT nothing.

>>> h = Hierarchy([(ox.NamedNode("urn:a"), ox.NamedNode("urn:b")), (ox.NamedNode("urn:b"), ox.NamedNode("urn:c"))])
>>> sorted(n.value for n in h.most_specific({ox.NamedNode("urn:c"), ox.NamedNode("urn:a")}))
['urn:a']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from .namespaces import OWL, RDF, RDF_TYPE, RDFS
from .results import Term

__all__ = ["Hierarchy", "Split", "class_hierarchy", "core", "property_hierarchy", "read_tbox", "schema_closure"]

SUBCLASS_OF = ox.NamedNode(RDFS + "subClassOf")
SUBPROPERTY_OF = ox.NamedNode(RDFS + "subPropertyOf")
EQUIVALENT_CLASS = ox.NamedNode(OWL + "equivalentClass")
EQUIVALENT_PROPERTY = ox.NamedNode(OWL + "equivalentProperty")
FIRST, REST, NIL = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")
OWL_THING, OWL_NOTHING = ox.NamedNode(OWL + "Thing"), ox.NamedNode(OWL + "Nothing")
ALL_DIFFERENT = ox.NamedNode(OWL + "AllDifferent")
MEMBERS = ox.NamedNode(OWL + "members")

#: Predicates whose object is an RDF list of classes, properties or individuals of an axiom.
LIST_PREDICATES = tuple(
    ox.NamedNode(OWL + p)
    for p in (
        "intersectionOf",
        "unionOf",
        "oneOf",
        "propertyChainAxiom",
        "members",
        "disjointUnionOf",
        "hasKey",
        "withRestrictions",
        "onProperties",
    )
)
#: Predicates of the axioms about classes and properties (the lists are read from :data:`LIST_PREDICATES`).
AXIOM_PREDICATES = (
    SUBCLASS_OF,
    SUBPROPERTY_OF,
    ox.NamedNode(RDFS + "domain"),
    ox.NamedNode(RDFS + "range"),
    *(
        ox.NamedNode(OWL + p)
        for p in (
            "equivalentClass",
            "equivalentProperty",
            "disjointWith",
            "inverseOf",
            "onProperty",
            "onClass",
            "onDataRange",
            "onDatatype",
            "someValuesFrom",
            "allValuesFrom",
            "hasValue",
            "hasSelf",
            "minCardinality",
            "maxCardinality",
            "cardinality",
            "minQualifiedCardinality",
            "maxQualifiedCardinality",
            "qualifiedCardinality",
            "complementOf",
            "datatypeComplementOf",
            "propertyDisjointWith",
        )
    ),
    *LIST_PREDICATES,
)
CLASS_TYPES = (ox.NamedNode(OWL + "Class"), ox.NamedNode(RDFS + "Class"))
#: Types that only declare what kind of entity a term is.
DECLARATIONS = (*CLASS_TYPES, *(ox.NamedNode(OWL + t) for t in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")))
Node = ox.NamedNode | ox.BlankNode
N = TypeVar("N", ox.NamedNode, Node)
#: Types that declare a class, a property or an ontology, or give a property a characteristic.
AXIOM_TYPES = (
    *CLASS_TYPES,
    ox.NamedNode(RDFS + "Datatype"),
    *(
        ox.NamedNode(OWL + t)
        for t in (
            "Ontology",
            "Restriction",
            "ObjectProperty",
            "DatatypeProperty",
            "AnnotationProperty",
            "TransitiveProperty",
            "SymmetricProperty",
            "AsymmetricProperty",
            "ReflexiveProperty",
            "IrreflexiveProperty",
            "FunctionalProperty",
            "InverseFunctionalProperty",
            "AllDisjointClasses",
            "AllDisjointProperties",
        )
    ),
)


@dataclass(frozen=True)
class Split:
    """The TBox cut down for HermiT (:func:`core`), and the classes left out with their written superclasses."""

    axioms: tuple[ox.Triple, ...]
    left_out: dict[ox.NamedNode, frozenset[ox.NamedNode]]


def read_tbox(store: ox.Store) -> set[ox.Triple]:
    """:returns: the axioms about classes and properties in any graph of ``store``, with the RDF lists they use
    (not those of an ``owl:AllDifferent``, which is about individuals). Annotations are left out: they mean nothing
    to a reasoner."""
    found = {q.triple for p in AXIOM_PREDICATES for q in store.quads_for_pattern(None, p, None)}
    found |= {q.triple for t in AXIOM_TYPES for q in store.quads_for_pattern(None, RDF_TYPE, t)}
    facts = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, ALL_DIFFERENT)}
    found = {t for t in found if not (t.predicate == MEMBERS and t.subject in facts)}
    heads = [t.object for t in found if t.predicate in LIST_PREDICATES]
    return found | set(_list_cells(store, heads))


def _list_cells(store: ox.Store, heads: Iterable[Term | ox.Triple]) -> Iterator[ox.Triple]:
    seen: set[Term] = set()
    todo = [h for h in heads if isinstance(h, ox.BlankNode | ox.NamedNode) and h != NIL]
    while todo:
        cell = todo.pop()
        if cell in seen:
            continue
        seen.add(cell)
        for predicate in (FIRST, REST):
            for q in store.quads_for_pattern(cell, predicate, None):
                yield q.triple
                if predicate == REST and q.object != NIL and isinstance(q.object, ox.BlankNode | ox.NamedNode):
                    todo.append(q.object)


def core(tbox: Iterable[ox.Triple]) -> Split:
    """Leave out the classes of plain hierarchies (see the module's text), with their declarations and links.

    A class is kept when anything but its declaration and its ``rdfs:subClassOf`` links to named classes mentions it,
    when it is above a kept class, when it is in a cycle of links, or when its superclasses lead to more than one kept
    class (then HermiT must check that they can share a member).
    """
    axioms = list(tbox)
    parents: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    classes: set[ox.NamedNode] = set()
    kept = {OWL_THING, OWL_NOTHING}
    for t in axioms:
        if t.predicate == RDF_TYPE and t.object in CLASS_TYPES and isinstance(t.subject, ox.NamedNode):
            classes.add(t.subject)
        elif t.predicate == SUBCLASS_OF and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
            parents[t.subject].add(t.object)
            classes |= {t.subject, t.object}
        else:
            kept |= {n for n in (t.subject, t.object) if isinstance(n, ox.NamedNode)}
    while True:
        kept = _upwards(kept, parents)
        more = _spanning(classes - kept, kept, parents)
        if not more:
            break
        kept |= more
    left_out = {c: frozenset(parents.get(c, ())) for c in classes - kept}
    return Split(tuple(t for t in axioms if not _about(t, left_out)), left_out)


def _about(triple: ox.Triple, left_out: dict[ox.NamedNode, frozenset[ox.NamedNode]]) -> bool:
    return triple.subject in left_out and triple.predicate in (RDF_TYPE, SUBCLASS_OF)


def _upwards(nodes: set[N], parents: Mapping[N, set[N]]) -> set[N]:
    found, todo = set(nodes), list(nodes)
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def _spanning(candidates: set[ox.NamedNode], kept: set[ox.NamedNode], parents: dict[ox.NamedNode, set[ox.NamedNode]]) -> set[ox.NamedNode]:
    """:returns: the candidates whose superclasses lead to more than one kept class, or that are in a cycle (the first
    such on each path up: below one, it counts as kept)."""
    entries: dict[ox.NamedNode, frozenset[ox.NamedNode]] = {}
    spanning: set[ox.NamedNode] = set()

    def entry(node: ox.NamedNode) -> frozenset[ox.NamedNode]:
        return frozenset({node}) if node in kept else entries.get(node, frozenset())

    for start in candidates:
        if start in entries:
            continue
        path, pending = [start], [iter(parents.get(start, ()))]
        while pending:
            parent = next(pending[-1], None)
            if parent is None:  # every parent of path[-1] is done
                node = path.pop()
                pending.pop()
                entries[node] = frozenset().union(*(entry(p) for p in parents.get(node, ())))
                if node in spanning or len(entries[node]) > 1:  # kept from now on: below it, it is the one entry
                    spanning.add(node)
                    entries[node] = frozenset({node})
            elif parent in path:
                spanning.update(path[path.index(parent) :])
            elif parent not in kept and parent not in entries:
                path.append(parent)
                pending.append(iter(parents.get(parent, ())))
    return spanning


def schema_closure(axioms: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The links the rules follow from a class or property to those above it: ``rdfs:subClassOf`` (through
    ``owl:equivalentClass`` too) and ``rdfs:subPropertyOf`` (through ``owl:equivalentProperty``), transitively.

    Only links to what an axiom reads are returned: a blank node (a class expression), ``owl:Nothing``, or a term an
    axiom mentions other than as a declaration or a link. No rule reads membership of the other ones, and they are
    never the most specific class or property, which is all spinekg reports, so the rules leave them out.

    :returns: the links, as triples.
    """
    axioms = list(axioms)
    read = {OWL_NOTHING} | {n for t in axioms if not _declares_or_links(t) for n in (t.subject, t.object) if isinstance(n, ox.NamedNode)}
    found = []
    for below, same in ((SUBCLASS_OF, EQUIVALENT_CLASS), (SUBPROPERTY_OF, EQUIVALENT_PROPERTY)):
        up: dict[Node, set[Node]] = defaultdict(set)
        for t in axioms:
            if t.predicate in (below, same) and isinstance(t.subject, Node) and isinstance(t.object, Node):
                up[t.subject].add(t.object)
                if t.predicate == same:
                    up[t.object].add(t.subject)
        for node in list(up):
            found += [ox.Triple(node, below, a) for a in _upwards({node}, up) if a != node and (isinstance(a, ox.BlankNode) or a in read)]
    return found


def _declares_or_links(t: ox.Triple) -> bool:
    return (t.predicate == RDF_TYPE and t.object in DECLARATIONS) or t.predicate in (SUBCLASS_OF, SUBPROPERTY_OF)


class Hierarchy:
    """A hierarchy of classes or of properties from its links (each node is below itself)."""

    def __init__(self, links: Iterable[tuple[ox.NamedNode, ox.NamedNode]]) -> None:
        self._up: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
        for lower, upper in links:
            self._up[lower].add(upper)
        self._above: dict[ox.NamedNode, frozenset[ox.NamedNode]] = {}
        self._strictly: dict[ox.NamedNode, frozenset[ox.NamedNode]] = {}
        self._specific: dict[frozenset[ox.NamedNode], frozenset[ox.NamedNode]] = {}

    def above(self, node: ox.NamedNode) -> frozenset[ox.NamedNode]:
        """:returns: ``node`` and everything above it."""
        if node not in self._above:
            self._above[node] = frozenset(_upwards({node}, self._up))
        return self._above[node]

    def strictly_above(self, node: ox.NamedNode) -> frozenset[ox.NamedNode]:
        """:returns: what is above ``node`` and not also below it (equivalents are left out)."""
        if node not in self._strictly:
            self._strictly[node] = frozenset(n for n in self.above(node) if node not in self.above(n))
        return self._strictly[node]

    def most_specific(self, nodes: Iterable[ox.NamedNode]) -> frozenset[ox.NamedNode]:
        """:returns: the nodes that are not strictly above another of them."""
        key = frozenset(nodes)
        if key not in self._specific:
            covered = frozenset().union(*(self.strictly_above(n) for n in key))
            self._specific[key] = key - covered
        return self._specific[key]


def class_hierarchy(axioms: Iterable[ox.Triple]) -> Hierarchy:
    """:returns: the hierarchy of the named classes: ``rdfs:subClassOf`` and ``owl:equivalentClass`` links between them."""
    return Hierarchy(_links(axioms, SUBCLASS_OF, EQUIVALENT_CLASS))


def property_hierarchy(axioms: Iterable[ox.Triple]) -> Hierarchy:
    """:returns: the hierarchy of the named properties: ``rdfs:subPropertyOf`` and ``owl:equivalentProperty`` links."""
    return Hierarchy(_links(axioms, SUBPROPERTY_OF, EQUIVALENT_PROPERTY))


def _links(axioms: Iterable[ox.Triple], below: ox.NamedNode, same: ox.NamedNode) -> Iterator[tuple[ox.NamedNode, ox.NamedNode]]:
    for t in axioms:
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
            if t.predicate in (below, same):
                yield t.subject, t.object
            if t.predicate == same:
                yield t.object, t.subject
