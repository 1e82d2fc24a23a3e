"""Validate the graph: SHACL shapes (pyshacl) plus the quality checks in ``queries/checks``.

The outcome is a :class:`ValidationReport`; callers decide what a failure
means (the CLI exits 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import queries, resources
from .errors import ShapesError
from .graph import KnowledgeGraph
from .namespaces import compress

if TYPE_CHECKING:
    from rdflib import Graph, URIRef
    from rdflib.term import Node

__all__ = ["ValidationReport", "Violation", "check_violations", "shacl_violations", "validate", "validate_files"]


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

    def as_dict(self) -> dict[str, object]:
        """:returns: the report as JSON-ready data."""
        return {
            "conforms": self.conforms,
            "checked_triples": self.checked_triples,
            "violations": [v.__dict__ for v in self.violations],
        }


def shacl_violations(kg: KnowledgeGraph, shapes: Sequence[Path] | None = None) -> tuple[list[Violation], int]:
    """Run pyshacl over the asserted graph.

    :param shapes: SHACL files (default: the packaged shapes).
    :returns: violations and the number of triples checked.
    """
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    data = kg.to_rdflib(include_inferred=False)
    shapes_graph = Graph()
    for path in shapes or resources.shape_files():
        shapes_graph.parse(path, format="turtle")
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none", advanced=True, allow_warnings=True)
    if not isinstance(report, Graph):  # pyshacl's ValidationFailure: the shapes themselves are broken
        raise ShapesError(f"the SHACL shapes could not be applied: {report}")
    results = report.objects(None, SH.result)  # not the sh:detail results nested in them
    found = [_violation(report, result) for result in results]
    return sorted(found, key=lambda v: (v.focus, v.path, v.message)), len(data)


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


def validate(kg: KnowledgeGraph, shapes: Sequence[Path] | None = None, checks_dir: Path | None = None) -> ValidationReport:
    """Validate ``kg`` against SHACL shapes and quality checks.

    :returns: the report; ``conforms`` is False when any Violation was found.
    """
    shacl, size = shacl_violations(kg, shapes)
    found = shacl + check_violations(kg, checks_dir)
    conforms = not any(v.severity == "Violation" for v in found)
    return ValidationReport(conforms, tuple(found), size)


def validate_files(paths: Sequence[Path | str] = (), shapes: Sequence[Path] | None = None) -> ValidationReport:
    """Validate data files with the packaged ontology beside them (what ``spinekg validate [PATH...]`` does).

    :param paths: RDF files; none: the packaged graph.
    :raises SourceFileError: when a file cannot be read.
    """
    sources = [*resources.ontology_sources(), *paths] if paths else None
    with KnowledgeGraph.load(sources) as kg:
        return validate(kg, shapes)
