"""The label index of an on-disk store, kept on disk beside the data it was built from.

A cold query on a large store resolves a label without scanning every label in RocksDB:
the index is an SQLite file, ``labels-<hex>.sqlite`` in the store folder, with one row per
label or synonym (lower-cased key, entity, label, the graph it came from) and one per
``owl:Class`` typing. It is written to a temporary file and renamed into place
(:func:`spinekg.atomic.atomic_path`), then recorded in the manifest with its size,
modification time, SHA-256, a random stamp also written inside it, and the data folder
it belongs to. The index is used only when all of these agree (:func:`open_index`);
otherwise the store folder is brought up to date under the exclusive lock, which
rebuilds it, so a stale, swapped, truncated or damaged index is never read. A change made
in place (linking a vocabulary, the reasoner's graph) drops the record first.

Rows are kept per graph, so a change copies the rows of the graphs it keeps from the
previous index and reads only the graphs it loaded.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .atomic import atomic_path
from .errors import SourceFileError, StoreError
from .manifest import Manifest, file_digest
from .namespaces import LABEL_PREDICATES, OWL_CLASS, RDF_TYPE, RDFS_LABEL

if TYPE_CHECKING:
    import sqlite3

__all__ = ["INDEX_FORMAT", "GraphName", "LabelFile", "Row", "build", "graph_key", "open_index", "rows_of"]

#: Bump when the tables change: an index of another format is rebuilt.
INDEX_FORMAT = "1"
#: (lower-cased label, entity IRI, label, 1 for rdfs:label else 0, graph key)
Row = tuple[str, str, str, int, str]
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE graph (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE label (key TEXT NOT NULL, iri TEXT NOT NULL, label TEXT NOT NULL, main INTEGER NOT NULL, graph INTEGER NOT NULL);
CREATE TABLE class (iri TEXT NOT NULL, graph INTEGER NOT NULL);
"""
INDEXES = """
CREATE INDEX label_key ON label (key);
CREATE INDEX label_iri ON label (iri);
CREATE INDEX class_iri ON class (iri);
"""


def graph_key(graph: GraphName) -> str:
    """:returns: how the index names a graph: its IRI, ``_:id`` for a blank node, ``""`` for the default graph."""
    if isinstance(graph, ox.NamedNode):
        return graph.value
    return f"_:{graph.value}" if isinstance(graph, ox.BlankNode) else ""


def rows_of(quads: Iterable[ox.Quad], graph: GraphName | None = None) -> tuple[list[Row], list[tuple[str, str]]]:
    """:returns: the label rows and the ``(class IRI, graph key)`` rows of some quads (any predicate).

    :param graph: the graph they all go into (the quads of a file of triples are parsed into the default graph).
    """
    labels: list[Row] = []
    classes: list[tuple[str, str]] = []
    predicates = frozenset(LABEL_PREDICATES)
    fixed = None if graph is None else graph_key(graph)
    for quad in quads:
        subject, predicate, obj = quad.subject, quad.predicate, quad.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if predicate in predicates and isinstance(obj, ox.Literal):
            key = graph_key(quad.graph_name) if fixed is None else fixed
            labels.append((obj.value.lower(), subject.value, obj.value, int(predicate == RDFS_LABEL), key))
        elif predicate == RDF_TYPE and obj == OWL_CLASS:
            classes.append((subject.value, graph_key(quad.graph_name) if fixed is None else fixed))
    return labels, classes


def _scan(store: ox.Store, graphs: Collection[GraphName] | None) -> tuple[list[Row], list[tuple[str, str]]]:
    """:returns: the rows of ``graphs`` (None: every graph), read through the label and class patterns only."""
    patterns: list[tuple[ox.NamedNode, ox.NamedNode | None]] = [(p, None) for p in LABEL_PREDICATES] + [(RDF_TYPE, OWL_CLASS)]
    within: Collection[GraphName | None] = [None] if graphs is None else graphs
    return rows_of(chain.from_iterable(store.quads_for_pattern(None, p, o, g) for p, o in patterns for g in within))


def build(
    directory: Path,
    store: ox.Store,
    data: str,
    *,
    scan: Collection[GraphName] | None = None,
    rows: Iterable[tuple[list[Row], list[tuple[str, str]]]] = (),
    reuse: LabelFile | None = None,
    keep: Collection[str] = (),
) -> dict[str, str]:
    """Write a new label index for the data folder ``data`` of a store.

    :param scan: the graphs to read from ``store`` (None: all of them).
    :param rows: rows already read (:func:`rows_of`), for graphs not scanned.
    :param reuse: an earlier index whose rows of the graphs in ``keep`` (graph keys) are copied.
    :returns: the manifest's record of the new index.
    :raises OSError: when it cannot be written.
    """
    import sqlite3

    stamp = secrets.token_hex(8)
    name = f"labels-{secrets.token_hex(8)}.sqlite"
    with atomic_path(directory / name) as tmp:
        db = sqlite3.connect(tmp)
        try:
            db.executescript(SCHEMA)
            if reuse is not None and keep:
                _copy(db, reuse.path, keep)
            scanned = [_scan(store, scan)] if scan is None or scan else []
            for labels, classes in chain(scanned, rows):
                _insert(db, labels, classes)
            db.executescript(INDEXES)
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", INDEX_FORMAT), ("stamp", stamp), ("data", data)])
            db.commit()
        finally:
            db.close()
    stat = (directory / name).stat()
    sha256 = file_digest(directory / name)
    return {"file": name, "sha256": sha256, "size": str(stat.st_size), "mtime_ns": str(stat.st_mtime_ns), "stamp": stamp, "data": data}


def _graph_ids(db: sqlite3.Connection, names: Iterable[str]) -> dict[str, int]:
    db.executemany("INSERT OR IGNORE INTO graph (name) VALUES (?)", [(n,) for n in set(names)])
    return {name: gid for gid, name in db.execute("SELECT id, name FROM graph")}


def _insert(db: sqlite3.Connection, labels: list[Row], classes: list[tuple[str, str]]) -> None:
    ids = _graph_ids(db, chain((r[4] for r in labels), (c[1] for c in classes)))
    db.executemany("INSERT INTO label VALUES (?, ?, ?, ?, ?)", ((k, i, lab, m, ids[g]) for k, i, lab, m, g in labels))
    db.executemany("INSERT INTO class VALUES (?, ?)", ((i, ids[g]) for i, g in classes))


def _copy(db: sqlite3.Connection, old: Path, keep: Collection[str]) -> None:
    """Copy the rows of the graphs ``keep`` from the index at ``old`` (graph ids are renumbered)."""
    db.execute("ATTACH DATABASE ? AS old", (old.resolve().as_uri() + "?mode=ro",))
    db.execute("CREATE TEMP TABLE kept (name TEXT PRIMARY KEY)")
    db.executemany("INSERT OR IGNORE INTO kept VALUES (?)", [(k,) for k in keep])
    db.execute("INSERT INTO graph (name) SELECT g.name FROM old.graph g JOIN kept k ON k.name = g.name")
    renumber = "FROM old.{0} t JOIN old.graph o ON o.id = t.graph JOIN graph n ON n.name = o.name"
    db.execute("INSERT INTO label SELECT t.key, t.iri, t.label, t.main, n.id " + renumber.format("label"))
    db.execute("INSERT INTO class SELECT t.iri, n.id " + renumber.format("class"))
    db.commit()
    db.execute("DETACH DATABASE old")


class LabelFile:
    """An open label index, read-only: the lookups :class:`spinekg.labels.LabelIndex` needs."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    def _rows(self, sql: str, *args: str) -> list[tuple[str, ...]]:
        import sqlite3

        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as err:
            raise StoreError(f"{self.path}: the store's label index is damaged ({err}); delete this file to rebuild it") from None

    def matches(self, text: str) -> dict[str, bool]:
        """:returns: IRI -> whether it is an OWL class, for every entity labelled ``text`` (any case)."""
        sql = "SELECT DISTINCT l.iri, EXISTS (SELECT 1 FROM class c WHERE c.iri = l.iri) FROM label l WHERE l.key = ?"
        return {str(iri): bool(is_class) for iri, is_class in self._rows(sql, text.lower())}

    def label(self, iri: str) -> str | None:
        """:returns: the first ``rdfs:label`` of ``iri`` read, or None."""
        found = self._rows("SELECT label FROM label WHERE iri = ? AND main = 1 ORDER BY rowid LIMIT 1", iri)
        return str(found[0][0]) if found else None

    def keys(self) -> list[str]:
        """:returns: every lower-cased label and synonym, sorted."""
        return [str(row[0]) for row in self._rows("SELECT DISTINCT key FROM label ORDER BY key")]

    def iris(self, key: str) -> set[str]:
        """:returns: the entities with this lower-cased label or synonym."""
        return {str(row[0]) for row in self._rows("SELECT DISTINCT iri FROM label WHERE key = ?", key)}

    def close(self) -> None:
        """Close the file."""
        self._db.close()


def open_index(manifest: Manifest) -> LabelFile | None:
    """:returns: the label index the manifest records for its data, open, when the file is exactly that one:
    same size and modification time (else same SHA-256), same stamp inside, same data folder and format;
    None otherwise (missing, stale, changed or damaged: the caller rebuilds it)."""
    import sqlite3

    record = manifest.labels
    if record is None or manifest.data is None or record["data"] != manifest.data:
        return None
    path = manifest.directory / record["file"]
    try:
        stat = path.stat()
        if (str(stat.st_size), str(stat.st_mtime_ns)) != (record["size"], record["mtime_ns"]) and file_digest(path) != record["sha256"]:
            return None
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True, check_same_thread=False)
    except (OSError, SourceFileError, sqlite3.Error):
        return None
    try:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        meta = {}
    if meta != {"format": INDEX_FORMAT, "stamp": record["stamp"], "data": manifest.data}:
        db.close()
        return None
    return LabelFile(path, db)
