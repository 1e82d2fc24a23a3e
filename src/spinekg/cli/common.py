"""Helpers shared by the command modules: graph loading options and output."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import InputError
from ..store import KnowledgeGraph


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


def load_graph(args: argparse.Namespace) -> KnowledgeGraph:
    """:returns: the packaged graph (in memory, or the on-disk store) plus any ``--load`` files."""
    if args.store is None:
        return KnowledgeGraph.load(extra=args.load)
    return KnowledgeGraph.open(args.store, extra=args.load)


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


def emit(text: str | bytes, output: Path | None) -> None:
    """Write to ``output`` atomically, or to standard output."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from ..atomic import atomic_write

    try:
        with atomic_write(output) as handle:
            handle.write(data)
    except OSError as err:
        raise InputError(f"cannot write {output}: {err.strerror or err}") from None
