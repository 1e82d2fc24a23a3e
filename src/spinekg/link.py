"""Link external vocabularies (OWL RDF/XML, Turtle, N-Triples) into the store beside the graph.

Each file goes into its own named graph, ``graph/linked/<file stem>``, so queries
reach across (the mappings' skos:*Match objects meet the vocabulary's classes) while
the graph's own data stays apart. OBO Graphs JSON is not read: no library in
spinekg's dependencies parses it; convert it to OWL first (e.g. with ROBOT).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO, cast

import pyoxigraph as ox

from .errors import SourceFileError
from .graph import KnowledgeGraph
from .manifest import Manifest, file_digest
from .readers import get_reader, linked_graph_name

__all__ = ["LINK_FORMATS", "LinkResult", "count_triples", "link", "link_file", "link_files"]

#: Files at least this large report progress on stderr.
PROGRESS_MIN_BYTES = 8 * 1024 * 1024
PROGRESS_STEP = 0.1
#: Syntaxes a vocabulary may be linked from (one graph each, so no quad formats).
LINK_FORMATS = (ox.RdfFormat.RDF_XML, ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES)


@dataclass(frozen=True)
class LinkResult:
    """What linking one file did."""

    path: Path
    graph: str
    triples: int


class _ProgressReader:
    """A binary reader that prints how much of the file has been read, in 10% steps."""

    def __init__(self, handle: BinaryIO, size: int, out: TextIO | None, name: str) -> None:
        self._handle, self._size, self._out, self._name = handle, size, out, name
        self._next = PROGRESS_STEP

    def read(self, n: int = -1) -> bytes:
        data = self._handle.read(n)
        if self._out is not None and self._size and self._handle.tell() / self._size >= self._next:
            self._out.write(f"\rlinking {self._name}: {int(100 * self._handle.tell() / self._size)}%")
            self._out.flush()
            self._next += PROGRESS_STEP
        return data

    def readable(self) -> bool:
        return True


def link_file(kg: KnowledgeGraph, path: Path | str, progress: TextIO | None = sys.stderr) -> LinkResult:
    """Stream one vocabulary file into its named graph (replacing an earlier copy).

    :param progress: where to report progress for large files (None: silent).
    :raises SourceFileError: when the file cannot be read or parsed; its graph is then removed.
    """
    path = Path(path)
    graph = linked_graph_name(path)
    fmt = get_reader(path).syntax
    if fmt is None or fmt not in LINK_FORMATS:
        raise SourceFileError(path, "link reads OWL RDF/XML (.owl/.rdf/.xml), Turtle (.ttl) or N-Triples (.nt)")
    if not path.is_file():
        raise SourceFileError(path, "no such file" if not path.exists() else "not a regular file")
    size = path.stat().st_size
    out = progress if size >= PROGRESS_MIN_BYTES else None
    store = kg.oxigraph
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    try:
        with path.open("rb") as handle:
            reader = cast(BinaryIO, _ProgressReader(handle, size, out, path.name))
            store.bulk_load(reader, fmt, base_iri=path.resolve().as_uri(), to_graph=graph)
    except (SyntaxError, ValueError, OSError) as err:
        store.remove_graph(graph)
        raise SourceFileError(path, f"cannot be read as RDF: {getattr(err, 'msg', None) or err}") from None
    if out is not None:
        out.write("\n")
    kg.forget_labels()
    return LinkResult(path, graph.value, count_triples(kg, graph))


def count_triples(kg: KnowledgeGraph, graph: ox.NamedNode) -> int:
    """:returns: the number of triples in one named graph."""
    return sum(1 for _ in kg.graph_triples(graph))


def link(kg: KnowledgeGraph, paths: list[Path], progress: TextIO | None = sys.stderr) -> list[LinkResult]:
    """Link several files; with an on-disk store, record them in its manifest (role ``linked``),
    and a file whose bytes are unchanged since it was linked is not read again.

    :returns: one result per file.
    """
    if kg.directory is None:
        return [link_file(kg, p, progress) for p in paths]
    manifest = Manifest.read(kg.directory)
    results = []
    for path in paths:
        name, digest = linked_graph_name(path), file_digest(path)
        if manifest.graphs.get(name.value, {}).get("sha256") == digest and kg.oxigraph.contains_named_graph(name):
            results.append(LinkResult(path, name.value, count_triples(kg, name)))
            continue
        results.append(link_file(kg, path, progress))
        manifest.record(name.value, path.resolve(), "linked")
        kg.oxigraph.flush()
        manifest.write()
    return results


def link_files(paths: list[Path], store: Path | str | None = None, progress: TextIO | None = sys.stderr) -> list[LinkResult]:
    """What ``spinekg link`` does: link files into the on-disk ``store`` (kept), or into the packaged graph for this run only."""
    with KnowledgeGraph.open(store) if store is not None else KnowledgeGraph.load() as kg:
        return link(kg, paths, progress)
