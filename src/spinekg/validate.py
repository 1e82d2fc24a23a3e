"""Validate the graph: SHACL shapes plus the quality checks in ``queries/checks``.

Two SHACL engines give the same results (``tests/test_shacl_engines.py``): spinekg's own
(:mod:`spinekg.shacl_engine`), which checks the shapes on the Oxigraph store in place, and
pyshacl, the reference, which needs the graph copied into rdflib (about 15x slower at 10k
triples and worse beyond). :class:`Engine` picks one; the default takes the built-in engine
and pyshacl for shapes that use SHACL the built-in engine does not evaluate.

The outcome is a :class:`ValidationReport`; callers decide what a failure
means (the CLI exits 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import queries, resources
from .errors import InputError, ShapesError
from .graph import CARDINALITIES, KnowledgeGraph, as_written
from .namespaces import INFERRED_GRAPH, compress
from .shacl_engine import Data, Finding, findings
from .shacl_shapes import SH, UnsupportedShapes, read_shape_files, read_shapes
from .shacl_values import text

if TYPE_CHECKING:
    from rdflib import Graph, URIRef
    from rdflib.term import Node

__all__ = ["Engine", "ValidationReport", "Violation", "check_violations", "shacl_violations", "validate", "validate_files"]


class Engine(StrEnum):
    """Which SHACL engine validates."""

    #: The built-in engine, or pyshacl when the shapes use SHACL the built-in engine does not evaluate.
    AUTO = "auto"
    #: spinekg's own engine, on the store in place; refuses shapes it does not evaluate.
    BUILTIN = "builtin"
    #: pyshacl over a copy of the graph in rdflib: the reference.
    PYSHACL = "pyshacl"

    @classmethod
    def of(cls, name: str | Engine) -> Engine:
        """:returns: the engine called ``name``.
        :raises InputError: for a name that is none."""
        try:
            return cls(name)
        except ValueError:
            raise InputError(f"no SHACL engine {name!r}; choose one of {', '.join(e.value for e in cls)}") from None


@dataclass(frozen=True)
class Violation:
    """One problem found: which node, which path, which value, which constraint, what is wrong, how bad.

    ``component`` is the SHACL constraint component as a CURIE (``sh:MinCountConstraintComponent``),
    or ``check`` for a quality check (``source`` then names it).
    """

    focus: str
    path: str
    message: str
    severity: str = "Violation"
    source: str = ""
    value: str = ""
    component: str = ""


@dataclass(frozen=True)
class ValidationReport:
    """Whether the data conforms, and every violation found."""

    conforms: bool
    violations: tuple[Violation, ...] = field(default=())
    checked_triples: int = 0
    #: The SHACL engine that ran (``builtin`` or ``pyshacl``).
    engine: str = ""

    def as_dict(self) -> dict[str, object]:
        """:returns: the report as JSON-ready data."""
        return {
            "conforms": self.conforms,
            "checked_triples": self.checked_triples,
            "violations": [v.__dict__ for v in self.violations],
        }


def shacl_violations(
    kg: KnowledgeGraph, shapes: Sequence[Path] | None = None, engine: Engine | str = Engine.AUTO
) -> tuple[list[Violation], int]:
    """Check the asserted graph against SHACL shapes.

    :param shapes: SHACL files (default: the packaged shapes).
    :param engine: which engine checks them (:class:`Engine`).
    :returns: violations and the number of triples checked.
    :raises UnsupportedShapes: with ``engine="builtin"``, for shapes the built-in engine does not evaluate.
    :raises ShapesError: for shapes that cannot be read or applied.
    """
    found, size, _ = _shacl(kg, shapes, Engine.of(engine))
    return found, size


def _shacl(kg: KnowledgeGraph, shapes: Sequence[Path] | None, engine: Engine) -> tuple[list[Violation], int, Engine]:
    triples = read_shape_files(shapes or resources.shape_files())
    if engine is not Engine.PYSHACL:
        try:
            graph = read_shapes(triples)
        except UnsupportedShapes:
            if engine is Engine.BUILTIN:
                raise
        else:
            data = Data(kg.oxigraph, kg.graphs(include_inferred=False), CARDINALITIES, as_written)
            return _sorted(_from_finding(f) for f in findings(graph, data)), _asserted_size(kg), Engine.BUILTIN
    found, size = _pyshacl(kg, triples)
    return found, size, Engine.PYSHACL


def _pyshacl(kg: KnowledgeGraph, shape_triples: Sequence[ox.Triple]) -> tuple[list[Violation], int]:
    """Run pyshacl over the asserted graph, copied into rdflib."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH as RDFLIB_SH

    from .rdflib_bridge import to_rdflib

    data = kg.to_rdflib(include_inferred=False)
    shapes_graph = to_rdflib(shape_triples)
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none", advanced=True, allow_warnings=True)
    if not isinstance(report, Graph):  # pyshacl's ValidationFailure: the shapes themselves are broken
        raise ShapesError(f"the SHACL shapes could not be applied: {report}")
    results = report.objects(None, RDFLIB_SH.result)  # not the sh:detail results nested in them
    return _sorted(_violation(report, result) for result in results), len(data)


def _sorted(found: Iterable[Violation]) -> list[Violation]:
    return sorted(found, key=lambda v: (v.focus, v.path, v.message, v.component, v.value, v.source, v.severity))


def _from_finding(finding: Finding) -> Violation:
    return Violation(
        focus=text(finding.focus),
        path=finding.path,
        message=finding.message,
        severity=finding.shape.severity.rsplit("#", 1)[-1],
        source=text(finding.shape.node),
        value="" if finding.value is None else text(finding.value),
        component=compress(SH + finding.component),
    )


def _asserted_size(kg: KnowledgeGraph) -> int:
    """:returns: the number of distinct triples in the asserted graphs (what pyshacl's copy holds), counting
    only the smaller graphs' triples one by one."""
    store = kg.oxigraph
    total = len(store) - sum(1 for _ in store.quads_for_pattern(None, None, None, INFERRED_GRAPH))
    graphs = kg.graphs(include_inferred=False)
    for number, graph in enumerate(graphs[1:], 1):
        for quad in store.quads_for_pattern(None, None, None, graph):
            total -= any(ox.Quad(quad.subject, quad.predicate, quad.object, g) in store for g in graphs[:number])
    return total


def _violation(report: Graph, result: Node) -> Violation:
    """One ``sh:ValidationResult`` as a :class:`Violation`; a value such as ``0`` or ``false`` is kept."""
    from rdflib.namespace import SH

    def text(predicate: URIRef) -> str:
        node = report.value(result, predicate)
        return "" if node is None else _term(node)

    component = report.value(result, SH.sourceConstraintComponent)
    return Violation(
        focus=text(SH.focusNode),
        path=_path_text(report, report.value(result, SH.resultPath)),
        message=text(SH.resultMessage),
        severity=text(SH.resultSeverity).rsplit("#", 1)[-1],
        source=text(SH.sourceShape),
        value=text(SH.value),
        component="" if component is None else compress(str(component)),
    )


def _term(node: Node) -> str:
    """An IRI, or a literal's lexical form, as it is; a blank node as ``_:label``, which no IRI looks like."""
    from rdflib import BNode

    return f"_:{node}" if isinstance(node, BNode) else str(node)


#: The SHACL paths that wrap one path, and how SPARQL writes them.
_PATH_FORMS = (("inversePath", "^{}"), ("zeroOrMorePath", "{}*"), ("oneOrMorePath", "{}+"), ("zeroOrOnePath", "{}?"))


def _path_text(graph: Graph, path: Node | None) -> str:
    """A result's path: a predicate as its bare IRI, any other SHACL path in SPARQL syntax (``^<iri>``)."""
    from rdflib import BNode

    if path is None:
        return ""
    return _path_expression(graph, path) if isinstance(path, BNode) else str(path)


def _path_expression(graph: Graph, path: Node) -> str:
    from rdflib import BNode
    from rdflib.namespace import RDF, SH

    def part(node: Node) -> str:
        return _path_expression(graph, node) if isinstance(node, BNode) else f"<{node}>"

    if (path, RDF.first, None) in graph:
        return "(" + "/".join(part(step) for step in graph.items(path)) + ")"
    options = graph.value(path, SH.alternativePath)
    if options is not None:
        return "(" + "|".join(part(option) for option in graph.items(options)) + ")"
    for name, form in _PATH_FORMS:
        inner = graph.value(path, SH[name])
        if inner is not None:
            return form.format(part(inner))
    return _term(path)


def check_violations(kg: KnowledgeGraph, directory: Path | None = None) -> list[Violation]:
    """Run every ``*-violation.rq`` check; each row it returns is a violation."""
    found = []
    for name, check in queries.checks(directory).items():
        results = kg.select(check.text)
        for row in results.as_dicts():
            focus = next(iter(row.values()), "")
            detail = ", ".join(f"{k}={v}" for k, v in row.items())
            found.append(Violation(focus=focus, path="", message=f"{check.summary}: {detail}", source=f"check:{name}", component="check"))
    return found


def validate(
    kg: KnowledgeGraph, shapes: Sequence[Path] | None = None, checks_dir: Path | None = None, engine: Engine | str = Engine.AUTO
) -> ValidationReport:
    """Validate ``kg`` against SHACL shapes and quality checks.

    :param engine: the SHACL engine (:class:`Engine`; default: the built-in one where it can).
    :returns: the report; ``conforms`` is False when any Violation was found.
    """
    shacl, size, used = _shacl(kg, shapes, Engine.of(engine))
    found = shacl + check_violations(kg, checks_dir)
    conforms = not any(v.severity == "Violation" for v in found)
    return ValidationReport(conforms, tuple(found), size, used.value)


def validate_files(
    paths: Sequence[Path | str] = (), shapes: Sequence[Path] | None = None, engine: Engine | str = Engine.AUTO
) -> ValidationReport:
    """Validate data files with the packaged ontology beside them (what ``spinekg validate [PATH...]`` does).

    :param paths: RDF files; none: the packaged graph.
    :param engine: the SHACL engine (:class:`Engine`).
    :raises SourceFileError: when a file cannot be read.
    """
    sources = [*resources.ontology_sources(), *paths] if paths else None
    with KnowledgeGraph.load(sources) as kg:
        return validate(kg, shapes, engine=engine)
