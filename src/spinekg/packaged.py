"""The packaged graph, cached in a form that loads faster than its sources.

A cold command line spends ~25 ms reading the packaged sources: the Turtle files, and
the SSSOM mapping set (PyYAML for its header, ~11 ms to import, then Python for each
row). The first load writes what Oxigraph then holds as one N-Quads file in the user's
cache folder; later loads hand that file to Oxigraph's N-Quads reader instead.

The cache never gives a wrong graph:

- its name is a digest of everything the quads depend on (:func:`cache_key`): each
  source file's graph and SHA-256, the code that turns files into quads (this module,
  ``readers``, ``mappings``, ``namespaces``), the cache format and pyoxigraph's version.
  A change to any of them names another file, which is built then;
- its first line holds the SHA-256 of the rest, and the file must belong to the user and
  be writable by no one else; a file that fails either check (cut short, damaged, edited,
  planted) is not read, and a new one replaces it;
- it is written atomically (:func:`spinekg.atomic.atomic_write`), so no reader sees half
  of it.

A cache folder that cannot be written is no error: the sources are then parsed on every
load. The folder is ``$SPINEKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/spinekg``, else
``~/.cache/spinekg``; deleting it is always safe.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> [p.name for p in load_packaged(store)][-1]
'mappings.sssom.tsv'
>>> len(store) > 3000
True
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from . import mappings, namespaces, readers, resources
from .atomic import atomic_write
from .readers import Source, get_reader, graph_name, read_source

__all__ = ["CACHE_ENV", "cache_dir", "cache_file", "cache_key", "load_packaged"]

#: The environment variable that names the cache folder.
CACHE_ENV = "SPINEKG_CACHE_DIR"
#: Raised with each change of the file's layout, so an older layout is never read.
FORMAT = "spinekg packaged graph 1"
_HEADER = b"# " + FORMAT.encode() + b" sha256="
_DIGEST = 64
#: The modules whose code decides which quads a source file gives.
_CODE = (sys.modules[__name__], readers, mappings, namespaces)


def cache_dir() -> Path:
    """:returns: the cache folder: ``$SPINEKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/spinekg``, else ``~/.cache/spinekg``."""
    if folder := os.environ.get(CACHE_ENV):
        return Path(folder)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "spinekg"


def cache_key(sources: Sequence[Source]) -> str:
    """:returns: a digest of everything the cached quads depend on: the sources' graphs and bytes, the code that
    reads them, the cache format and pyoxigraph's version."""
    digest = hashlib.sha256(f"{FORMAT}\npyoxigraph {ox.__version__}\n".encode())
    for module in _CODE:
        digest.update(hashlib.sha256(Path(str(module.__file__)).read_bytes()).digest())
    for source in sources:
        digest.update(f"{graph_name(source.path).value} {source.sha256}\n".encode())
    return digest.hexdigest()


def cache_file(sources: Sequence[Source]) -> Path:
    """:returns: where the cache of ``sources`` lives."""
    return cache_dir() / f"packaged-{cache_key(sources)[:32]}.nq"


def load_packaged(store: ox.Store, paths: Sequence[Path] | None = None) -> list[Path]:
    """Load the packaged graph into ``store`` (empty): from the cache when it holds these sources, else from the
    sources, then cache it.

    :param paths: the packaged source files (default: :func:`spinekg.resources.default_sources`).
    :returns: the source files loaded.
    :raises SourceFileError: when a source cannot be read or parsed (``store`` may then hold part of them).
    """
    sources = [read_source(p) for p in (resources.default_sources() if paths is None else paths)]
    try:
        target = cache_file(sources)
    except OSError:  # the code's files cannot be read: no key, so no cache
        target = None
    if target is not None and _load_cached(store, target):
        return [s.path for s in sources]
    for source in sources:
        get_reader(source.path).load(store, source.path, graph_name(source.path), source.data)
    if target is not None:
        _write(store, target)
    return [s.path for s in sources]


def _load_cached(store: ox.Store, target: Path) -> bool:
    """Load ``target`` into ``store`` if it is whole and the user's own. :returns: whether it was loaded."""
    data = _read_own(target)
    if data is None or not data.startswith(_HEADER):
        return False
    start = len(_HEADER) + _DIGEST + 1
    if data[len(_HEADER) : start] != hashlib.sha256(memoryview(data)[start:]).hexdigest().encode() + b"\n":
        return False
    try:  # lenient: the bytes are those Oxigraph wrote from a graph it had checked
        store.load(input=data, format=ox.RdfFormat.N_QUADS, lenient=True)
    except (SyntaxError, ValueError):  # pragma: no cover - a file whose digest matches was written whole
        store.clear()
        return False
    return True


def _read_own(target: Path) -> bytes | None:
    """:returns: the bytes of ``target`` when it is a regular file of this user that no one else may write, else None."""
    try:
        with target.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None
            return handle.read()
    except OSError:
        return None


def _write(store: ox.Store, target: Path) -> None:
    """Write the cache of ``store`` atomically, and remove the caches of other sources; a folder that cannot be
    written leaves things as they were."""
    body = store.dump(format=ox.RdfFormat.N_QUADS) or b""
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with atomic_write(target) as handle:
            handle.write(_HEADER + hashlib.sha256(body).hexdigest().encode() + b"\n")
            handle.write(body)
        os.chmod(target, 0o600)
    except OSError:
        return
    for stale in target.parent.glob("packaged-*.nq"):
        if stale != target:
            with contextlib.suppress(OSError):
                stale.unlink()
