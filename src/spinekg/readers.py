"""Source files into quads: the reader registry (file suffix -> syntax), graph naming, parse and load.

A file's syntax is chosen by its name, never sniffed. Every RDF syntax is parsed
inside Oxigraph; an SSSOM mapping set (``*.sssom.tsv``) becomes one SKOS triple
per row (:mod:`spinekg.mappings`). A file's triples go into the named graph
``graph/<file stem>``; N-Quads and TriG name their own graphs.

>>> get_reader("data/anatomy.ttl").syntax
<RdfFormat Turtle>
>>> graph_name("data/anatomy.ttl").value
'https://w3id.org/spinekg/graph/anatomy'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import SourceFileError
from .mappings import SSSOM_SUFFIX, sssom_quads
from .namespaces import GRAPH_BASE, LINKED_BASE

__all__ = ["READERS", "Reader", "get_reader", "graph_name", "linked_graph_name", "load_file", "parse_file", "try_parse"]


@dataclass(frozen=True)
class Reader:
    """How one kind of source file is read: its RDF syntax, or None for an SSSOM mapping set."""

    suffix: str
    syntax: ox.RdfFormat | None

    @property
    def names_graphs(self) -> bool:
        """Whether the syntax names its own graphs (N-Quads, TriG)."""
        return self.syntax in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)

    def quads(self, path: Path, graph: ox.NamedNode) -> list[ox.Quad]:
        """:returns: every quad of the file, triples put in ``graph``.
        :raises SourceFileError: when the file cannot be read."""
        with _reading(path):
            if self.syntax is None:
                return sssom_quads(path, graph)
            parsed = ox.parse(path=str(path), format=self.syntax, base_iri=path.resolve().as_uri())
            return [q if self.names_graphs else ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed]

    def load(self, store: ox.Store, path: Path, graph: ox.NamedNode) -> None:
        """Parse the file into ``store`` in one transaction (all or nothing).
        :raises SourceFileError: when the file cannot be read; the store is then unchanged."""
        if self.syntax is None:
            store.extend(self.quads(path, graph))
            return
        with _reading(path):
            target = None if self.names_graphs else graph
            store.load(path=str(path), format=self.syntax, base_iri=path.resolve().as_uri(), to_graph=target)


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


def graph_name(path: Path | str) -> ox.NamedNode:
    """:returns: the named graph a source file is loaded into (``graph/<file stem>``)."""
    return ox.NamedNode(GRAPH_BASE + Path(path).name.split(".")[0])


def linked_graph_name(path: Path | str) -> ox.NamedNode:
    """:returns: the named graph an external vocabulary is linked into (``graph/linked/<file stem>``)."""
    return ox.NamedNode(LINKED_BASE + Path(path).name.split(".")[0])


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn the errors of reading ``path`` into :class:`SourceFileError`."""
    try:
        yield
    except SyntaxError as err:
        raise SourceFileError(path, err.msg or str(err), err.lineno) from None
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
    if reader.syntax is None:
        reader.quads(path, graph_name(path))
        return
    with _reading(path):
        for _ in ox.parse(path=str(path), format=reader.syntax, base_iri=path.resolve().as_uri()):
            pass
