"""Helpers shared by the command modules: graph loading options and output."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..atomic import atomic_write
from ..backends import open_graph, open_local
from ..errors import InputError
from ..graph import KnowledgeGraph
from ..namespaces import PUBLISHED_GRAPH
from ..protocol import SparqlGraph

if TYPE_CHECKING:
    from ..remote import Endpoint


def add_graph_options(parser: argparse.ArgumentParser) -> None:
    """Options that choose what the graph is loaded from."""
    parser.add_argument(
        "--load",
        metavar="FILE",
        action="append",
        default=[],
        type=Path,
        help="load this RDF file too (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD; by extension); repeatable",
    )
    parser.add_argument(
        "--store",
        metavar="DIR",
        type=Path,
        default=os.environ.get("SPINEKG_STORE") or None,
        help="use a persistent on-disk store in DIR (default: $SPINEKG_STORE, else in memory); "
        "sources and --load files are re-read only when their SHA-256 changed",
    )


def load_graph(args: argparse.Namespace, *, write: bool = False) -> KnowledgeGraph:
    """:returns: the packaged graph (in memory, or the on-disk store) plus any ``--load`` files.

    :param write: the command changes an on-disk store (the reasoner's graph).
    """
    return open_local(args.store, args.load, write=write)


def open_backend(args: argparse.Namespace) -> SparqlGraph:
    """:returns: the graph the options name: ``--endpoint``, else the local graph (``--store``, ``--load``)."""
    return open_graph(
        store=args.store,
        load=args.load,
        endpoint=args.endpoint,
        graph=args.graph or None,
        timeout=args.timeout or REMOTE_TIMEOUT,
        retries=args.retries,
        allow_service=getattr(args, "allow_service", False),
    )


def local_timeout(args: argparse.Namespace) -> float | None:
    """:returns: ``--timeout`` for a local query (a remote one bounds each request itself)."""
    return None if args.endpoint else args.timeout


def parse_params(pairs: list[str]) -> dict[str, str]:
    """Turn ``KEY=VALUE`` strings into a dict.

    :raises InputError: for a pair without ``=`` or a repeated key.
    """
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--param expects KEY=VALUE, got {pair!r}")
        if key in params:
            raise InputError(f"--param {key} given twice")
        params[key] = value
    return params


def is_stdout(output: Path | None) -> bool:
    """Whether ``-o`` names standard output (absent, or ``-``)."""
    return output is None or str(output) == "-"


def emit(text: str | bytes, output: Path | None) -> None:
    """Write to ``output`` atomically, or to standard output."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if output is None or is_stdout(output):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        with atomic_write(output) as handle:
            handle.write(data)
    except OSError as err:
        raise InputError(f"cannot write {output}: {err.strerror or err}") from None


def add_endpoint_options(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """Options that send the command to a remote SPARQL endpoint (credentials come from the
    environment or the config file, never from the command line)."""

    parser.add_argument(
        "--endpoint", metavar="URL", required=required, help="SPARQL query endpoint of a remote server (exit code 3 when it fails)"
    )
    parser.add_argument(
        "--graph",
        metavar="IRI",
        default=PUBLISHED_GRAPH,
        help=f"named graph on the server that push writes and queries read (default: {PUBLISHED_GRAPH}); "
        "an empty value queries the server's own default graph",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=None,
        metavar="SECONDS",
        help="with --endpoint: per-request timeout (default: 30); locally: stop a query that runs longer (default: no limit)",
    )
    parser.add_argument("--retries", type=int, default=3, metavar="N", help="retries on connection errors, 429 and 5xx (default: 3)")


REMOTE_TIMEOUT = 30.0


def positive_seconds(value: str) -> float:
    """The ``type=`` of a ``--timeout`` option: a positive number of seconds."""
    seconds = float(value)
    if not seconds > 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return seconds


@contextlib.contextmanager
def text_output(output: Path | None) -> Iterator[TextIO]:
    """A text stream to ``output`` (written atomically) or to standard output."""
    if output is None or is_stdout(output):
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        with atomic_write(output) as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            yield text
            text.flush()
            text.detach()  # atomic_write closes the file itself
    except OSError as err:
        raise InputError(f"cannot write {output}: {err.strerror or err}") from None


def endpoint(args: argparse.Namespace, kg: KnowledgeGraph | None = None) -> Endpoint:
    """:returns: the :class:`~spinekg.remote.Endpoint` the options describe (``push``)."""
    from ..remote import Endpoint  # the HTTP stack: only for commands that talk to a server

    return Endpoint(
        args.endpoint,
        store_url=getattr(args, "store_endpoint", None),
        update_url=getattr(args, "update_endpoint", None),
        graph=args.graph or None,
        timeout=args.timeout or REMOTE_TIMEOUT,
        retries=args.retries,
        kg=kg,
    )
