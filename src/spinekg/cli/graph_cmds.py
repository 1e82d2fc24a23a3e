"""Commands ``validate``, ``export`` and ``build`` (the main job)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..build import build
from ..export import WRITER_FUNCTIONS, ExportFormat, export_graph
from ..publisher import Publisher
from ..validate import Engine, ValidationReport, validate_files
from .common import add_graph_options, emit, is_stdout, load_graph


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
    p.add_argument(
        "--shapes",
        type=Path,
        action="append",
        metavar="FILE",
        help="a SHACL shapes file (Turtle) instead of the packaged shapes; repeatable",
    )
    p.add_argument(
        "--engine",
        choices=[e.value for e in Engine],
        default=Engine.AUTO.value,
        help="SHACL engine: builtin (checks the store in place), pyshacl (the reference), or auto (default: builtin, "
        "pyshacl for shapes builtin does not evaluate)",
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="export the graph as Turtle, N-Triples, N-Quads or JSON-LD")
    p.add_argument("--format", "-f", choices=[f.value for f in WRITER_FUNCTIONS], default=ExportFormat.TURTLE.value)
    p.add_argument("--output", "-o", type=Path, help="write to this file, atomically (- or none: standard output)")
    p.add_argument(
        "--config",
        type=Path,
        metavar="PUBLISHER.toml",
        help="for --format schemaorg: the publisher's page URL, publisher, authors, reviewer and dates (never made up without it)",
    )
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
    report = validate_files(args.paths, args.shapes, engine=args.engine)
    emit(_report_json(report) if args.format == "json" else _report_text(report), None)
    return 0 if report.conforms else 1


def _report_text(report: ValidationReport) -> str:
    lines = [
        f"{'Conforms' if report.conforms else 'Does not conform'}: {report.checked_triples} triples checked, {len(report.violations)} result(s)"
    ]
    for v in report.violations:
        lines.append(f"- [{v.severity}] {v.component or 'result'} on focus: {v.focus}")
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
    publisher = None if args.config is None else Publisher.read(args.config)
    target = sys.stdout.buffer if args.output is None or is_stdout(args.output) else args.output
    with load_graph(args, write=args.inferred) as kg:
        export_graph(kg, args.format, target, inferred=args.inferred, publisher=publisher)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Load, validate, export; print a summary."""
    result = build(args.out)
    report = result.report
    summary = (
        f"loaded {result.sources} files, {result.quads} quads\n"
        f"validation: {'conforms' if report.conforms else 'DOES NOT CONFORM'} ({len(report.violations)} result(s))\n"
        f"wrote {' and '.join(str(p) for p in result.written)}\n"
    )
    emit(summary + ("" if report.conforms else _report_text(report)), None)
    return 0 if report.conforms else 1
