"""The on-disk store: a folder holding the manifest, a lock file, the published data folder (Oxigraph's
RocksDB data) and its label index.

A store is always exactly what its manifest publishes, whatever stops the process:

- a change builds a new data folder beside the published one, either a checkpoint of it (RocksDB hard
  links, when the change removes little) from which the graphs that change are dropped, or an empty one
  into which the unchanged files are read again; every changed file is parsed once, from the bytes that
  are hashed, by Oxigraph's bulk loader (sorted files added in one step, several times faster than a
  transaction);
- the label index for the new data is written beside it (:mod:`spinekg.labelstore`);
- the manifest, written in one rename, then publishes both; only then are the earlier ones deleted. A bad
  file, a crash or ``kill -9`` before that rename leaves the store as it was, and the next writer deletes
  the unfinished folder;
- a change of any graph drops the reasoner's graph, which was inferred from them.

A change made in place (linking a vocabulary) still goes through the journal: opening a store whose
journal is still there drops the graphs it names and forgets them, and the files are loaded again.

Readers share the lock and open the data read-only; a writer holds the lock alone
(:mod:`spinekg.locking`).
"""

from __future__ import annotations

import contextlib
import gc
import re
import secrets
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import StoreError, without_tracebacks
from .labelstore import GraphName, LabelFile, Row, build, graph_key, open_index, rows_of
from .locking import FileLock
from .manifest import DATA_NAME, JOURNAL, LABELS_NAME, MANIFEST, Manifest
from .namespaces import INFERRED_GRAPH
from .queries import graph_size_query
from .readers import BOM, Source, get_reader, graph_name, read_source

__all__ = ["LOCK", "OWN_FILES", "Wanted", "collect_garbage", "current", "invalidate_labels", "open_folder", "prepare", "recover", "update"]

LOCK = "spinekg.lock"
#: Files a store folder may hold besides its data folders and label indexes.
OWN_FILES = (MANIFEST, JOURNAL, LOCK)
#: Where RocksDB builds a checkpoint before renaming it to the data folder's name.
CHECKPOINT_NAME = re.compile(r"data-[0-9a-f]{16}\.tmp")
#: RocksDB's own file names: a store written by an earlier spinekg holds them in the store folder itself.
ROCKSDB_NAME = re.compile(r"CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+(\.dbtmp)?|\d+\.(sst|log|blob)")
#: Dropping a graph from RocksDB (a transaction per quad) costs about this many times loading it in bulk;
#: copying a linked vocabulary out of the old data (it may have no file any more) this many times reading a file.
DROP_COST = 7
COPY_COST = 3
#: Bytes per triple of Turtle, to weigh the reasoner's graph (it has no file) against files.
BYTES_PER_TRIPLE = 50
#: Syntaxes read for the label index while the bulk loader works (no guard needs to see them first).
ROWS_ALONGSIDE = (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES)
#: A call of the bulk loader costs about 0.15 s whatever the size (a sorted file per index, then added):
#: smaller files go through one transaction each, into the new data folder all the same.
BULK_MIN_BYTES = 1 << 20
BULK_MIN_QUADS = 20_000


@dataclass(frozen=True)
class Wanted:
    """The files one role of the store should hold: ``source`` (the graph's own) or ``load`` (``--load``)."""

    role: str
    files: Sequence[Path]


def prepare(directory: Path) -> None:
    """Create a store folder, or check that an existing folder is one (its manifest is written under the lock).

    :raises StoreError: for a path that is a file, or a folder with other files and no manifest (not a store:
        spinekg would write RocksDB files among them), or one that cannot be created.
    """
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"{directory}: --store needs a folder; this is a file")
    if directory.is_dir() and not (directory / MANIFEST).exists():
        others = sorted(p.name for p in directory.iterdir() if not _own(p.name))
        if others:
            listed = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
            raise StoreError(f"{directory}: not a spinekg store (it holds {listed}); give an empty or new folder")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"{directory}: cannot create the store: {err.strerror or err}") from None


def _own(name: str) -> bool:
    """Whether a file name is one spinekg writes in a store folder (its temporary files too)."""
    if name in OWN_FILES or DATA_NAME.fullmatch(name) or CHECKPOINT_NAME.fullmatch(name) or LABELS_NAME.fullmatch(name):
        return True
    return name.startswith(".") and name.endswith(".tmp") and (any(name.startswith(f".{own}.") for own in OWN_FILES) or ".labels-" in name)


def open_folder(directory: Path, lock: FileLock | None, *, write: bool) -> ox.Store:
    """:returns: a data folder's Oxigraph store, read-write (``write``, the lock held alone) or read-only (shared).
    :raises StoreError: when the data cannot be opened (damaged, unreadable); the lock is let go then."""
    try:
        return ox.Store(str(directory)) if write else ox.Store.read_only(str(directory))
    except (OSError, RuntimeError) as err:  # RocksDB reports corruption as RuntimeError
        if lock is not None:
            lock.release()
        raise StoreError(f"{directory}: cannot open the store ({err}); delete the folder to rebuild it") from None


def current(manifest: Manifest, wanted: Sequence[Wanted]) -> bool:
    """:returns: whether the store holds exactly the wanted files, unchanged, after a completed change
    (then a reader needs to write nothing, unless the label index must be built).

    :raises SourceFileError: for a wanted file that cannot be read.
    """
    data = manifest.data_dir
    if data is None or not (data / "CURRENT").exists() or manifest.interrupted() is not None:
        return False
    for want in wanted:
        names = {graph_name(p).value: p for p in want.files}
        if set(manifest.names(want.role)) != set(names):
            return False
        if not all(manifest.unchanged(name, path) for name, path in names.items()):
            return False
    return True


def recover(store: ox.Store, manifest: Manifest) -> None:
    """Undo a change in place that was cut short: drop the graphs its journal names, forget them, complete the journal."""
    touched = manifest.interrupted()
    if touched is None:
        return
    for name in set(touched) | {INFERRED_GRAPH.value}:
        for graph in manifest.held_by(name):
            _drop(store, graph)
        manifest.forget(name)
    manifest.labels = None
    store.flush()
    manifest.commit()


def invalidate_labels(directory: Path) -> None:
    """Forget the label index before the data is changed in place (the reasoner's graph, a linked vocabulary)."""
    manifest = Manifest.read(directory)
    if manifest.labels is not None:
        manifest.labels = None
        manifest.write()


def update(directory: Path, wanted: Sequence[Wanted]) -> tuple[ox.Store, LabelFile | None]:
    """Bring the store in line with the wanted files, all of them or none; the lock must be held alone.

    :returns: the published data, open read-write, and its label index.
    :raises SourceFileError: for the first file that cannot be read or parsed (the store is then unchanged).
    :raises StoreError: when the data cannot be opened or written.
    """
    manifest = Manifest.read(directory)
    if not (directory / MANIFEST).exists():
        _write(manifest)  # the folder is a store from now on, before any data folder exists
    collect_garbage(manifest)
    data = manifest.data_dir
    if data is not None and not (data / "CURRENT").is_file():
        raise StoreError(
            f"{directory}: the data folder {data.name} that the manifest names is missing or empty; delete the store folder to rebuild it"
        )
    old = open_folder(data, None, write=True) if data is not None else None
    try:
        if old is not None:
            recover(old, manifest)
        change = _Change.of(manifest, wanted)
        if old is not None and not change.loads and not change.stale and not manifest.legacy:
            return old, _labels_of(manifest, old)
        store = _publish(manifest, old, change)
    except BaseException as err:
        del old
        without_tracebacks(err)
        gc.collect()  # RocksDB closes when the last reference goes; the caller then lets the lock go
        raise err from None
    del old
    gc.collect()
    collect_garbage(manifest)
    return store, open_index(manifest)


@dataclass
class _Change:
    """What a change does: graph name -> (file, role) to load, and the graphs no longer wanted."""

    loads: dict[str, tuple[Path, str]] = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)
    keep: dict[str, tuple[Path, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, manifest: Manifest, wanted: Sequence[Wanted]) -> _Change:
        """:raises SourceFileError: for a wanted file that cannot be read."""
        change = cls()
        names = {graph_name(p).value: (p, want.role) for want in wanted for p in want.files}
        for name, (path, role) in names.items():
            info = manifest.graphs.get(name)
            fresh = info is None or info.get("role") != role or not manifest.unchanged(name, path)
            (change.loads if fresh else change.keep)[name] = (path, role)
        roles = {want.role for want in wanted}
        change.stale = [n for n, info in manifest.graphs.items() if info.get("role") in roles and n not in names]
        return change

    def dropped(self, manifest: Manifest) -> list[str]:
        """:returns: the graphs of the earlier data this change replaces or removes (and the reasoner's)."""
        return [g for name in [*self.stale, *self.loads] for g in manifest.held_by(name)] + [INFERRED_GRAPH.value]


def _publish(manifest: Manifest, old: ox.Store | None, change: _Change) -> ox.Store:
    """Build the new data folder and its label index, then publish both in one manifest write.

    :returns: the new data, open read-write.
    """
    directory = manifest.directory
    name = f"data-{secrets.token_hex(8)}"
    target = directory / name
    parsed = _parse_quad_files(change)  # before anything is built: these may name graphs to drop
    reuse = open_index(manifest) if old is not None else None
    new: ox.Store | None = None
    try:
        if old is not None and _checkpoint_is_cheaper(manifest, old, change):
            old.backup(str(target))
            new = open_folder(target, None, write=True)
            kept = _checkpoint(manifest, new, change, {g for p in parsed for g in p.also})
        else:
            new = open_folder(target, None, write=True)
            kept = _fresh(manifest, old, new, change)
        rows, scan = _load_all(manifest, new, change, parsed)
        new.flush()
        if reuse is None:
            scan, kept = scan + kept, []
        try:
            manifest.labels = build(directory, new, name, scan=scan, rows=rows, reuse=reuse, keep={graph_key(g) for g in kept})
        except OSError as err:
            raise StoreError(f"{directory}: cannot write the label index: {err.strerror or err}") from None
        manifest.data, manifest.legacy = name, False
        _write(manifest)
    except BaseException as err:
        del new
        without_tracebacks(err)
        gc.collect()
        shutil.rmtree(target, ignore_errors=True)
        raise err from None
    finally:
        if reuse is not None:
            reuse.close()
    return new


def _checkpoint_is_cheaper(manifest: Manifest, old: ox.Store, change: _Change) -> bool:
    """Whether dropping the graphs that change from a checkpoint costs less than reading the others again."""
    dropped = sum(manifest.size(n) for n in [*change.stale, *change.loads])
    inferred = 0
    if old.contains_named_graph(INFERRED_GRAPH):
        answer = old.query(graph_size_query(), default_graph=INFERRED_GRAPH)
        if isinstance(answer, ox.QuerySolutions):
            count = next(iter(answer))[0]
            inferred = int(count.value) * BYTES_PER_TRIPLE if isinstance(count, ox.Literal) else 0
    reread = sum(manifest.size(n) for n in change.keep) + sum(manifest.size(n) * COPY_COST for n in manifest.names("linked"))
    return (dropped + inferred) * DROP_COST <= reread


def _checkpoint(manifest: Manifest, new: ox.Store, change: _Change, named: set[str]) -> list[GraphName]:
    """Drop from a checkpoint the graphs that change (and any graph a changed N-Quads or TriG file names).

    :returns: the graphs kept.
    """
    for graph in {*change.dropped(manifest), *named}:
        _drop(new, graph)
    for name in [*change.stale, *change.loads]:
        manifest.forget(name)
    return [*new.named_graphs(), ox.DefaultGraph()]


def _fresh(manifest: Manifest, old: ox.Store | None, new: ox.Store, change: _Change) -> list[GraphName]:
    """Fill an empty data folder: the unchanged files are to be loaded again, linked vocabularies are copied
    from the old data (their files may be gone). :returns: the graphs copied."""
    change.loads |= change.keep
    change.keep = {}
    linked = [ox.NamedNode(n) for n in manifest.names("linked")] if old is not None else []
    for graph in linked:
        new.bulk_extend(old.quads_for_pattern(None, None, None, graph))  # type: ignore[union-attr]  # old is set
    for name in [n for n in manifest.graphs if ox.NamedNode(n) not in linked]:
        manifest.forget(name)
    return list(linked)


@dataclass(frozen=True)
class _Parsed:
    """An N-Quads, TriG or SSSOM file, parsed: its quads and the further graphs they name."""

    name: str
    role: str
    source: Source
    quads: list[ox.Quad]
    also: set[str]


def _parse_quad_files(change: _Change) -> list[_Parsed]:
    """Parse the files of the change that are not plain triples (they may name graphs).
    :raises SourceFileError: for the first that cannot be read or parsed."""
    parsed = []
    for name, (path, role) in change.loads.items():
        reader = get_reader(path)
        if reader.syntax is None or reader.names_graphs:
            source = read_source(path)
            quads = reader.quads(source.path, ox.NamedNode(name), source.data)
            also = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)} - {name}
            parsed.append(_Parsed(name, role, source, quads, also))
    return parsed


Rows = tuple[list[Row], list[tuple[str, str]]]


def _load_all(manifest: Manifest, store: ox.Store, change: _Change, parsed: list[_Parsed]) -> tuple[list[Rows], list[GraphName]]:
    """Load every file of the change, each read once: the parsed ones, then the others with the bulk loader.

    :returns: the label index rows read on the way, and the graphs whose rows must be read from the store.
    """
    rows: list[Rows] = []
    scan: list[GraphName] = []
    for item in parsed:
        store.bulk_extend(item.quads) if len(item.quads) >= BULK_MIN_QUADS else store.extend(item.quads)
        rows.append(rows_of(item.quads))
        manifest.record(item.name, item.source, item.role, item.also)
    done = {item.name for item in parsed}
    for name, (path, role) in change.loads.items():
        if name in done:
            continue
        source = read_source(path)
        found = _bulk_load(store, source, ox.NamedNode(name))
        rows += found
        scan += [] if found else [ox.NamedNode(name)]
        manifest.record(name, source, role)
    return rows, scan


def _bulk_load(store: ox.Store, source: Source, graph: ox.NamedNode) -> list[Rows]:
    """Bulk-load one file of triples; meanwhile (Oxigraph works without the GIL) read its label index rows
    from the same bytes in this process, which costs less than reading them back from RocksDB afterwards.

    :returns: the rows, or nothing when they could not be read on the way (the caller reads them from the store).
    :raises SourceFileError: when the file cannot be parsed.
    """
    reader = get_reader(source.path)
    found: list[Rows] = []
    if source.size < BULK_MIN_BYTES or reader.syntax not in ROWS_ALONGSIDE:
        reader.load(store, source.path, graph, source.data, bulk=source.size >= BULK_MIN_BYTES)
        return found
    data, base = source.data.removeprefix(BOM), source.path.resolve().as_uri()

    def read_rows() -> None:
        with contextlib.suppress(SyntaxError, ValueError, OSError):  # the loader reports the same error
            found.append(rows_of(ox.parse(input=data, format=reader.syntax, base_iri=base), graph))

    _alongside(read_rows, lambda: reader.load(store, source.path, graph, source.data, bulk=True))
    return found


def _alongside(side: Callable[[], None], main: Callable[[], None]) -> None:
    """Run ``side`` in a thread while ``main`` runs here; wait for both."""
    thread = threading.Thread(target=side, name="spinekg-labels", daemon=True)
    thread.start()
    try:
        main()
    finally:
        thread.join()


def _labels_of(manifest: Manifest, store: ox.Store) -> LabelFile | None:
    """:returns: the label index of unchanged data, built first when missing, stale or damaged."""
    found = open_index(manifest)
    if found is not None or manifest.data is None:
        return found
    try:
        manifest.labels = build(manifest.directory, store, manifest.data)
    except OSError as err:
        raise StoreError(f"{manifest.directory}: cannot write the label index: {err.strerror or err}") from None
    _write(manifest)
    collect_garbage(manifest)
    return open_index(manifest)


def _write(manifest: Manifest) -> None:
    try:
        manifest.write()
    except OSError as err:
        raise StoreError(f"{manifest.directory}: cannot write the store manifest: {err.strerror or err}") from None


def collect_garbage(manifest: Manifest) -> None:
    """Delete what the manifest does not publish: data folders and label indexes of earlier or unfinished
    changes, temporary files, and the RocksDB files of an earlier spinekg once its data has moved to a data
    folder. Safe under the lock held shared too: no writer is at work then. A file that cannot be deleted
    (a read-only store) stays."""
    labels = manifest.labels["file"] if manifest.labels else None
    try:
        paths = list(manifest.directory.iterdir())
    except OSError:
        return
    for path in paths:
        name = path.name
        try:
            if (DATA_NAME.fullmatch(name) and name != manifest.data) or CHECKPOINT_NAME.fullmatch(name):
                shutil.rmtree(path, ignore_errors=True)
            elif _unpublished(name, labels) or (manifest.data is not None and ROCKSDB_NAME.fullmatch(name) and path.is_file()):
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _unpublished(name: str, labels: str | None) -> bool:
    """Whether a file name is a label index other than the published one, or one of spinekg's temporary files."""
    return bool(LABELS_NAME.fullmatch(name) and name != labels) or (name.startswith(".") and name.endswith(".tmp") and _own(name))


def _drop(store: ox.Store, graph: str) -> None:
    node = ox.NamedNode(graph)
    if store.contains_named_graph(node):
        store.remove_graph(node)
