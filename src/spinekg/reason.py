"""OWL reasoning: consistency, unsatisfiable classes, inferred class memberships, subclass links and property values.

Two ways, chosen by :class:`Reasoner`:

- ``rl`` (the default, built for large graphs): HermiT checks and classifies only the axioms
  about classes and properties (:mod:`spinekg.tbox`), and OWL 2 RL rules evaluated inside
  Oxigraph (:mod:`spinekg.rules`) reason over the individuals, with HermiT's subclass links.
  What the rules derive is cut down to what HermiT reports: the most specific classes of each
  individual and the most specific properties between two individuals. ``tests/test_reason_rl.py``
  proves both ways infer the same on the shipped graph and on a generated one. What the rules
  cannot find, as OWL 2 RL cannot, is what follows only through an individual the ontology says
  exists without naming it (a branch with no recorded ramus is still a branch of some dorsal
  ramus); that test shows the case. A graph that uses an OWL construct the rules do not implement
  is refused, with the name of the construct.
- ``hermit`` (the reference) and ``pellet``: the whole graph goes to the Java reasoner through
  owlready2 (:mod:`spinekg.owlworld`).

Either way only the asserted graphs are reasoned over (never the reasoner's own graph), the new
triples, stripped of anything asserted, go to the store's ``INFERRED_GRAPH`` (asserted and
inferred knowledge never mix), and a new run replaces the previous one.

owlready2 is imported lazily, inside the functions that need it, so the other commands do not
pay for it. Data property values are not reported: the ontology has no data property hierarchy,
equivalence or key that could add any, and owlready2's ``infer_data_property_values`` only costs
time here.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import jvm, owlworld, rules
from .atomic import atomic_write
from .errors import InconsistentOntologyError, InputError, ReasonerTimeoutError, ReasonerUnavailableError
from .graph import KnowledgeGraph
from .jvm import require_java, run_reasoner
from .namespaces import INFERRED_GRAPH, OWL, RDF, RDF_TYPE, RDFS, XSD, prefix_map
from .owlworld import SYMMETRIC, check_readable, class_axioms, load_world
from .tbox import Split, class_hierarchy, core, property_hierarchy, read_tbox, schema_closure

__all__ = [
    "SYMMETRIC",
    "Entity",
    "Fact",
    "Reasoner",
    "ReasoningReport",
    "UnsatisfiableClass",
    "infer",
    "reason",
    "require_java",
    "save_inferred",
]

SUBCLASS_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
EQUIVALENT_CLASS = ox.NamedNode(OWL + "equivalentClass")
NOTHING = ox.NamedNode(OWL + "Nothing")
PROPERTY_KINDS = (ox.NamedNode(OWL + "ObjectProperty"), ox.NamedNode(OWL + "DatatypeProperty"))
ANNOTATION_PROPERTY = ox.NamedNode(OWL + "AnnotationProperty")
#: Classes every individual is in, or that only declare one: never reported.
UNREPORTED_CLASSES = frozenset(ox.NamedNode(OWL + c) for c in ("Thing", "NamedIndividual"))
UNSUPPORTED_HINT = (
    "the OWL 2 RL rules do not implement {constructs}, which the graph uses; "
    "reason over it with '--reasoner hermit' (the whole graph through HermiT: slow on large graphs)"
)


class Reasoner(StrEnum):
    """How to reason; the value is the CLI name.

    ``rl``: HermiT for the classes and properties, OWL 2 RL rules in Oxigraph for the individuals (built for large
    graphs). ``hermit`` and ``pellet``: the whole graph through that Java reasoner.
    """

    RL = "rl"
    HERMIT = "hermit"
    PELLET = "pellet"


@dataclass(frozen=True)
class Entity:
    """An IRI with its label (None when the graph gives it none)."""

    iri: str
    label: str | None

    def __str__(self) -> str:
        return f"{self.label} <{self.iri}>" if self.label else f"<{self.iri}>"


@dataclass(frozen=True)
class Fact:
    """One inferred triple, with labels."""

    subject: Entity
    predicate: Entity
    object: Entity


@dataclass(frozen=True)
class UnsatisfiableClass:
    """A class that can have no member, with the asserted axioms about it (Manchester-like syntax)."""

    cls: Entity
    axioms: tuple[str, ...]


@dataclass(frozen=True)
class ReasoningReport:
    """What one reasoner run found. Facts are only the new ones: nothing already asserted.

    ``memberships`` are the most specific inferred classes of each individual (the
    rest follow from ``class_links`` and the asserted hierarchy).
    """

    reasoner: Reasoner
    consistent: bool
    problem: str = ""
    unsatisfiable: tuple[UnsatisfiableClass, ...] = ()
    memberships: tuple[Fact, ...] = ()
    class_links: tuple[Fact, ...] = ()
    property_values: tuple[Fact, ...] = ()
    other: tuple[Fact, ...] = ()
    inferred_triples: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when consistent and every class can have members."""
        return self.consistent and not self.unsatisfiable

    def as_dict(self) -> dict[str, Any]:
        """:returns: the report as JSON-ready data."""
        data = asdict(self)
        data["reasoner"] = self.reasoner.value
        data["ok"] = self.ok
        return data


def reason(
    kg: KnowledgeGraph, reasoner: Reasoner | str = Reasoner.RL, *, save_to: Path | str | None = None, timeout: float | None = None
) -> ReasoningReport:
    """Check consistency, classify, infer memberships and property values; store the inferences in ``INFERRED_GRAPH``.

    An inconsistent graph gives a report with ``consistent=False`` and an empty
    inferred graph (any earlier inferences are removed too).

    :param kg: the graph; only its asserted graphs are reasoned over.
    :param reasoner: ``rl`` (default), ``hermit`` or ``pellet`` (see :class:`Reasoner`).
    :param save_to: also write the inferred triples there as Turtle (:func:`save_inferred`).
    :param timeout: seconds the reasoning may run (None: no limit); past them a JVM is killed, and the rules stop
        after the query that is running.
    :raises ReasonerUnavailableError: without Java, when the reasoner cannot run on this Java, or when the rules do not
        implement a construct the graph uses.
    :raises ReasonerTimeoutError: past ``timeout``.
    :raises StoreError: for an on-disk store opened for reading.
    """
    reasoner = Reasoner(reasoner)
    java = require_java()
    start = time.perf_counter()
    try:
        if reasoner is Reasoner.RL:
            triples, unsatisfiable = _reason_rl(kg, java, timeout)
        else:
            triples, unsatisfiable = _reason_owl(kg, jvm.Reasoner(reasoner.value), java, timeout)
    except InconsistentOntologyError as err:
        kg.replace_graph(INFERRED_GRAPH, ())
        if save_to is not None:
            save_inferred(kg, save_to)
        return ReasoningReport(reasoner, consistent=False, problem=str(err), seconds=time.perf_counter() - start)
    kg.replace_graph(INFERRED_GRAPH, triples)
    report = replace(_report(kg, reasoner, triples, unsatisfiable), seconds=time.perf_counter() - start)
    if save_to is not None:
        save_inferred(kg, save_to)
    return report


def _reason_owl(
    kg: KnowledgeGraph, reasoner: jvm.Reasoner, java: str, timeout: float | None
) -> tuple[list[ox.Triple], tuple[UnsatisfiableClass, ...]]:
    """The whole graph through the Java reasoner. :returns: the inferred triples and the unsatisfiable classes."""
    asserted = set(kg.triples(include_inferred=False))
    check_readable(asserted)
    world = load_world(asserted)
    run_reasoner(world, reasoner, java, timeout)
    return owlworld.inferred(world, asserted), _unsatisfiable(kg, world)


def _reason_rl(kg: KnowledgeGraph, java: str, timeout: float | None) -> tuple[list[ox.Triple], tuple[UnsatisfiableClass, ...]]:
    """HermiT over the classes and properties, then the rules over the individuals.

    The rules work in the store's ``INFERRED_GRAPH``, which first holds HermiT's links, then everything the rules
    derive; it is emptied first (with any scratch graph of a run that was killed), so that an earlier run's
    inferences are not read as asserted.

    :returns: the inferred triples (HermiT's, then the most specific memberships and values) and the unsatisfiable classes.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    store = kg.writer
    for graph in rules.scratch_graphs(INFERRED_GRAPH):  # left by a run that was killed
        store.remove_graph(graph)
    kg.replace_graph(INFERRED_GRAPH, ())
    check_readable(rules.unreadable(store))
    constructs = rules.unsupported(store)
    if constructs:
        raise ReasonerUnavailableError(UNSUPPORTED_HINT.format(constructs=", ".join(_curie(c) for c in constructs)))
    tbox = read_tbox(store)
    split = core(tbox)
    world = load_world(split.axioms)
    try:
        run_reasoner(world, jvm.Reasoner.HERMIT, java, None if deadline is None else max(deadline - time.monotonic(), 0.001))
    except ReasonerTimeoutError:
        raise ReasonerTimeoutError(f"the reasoning ran past {timeout:g} s and was stopped (its JVM killed)") from None
    unsatisfiable = _unsatisfiable(kg, world) + _left_out_unsatisfiable(kg, split, world)
    schema = owlworld.inferred(world, set(split.axioms)) + [
        ox.Triple(ox.NamedNode(u.cls.iri), EQUIVALENT_CLASS, NOTHING) for u in unsatisfiable if ox.NamedNode(u.cls.iri) in split.left_out
    ]
    kg.add_quads(ox.Quad(t.subject, t.predicate, t.object, INFERRED_GRAPH) for t in schema)
    try:
        rules.materialise(store, INFERRED_GRAPH, schema_closure(tbox | set(schema)), deadline=deadline)
    except ReasonerTimeoutError:
        kg.replace_graph(INFERRED_GRAPH, ())
        raise ReasonerTimeoutError(f"the OWL 2 RL rules ran past {timeout:g} s and were stopped") from None
    found = rules.violations(store)
    if found:
        raise InconsistentOntologyError(_contradiction(kg, found))
    return schema + _most_specific(store, tbox | set(schema)), tuple(sorted(unsatisfiable, key=lambda u: u.cls.iri))


def _curie(construct: str) -> str:
    """:returns: an OWL term as a CURIE; a phrase as it is."""
    return "owl:" + construct.removeprefix(OWL) if construct.startswith(OWL) else construct


def _left_out_unsatisfiable(kg: KnowledgeGraph, split: Split, world: Any) -> tuple[UnsatisfiableClass, ...]:
    """:returns: the classes :func:`~spinekg.tbox.core` left out that are below an unsatisfiable class: they are unsatisfiable too."""
    empty = {c.iri for c in world.inconsistent_classes()} | {NOTHING.value}
    found: dict[ox.NamedNode, bool] = {}

    def below_empty(cls: ox.NamedNode) -> bool:
        if cls not in found:
            found[cls] = False  # a cycle is not left out, but stay safe
            found[cls] = cls.value in empty or any(below_empty(p) for p in split.left_out.get(cls, ()))
        return found[cls]

    return tuple(
        UnsatisfiableClass(_term(kg, c), tuple(f"SubClassOf {_label(kg, p)}" for p in sorted(parents, key=str)))
        for c, parents in split.left_out.items()
        if below_empty(c)
    )


def _label(kg: KnowledgeGraph, node: ox.NamedNode) -> str:
    return repr(kg.labels.label(node.value) or node.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def _contradiction(kg: KnowledgeGraph, found: list[rules.Violation]) -> str:
    """:returns: what makes the graph inconsistent, for people: the first contradiction, and how many more there are."""
    first = found[0]
    who = _term(kg, first.terms[0])
    if first.rule == "cax-dw":
        what = f"{who} is in both {_term(kg, first.terms[1])} and {_term(kg, first.terms[2])}, which are declared disjoint"
    else:
        what = f"{who} is in a class that can have no member (it is below owl:Nothing)"
    more = f" ({len(found) - 1} more contradiction(s))" if len(found) > 1 else ""
    return f"the ontology and data are inconsistent: {what}{more}. Run 'spinekg validate', or see the classes and axioms with '--reasoner hermit'"


def _most_specific(store: ox.Store, axioms: set[ox.Triple]) -> list[ox.Triple]:
    """:returns: what the rules added to ``INFERRED_GRAPH`` that HermiT would report: for each named individual its most
    specific named classes, and for each two its most specific named object properties, that are not asserted."""
    classes, properties = class_hierarchy(axioms), property_hierarchy(axioms)
    annotations = {t.subject for t in axioms if t.predicate == RDF_TYPE and t.object == ANNOTATION_PROPERTY}
    types: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    pairs: dict[tuple[ox.NamedNode, ox.NamedNode], set[ox.NamedNode]] = defaultdict(set)
    for q in store.quads_for_pattern(None, None, None, INFERRED_GRAPH):
        s, p, o = q.subject, q.predicate, q.object
        if not isinstance(s, ox.NamedNode) or not isinstance(o, ox.NamedNode):
            continue
        if p == RDF_TYPE and o not in UNREPORTED_CLASSES:
            types[s].add(o)
        elif not p.value.startswith(BUILT_IN) and p not in annotations:
            pairs[s, o].add(p)
    found = []
    for x, inferred in types.items():
        stated = {
            q.object
            for q in store.quads_for_pattern(x, RDF_TYPE, None)
            if q.graph_name != INFERRED_GRAPH and isinstance(q.object, ox.NamedNode)
        }
        found += [ox.Triple(x, RDF_TYPE, c) for c in classes.most_specific(inferred | stated) - stated]
    for (s, o), inferred in pairs.items():
        stated = {q.predicate for q in store.quads_for_pattern(s, None, o) if q.graph_name != INFERRED_GRAPH}
        found += [ox.Triple(s, p, o) for p in properties.most_specific(inferred | stated) - stated]
    return found


def infer(kg: KnowledgeGraph, reasoner: Reasoner | str = Reasoner.RL) -> ReasoningReport:
    """Like :func:`reason`, for callers that need a consistent result (e.g. an export with inferences).

    :raises InconsistentOntologyError: when the graph is inconsistent.
    """
    report = reason(kg, reasoner)
    if not report.consistent:
        raise InconsistentOntologyError(report.problem)
    return report


def save_inferred(kg: KnowledgeGraph, target: Path | str) -> int:
    """Write only the reasoner's graph as Turtle to ``target``, atomically.

    :returns: the number of triples written.
    :raises InputError: when ``target`` cannot be written.
    """
    triples = list(kg.graph_triples(INFERRED_GRAPH))
    try:
        with atomic_write(target) as handle:
            ox.serialize(triples, handle, ox.RdfFormat.TURTLE, prefixes=prefix_map())
    except OSError as err:
        raise InputError(f"cannot write {target}: {err.strerror or err}") from None
    return len(triples)


#: The namespaces of the RDF, RDFS, OWL and XSD vocabularies: their terms are not the ontology's properties.
BUILT_IN = (RDF, RDFS, OWL, XSD)


def _report(
    kg: KnowledgeGraph, reasoner: Reasoner, triples: list[ox.Triple], unsatisfiable: tuple[UnsatisfiableClass, ...]
) -> ReasoningReport:
    """Sort the inferred triples into the report's sections."""
    properties = {t.subject for kind in PROPERTY_KINDS for t in kg.match(None, RDF_TYPE, kind)}
    sections: dict[str, list[Fact]] = {"memberships": [], "class_links": [], "property_values": [], "other": []}
    for t in triples:
        sections[_section(t, properties)].append(_fact(kg, t))
    ordered = {name: tuple(sorted(facts, key=_sort_key)) for name, facts in sections.items()}
    return ReasoningReport(
        reasoner,
        consistent=True,
        unsatisfiable=unsatisfiable,
        memberships=ordered["memberships"],
        class_links=ordered["class_links"],
        property_values=ordered["property_values"],
        other=ordered["other"],
        inferred_triples=len(triples),
    )


def _section(triple: ox.Triple, properties: set[Any]) -> str:
    if triple.predicate == RDF_TYPE:
        return "memberships"
    if triple.predicate in (SUBCLASS_OF, EQUIVALENT_CLASS) and triple.object != NOTHING:
        return "class_links"
    return "property_values" if triple.predicate in properties else "other"


def _term(kg: KnowledgeGraph, node: ox.NamedNode | ox.Literal | Any) -> Entity:
    if isinstance(node, ox.NamedNode):
        return Entity(node.value, kg.labels.label(node.value))
    return Entity(str(node), None)


def _fact(kg: KnowledgeGraph, triple: ox.Triple) -> Fact:
    return Fact(_term(kg, triple.subject), _term(kg, triple.predicate), _term(kg, triple.object))


def _sort_key(fact: Fact) -> tuple[str, ...]:
    return tuple((t.label or t.iri).casefold() for t in (fact.predicate, fact.subject, fact.object))


def _unsatisfiable(kg: KnowledgeGraph, world: Any) -> tuple[UnsatisfiableClass, ...]:
    """:returns: the named classes equivalent to owl:Nothing, with their asserted axioms."""
    found = [
        UnsatisfiableClass(_term(kg, ox.NamedNode(c.iri)), class_axioms(c, kg.labels.label))
        for c in world.inconsistent_classes()
        if c.iri != NOTHING.value
    ]
    return tuple(sorted(found, key=lambda u: u.cls.iri))
