"""OWL reasoning with owlready2 and a Java reasoner (HermiT): consistency, unsatisfiable classes, inferred facts.

The asserted graphs (never the reasoner's own graph) are written to a temporary
N-Triples file, loaded into a fresh owlready2 ``World`` and handed to the
reasoner. What the reasoner adds is read back from owlready2's inference
ontology, completed with the values of inverse properties (owlready2 keeps only
one direction of an inverse pair), stripped of anything already asserted, and
written to the store's ``INFERRED_GRAPH``: asserted and inferred knowledge never
mix, and a new run replaces the previous one.

owlready2 is imported lazily, inside the functions that need it, so the other
commands do not pay for it. Data property values are not inferred: the ontology
has no data property hierarchy, equivalence or key that could add any, and
owlready2's ``infer_data_property_values`` only costs time here.
"""

from __future__ import annotations

import io
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .atomic import atomic_write
from .errors import InconsistentOntologyError, InputError
from .graph import KnowledgeGraph
from .jvm import Reasoner, require_java, run_reasoner
from .namespaces import INFERRED_GRAPH, OWL, RDF_TYPE, prefix_map

__all__ = ["Entity", "Fact", "Reasoner", "ReasoningReport", "UnsatisfiableClass", "infer", "reason", "require_java", "save_inferred"]

SUBCLASS_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
EQUIVALENT_CLASS = ox.NamedNode(OWL + "equivalentClass")
INVERSE_OF = ox.NamedNode(OWL + "inverseOf")
NOTHING = ox.NamedNode(OWL + "Nothing")
PROPERTY_KINDS = (ox.NamedNode(OWL + "ObjectProperty"), ox.NamedNode(OWL + "DatatypeProperty"))
INFERENCE_ONTOLOGY = "http://inferrences/"  # owlready2's name (sic) for the ontology it puts inferences in


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
    kg: KnowledgeGraph, reasoner: Reasoner | str = Reasoner.HERMIT, *, save_to: Path | str | None = None, timeout: float | None = None
) -> ReasoningReport:
    """Check consistency, classify, infer property values; store the inferences in ``INFERRED_GRAPH``.

    An inconsistent graph gives a report with ``consistent=False`` and an empty
    inferred graph (any earlier inferences are removed too).

    :param kg: the graph; only its asserted graphs are reasoned over.
    :param reasoner: ``hermit`` (default) or ``pellet``.
    :param save_to: also write the inferred triples there as Turtle (:func:`save_inferred`).
    :param timeout: seconds the reasoner may run (None: no limit); past them its JVM is killed.
    :raises ReasonerUnavailableError: without Java, or when the reasoner cannot run on this Java.
    :raises ReasonerTimeoutError: past ``timeout``.
    """
    reasoner = Reasoner(reasoner)
    java = require_java()
    start = time.perf_counter()
    asserted = set(kg.triples(include_inferred=False))
    _check_readable(asserted)
    world = _load_world(asserted)
    try:
        run_reasoner(world, reasoner, java, timeout)
    except InconsistentOntologyError as err:
        kg.replace_graph(INFERRED_GRAPH, ())
        if save_to is not None:
            save_inferred(kg, save_to)
        return ReasoningReport(reasoner, consistent=False, problem=str(err), seconds=time.perf_counter() - start)
    triples = _inferred(world, asserted)
    kg.replace_graph(INFERRED_GRAPH, triples)
    report = _report(kg, world, reasoner, triples)
    report = replace(report, seconds=time.perf_counter() - start)
    if save_to is not None:
        save_inferred(kg, save_to)
    return report


def infer(kg: KnowledgeGraph, reasoner: Reasoner | str = Reasoner.HERMIT) -> ReasoningReport:
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


#: Lexical forms of the XSD datatypes owlready2 converts to Python values (whitespace collapsed first).
_LEXICAL = {
    **dict.fromkeys(
        [
            "integer",
            "int",
            "long",
            "short",
            "byte",
            "nonNegativeInteger",
            "positiveInteger",
            "nonPositiveInteger",
            "negativeInteger",
            "unsignedInt",
            "unsignedLong",
            "unsignedShort",
            "unsignedByte",
        ],
        re.compile(r"[+-]?\d+"),
    ),
    "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    **dict.fromkeys(("double", "float"), re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN")),
    "boolean": re.compile(r"true|false|1|0"),
    "date": re.compile(r"-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?"),
    "dateTime": re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?"),
}
XSD = "http://www.w3.org/2001/XMLSchema#"


def _check_readable(triples: Iterable[ox.Triple]) -> None:
    """:raises InputError: for what owlready2 cannot read: an RDF-star quoted triple, or an ill-typed literal
    (``"abc"^^xsd:integer``), named with its subject."""
    for t in triples:
        if isinstance(t.subject, ox.Triple) or isinstance(t.object, ox.Triple):
            raise InputError("the graph holds RDF-star quoted triples, which the OWL reasoner cannot read")
        obj = t.object
        if isinstance(obj, ox.Literal) and obj.datatype.value.startswith(XSD):
            pattern = _LEXICAL.get(obj.datatype.value.removeprefix(XSD))
            if pattern is not None and not pattern.fullmatch(" ".join(obj.value.split())):
                raise InputError(
                    f"ill-typed literal {obj} on <{t.subject.value}> <{t.predicate.value}>: not a valid xsd:{obj.datatype.value.removeprefix(XSD)}"
                )


def _load_world(asserted: Iterable[ox.Triple]) -> Any:
    """:returns: a fresh owlready2 World holding the asserted triples.
    :raises InputError: when owlready2 cannot parse them."""
    import owlready2

    world = owlready2.World()
    with tempfile.TemporaryDirectory(prefix="spinekg-reason-") as folder:
        path = Path(folder) / "asserted.nt"
        with path.open("wb") as handle:
            ox.serialize(asserted, handle, ox.RdfFormat.N_TRIPLES)
        try:
            world.get_ontology(path.as_uri()).load(format="ntriples")
        except owlready2.OwlReadyOntologyParsingError as err:
            cause = err.__cause__ or err
            raise InputError(f"the OWL reasoner cannot read the graph: {cause}") from None
    return world


def _inferred(world: Any, asserted: set[ox.Triple]) -> list[ox.Triple]:
    """:returns: the new triples: the reasoner's, plus inverse-property values, minus the asserted ones and
    their restatements (``B owl:equivalentClass A`` when ``A owl:equivalentClass B`` is asserted)."""
    buffer = io.BytesIO()
    world.get_ontology(INFERENCE_ONTOLOGY).save(buffer, format="ntriples")
    parsed = (q.triple for q in ox.parse(buffer.getvalue(), format=ox.RdfFormat.N_TRIPLES))  # Quads: a Quad never equals a Triple
    found = [t for t in parsed if _named(t)]
    found += _inverse_values(asserted, found)
    ontology_header = ox.NamedNode(INFERENCE_ONTOLOGY.rstrip("/"))
    return sorted({t for t in found if not _asserted(t, asserted) and t.subject != ontology_header}, key=str)


#: Predicates whose triples hold both ways: the reverse of an asserted one is no inference.
SYMMETRIC = frozenset(ox.NamedNode(OWL + p) for p in ("equivalentClass", "equivalentProperty", "sameAs", "inverseOf", "disjointWith"))


def _asserted(triple: ox.Triple, asserted: set[ox.Triple]) -> bool:
    if triple in asserted:
        return True
    return triple.predicate in SYMMETRIC and ox.Triple(triple.object, triple.predicate, triple.subject) in asserted  # type: ignore[arg-type]


def _named(triple: ox.Triple) -> bool:
    return not isinstance(triple.subject, ox.BlankNode) and not isinstance(triple.object, ox.BlankNode)


def _inverse_values(asserted: set[ox.Triple], inferred: list[ox.Triple]) -> list[ox.Triple]:
    """:returns: ``o q s`` for every ``s p o`` where ``p owl:inverseOf q`` (either way round)."""
    inverse: dict[ox.NamedNode, ox.NamedNode] = {}
    for t in asserted:
        if t.predicate == INVERSE_OF and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
            inverse[t.subject], inverse[t.object] = t.object, t.subject
    return [
        ox.Triple(t.object, inverse[t.predicate], t.subject)
        for t in (*asserted, *inferred)
        if t.predicate in inverse and isinstance(t.object, ox.NamedNode)
    ]


def _report(kg: KnowledgeGraph, world: Any, reasoner: Reasoner, triples: list[ox.Triple]) -> ReasoningReport:
    """Sort the inferred triples into the report's sections."""
    properties = {t.subject for kind in PROPERTY_KINDS for t in kg.match(None, RDF_TYPE, kind)}
    sections: dict[str, list[Fact]] = {"memberships": [], "class_links": [], "property_values": [], "other": []}
    for t in triples:
        sections[_section(t, properties)].append(_fact(kg, t))
    ordered = {name: tuple(sorted(facts, key=_sort_key)) for name, facts in sections.items()}
    return ReasoningReport(
        reasoner,
        consistent=True,
        unsatisfiable=_unsatisfiable(kg, world),
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
        UnsatisfiableClass(_term(kg, ox.NamedNode(c.iri)), _axioms(kg, c)) for c in world.inconsistent_classes() if c.iri != NOTHING.value
    ]
    return tuple(sorted(found, key=lambda u: u.cls.iri))


def _axioms(kg: KnowledgeGraph, cls: Any) -> tuple[str, ...]:
    """:returns: the class's superclasses, equivalents and disjoint classes, rendered with labels."""
    import owlready2

    owlready2.set_render_func(lambda entity: repr(kg.labels.label(entity.iri) or entity.name))
    try:
        axioms = [f"SubClassOf {c}" for c in cls.is_a if c is not owlready2.Nothing]
        axioms += [f"EquivalentTo {c}" for c in cls.equivalent_to if c is not owlready2.Nothing]
        axioms += [f"DisjointWith {c}" for d in cls.disjoints() for c in d.entities if c is not cls]
    finally:
        owlready2.set_render_func(owlready2.default_render_func)
    return tuple(axioms)
