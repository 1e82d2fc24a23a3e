"""Command ``reason``: run the OWL reasoner and print what it found."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..namespaces import compress
from ..reason import Entity, Fact, Reasoner, ReasoningReport, reason
from .common import add_graph_options, emit, load_graph, positive_seconds


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the reason command."""
    p = sub.add_parser(
        "reason",
        help="check consistency and infer class memberships, subclass links and property values (needs Java for HermiT)",
        epilog="Exit codes: 0 consistent, 1 inconsistent or unsatisfiable classes, 2 reasoner unavailable (no Java, or a "
        "construct the OWL 2 RL rules do not implement) or bad input.",
    )
    p.add_argument(
        "--reasoner",
        choices=[r.value for r in Reasoner],
        default=Reasoner.RL.value,
        help="rl (default): HermiT for the classes and properties, OWL 2 RL rules in Oxigraph for the individuals, built for "
        "large graphs; hermit: the whole graph through HermiT (the reference); pellet does not run on Java 17 with owlready2 0.51",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="write the inferred triples to FILE as Turtle (atomically)")
    p.add_argument("--format", "-f", choices=["text", "json"], default="text")
    p.add_argument("--timeout", type=positive_seconds, metavar="SECONDS", help="stop the reasoner (killing its JVM) after SECONDS (exit 2)")
    add_graph_options(p)
    p.set_defaults(func=cmd_reason)


def cmd_reason(args: argparse.Namespace) -> int:
    """Reason over the graph; print the report; optionally write the inferred graph."""
    with load_graph(args, write=True) as kg:
        report = reason(kg, args.reasoner, save_to=args.out, timeout=args.timeout)
    emit(json.dumps(report.as_dict(), indent=1) + "\n" if args.format == "json" else report_text(report), None)
    return 0 if report.ok else 1


def report_text(report: ReasoningReport) -> str:
    """:returns: the report as readable text (predicates as CURIEs, entities by label)."""
    name = report.reasoner.value
    if not report.consistent:
        return f"Inconsistent ({name}, {report.seconds:.1f} s): {report.problem}\n"
    lines = [
        f"{'Consistent' if report.ok else 'Consistent, with unsatisfiable classes'} ({name}, {report.seconds:.1f} s): "
        f"{len(report.unsatisfiable)} unsatisfiable class(es), {report.inferred_triples} inferred triples",
    ]
    if report.unsatisfiable:
        lines.append("Unsatisfiable classes (can have no member):")
        for u in report.unsatisfiable:
            lines.append(f"- {u.cls}")
            lines.extend(f"    {axiom}" for axiom in u.axioms)
    sections = (
        ("Inferred class memberships", report.memberships),
        ("Inferred subclass links", report.class_links),
        ("Inferred property values", report.property_values),
        ("Other inferred axioms", report.other),
    )
    for title, facts in sections:
        lines.append(f"{title} ({len(facts)}):")
        lines.extend(_fact_line(f) for f in facts)
    return "\n".join(lines) + "\n"


def _fact_line(fact: Fact) -> str:
    return f"- {_short(fact.subject)}  {compress(fact.predicate.iri)}  {_short(fact.object)}"


def _short(entity: Entity) -> str:
    return repr(entity.label) if entity.label else compress(entity.iri)
