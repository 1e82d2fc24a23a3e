"""The manifest of an on-disk store: which file each named graph holds, by content hash.

Plain data in ``spinekg-manifest.json`` beside the store; it knows nothing of
loading (that is :mod:`spinekg.graph` and :mod:`spinekg.link`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import atomic_write
from .errors import SourceFileError

__all__ = ["MANIFEST", "Manifest", "file_digest"]

MANIFEST = "spinekg-manifest.json"


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
    """Graph name -> {path, sha256, role} for every file loaded into a store folder."""

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

    def record(self, name: str, path: Path, role: str) -> None:
        """Note that graph ``name`` now holds ``path``."""
        stat = path.stat()
        self.graphs[name] = {
            "path": str(path),
            "sha256": file_digest(path),
            "role": role,
            "size": str(stat.st_size),
            "mtime_ns": str(stat.st_mtime_ns),
        }

    def names(self, role: str) -> list[str]:
        """:returns: the graphs recorded under ``role`` (``source``, ``load`` or ``linked``)."""
        return [name for name, info in self.graphs.items() if info.get("role") == role]

    def forget(self, name: str) -> None:
        """Note that graph ``name`` no longer holds a recorded file."""
        self.graphs.pop(name, None)
