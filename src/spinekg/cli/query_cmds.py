"""Commands ``queries``, ``query`` and ``sparql``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pyoxigraph as ox

from .. import queries
from ..errors import InputError
from ..limits import call_with_timeout
from ..results import ResultFormat, Results, Term, render, stream_csv, stream_json
from ..terms import prefix_map
from .common import add_endpoint_options, add_graph_options, emit, endpoint, load_graph, parse_params, text_output


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
    _output_options(p)
    add_graph_options(p)
    add_endpoint_options(p)
    p.set_defaults(func=cmd_sparql)


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        "-f",
        choices=[f.value for f in ResultFormat],
        default=ResultFormat.TABLE.value,
        help="output format (json: W3C SPARQL 1.1 Query Results JSON)",
    )
    p.add_argument("--output", "-o", type=Path, help="write to this file instead of standard output")


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
    """Run a prepared query and print its rows."""
    params = parse_params(args.param)
    prepared = queries.get(args.name)
    kg = load_graph(args)
    if args.endpoint:  # labels resolve against the local graph; the query runs remotely
        results = endpoint(args, kg).query(prepared.name, **params)
        emit(render(results, ResultFormat(args.format), prefix_map()), args.output)
        return 0
    bindings = kg.bind(prepared, params)
    call_with_timeout(lambda: _print_select(kg.store, prepared.text, bindings, args), args.timeout)
    return 0


def cmd_sparql(args: argparse.Namespace) -> int:
    """Run ad-hoc SPARQL and print the answer."""
    text = _query_text(args.query)
    if args.endpoint:
        _print_answer(endpoint(args).sparql(text), args)
        return 0
    kg = load_graph(args)
    if _is_select(text):
        call_with_timeout(lambda: _print_select(kg.store, text, {}, args), args.timeout)
    else:
        _print_answer(call_with_timeout(lambda: kg.sparql(text), args.timeout), args)
    return 0


def _is_select(text: str) -> bool:
    """Whether a query is a SELECT (streamed) rather than ASK/CONSTRUCT/DESCRIBE (materialised)."""
    try:
        return isinstance(ox.Store().query(text), ox.QuerySolutions)
    except (SyntaxError, ValueError, RuntimeError):
        return False  # kg.sparql reports the error with the real graph


def _print_select(store: ox.Store, text: str, bindings: dict[str, Term], args: argparse.Namespace) -> None:
    """Print local SELECT rows: JSON and CSV stream row by row; a table needs every row for its widths."""
    fmt = ResultFormat(args.format)
    if fmt is ResultFormat.TABLE:
        emit(render(queries.run_select(store, text, bindings), fmt, prefix_map()), args.output)
        return
    variables, rows = queries.select_rows(store, text, bindings)
    writer = stream_json if fmt is ResultFormat.JSON else stream_csv
    with text_output(args.output) as out:
        writer(variables, rows, out)


def _print_answer(answer: Results | bool | list[ox.Triple], args: argparse.Namespace) -> None:
    if isinstance(answer, Results):
        emit(render(answer, ResultFormat(args.format), prefix_map()), args.output)
    elif isinstance(answer, bool):
        emit(("true" if answer else "false") + "\n", args.output)
    else:
        emit(ox.serialize(answer, format=ox.RdfFormat.TURTLE, prefixes=prefix_map()) or b"", args.output)


def _query_text(value: str) -> str:
    """A value naming an existing ``.rq``/``.sparql`` file is read; anything else is SPARQL text."""
    path = Path(value)
    if path.suffix in (".rq", ".sparql") or ("\n" not in value and len(value) < 255 and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"cannot read query file {value}: {err}") from None
    return value
