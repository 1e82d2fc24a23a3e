"""SHACL shapes read into plain data, for spinekg's own engine (:mod:`spinekg.shacl_engine`).

:func:`read_shapes` reads the triples of a shapes graph. It knows every term of the SHACL
Core vocabulary, SPARQL-based constraints on node shapes and SPARQL targets; anything else
in the ``sh:`` namespace (rules, custom constraint components, functions, ...), a shape
that refers back to itself, or a parameter the engine would read differently from pyshacl
raises :class:`UnsupportedShapes`, naming each, so nothing is silently left out: the
caller falls back to pyshacl or refuses.

>>> shapes = read_shapes(parse_shapes(b'''@prefix sh: <http://www.w3.org/ns/shacl#> .
... <http://example.org/S> sh:targetClass <http://example.org/C> ;
...     sh:property [ sh:path <http://example.org/p> ; sh:minCount 1 ] .'''))
>>> [(c.component, c.number) for s in shapes.top for p in s.properties for c in p.constraints]
[('MinCountConstraintComponent', 1)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import ShapesError
from .namespaces import OWL, RDF, RDFS, XSD

__all__ = [
    "SH",
    "THIS",
    "Constraint",
    "PropertyPath",
    "Shape",
    "ShapesGraph",
    "SparqlQuery",
    "UnsupportedShapes",
    "parse_shapes",
    "read_shape_files",
    "read_shapes",
]

SH = "http://www.w3.org/ns/shacl#"
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Node = ox.NamedNode | ox.BlankNode

#: Constraint parameters taking one value each, and the component each belongs to.
_SINGLE = {
    "class": "Class",
    "datatype": "Datatype",
    "nodeKind": "NodeKind",
    "minCount": "MinCount",
    "maxCount": "MaxCount",
    "minExclusive": "MinExclusive",
    "minInclusive": "MinInclusive",
    "maxExclusive": "MaxExclusive",
    "maxInclusive": "MaxInclusive",
    "minLength": "MinLength",
    "maxLength": "MaxLength",
    "hasValue": "HasValue",
    "equals": "Equals",
    "disjoint": "Disjoint",
    "lessThan": "LessThan",
    "lessThanOrEquals": "LessThanOrEquals",
    "uniqueLang": "UniqueLang",
}
#: Parameters whose value is a shape, or a list of shapes.
_SHAPE_PARAMS = {"node": "Node", "not": "Not"}
_LIST_PARAMS = {"and": "And", "or": "Or", "xone": "Xone"}
_COUNTS = ("minCount", "maxCount", "minLength", "maxLength")
_NODE_KINDS = frozenset(SH + k for k in ("IRI", "BlankNode", "Literal", "BlankNodeOrIRI", "BlankNodeOrLiteral", "IRIOrLiteral"))
_PATHS = ("inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath")
_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
#: Every ``sh:`` predicate the engine reads, or knows to have no effect on validation.
KNOWN_PREDICATES = frozenset(
    SH + name
    for name in (
        *_SINGLE,
        *_SHAPE_PARAMS,
        *_LIST_PARAMS,
        *_PATHS,
        *_TARGETS,
        *("pattern", "flags", "languageIn", "in", "property", "closed", "ignoredProperties"),
        *("qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint"),
        *("path", "message", "severity", "deactivated", "sparql", "select", "prefixes", "declare", "prefix", "namespace"),
        *("name", "description", "order", "group", "defaultValue"),
    )
)
KNOWN_TYPES = frozenset(SH + n for n in ("NodeShape", "PropertyShape", "Shape", "SPARQLConstraint", "SPARQLTarget", "PropertyGroup"))
#: Pre-bound variables and placeholders of SHACL-SPARQL that the engine does not provide.
_SPARQL_UNSUPPORTED = re.compile(r"\$PATH\b|[?$](currentShape|shapesGraph|failure)\b")
#: Where a query mentions ``$this`` (or ``?this``), so the engine pre-binds it (pyshacl's rule).
THIS = re.compile(r"[\s{}()][$?]this", flags=re.M)
XSD_BOOLEAN = ox.NamedNode(XSD + "boolean")


class UnsupportedShapes(ShapesError):
    """The shapes use SHACL the built-in engine does not evaluate; ``features`` names each."""

    def __init__(self, features: Sequence[str]) -> None:
        self.features = tuple(sorted(set(features)))
        super().__init__("the shapes use SHACL features the built-in engine does not evaluate: " + "; ".join(self.features))


@dataclass(frozen=True)
class PropertyPath:
    """A SHACL property path: ``kind`` is ``predicate`` (with ``predicate``) or the name of a path form."""

    kind: str
    predicate: ox.NamedNode | None = None
    parts: tuple[PropertyPath, ...] = ()

    def text(self) -> str:
        """:returns: a predicate as its bare IRI, any other path in SPARQL syntax (``^<iri>``)."""
        return self.predicate.value if self.predicate is not None else self._expression()

    def _expression(self) -> str:
        if self.predicate is not None:
            return f"<{self.predicate.value}>"
        inner = [p._expression() for p in self.parts]
        forms = {"inversePath": "^{}", "zeroOrMorePath": "{}*", "oneOrMorePath": "{}+", "zeroOrOnePath": "{}?"}
        if self.kind in forms:
            return forms[self.kind].format(inner[0])
        return "(" + ("|" if self.kind == "alternativePath" else "/").join(inner) + ")"


@dataclass(frozen=True)
class SparqlQuery:
    """A SHACL-SPARQL SELECT (a constraint or a target) with the prefixes its shape declares."""

    node: Node
    select: str
    prefixes: dict[str, str]
    messages: tuple[ox.Literal, ...] = ()
    deactivated: bool = False


@dataclass(frozen=True, eq=False)
class Constraint:
    """One constraint of a shape: its component (``MinCountConstraintComponent``) and parameters."""

    component: str
    term: Term | None = None
    number: int = 0
    terms: tuple[Term, ...] = ()
    shapes: tuple[Shape, ...] = ()
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True, eq=False)
class Shape:
    """A node shape (``path`` None) or property shape, with its targets and constraints."""

    node: Node
    path: PropertyPath | None = None
    constraints: tuple[Constraint, ...] = ()
    properties: tuple[Shape, ...] = ()
    sparql: tuple[SparqlQuery, ...] = ()
    messages: tuple[ox.Literal, ...] = ()
    severity: str = SH + "Violation"
    deactivated: bool = False
    target_classes: tuple[ox.NamedNode, ...] = ()
    target_nodes: tuple[Term, ...] = ()
    subjects_of: tuple[ox.NamedNode, ...] = ()
    objects_of: tuple[ox.NamedNode, ...] = ()
    target_queries: tuple[SparqlQuery, ...] = ()

    @property
    def has_targets(self) -> bool:
        """Whether the shape selects focus nodes of its own."""
        return bool(self.target_classes or self.target_nodes or self.subjects_of or self.objects_of or self.target_queries)


@dataclass(frozen=True)
class ShapesGraph:
    """The shapes with targets (what validation starts from) and the triples they were read from."""

    top: tuple[Shape, ...]
    triples: tuple[ox.Triple, ...] = field(repr=False, default=())


def parse_shapes(data: bytes, source: str = "shapes", label: str = "s") -> list[ox.Triple]:
    """:returns: the triples of a Turtle shapes graph, its blank nodes labelled ``{label}b1``, ``{label}b2`` ...
    in the order they first appear, so every read of one file names its shapes alike.
    :raises ShapesError: when it does not parse."""
    try:
        triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)]
    except SyntaxError as err:
        raise ShapesError(f"{source}: {err}") from None
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"{label}b{len(names) + 1}"))
        return term

    return [ox.Triple(stable(t.subject), t.predicate, stable(t.object)) for t in triples]


def read_shape_files(paths: Iterable[Path]) -> list[ox.Triple]:
    """:returns: the triples of every shapes file (Turtle); the blank nodes of the n-th file are ``snb1``, ``snb2`` ...
    :raises ShapesError: when a file cannot be read or parsed."""
    triples: list[ox.Triple] = []
    for number, path in enumerate(paths, 1):
        try:
            data = Path(path).read_bytes()
        except OSError as err:
            raise ShapesError(f"{path}: {err.strerror or err}") from None
        triples.extend(parse_shapes(data, str(path), f"s{number}"))
    return triples


def read_shapes(triples: Sequence[ox.Triple]) -> ShapesGraph:
    """:returns: the shapes of a shapes graph.
    :raises UnsupportedShapes: for SHACL the engine does not evaluate.
    :raises ShapesError: for a malformed shape (a count that is not an integer, a path that is no path)."""
    reader = _Reader(_as_stored(triples))
    unknown = list(reader.unknown_terms())
    if unknown:
        raise UnsupportedShapes(unknown)
    top = tuple(reader.shape(node) for node in reader.top_nodes())
    if reader.unsupported:
        raise UnsupportedShapes(reader.unsupported)
    return ShapesGraph(top, tuple(triples))


def _as_stored(triples: Sequence[ox.Triple]) -> list[ox.Triple]:
    """:returns: the triples as an Oxigraph store gives them back: literals in the canonical form the
    data's literals have (``"01"^^xsd:integer`` is ``"1"``), so ``sh:hasValue`` and ``sh:in`` compare like with like."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return [q.triple for q in store]


class _Reader:
    """Reads shapes out of triples, each node once; collects what the engine cannot do."""

    def __init__(self, triples: Sequence[ox.Triple]) -> None:
        self.triples = triples
        self.graph: dict[Term, dict[str, list[Term]]] = {}
        for t in triples:
            if isinstance(t.subject, ox.Triple) or isinstance(t.object, ox.Triple):
                raise ShapesError("the shapes graph holds RDF-star quoted triples")
            self.graph.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
        self.done: dict[Term, Shape] = {}
        self.stack: list[Term] = []
        self.unsupported: list[str] = []

    def unknown_terms(self) -> Iterator[str]:
        for t in self.triples:
            if t.predicate.value.startswith(SH) and t.predicate.value not in KNOWN_PREDICATES:
                yield f"sh:{t.predicate.value[len(SH) :]}"
            kind = t.object.value if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode) else ""
            if kind.startswith(SH) and kind not in KNOWN_TYPES:
                yield f"sh:{kind[len(SH) :]}"

    def values(self, node: Term, name: str) -> list[Term]:
        return self.graph.get(node, {}).get(name if "#" in name else SH + name, [])

    def one(self, node: Term, name: str) -> Term | None:
        found = self.values(node, name)
        if len(found) > 1:
            raise ShapesError(f"{_show(node)} has {len(found)} values of sh:{name}; SHACL allows one")
        return found[0] if found else None

    def top_nodes(self) -> list[Node]:
        targets = {SH + n for n in _TARGETS}
        nodes: set[Term] = {t.subject for t in self.triples if t.predicate.value in targets}  # type: ignore[misc]
        types = {SH + "NodeShape", SH + "PropertyShape"}
        classes = {RDFS + "Class", OWL + "Class"}
        for subject, props in self.graph.items():
            kinds = {o.value for o in props.get(RDF + "type", []) if isinstance(o, ox.NamedNode)}
            if kinds & types and kinds & classes:
                nodes.add(subject)
        return sorted((n for n in nodes if isinstance(n, ox.NamedNode | ox.BlankNode)), key=str)

    def shape(self, node: Term) -> Shape:
        if isinstance(node, ox.Literal):
            raise ShapesError(f"a literal ({node}) where SHACL expects a shape")
        if node in self.done:
            return self.done[node]
        if node in self.stack:
            self.unsupported.append(f"recursive shape {_show(node)}")
            return Shape(node)
        self.stack.append(node)
        try:
            made = self._shape(node)
        finally:
            self.stack.pop()
        self.done[node] = made
        return made

    def _shape(self, node: Node) -> Shape:
        path_node = self.one(node, "path")
        path = None if path_node is None else self.path(path_node)
        deactivated = self.one(node, "deactivated")
        severity = self.one(node, "severity")
        kinds = {o.value for o in self.values(node, RDF + "type") if isinstance(o, ox.NamedNode)}
        classes = (node,) if isinstance(node, ox.NamedNode) and kinds & {RDFS + "Class", OWL + "Class"} else ()
        return Shape(
            node,
            path,
            constraints=tuple(self.constraints(node)),
            properties=tuple(self.property_shape(p) for p in self.values(node, "property")),
            sparql=tuple(self.sparql_constraint(node, c, path) for c in self.values(node, "sparql")),
            messages=tuple(m for m in self.values(node, "message") if isinstance(m, ox.Literal)),
            severity=SH + "Violation" if severity is None else severity.value,
            deactivated=_is_true(deactivated),
            target_classes=tuple(self.iris(node, "targetClass")) + classes,
            target_nodes=tuple(self.values(node, "targetNode")),
            subjects_of=tuple(self.iris(node, "targetSubjectsOf")),
            objects_of=tuple(self.iris(node, "targetObjectsOf")),
            target_queries=tuple(self.sparql_target(t) for t in self.values(node, "target")),
        )

    def property_shape(self, node: Term) -> Shape:
        made = self.shape(node)
        if made.path is None and not any(_show(node) in u for u in self.unsupported):
            raise ShapesError(f"the property shape {_show(node)} has no sh:path")
        return made

    def iris(self, node: Term, name: str) -> Iterator[ox.NamedNode]:
        for value in self.values(node, name):
            if not isinstance(value, ox.NamedNode):
                raise ShapesError(f"sh:{name} of {_show(node)} is {_show(value)}, not an IRI")
            yield value

    def constraints(self, node: Node) -> Iterator[Constraint]:
        for name, component in _SINGLE.items():
            value = self.one(node, name)
            if value is not None:
                yield self.single(node, name, component + "ConstraintComponent", value)
        for name, component in _SHAPE_PARAMS.items():
            for value in self.values(node, name):
                yield Constraint(component + "ConstraintComponent", shapes=(self.shape(value),))
        for name, component in _LIST_PARAMS.items():
            for value in self.values(node, name):
                yield Constraint(component + "ConstraintComponent", shapes=tuple(self.shape(s) for s in self.items(value)))
        yield from self.pattern(node)
        for name, component in (("languageIn", "LanguageIn"), ("in", "In")):
            for value in self.values(node, name):
                yield Constraint(component + "ConstraintComponent", terms=tuple(self.items(value)))
        yield from self.qualified(node)
        if _is_true(self.one(node, "closed")):
            ignored = [t for v in self.values(node, "ignoredProperties") for t in self.items(v)]
            allowed = [p.path.predicate for p in map(self.shape, self.values(node, "property")) if p.path and p.path.predicate]
            yield Constraint("ClosedConstraintComponent", terms=(*ignored, *allowed))

    def single(self, node: Node, name: str, component: str, value: Term) -> Constraint:
        if name in _COUNTS:
            return Constraint(component, value, number=self.integer(node, name, value))
        if name == "nodeKind" and value.value not in _NODE_KINDS:
            raise ShapesError(f"sh:nodeKind of {_show(node)} is {_show(value)}, not a SHACL node kind")
        if name == "datatype" and value.value in (RDFS + "Literal", RDFS + "Datatype"):
            self.unsupported.append(f"sh:datatype {_show(value)} (pyshacl and the SHACL spec read it differently)")
        if name in ("class", "datatype", "equals", "disjoint", "lessThan", "lessThanOrEquals") and not isinstance(value, ox.NamedNode):
            raise ShapesError(f"sh:{name} of {_show(node)} is {_show(value)}, not an IRI")
        return Constraint(component, value)

    def integer(self, node: Node, name: str, value: Term) -> int:
        if not isinstance(value, ox.Literal) or not re.fullmatch(r"[+-]?[0-9]+", value.value):
            raise ShapesError(f"sh:{name} of {_show(node)} is {_show(value)}, not an integer")
        return int(value.value)

    def pattern(self, node: Node) -> Iterator[Constraint]:
        flags_term = self.one(node, "flags")
        flags = 0
        for flag in "" if flags_term is None else flags_term.value:
            if flag not in "imsx":
                self.unsupported.append(f"sh:flags {flag!r}")
            flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}.get(flag, 0)
        for value in self.values(node, "pattern"):
            try:
                compiled = re.compile(value.value, flags)
            except re.error as err:
                raise ShapesError(f"sh:pattern {value.value!r} of {_show(node)} is not a regular expression: {err}") from None
            yield Constraint("PatternConstraintComponent", value, pattern=compiled)

    def qualified(self, node: Node) -> Iterator[Constraint]:
        shape_node = self.one(node, "qualifiedValueShape")
        if shape_node is None:
            return
        if _is_true(self.one(node, "qualifiedValueShapesDisjoint")):
            self.unsupported.append(f"sh:qualifiedValueShapesDisjoint on {_show(node)}")
        shape = self.shape(shape_node)
        for name, component in (("qualifiedMinCount", "QualifiedMinCount"), ("qualifiedMaxCount", "QualifiedMaxCount")):
            value = self.one(node, name)
            if value is not None:
                yield Constraint(component + "ConstraintComponent", value, number=self.integer(node, name, value), shapes=(shape,))

    def items(self, head: Term) -> Iterator[Term]:
        seen: set[Term] = set()
        while head != ox.NamedNode(RDF + "nil"):
            if head in seen or self.one(head, RDF + "first") is None:
                raise ShapesError(f"{_show(head)} is not a well-formed RDF list")
            seen.add(head)
            first, rest = self.one(head, RDF + "first"), self.one(head, RDF + "rest")
            assert first is not None
            yield first
            if rest is None:
                raise ShapesError(f"{_show(head)} is not a well-formed RDF list")
            head = rest

    def path(self, node: Term) -> PropertyPath:
        if isinstance(node, ox.NamedNode):
            return PropertyPath("predicate", node)
        if isinstance(node, ox.Literal):
            raise ShapesError(f"a literal ({node}) where SHACL expects a path")
        if self.one(node, RDF + "first") is not None:
            return PropertyPath("sequencePath", parts=tuple(self.path(p) for p in self.items(node)))
        for name in _PATHS:
            inner = self.one(node, name)
            if inner is not None:
                parts = tuple(self.path(p) for p in self.items(inner)) if name == "alternativePath" else (self.path(inner),)
                return PropertyPath(name, parts=parts)
        raise ShapesError(f"{_show(node)} is not a SHACL path")

    def prefixes(self, node: Term) -> dict[str, str]:
        found: dict[str, str] = {}
        for holder in self.values(node, "prefixes"):
            for declaration in self.values(holder, "declare"):
                prefix, namespace = self.one(declaration, "prefix"), self.one(declaration, "namespace")
                if prefix is None or namespace is None:
                    raise ShapesError(f"the prefix declaration {_show(declaration)} needs sh:prefix and sh:namespace")
                found[prefix.value] = namespace.value
        return found

    def query(self, node: Term, what: str) -> SparqlQuery:
        if isinstance(node, ox.Literal):
            raise ShapesError(f"a literal ({node}) where SHACL expects a {what}")
        select = self.one(node, "select")
        if select is None:
            self.unsupported.append(f"a {what} without sh:select ({_show(node)})")
            return SparqlQuery(node, "", {})
        messages = tuple(m for m in self.values(node, "message") if isinstance(m, ox.Literal))
        made = SparqlQuery(node, select.value, self.prefixes(node), messages, _is_true(self.one(node, "deactivated")))
        if _SPARQL_UNSUPPORTED.search(select.value):
            self.unsupported.append(f"a {what} that uses $PATH, $currentShape, $shapesGraph or ?failure")
        elif not self.unsupported:  # a query pyshacl would rewrite first may not parse as it stands
            self.try_query(made, what)
        return made

    def try_query(self, query: SparqlQuery, what: str) -> None:
        """Parse the query on an empty store, ``$this`` bound as the engine binds it, so a broken one fails here."""
        bound: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {}
        if what != "SPARQL target" and THIS.search(query.select):
            bound[ox.Variable("this")] = ox.NamedNode("urn:spinekg:this")
        try:
            answer = ox.Store().query(query.select, prefixes=query.prefixes, substitutions=bound)
        except SyntaxError as err:
            raise ShapesError(f"the {what} {_show(query.node)} does not parse: {err.msg or err}") from None
        except (RuntimeError, ValueError, OSError) as err:
            self.unsupported.append(f"the {what} {_show(query.node)}: {err}")
            return
        if not isinstance(answer, ox.QuerySolutions):
            raise ShapesError(f"the {what} {_show(query.node)} is not a SELECT query")
        if what == "SPARQL target" and ox.Variable("this") not in answer.variables:
            raise ShapesError(f"the {what} {_show(query.node)} does not select ?this")

    def sparql_constraint(self, shape: Node, node: Term, path: PropertyPath | None) -> SparqlQuery:
        if path is not None:
            self.unsupported.append(f"sh:sparql on the property shape {_show(shape)}")
        return self.query(node, "SPARQL constraint")

    def sparql_target(self, node: Term) -> SparqlQuery:
        kinds = {o.value for o in self.values(node, RDF + "type") if isinstance(o, ox.NamedNode)}
        if SH + "SPARQLTarget" not in kinds:
            self.unsupported.append(f"sh:target {_show(node)} that is not a sh:SPARQLTarget")
        return self.query(node, "SPARQL target")


def _is_true(term: Term | None) -> bool:
    """Whether a flag (``sh:deactivated``, ``sh:closed``) is set: ``true`` or ``1`` as ``xsd:boolean``."""
    return isinstance(term, ox.Literal) and term.datatype == XSD_BOOLEAN and term.value in ("true", "1")


def _show(term: Term) -> str:
    return f"<{term.value}>" if isinstance(term, ox.NamedNode) else str(term)
