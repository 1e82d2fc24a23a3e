"""Command ``link``: load external vocabularies beside the graph."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..link import link_files
from .common import emit


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the link command."""
    p = sub.add_parser(
        "link",
        help="load external vocabularies (OWL RDF/XML, Turtle, N-Triples) into their own named graphs; persisted with --store",
    )
    p.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="vocabulary files (syntax from the extension: .owl/.rdf/.xml, .ttl, .nt)"
    )
    p.add_argument(
        "--store",
        metavar="DIR",
        type=Path,
        default=os.environ.get("SPINEKG_STORE") or None,
        help="on-disk store to link into (default: $SPINEKG_STORE; without one the link lasts only for this run)",
    )
    p.set_defaults(func=cmd_link)


def cmd_link(args: argparse.Namespace) -> int:
    """Link the files and print one line per file."""
    lines = [f"{r.path}: {r.triples} triples in <{r.graph}>" for r in link_files(args.files, args.store)]
    if args.store is None:
        lines.append("(no --store: nothing was kept; give --store DIR to query the linked vocabularies later)")
    emit("\n".join(lines) + "\n", None)
    return 0
