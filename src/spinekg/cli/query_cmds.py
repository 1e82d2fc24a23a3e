"""Commands ``queries``, ``query`` and ``sparql``."""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path

from .. import queries
from ..backends import run_prepared, run_sparql
from ..errors import InputError
from ..results import WRITER_FUNCTIONS, ResultFormat, write_answer
from ..timeout import call_with_timeout
from .common import add_endpoint_options, add_graph_options, emit, local_timeout, open_backend, parse_params, text_output


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the query commands."""
    p = sub.add_parser("queries", help="list the prepared queries and their parameters")
    p.set_defaults(func=cmd_queries)

    p = sub.add_parser("query", help="run a prepared query by name")
    p.add_argument("name", help="query name (see 'spinekg queries')")
    p.add_argument(
        "--param",
        "-p",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="parameter value: IRI, CURIE or exact label/synonym; repeatable",
    )
    _output_options(p)
    add_graph_options(p)
    add_endpoint_options(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("sparql", help="run ad-hoc SPARQL (a query text, or a path to a .rq file)")
    p.add_argument("query", help="SPARQL text or path of a file holding it")
    p.add_argument(
        "--allow-service", action="store_true", help="let a local query use SERVICE, which reaches other servers over the network"
    )
    _output_options(p)
    add_graph_options(p)
    add_endpoint_options(p)
    p.set_defaults(func=cmd_sparql)


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        "-f",
        choices=[f.value for f in WRITER_FUNCTIONS],
        default=ResultFormat.TABLE.value,
        help="output format: table (ASK: true/false, CONSTRUCT: Turtle); json (SELECT and ASK: W3C SPARQL 1.1 "
        "Query Results JSON, CONSTRUCT: JSON-LD); csv (SELECT only: W3C CSV)",
    )
    p.add_argument("--output", "-o", type=Path, help="write to this file, atomically (- or none: standard output)")


def cmd_queries(args: argparse.Namespace) -> int:
    """List prepared queries."""
    lines = []
    for name, q in queries.catalogue().items():
        lines.append(f"{name}\n    {q.summary}")
        for param in q.params:
            flag = "optional" if param.optional else "required"
            lines.append(f"    --param {param.name}=...  ({param.type.value}, {flag}) {param.description}")
    emit("\n".join(lines) + "\n", None)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """Run a prepared query and print its answer (JSON and CSV rows stream; a table needs every row first)."""
    params = parse_params(args.param)
    queries.get(args.name)  # an unknown name fails before the graph is loaded
    with closing(open_backend(args)) as graph, text_output(args.output) as out:
        call_with_timeout(lambda: write_answer(run_prepared(graph, args.name, params), args.format, out), local_timeout(args))
    return 0


def cmd_sparql(args: argparse.Namespace) -> int:
    """Run ad-hoc SPARQL once and print the answer."""
    text = _query_text(args.query)
    with closing(open_backend(args)) as graph, text_output(args.output) as out:
        call_with_timeout(lambda: write_answer(run_sparql(graph, text), args.format, out), local_timeout(args))
    return 0


def _query_text(value: str) -> str:
    """A value naming an existing ``.rq``/``.sparql`` file is read; anything else is SPARQL text."""
    path = Path(value)
    if path.suffix in (".rq", ".sparql") or ("\n" not in value and len(value) < 255 and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"cannot read query file {value}: {err}") from None
    return value
