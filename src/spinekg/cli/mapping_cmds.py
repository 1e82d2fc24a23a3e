"""Commands ``mappings`` (export the mapping set) and ``check-mappings`` (verify it against local vocabularies)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .. import mappings
from ..mapping_check import CheckReport, Status, check_mappings
from .common import emit


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the mapping commands."""
    p = sub.add_parser("mappings", help="export the links to medical vocabularies (SSSOM TSV, or the SKOS triples as Turtle)")
    p.add_argument("--format", "-f", choices=list(mappings.WRITER_FUNCTIONS), default="sssom")
    p.add_argument("--mappings", type=Path, help="mapping set to read (default: the packaged data/mappings.sssom.tsv)")
    p.add_argument("--output", "-o", type=Path, help="write to this file, atomically (- or none: standard output)")
    p.set_defaults(func=cmd_mappings)

    p = sub.add_parser("check-mappings", help="verify every mapping against the vocabularies installed locally (extra 'vocab')")
    p.add_argument("--mappings", type=Path, help="mapping set to check (default: the packaged one)")
    p.add_argument("--format", "-f", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_check_mappings)


def cmd_mappings(args: argparse.Namespace) -> int:
    """Print the mapping set as SSSOM TSV (the file itself) or as Turtle."""
    emit(mappings.render(args.mappings, args.format), args.output)
    return 0


def cmd_check_mappings(args: argparse.Namespace) -> int:
    """Check the mappings; exit 1 on any unknown id or identifier-pattern failure."""
    report = check_mappings(args.mappings)
    emit(report_json(report) if args.format == "json" else report_text(report), None)
    return 1 if report.failed else 0


def report_text(report: CheckReport) -> str:
    """:returns: a per-vocabulary summary table, then one line per row that is not plainly verified."""
    columns = list(Status)
    lines = ["vocabulary  " + "  ".join(s.value for s in columns) + "  source"]
    for prefix, counts in report.counts().items():
        cells = "  ".join(str(counts.get(s, 0)).rjust(len(s.value)) for s in columns)
        lines.append(f"{prefix:<10}  {cells}  {report.sources.get(prefix, 'no local source')}")
    for row in report.rows:
        m = row.mapping
        if row.status not in (Status.VERIFIED, Status.NOT_CHECKABLE) or row.note:
            found = f" (vocabulary says {row.found_label!r})" if row.status is Status.LABEL_MISMATCH else ""
            note = f" [{row.note}]" if row.note else ""
            lines.append(f"{row.status.value}: {m.subject_id} {m.predicate_id} {m.object_id} {m.object_label!r}{found}{note}")
    for row in report.other_releases:
        m = row.mapping
        recorded = m.object_source_version or "no release"
        lines.append(f"other release: {m.subject_id} {m.object_id} was curated in {recorded}, checked here in {row.release}")
    lines.append("FAILED: unknown ids or pattern failures" if report.failed else "OK: no unknown ids, no pattern failures")
    return "\n".join(lines) + "\n"


def report_json(report: CheckReport) -> str:
    """:returns: the report as JSON: counts per vocabulary and every row."""
    rows = [
        {
            "subject_id": r.mapping.subject_id,
            "object_id": r.mapping.object_id,
            "status": r.status.value,
            "found_label": r.found_label,
            "note": r.note,
            "object_source_version": r.mapping.object_source_version,
            "local_release": r.release,
        }
        for r in report.rows
    ]
    counts = {p: {s.value: n for s, n in c.items()} for p, c in report.counts().items()}
    return json.dumps({"failed": report.failed, "sources": report.sources, "counts": counts, "rows": rows}, indent=1) + "\n"
