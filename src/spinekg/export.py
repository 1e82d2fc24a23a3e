"""Serialise the graph: the writer registry (format -> writer) and atomic export to a file.

Every format is written in one order that depends on the graph alone, so two
runs give the same bytes (:mod:`spinekg.serialize`: stable blank node labels,
sorted N-Triples and N-Quads, Turtle with one block per subject). Compact
JSON-LD with the shipped context, of the union graph or of the dataset with its
named graphs, comes from :mod:`spinekg.jsonld`, the article page's schema.org
JSON-LD from :mod:`spinekg.schemaorg`. As in sssom-py, :data:`WRITER_FUNCTIONS` is the one list
of formats; the command line builds its choices from it.

>>> import io
>>> from spinekg import KnowledgeGraph
>>> out = io.BytesIO()
>>> get_writer_function("ntriples")(KnowledgeGraph.load(), out, include_inferred=False)
>>> out.getvalue().count(b"\\n") > 2000
True
"""

from __future__ import annotations

import functools
import io
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox

from . import jsonld, schemaorg
from .atomic import atomic_write
from .errors import InputError, SpinekgError, UnknownNameError
from .graph import GraphName, KnowledgeGraph
from .namespaces import prefix_map, shipped_context
from .publisher import Publisher
from .reason import infer
from .serialize import relabel, sorted_lines, write_turtle

__all__ = ["WRITER_FUNCTIONS", "ExportFormat", "Writer", "export", "export_graph", "get_writer_function", "write"]


class ExportFormat(StrEnum):
    """Export formats; the value is the CLI name."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    JSONLD = "jsonld"
    JSONLD_DATASET = "jsonld-dataset"
    SCHEMAORG = "schemaorg"


class Writer(Protocol):
    """Writes the graph to a binary stream: the asserted graphs, and with ``include_inferred`` the reasoner's too."""

    def __call__(self, kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
        """Write ``kg`` to ``out``."""


def _turtle(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
    """Write the union graph as Turtle: one block per subject, the ontology first (:func:`spinekg.serialize.write_turtle`)."""
    write_turtle(kg.triples(include_inferred=include_inferred), out, prefix_map())


def _lines(kg: KnowledgeGraph, graph: GraphName, fmt: ox.RdfFormat) -> list[bytes]:
    """:returns: one graph as N-Triples or N-Quads lines, written by Oxigraph where it gives the graph back as written."""
    if kg.written_as_stored(graph):
        out = io.BytesIO()
        kg.oxigraph.dump(out, fmt, from_graph=graph) if fmt is ox.RdfFormat.N_TRIPLES else _dump_graph(kg, graph, out)
        return out.getvalue().splitlines(keepends=True)
    if fmt is ox.RdfFormat.N_TRIPLES:
        return [f"{t} .\n".encode() for t in kg.graph_triples(graph)]
    return [f"{ox.Quad(t.subject, t.predicate, t.object, graph)} .\n".encode() for t in kg.graph_triples(graph)]


def _dump_graph(kg: KnowledgeGraph, graph: GraphName, out: BinaryIO) -> None:
    ox.serialize(kg.oxigraph.quads_for_pattern(None, None, None, graph), out, ox.RdfFormat.N_QUADS)


def _sorted(fmt: ox.RdfFormat) -> Writer:
    """:returns: a writer of sorted N-Triples (the union graph) or N-Quads (every graph), with stable blank node labels."""

    def write(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
        lines = [line for g in kg.graphs(include_inferred=include_inferred) for line in _lines(kg, g, fmt)]
        out.write(b"".join(sorted_lines(lines, fmt)))

    return write


def _jsonld(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
    """Write the union graph as compact JSON-LD with the shipped ``@context``."""
    jsonld.write(relabel(kg.triples(include_inferred=include_inferred)), shipped_context(), out)


def _jsonld_dataset(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
    """Write every named graph as a named graph of one compact JSON-LD document."""
    jsonld.write_dataset(kg.quads(include_inferred=include_inferred), shipped_context(), out)


def _schemaorg(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False, publisher: Publisher | None = None) -> None:
    """Write the article page's schema.org JSON-LD (from asserted facts only), with what ``publisher`` says of the page."""
    out.write(schemaorg.jsonld_bytes(kg, publisher))


#: Export format -> writer (as sssom-py's ``WRITER_FUNCTIONS``).
WRITER_FUNCTIONS: dict[ExportFormat, Writer] = {
    ExportFormat.TURTLE: _turtle,
    ExportFormat.NTRIPLES: _sorted(ox.RdfFormat.N_TRIPLES),
    ExportFormat.NQUADS: _sorted(ox.RdfFormat.N_QUADS),
    ExportFormat.JSONLD: _jsonld,
    ExportFormat.JSONLD_DATASET: _jsonld_dataset,
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
    """Serialise the union graph (or, for N-Quads and the JSON-LD dataset, every named graph) to ``out``."""
    get_writer_function(fmt)(kg, out, include_inferred=include_inferred)


def export(kg: KnowledgeGraph, fmt: ExportFormat | str, target: Path | str, *, include_inferred: bool = False) -> None:
    """Write an export to ``target`` atomically (a killed process never leaves half a file)."""
    writer = get_writer_function(fmt)
    with atomic_write(target) as handle:
        writer(kg, handle, include_inferred=include_inferred)


def export_graph(
    kg: KnowledgeGraph,
    fmt: ExportFormat | str,
    target: Path | str | BinaryIO,
    *,
    inferred: bool = False,
    publisher: Publisher | None = None,
) -> None:
    """What ``spinekg export`` does: optionally run the reasoner, then write to a file (atomically) or a stream.

    :param inferred: run HermiT first and include what it infers (needs Java).
    :param publisher: what the publisher says of the page (URL, publisher, authors, dates), for ``schemaorg`` only.
    :raises InconsistentOntologyError: with ``inferred``, when the graph is inconsistent.
    :raises InputError: when the target cannot be written (missing folder, a directory, a full disk), or for a
        ``publisher`` with a format other than ``schemaorg``.
    """
    writer = get_writer_function(fmt)
    if publisher is not None:
        if ExportFormat(fmt) is not ExportFormat.SCHEMAORG:
            raise InputError(f"a publisher configuration applies to --format schemaorg, not {ExportFormat(fmt).value}")
        writer = functools.partial(_schemaorg, publisher=publisher)
    if inferred:
        infer(kg)
    if not isinstance(target, str | Path):
        writer(kg, target, include_inferred=inferred)
        return
    try:
        with atomic_write(target) as handle:
            writer(kg, handle, include_inferred=inferred)
    except OSError as err:
        if isinstance(err, SpinekgError):
            raise
        raise InputError(f"cannot write {target}: {err.strerror or err}") from None
