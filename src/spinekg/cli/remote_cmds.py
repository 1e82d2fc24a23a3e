"""Command ``push``: publish the graph to a remote SPARQL server."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .common import add_endpoint_options, add_graph_options, emit, endpoint, load_graph


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the remote commands."""
    p = sub.add_parser(
        "push",
        help="publish the graph into a named graph of a remote SPARQL server (replacing it)",
        description="Graph Store PUT when --store-endpoint is given, else SPARQL Update in chunks into a "
        "staging graph and one MOVE; a failed push leaves the target graph as it was.",
    )
    add_endpoint_options(p, required=True)
    p.add_argument(
        "--store-endpoint", metavar="URL", help="SPARQL 1.1 Graph Store endpoint (Oxigraph: /store, Virtuoso: /sparql-graph-crud)"
    )
    p.add_argument("--update-endpoint", metavar="URL", help="SPARQL Update endpoint for the fallback (default: --endpoint)")
    p.add_argument("--include", metavar="GRAPH", action="append", help="publish only this local graph (name or IRI); repeatable")
    add_graph_options(p)
    p.set_defaults(func=cmd_push)


def cmd_push(args: argparse.Namespace) -> int:
    """Push the graph and print what was done; progress goes to standard error."""
    target = endpoint(args)
    with load_graph(args) as kg:
        report = target.push(kg, include=args.include, progress=_progress())
    emit(
        f"pushed {report.triples} triples to <{report.graph}> at {report.url} "
        f"({report.method}, {report.requests} request{'s' if report.requests != 1 else ''}, {report.seconds:.2f} s)\n",
        None,
    )
    return 0


def _progress() -> Callable[[int, int], None]:
    """:returns: a progress callback that prints a line at each tenth of a push of 1000 triples or more."""
    printed = -1

    def report(done: int, total: int) -> None:
        nonlocal printed
        tenth = 10 * done // total if total else 10
        if total >= 1000 and tenth > printed:
            printed = tenth
            print(f"push: {done}/{total} triples sent", file=sys.stderr, flush=True)

    return report
