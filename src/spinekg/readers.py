"""Source files into quads: the reader registry (file suffix -> syntax), graph naming, parse and load.

A file's syntax is chosen by its name, never sniffed. Every RDF syntax is parsed
inside Oxigraph; an SSSOM mapping set (``*.sssom.tsv``) becomes one SKOS triple
per row (:mod:`spinekg.mappings`).

Each file has its own named graph. A packaged file's is ``graph/<file stem>``
(``graph/anatomy``); any other file's comes from its resolved path
(``graph/file/home/me/notes.ttl``), so no two files share one and a user's file can
never replace a packaged graph. N-Quads and TriG may name further graphs of their
own, except spinekg's (anything under ``graph/``), which is refused; their default
graph goes into the file's graph.

>>> get_reader("data/anatomy.ttl").syntax
<RdfFormat Turtle>
>>> from spinekg import resources
>>> graph_name(resources.data_dir() / "anatomy.ttl").value
'https://w3id.org/spinekg/graph/anatomy'
>>> graph_name("/tmp/my notes.ttl").value
'https://w3id.org/spinekg/graph/file/tmp/my%20notes.ttl'
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .errors import SourceFileError
from .guards import check_jsonld, check_xml, xml_error_line
from .mappings import SSSOM_SUFFIX, sssom_quads
from .namespaces import GRAPH_BASE, LINKED_BASE

__all__ = [
    "READERS",
    "Reader",
    "Source",
    "get_reader",
    "graph_name",
    "linked_graph_name",
    "load_file",
    "parse_file",
    "read_source",
    "try_parse",
]


@dataclass(frozen=True)
class Source:
    """The bytes of one file as they were read, with what identifies them: so what is loaded is what is hashed."""

    path: Path
    data: bytes = field(repr=False)
    sha256: str
    size: int
    mtime_ns: int


def read_source(path: Path | str) -> Source:
    """Read a file once: its bytes, their SHA-256, and the size and modification time seen before reading.

    :raises SourceFileError: for an unknown extension, a missing, non-regular, empty or unreadable file.
    """
    path, _ = _readable(path)
    try:
        stat = path.stat()
        data = path.read_bytes()
    except OSError as err:
        raise SourceFileError(path, err.strerror or str(err)) from None
    return Source(path, data, hashlib.sha256(data).hexdigest(), stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class Reader:
    """How one kind of source file is read: its RDF syntax, or None for an SSSOM mapping set."""

    suffix: str
    syntax: ox.RdfFormat | None

    @property
    def names_graphs(self) -> bool:
        """Whether the syntax names its own graphs (N-Quads, TriG)."""
        return self.syntax in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)

    def quads(self, path: Path, graph: ox.NamedNode, data: bytes | None = None) -> list[ox.Quad]:
        """:returns: every quad of the file (or of ``data``, its bytes), triples and the default graph put in ``graph``.
        :raises SourceFileError: when the file cannot be read, or names one of spinekg's own graphs."""
        data = self._prepared(path, data)
        with _reading(path, self.syntax, data):
            if self.syntax is None:
                text = None if data is None else data.decode("utf-8")
                return sssom_quads(path, graph, text)
            source = {"path": str(path)} if data is None else {"input": data}
            parsed = ox.parse(**source, format=self.syntax, base_iri=path.resolve().as_uri())
            if not self.names_graphs:
                return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed]
            return [_own_graph(path, q, graph) for q in parsed]

    def check(self, path: Path, own: ox.NamedNode, data: bytes | None = None) -> set[str]:
        """Parse the file (or ``data``) completely and keep nothing, streaming.

        :returns: the further graphs it names (N-Quads, TriG), besides ``own``.
        :raises SourceFileError: when it cannot be parsed, or names one of spinekg's own graphs.
        """
        if self.syntax is None:
            self.quads(path, own, data)
            return set()
        named: set[str] = set()
        data = self._prepared(path, data)
        with _reading(path, self.syntax, data):
            source = {"path": str(path)} if data is None else {"input": data}
            for quad in ox.parse(**source, format=self.syntax, base_iri=path.resolve().as_uri()):
                if self.names_graphs and isinstance(quad.graph_name, ox.NamedNode):
                    named.add(_own_graph(path, quad, own).graph_name.value)  # type: ignore[union-attr]  # a NamedNode, kept
        return named - {own.value}

    def load(self, store: ox.Store, path: Path, graph: ox.NamedNode, data: bytes | None = None, *, bulk: bool = False) -> None:
        """Parse the file (or ``data``, its bytes) into ``store`` in one transaction (all or nothing).

        :param bulk: use Oxigraph's bulk loader (an on-disk store: sorted files written beside the data and
            added in one step, several times faster than a transaction; also all or nothing).
        :raises SourceFileError: when the file cannot be read; the store is then unchanged."""
        if self.syntax is None or self.names_graphs:
            quads = self.quads(path, graph, data)
            store.bulk_extend(quads) if bulk else store.extend(quads)
            return
        data = self._prepared(path, data)
        with _reading(path, self.syntax, data):
            source = {"path": str(path)} if data is None else {"input": data}
            loader = store.bulk_load if bulk else store.load
            loader(**source, format=self.syntax, base_iri=path.resolve().as_uri(), to_graph=graph)

    def _prepared(self, path: Path, data: bytes | None) -> bytes | None:
        """:returns: the bytes to parse (None: parse the file by its path), without a byte order mark, and
        checked against hostile RDF/XML and JSON-LD (:mod:`spinekg.guards`).
        :raises SourceFileError: when a guard refuses them."""
        if data is None and (self.syntax in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD) or _has_bom(path)):
            try:
                data = path.read_bytes()
            except OSError as err:
                raise SourceFileError(path, err.strerror or str(err)) from None
        if data is None:
            return None
        data = data.removeprefix(BOM)
        if self.syntax is ox.RdfFormat.RDF_XML:
            check_xml(path, [data])
        elif self.syntax is ox.RdfFormat.JSON_LD:
            check_jsonld(path, data)
        return data


BOM = b"\xef\xbb\xbf"


def _has_bom(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(3) == BOM
    except OSError:
        return False


def _own_graph(path: Path, quad: ox.Quad, graph: ox.NamedNode) -> ox.Quad:
    """:returns: a quad of an N-Quads/TriG file, its default graph moved into the file's own graph.
    :raises SourceFileError: for a quad in one of spinekg's own graphs."""
    name = quad.graph_name
    if isinstance(name, ox.DefaultGraph):
        return ox.Quad(quad.subject, quad.predicate, quad.object, graph)
    if isinstance(name, ox.NamedNode) and name.value.startswith(GRAPH_BASE):
        raise SourceFileError(path, f"names the graph <{name.value}>, one of spinekg's own; a loaded file cannot write into it")
    return quad


#: File suffix -> reader; the longest matching suffix wins (``.sssom.tsv`` before any other).
READERS: dict[str, Reader] = {
    suffix: Reader(suffix, syntax)
    for suffix, syntax in (
        (".ttl", ox.RdfFormat.TURTLE),
        (".nt", ox.RdfFormat.N_TRIPLES),
        (".nq", ox.RdfFormat.N_QUADS),
        (".trig", ox.RdfFormat.TRIG),
        (".owl", ox.RdfFormat.RDF_XML),
        (".rdf", ox.RdfFormat.RDF_XML),
        (".xml", ox.RdfFormat.RDF_XML),
        (".jsonld", ox.RdfFormat.JSON_LD),
        (SSSOM_SUFFIX, None),
    )
}


def get_reader(path: Path | str) -> Reader:
    """:returns: the reader for a file, chosen by the end of its name (any case).
    :raises SourceFileError: for a name spinekg does not read."""
    name = Path(path).name.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix):
            return READERS[suffix]
    raise SourceFileError(path, f"unknown RDF file extension (known: {', '.join(sorted(READERS))})")


@cache
def _packaged_folders() -> frozenset[Path]:
    return frozenset(folder.resolve() for folder in (resources.ontology_dir(), resources.data_dir()))


def graph_name(path: Path | str) -> ox.NamedNode:
    """:returns: the named graph a source file is loaded into: ``graph/<file stem>`` for a packaged file,
    ``graph/file<resolved path>`` for any other."""
    resolved = Path(path).resolve()
    if resolved.parent in _packaged_folders():
        return ox.NamedNode(GRAPH_BASE + resolved.name.split(".")[0])
    return ox.NamedNode(GRAPH_BASE + "file" + urllib.parse.quote(resolved.as_posix(), safe="/"))


def linked_graph_name(path: Path | str) -> ox.NamedNode:
    """:returns: the named graph an external vocabulary is linked into (``graph/linked/<file stem>``)."""
    return ox.NamedNode(LINKED_BASE + Path(path).name.split(".")[0])


@contextmanager
def _reading(path: Path, syntax: ox.RdfFormat | None = None, data: bytes | None = None) -> Iterator[None]:
    """Turn the errors of reading ``path`` into :class:`SourceFileError` (with a line number wherever one can be found)."""
    try:
        yield
    except SourceFileError:
        raise
    except SyntaxError as err:
        line = err.lineno or (xml_error_line(path, data) if syntax is ox.RdfFormat.RDF_XML else None)
        raise SourceFileError(path, err.msg or str(err), line) from None
    except (UnicodeDecodeError, ValueError) as err:
        raise SourceFileError(path, f"cannot be read as RDF: {err}") from None
    except OSError as err:
        raise SourceFileError(path, err.strerror or str(err)) from None


def _readable(path: Path | str) -> tuple[Path, Reader]:
    """:returns: the path and its reader.
    :raises SourceFileError: for an unknown extension, a missing, non-regular or empty file."""
    path = Path(path)
    reader = get_reader(path)
    if not path.is_file():
        raise SourceFileError(path, "no such file" if not path.exists() else "not a regular file")
    if path.stat().st_size == 0:
        raise SourceFileError(path, "file is empty")
    return path, reader


def parse_file(path: Path | str, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
    """Parse one source file completely.

    :param graph: the named graph for triples (default: one named after the file).
    :returns: the quads read.
    :raises SourceFileError: when the file is missing, not a file, not UTF-8 or not valid RDF.
    """
    path, reader = _readable(path)
    return reader.quads(path, graph or graph_name(path))


def load_file(store: ox.Store, path: Path | str, graph: ox.NamedNode | None = None) -> None:
    """Parse one source file straight into ``store``, in one transaction.

    :param graph: the named graph for triples (default: one named after the file).
    :raises SourceFileError: as :func:`parse_file`; the store is then unchanged.
    """
    path, reader = _readable(path)
    reader.load(store, path, graph or graph_name(path))


def try_parse(path: Path | str) -> None:
    """Parse ``path`` completely and keep nothing: proves it can be loaded.

    :raises SourceFileError: as :func:`parse_file`.
    """
    path, reader = _readable(path)
    reader.check(path, graph_name(path))
