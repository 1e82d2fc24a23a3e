"""The on-disk store: a folder holding Oxigraph's RocksDB data, the manifest, the journal and a lock file.

A store is always as it was before a change or as it is after it, whatever stops the
process:

- every changed file is parsed completely, from the bytes that are then loaded and
  hashed, before the store is touched, so a bad file changes nothing;
- the journal names the graphs a change touches before the first one is touched;
  opening a store whose journal is still there drops those graphs and forgets them,
  and the files are loaded again;
- a change of any graph drops the reasoner's graph, which was inferred from them.

Readers share the lock and open the data read-only; a writer holds the lock alone
(:mod:`spinekg.locking`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import StoreError
from .locking import FileLock
from .manifest import JOURNAL, MANIFEST, Manifest
from .namespaces import INFERRED_GRAPH
from .readers import Source, get_reader, graph_name, read_source

__all__ = ["LOCK", "OWN_FILES", "Wanted", "current", "open_folder", "open_for_writing", "prepare", "recover", "sync"]

LOCK = "spinekg.lock"
#: Files a store folder may hold besides Oxigraph's own.
OWN_FILES = (MANIFEST, JOURNAL, LOCK)


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
    """Whether a file name is one spinekg writes in a store folder before Oxigraph's (its temporary files too)."""
    return name in OWN_FILES or any(name.startswith(f".{own}.") and name.endswith(".tmp") for own in OWN_FILES)


def open_for_writing(directory: Path, lock: FileLock) -> ox.Store:
    """:returns: the folder's store opened read-write, the lock held alone: the manifest is written first, so a
    folder holding Oxigraph's files always holds a manifest too (and is seen as a store by the next process)."""
    if not (directory / MANIFEST).exists():
        try:
            Manifest(directory).write()
        except OSError as err:
            raise StoreError(f"{directory}: cannot create the store: {err.strerror or err}") from None
    return open_folder(directory, lock, write=True)


def open_folder(directory: Path, lock: FileLock, *, write: bool) -> ox.Store:
    """:returns: the folder's Oxigraph store, read-write (``write``, the lock held alone) or read-only (shared).
    :raises StoreError: when the data cannot be opened (damaged, unreadable)."""
    try:
        return ox.Store(str(directory)) if write else ox.Store.read_only(str(directory))
    except (OSError, RuntimeError) as err:  # RocksDB reports corruption as RuntimeError
        lock.release()
        raise StoreError(f"{directory}: cannot open the store ({err}); delete the folder to rebuild it") from None


def current(manifest: Manifest, wanted: Sequence[Wanted]) -> bool:
    """:returns: whether the store holds exactly the wanted files, unchanged, after a completed change
    (then a reader needs to write nothing).

    :raises SourceFileError: for a wanted file that cannot be read.
    """
    if manifest.interrupted() is not None:
        return False
    for want in wanted:
        names = {graph_name(p).value: p for p in want.files}
        if set(manifest.names(want.role)) != set(names):
            return False
        if not all(manifest.unchanged(name, path) for name, path in names.items()):
            return False
    return True


def recover(store: ox.Store, manifest: Manifest) -> None:
    """Undo a change that was cut short: drop the graphs its journal names, forget them, complete the journal."""
    touched = manifest.interrupted()
    if touched is None:
        return
    for name in set(touched) | {INFERRED_GRAPH.value}:
        for graph in manifest.held_by(name):
            _drop(store, graph)
        manifest.forget(name)
    store.flush()
    manifest.commit()


def sync(store: ox.Store, manifest: Manifest, wanted: Sequence[Wanted]) -> None:
    """Bring the store in line with the wanted files, all of them or none.

    :raises SourceFileError: for the first file that cannot be read or parsed (the store is then unchanged).
    """
    changed: dict[str, tuple[Source, str, set[str]]] = {}
    stale: list[str] = []
    for want in wanted:
        names = {graph_name(p).value: p for p in want.files}
        stale += [name for name in manifest.names(want.role) if name not in names]
        for name, path in names.items():
            if not manifest.unchanged(name, path):
                source = read_source(path)
                changed[name] = (source, want.role, _check(source, name))
    if not changed and not stale:
        return
    touched = [g for name in [*stale, *changed] for g in manifest.held_by(name)]
    touched += [g for _, _, also in changed.values() for g in also]
    manifest.begin([*touched, INFERRED_GRAPH.value])
    for graph in [*touched, INFERRED_GRAPH.value]:
        _drop(store, graph)
    for name in [*stale, *changed]:
        manifest.forget(name)
    for name, (source, role, also) in changed.items():
        get_reader(source.path).load(store, source.path, ox.NamedNode(name), source.data)
        manifest.record(name, source, role, also)
    store.flush()
    manifest.commit()


def _check(source: Source, name: str) -> set[str]:
    """Parse a file completely from its bytes, keeping nothing.

    :returns: the further graphs it names (N-Quads, TriG).
    :raises SourceFileError: when it cannot be parsed, or names one of spinekg's own graphs.
    """
    return get_reader(source.path).check(source.path, ox.NamedNode(name), source.data)


def _drop(store: ox.Store, graph: str) -> None:
    node = ox.NamedNode(graph)
    if store.contains_named_graph(node):
        store.remove_graph(node)
