"""The graph in an owlready2 ``World``, and what a Java reasoner inferred back out of it.

The triples are written to a temporary N-Triples file and loaded into a fresh ``World``; what
the reasoner adds is read back from owlready2's inference ontology, completed with the values of
inverse properties (owlready2 keeps only one direction of an inverse pair), and stripped of
anything asserted. owlready2 is imported inside the functions that need it.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import InputError
from .namespaces import OWL, XSD

__all__ = ["SYMMETRIC", "check_readable", "class_axioms", "inferred", "load_world"]

INVERSE_OF = ox.NamedNode(OWL + "inverseOf")
INFERENCE_ONTOLOGY = "http://inferrences/"  # owlready2's name (sic) for the ontology it puts inferences in

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


def check_readable(triples: Iterable[ox.Triple]) -> None:
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


def load_world(asserted: Iterable[ox.Triple]) -> Any:
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


def inferred(world: Any, asserted: set[ox.Triple]) -> list[ox.Triple]:
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


def class_axioms(cls: Any, label: Callable[[str], str | None]) -> tuple[str, ...]:
    """:returns: an owlready2 class's superclasses, equivalents and disjoint classes, rendered with ``label`` (an IRI's label)."""
    import owlready2

    owlready2.set_render_func(lambda entity: repr(label(entity.iri) or entity.name))
    try:
        axioms = [f"SubClassOf {c}" for c in cls.is_a if c is not owlready2.Nothing]
        axioms += [f"EquivalentTo {c}" for c in cls.equivalent_to if c is not owlready2.Nothing]
        axioms += [f"DisjointWith {c}" for d in cls.disjoints() for c in d.entities if c is not cls]
    finally:
        owlready2.set_render_func(owlready2.default_render_func)
    return tuple(axioms)
