"""Serialise the graph: the writer registry (format -> writer) and atomic export to a file.

Turtle, N-Triples and N-Quads are written by Oxigraph, compact JSON-LD with the
shipped context by :mod:`spinekg.jsonld`, the article page's schema.org JSON-LD by
:mod:`spinekg.schemaorg`. As in sssom-py, :data:`WRITER_FUNCTIONS` is the one list
of formats; the command line builds its choices from it.

>>> import io
>>> from spinekg import KnowledgeGraph
>>> out = io.BytesIO()
>>> get_writer_function("ntriples")(KnowledgeGraph.load(), out, include_inferred=False)
>>> out.getvalue().count(b"\\n") > 2000
True
"""

from __future__ import annotations

import itertools
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox

from . import jsonld, schemaorg
from .atomic import atomic_write
from .errors import InputError, SpinekgError, UnknownNameError
from .graph import KnowledgeGraph
from .namespaces import prefix_map, shipped_context
from .reason import infer

__all__ = ["WRITER_FUNCTIONS", "ExportFormat", "Writer", "export", "export_graph", "get_writer_function", "write"]


class ExportFormat(StrEnum):
    """Export formats; the value is the CLI name."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    JSONLD = "jsonld"
    SCHEMAORG = "schemaorg"


class Writer(Protocol):
    """Writes the graph to a binary stream: the asserted graphs, and with ``include_inferred`` the reasoner's too."""

    def __call__(self, kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
        """Write ``kg`` to ``out``."""


def _union(fmt: ox.RdfFormat) -> Writer:
    """:returns: a writer of the union graph in ``fmt`` (Turtle or N-Triples).

    The largest graph is serialised by Oxigraph itself; the other graphs follow
    as a second block of the same document (Turtle allows prefixes to be
    declared again), without the triples already written.
    """

    def write(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
        prefixes = prefix_map() if fmt is ox.RdfFormat.TURTLE else None
        first = kg.graphs(include_inferred=include_inferred)[0]
        written = [first] if kg.written_as_stored(first) else []
        if written:
            kg.oxigraph.dump(out, fmt, from_graph=first, prefixes=prefixes)
        rest = kg.triples(include_inferred=include_inferred, written=written)
        head = next(rest, None)
        if head is not None:
            out.write(b"\n")
            ox.serialize(itertools.chain([head], rest), out, fmt, prefixes=prefixes)

    return write


def _nquads(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
    """Write every named graph as N-Quads."""
    ox.serialize(kg.quads(include_inferred=include_inferred), out, ox.RdfFormat.N_QUADS)


def _jsonld(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
    """Write compact JSON-LD with the shipped ``@context``, streamed from the store."""
    jsonld.write(kg.triples(include_inferred=include_inferred), shipped_context(), out)


def _schemaorg(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
    """Write the article page's schema.org JSON-LD (from asserted facts only)."""
    out.write(schemaorg.jsonld_bytes(kg))


#: Export format -> writer (as sssom-py's ``WRITER_FUNCTIONS``).
WRITER_FUNCTIONS: dict[ExportFormat, Writer] = {
    ExportFormat.TURTLE: _union(ox.RdfFormat.TURTLE),
    ExportFormat.NTRIPLES: _union(ox.RdfFormat.N_TRIPLES),
    ExportFormat.NQUADS: _nquads,
    ExportFormat.JSONLD: _jsonld,
    ExportFormat.SCHEMAORG: _schemaorg,
}


def get_writer_function(fmt: ExportFormat | str) -> Writer:
    """:returns: the writer for an export format (its enum member or CLI name).
    :raises UnknownNameError: for a format with no writer."""
    try:
        return WRITER_FUNCTIONS[ExportFormat(fmt)]
    except ValueError:
        raise UnknownNameError(f"no export format named {fmt!r}", [f.value for f in ExportFormat]) from None


def write(kg: KnowledgeGraph, fmt: ExportFormat | str, out: BinaryIO, *, include_inferred: bool = False) -> None:
    """Serialise the union graph (or, for N-Quads, every named graph) to ``out``."""
    get_writer_function(fmt)(kg, out, include_inferred=include_inferred)


def export(kg: KnowledgeGraph, fmt: ExportFormat | str, target: Path | str, *, include_inferred: bool = False) -> None:
    """Write an export to ``target`` atomically (a killed process never leaves half a file)."""
    writer = get_writer_function(fmt)
    with atomic_write(target) as handle:
        writer(kg, handle, include_inferred=include_inferred)


def export_graph(kg: KnowledgeGraph, fmt: ExportFormat | str, target: Path | str | BinaryIO, *, inferred: bool = False) -> None:
    """What ``spinekg export`` does: optionally run the reasoner, then write to a file (atomically) or a stream.

    :param inferred: run HermiT first and include what it infers (needs Java).
    :raises InconsistentOntologyError: with ``inferred``, when the graph is inconsistent.
    :raises InputError: when the target cannot be written (missing folder, a directory, a full disk).
    """
    if inferred:
        infer(kg)
    if not isinstance(target, str | Path):
        write(kg, fmt, target, include_inferred=inferred)
        return
    try:
        export(kg, fmt, target, include_inferred=inferred)
    except OSError as err:
        if isinstance(err, SpinekgError):
            raise
        raise InputError(f"cannot write {target}: {err.strerror or err}") from None
