"""Serialise the graph: the writer registry (format -> writer) and atomic export to a file.

Two runs over the same sources give the same bytes (:mod:`spinekg.serialize`):
blank nodes get labels from the graph's structure; Turtle and JSON-LD are
written in an order that depends on the graph alone, N-Triples and N-Quads in
the order Oxigraph keeps the statements, those with blank nodes last. Every
writer starts from the N-Triples text Oxigraph writes in Rust
(:mod:`spinekg.ntriples`), not from a Python object per statement. Compact
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
import re
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox

from . import jsonld, schemaorg
from .atomic import atomic_write
from .errors import InputError, SpinekgError, UnknownNameError
from .graph import CARDINALITIES, GraphName, KnowledgeGraph
from .namespaces import prefix_map, shipped_context
from .ntriples import blank_pairs, paused_gc, relabelled, split_blank, stable_labels
from .publisher import Publisher
from .reason import infer
from .serialize import write_turtle_lines

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
    with paused_gc():
        text = _union_text(kg, include_inferred)
        write_turtle_lines(text.split(b"\n"), out, prefix_map(), stable_labels(blank_pairs(text)))


#: A cardinality typed ``xsd:integer`` in a line Oxigraph wrote (see :func:`spinekg.graph.as_written`).
_CARDINALITY = re.compile(
    rb"( <(?:"
    + b"|".join(re.escape(p.value.encode()) for p in sorted(CARDINALITIES, key=lambda p: p.value))
    + rb')> "[^"]*"\^\^<http://www\.w3\.org/2001/XMLSchema#)integer> \.\n'
)


def _graph_text(kg: KnowledgeGraph, graph: GraphName, out: io.BytesIO | None = None) -> io.BytesIO:
    """:returns: ``out`` (default: a new buffer that starts with a newline) with the N-Triples of one graph
    added, written by Oxigraph, and each cardinality typed as its source wrote it (:func:`spinekg.graph.as_written`)."""
    if out is None:
        out = io.BytesIO(b"\n")
        out.seek(1)
    start = out.tell()
    kg.oxigraph.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=graph)
    if not kg.written_as_stored(graph):
        text = out.getvalue()[start:]
        out.seek(start)
        out.truncate()
        out.write(_CARDINALITY.sub(rb"\1nonNegativeInteger> .\n", text))
    return out


def _union_text(kg: KnowledgeGraph, include_inferred: bool) -> bytes:
    """:returns: the union graph as N-Triples that start with a newline: the largest graph as Oxigraph writes it,
    then the statements of the others that it lacks (:meth:`KnowledgeGraph.triples`)."""
    first = kg.graphs(include_inferred=include_inferred)[0]
    out = _graph_text(kg, first)
    out.writelines(f"{t} .\n".encode() for t in kg.triples(include_inferred=include_inferred, written=[first]))
    return out.getvalue()


def _stable(text: bytes, *, sort: bool) -> tuple[list[memoryview], list[bytes]]:
    """:returns: the lines of N-Triples ``text`` (starting with a newline) without blank nodes, as Oxigraph wrote
    them, and the others with stable labels (:mod:`spinekg.ntriples`), sorted if ``sort``."""
    plain, pairs = split_blank(text)
    return plain, relabelled(pairs, stable_labels(pairs), sort=sort)


def _on_disk(kg: KnowledgeGraph) -> bool:
    """Whether the store keeps statements in the order of their keys, where a blank node's key is random: then the
    lines with blank nodes are sorted. The in-memory store keeps the order they were loaded in."""
    return kg.directory is not None


def _ntriples(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
    """Write the union graph as N-Triples: the lines without blank nodes in the order Oxigraph keeps them, then the
    others, with stable labels (:func:`_on_disk`)."""
    with paused_gc():
        plain, blank = _stable(_union_text(kg, include_inferred), sort=_on_disk(kg))
    out.writelines(plain)
    out.write(b"".join(line + b"\n" for line in blank))


def _graph_texts(kg: KnowledgeGraph, include_inferred: bool, *, sort: bool) -> dict[GraphName, tuple[list[memoryview], list[bytes]]]:
    """:returns: every graph (named ones in IRI order, the default graph last) as :func:`_stable` splits it, the
    blank nodes labelled once over all of them (a blank node may be in several graphs)."""
    graphs = kg.graphs(include_inferred=include_inferred)
    ordered = sorted(graphs[:-1], key=lambda g: "" if isinstance(g, ox.DefaultGraph) else g.value) + graphs[-1:]
    splits = {g: split_blank(_graph_text(kg, g).getvalue()) for g in ordered}
    labels = stable_labels(pair for _, pairs in splits.values() for pair in pairs)
    return {g: (plain, relabelled(pairs, labels, sort=sort)) for g, (plain, pairs) in splits.items()}


def _nquads(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
    """Write every graph as N-Quads, graph by graph (named graphs in IRI order, the default graph last): in each,
    the lines without blank nodes in the order Oxigraph keeps them, then the others, with stable labels
    (:func:`_on_disk`)."""
    with paused_gc():
        texts = _graph_texts(kg, include_inferred, sort=_on_disk(kg))
    for graph, (plain, blank) in texts.items():
        end = b" .\n" if isinstance(graph, ox.DefaultGraph) else f" {graph} .\n".encode()
        for piece in plain:
            out.write(bytes(piece).replace(b" .\n", end) if end != b" .\n" else piece)
        out.write(b"".join(line[:-2] + end for line in blank))


def _jsonld(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
    """Write the union graph as compact JSON-LD with the shipped ``@context``."""
    with paused_gc():
        text = _union_text(kg, include_inferred)
        jsonld.write_lines(text.split(b"\n"), shipped_context(), out, stable_labels(blank_pairs(text)))


def _jsonld_dataset(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False) -> None:
    """Write every named graph as a named graph of one compact JSON-LD document."""
    with paused_gc():
        texts = {g: _graph_text(kg, g).getvalue() for g in kg.graphs(include_inferred=include_inferred)}
        labels = stable_labels(pair for text in texts.values() for pair in blank_pairs(text))
        jsonld.write_dataset_lines({g: text.split(b"\n") for g, text in texts.items()}, shipped_context(), out, labels)


def _schemaorg(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = False, publisher: Publisher | None = None) -> None:
    """Write the article page's schema.org JSON-LD (from asserted facts only), with what ``publisher`` says of the page."""
    out.write(schemaorg.jsonld_bytes(kg, publisher))


#: Export format -> writer (as sssom-py's ``WRITER_FUNCTIONS``).
WRITER_FUNCTIONS: dict[ExportFormat, Writer] = {
    ExportFormat.TURTLE: _turtle,
    ExportFormat.NTRIPLES: _ntriples,
    ExportFormat.NQUADS: _nquads,
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
