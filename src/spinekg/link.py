"""Link external vocabularies (OWL RDF/XML, Turtle, N-Triples) into the store beside the graph.

Each file goes into its own named graph, ``graph/linked/<file stem>``, so queries
reach across (the mappings' skos:*Match objects meet the vocabulary's classes) while
the graph's own data stays apart. OBO Graphs JSON is not read: no library in
spinekg's dependencies parses it; convert it to OWL first (e.g. with ROBOT).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO, cast

import pyoxigraph as ox

from .errors import SourceFileError
from .graph import KnowledgeGraph
from .guards import check_xml, xml_error_line
from .manifest import Manifest
from .namespaces import INFERRED_GRAPH
from .readers import Source, get_reader, linked_graph_name

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
    """A binary reader that hashes what it reads and prints how much of the file has been read, in 10% steps."""

    def __init__(self, handle: BinaryIO, size: int, out: TextIO | None, label: str) -> None:
        self._handle, self._size, self._out, self._label = handle, size, out, label
        self._next = PROGRESS_STEP
        self.sha256 = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self._handle.read(n)
        self.sha256.update(data)
        if self._out is not None and self._size and self._handle.tell() / self._size >= self._next:
            self._out.write(f"\r{self._label}: {int(100 * self._handle.tell() / self._size)}%")
            self._out.flush()
            self._next += PROGRESS_STEP
        return data

    def readable(self) -> bool:
        return True


def _stream(path: Path, out: TextIO | None, label: str, load: Callable[[BinaryIO], object]) -> str:
    """Feed the file to ``load`` as a stream. :returns: the SHA-256 of the bytes it read."""
    with path.open("rb") as handle:
        reader = _ProgressReader(handle, path.stat().st_size, out, label)
        load(cast(BinaryIO, reader))
    if out is not None:
        out.write("\n")
    return reader.sha256.hexdigest()


@dataclass(frozen=True)
class _Checked:
    """A vocabulary file that parsed, and the hash of the bytes that did."""

    path: Path
    syntax: ox.RdfFormat
    sha256: str
    size: int
    mtime_ns: int
    progress: TextIO | None


def _check(path: Path | str, progress: TextIO | None) -> _Checked:
    """Parse the whole file once, keeping nothing, so an earlier copy is never replaced by a file that fails.

    :raises SourceFileError: when the file is not a vocabulary spinekg links, or cannot be read or parsed.
    """
    path = Path(path)
    fmt = get_reader(path).syntax
    if fmt is None or fmt not in LINK_FORMATS:
        raise SourceFileError(path, "link reads OWL RDF/XML (.owl/.rdf/.xml), Turtle (.ttl) or N-Triples (.nt)")
    if not path.is_file():
        raise SourceFileError(path, "no such file" if not path.exists() else "not a regular file")
    stat = path.stat()
    out = progress if stat.st_size >= PROGRESS_MIN_BYTES else None
    base = path.resolve().as_uri()
    if fmt is ox.RdfFormat.RDF_XML:
        with path.open("rb") as handle:
            check_xml(path, iter(lambda: handle.read(1 << 20), b""))
    try:
        digest = _stream(path, out, f"checking {path.name}", lambda r: sum(1 for _ in ox.parse(r, fmt, base_iri=base)))
    except SyntaxError as err:
        line = err.lineno or (xml_error_line(path, None) if fmt is ox.RdfFormat.RDF_XML else None)
        raise SourceFileError(path, f"cannot be read as RDF: {err.msg or err}", line) from None
    except (ValueError, OSError) as err:
        raise SourceFileError(path, f"cannot be read as RDF: {err}") from None
    return _Checked(path, fmt, digest, stat.st_size, stat.st_mtime_ns, out)


def _load(kg: KnowledgeGraph, checked: _Checked) -> tuple[LinkResult, Source]:
    """Replace the file's graph with its triples, streamed; the bytes loaded must be the bytes checked.

    :raises SourceFileError: when the file changed since it was checked, or cannot be read.
    """
    path, graph, store = checked.path, linked_graph_name(checked.path), kg.writer
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    base = path.resolve().as_uri()
    try:
        loaded = _stream(
            path, checked.progress, f"linking {path.name}", lambda r: store.bulk_load(r, checked.syntax, base_iri=base, to_graph=graph)
        )
    except (SyntaxError, ValueError, OSError) as err:
        store.remove_graph(graph)
        raise SourceFileError(path, f"cannot be read as RDF: {getattr(err, 'msg', None) or err}") from None
    if loaded != checked.sha256:
        store.remove_graph(graph)
        raise SourceFileError(path, "the file changed while it was linked; link it again")
    kg.forget_labels()
    source = Source(path, b"", loaded, checked.size, checked.mtime_ns)
    return LinkResult(path, graph.value, count_triples(kg, graph)), source


def link_file(kg: KnowledgeGraph, path: Path | str, progress: TextIO | None = sys.stderr) -> LinkResult:
    """Stream one vocabulary file into its named graph, replacing an earlier copy only once the new one parsed.

    The file is read twice: once to prove it parses, once to load it; the two readings must agree.

    :param progress: where to report progress for large files (None: silent).
    :raises SourceFileError: when the file cannot be read or parsed (an earlier copy then stays), or changed meanwhile.
    """
    return _load(kg, _check(path, progress))[0]


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
        name = linked_graph_name(path)
        if name.value in manifest.names("linked") and manifest.unchanged(name.value, path) and kg.oxigraph.contains_named_graph(name):
            results.append(LinkResult(path, name.value, count_triples(kg, name)))
            continue
        checked = _check(path, progress)
        manifest.begin([name.value, INFERRED_GRAPH.value])
        kg.writer.remove_graph(INFERRED_GRAPH)  # inferred from graphs that are changing
        result, source = _load(kg, checked)
        manifest.record(name.value, source, "linked")
        kg.oxigraph.flush()
        manifest.commit()
        results.append(result)
    return results


def link_files(paths: list[Path], store: Path | str | None = None, progress: TextIO | None = sys.stderr) -> list[LinkResult]:
    """What ``spinekg link`` does: link files into the on-disk ``store`` (kept), or into the packaged graph for this run only."""
    with KnowledgeGraph.open(store, write=True) if store is not None else KnowledgeGraph.load() as kg:
        return link(kg, paths, progress)
