"""Commands ``validate``, ``export`` and ``build`` (the main job)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..export import ExportFormat, export, write
from ..store import KnowledgeGraph
from ..validate import ValidationReport, validate
from .common import add_graph_options, emit, load_graph


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the graph commands."""
    p = sub.add_parser("validate", help="validate the graph (or the given files) with SHACL and the quality checks")
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="RDF files to validate instead of the packaged graph (the ontology is always included)",
    )
    p.add_argument("--format", "-f", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="export the graph as Turtle, N-Triples, N-Quads or JSON-LD")
    p.add_argument("--format", "-f", choices=[f.value for f in ExportFormat], default=ExportFormat.TURTLE.value)
    p.add_argument("--output", "-o", type=Path, help="write to this file (atomically) instead of standard output")
    inferred = p.add_mutually_exclusive_group()
    inferred.add_argument(
        "--inferred", dest="inferred", action="store_true", help="run the OWL reasoner (HermiT, needs Java) and include what it infers"
    )
    inferred.add_argument("--asserted-only", dest="inferred", action="store_false", help="export only the asserted graphs (default)")
    add_graph_options(p)
    p.set_defaults(func=cmd_export, inferred=False)

    p = sub.add_parser("build", help="the main job: load, validate, and write Turtle and JSON-LD exports")
    p.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    p.set_defaults(func=cmd_build)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate and print a report; exit 1 when the data does not conform."""
    if args.paths:
        from .. import resources

        kg = KnowledgeGraph.load(sorted(resources.ontology_dir().glob("*.ttl")) + list(args.paths))
    else:
        kg = KnowledgeGraph.load()
    report = validate(kg)
    emit(_report_json(report) if args.format == "json" else _report_text(report), None)
    return 0 if report.conforms else 1


def _report_text(report: ValidationReport) -> str:
    lines = [
        f"{'Conforms' if report.conforms else 'Does not conform'}: {report.checked_triples} triples checked, {len(report.violations)} result(s)"
    ]
    for v in report.violations:
        lines.append(f"- [{v.severity}] focus: {v.focus}")
        if v.path:
            lines.append(f"    path: {v.path}")
        if v.value:
            lines.append(f"    value: {v.value}")
        lines.append(f"    message: {v.message}")
    return "\n".join(lines) + "\n"


def _report_json(report: ValidationReport) -> str:
    return json.dumps(report.as_dict(), indent=1) + "\n"


def cmd_export(args: argparse.Namespace) -> int:
    """Export the graph: asserted only, or (``--inferred``) with the reasoner's graph."""
    kg = load_graph(args)
    if args.inferred:
        from ..reason import infer

        infer(kg)
    fmt = ExportFormat(args.format)
    if args.output is None:
        write(kg, fmt, sys.stdout.buffer, include_inferred=args.inferred)
    else:
        export(kg, fmt, args.output, include_inferred=args.inferred)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Load, validate, export; print a summary."""
    kg = KnowledgeGraph.load()
    report = validate(kg)
    args.out.mkdir(parents=True, exist_ok=True)
    export(kg, ExportFormat.TURTLE, args.out / "spinekg.ttl")
    export(kg, ExportFormat.JSONLD, args.out / "spinekg.jsonld")
    summary = (
        f"loaded {len(kg.sources)} files, {len(kg)} quads\n"
        f"validation: {'conforms' if report.conforms else 'DOES NOT CONFORM'} ({len(report.violations)} result(s))\n"
        f"wrote {args.out / 'spinekg.ttl'} and {args.out / 'spinekg.jsonld'}\n"
    )
    emit(summary + ("" if report.conforms else _report_text(report)), None)
    return 0 if report.conforms else 1
