"""Validate the graph: SHACL shapes (pyshacl) plus the quality checks in ``queries/checks``.

The outcome is a :class:`ValidationReport`; callers decide what a failure
means (the CLI exits 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import queries, resources
from .errors import ShapesError
from .graph import KnowledgeGraph
from .namespaces import compress

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
    found = []
    for result in report.subjects(SH.resultSeverity, None):
        found.append(
            Violation(
                focus=str(report.value(result, SH.focusNode)),
                path=str(report.value(result, SH.resultPath) or ""),
                message=str(report.value(result, SH.resultMessage) or ""),
                severity=str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                source=str(report.value(result, SH.sourceShape) or ""),
                value=str(report.value(result, SH.value) or ""),
                component=_component(report.value(result, SH.sourceConstraintComponent)),
            )
        )
    return sorted(found, key=lambda v: (v.focus, v.path, v.message)), len(data)


def _component(node: object) -> str:
    return compress(str(node)) if node else ""


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
