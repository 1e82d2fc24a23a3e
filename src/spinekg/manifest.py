"""The manifest of an on-disk store: which file each named graph holds, by content hash, and the journal.

Plain data in ``spinekg-manifest.json`` beside the store; it knows nothing of
loading (that is :mod:`spinekg.ondisk` and :mod:`spinekg.link`). Before a change
touches the store, :meth:`Manifest.begin` writes the graphs it will touch to
``spinekg-journal.json``; :meth:`Manifest.commit` writes the new manifest and then
removes the journal. A journal found on opening means a change was cut short: its
graphs may be half written, and are dropped and loaded again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import atomic_write
from .errors import SourceFileError

if TYPE_CHECKING:
    from .readers import Source

__all__ = ["JOURNAL", "MANIFEST", "Manifest", "file_digest"]

MANIFEST = "spinekg-manifest.json"
JOURNAL = "spinekg-journal.json"


def file_digest(path: Path) -> str:
    """:returns: the SHA-256 of a file's bytes.
    :raises SourceFileError: when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as err:
        raise SourceFileError(path, err.strerror or str(err)) from None


@dataclass
class Manifest:
    """Graph name -> {path, sha256, role, size, mtime_ns, also} for every file loaded into a store folder.

    ``also`` lists, one per line, the further graphs an N-Quads or TriG file named.
    """

    directory: Path
    graphs: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        """:returns: the manifest of ``directory`` (empty when there is none yet)."""
        path = directory / MANIFEST
        if not path.exists():
            return cls(directory)
        try:
            return cls(directory, json.loads(path.read_text(encoding="utf-8"))["graphs"])
        except (ValueError, KeyError) as err:
            raise SourceFileError(path, f"corrupt store manifest ({err}); delete the store folder to rebuild it") from None

    def write(self) -> None:
        """Save the manifest atomically."""
        with atomic_write(self.directory / MANIFEST) as handle:
            handle.write(json.dumps({"graphs": self.graphs}, indent=1, sort_keys=True).encode())

    def unchanged(self, name: str, path: Path) -> bool:
        """:returns: whether ``path`` still has the bytes recorded for graph ``name``.

        Size and modification time equal to the recorded ones count as unchanged
        (as git's index does), so a large source is not hashed on every call; any
        difference falls back to comparing SHA-256.
        """
        info = self.graphs.get(name, {})
        stat = path.stat() if path.exists() else None
        if stat is not None and info.get("size") == str(stat.st_size) and info.get("mtime_ns") == str(stat.st_mtime_ns):
            return True
        return info.get("sha256") == file_digest(path)

    def record(self, name: str, source: Source, role: str, also: Iterable[str] = ()) -> None:
        """Note that graph ``name`` (and the graphs in ``also``) now hold the bytes of ``source``, as they were read."""
        self.graphs[name] = {
            "path": str(source.path.resolve()),
            "sha256": source.sha256,
            "role": role,
            "size": str(source.size),
            "mtime_ns": str(source.mtime_ns),
            "also": "\n".join(sorted(also)),
        }

    def held_by(self, name: str) -> list[str]:
        """:returns: graph ``name`` and the further graphs its file named."""
        also = self.graphs.get(name, {}).get("also", "")
        return [name, *(g for g in also.split("\n") if g)]

    def begin(self, graphs: Iterable[str]) -> None:
        """Write the journal: the graphs a change is about to touch (durably, before the store is touched)."""
        with atomic_write(self.directory / JOURNAL) as handle:
            handle.write(json.dumps({"touching": sorted(set(graphs))}, indent=1).encode())

    def commit(self) -> None:
        """Write the manifest, then remove the journal: the change is complete."""
        self.write()
        (self.directory / JOURNAL).unlink(missing_ok=True)

    def interrupted(self) -> list[str] | None:
        """:returns: the graphs of a change that was cut short (None when the last change completed)."""
        path = self.directory / JOURNAL
        if not path.exists():
            return None
        try:
            return [str(g) for g in json.loads(path.read_text(encoding="utf-8"))["touching"]]
        except (ValueError, KeyError, TypeError):  # cut short while the journal itself was written: nothing touched yet
            return []

    def names(self, role: str) -> list[str]:
        """:returns: the graphs recorded under ``role`` (``source``, ``load`` or ``linked``)."""
        return [name for name, info in self.graphs.items() if info.get("role") == role]

    def forget(self, name: str) -> None:
        """Note that graph ``name`` no longer holds a recorded file."""
        self.graphs.pop(name, None)
