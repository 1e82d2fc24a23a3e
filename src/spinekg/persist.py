"""The manifest of an on-disk store: which source files it holds, by content hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import pyoxigraph as ox

from .atomic import atomic_write
from .errors import SourceFileError

if TYPE_CHECKING:
    from .link import LinkResult
    from .store import KnowledgeGraph

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

    def sync(self, kg: KnowledgeGraph, files: Sequence[Path], role: str = "source") -> list[Path]:
        """Bring the store's ``role`` graphs in line with ``files``.

        Files are parsed inside Oxigraph. A graph being replaced is parsed once
        beforehand, so a bad file leaves the old copy in place.

        :returns: the files that were (re)loaded.
        """
        from .store import check_file, graph_name, load_file

        wanted = {graph_name(p).value: p for p in files}
        changed = {name: p for name, p in wanted.items() if not self.unchanged(name, p)}
        stale = [name for name, info in self.graphs.items() if info.get("role") == role and name not in wanted]
        for name, path in changed.items():
            if kg.store.contains_named_graph(ox.NamedNode(name)):
                check_file(path)
        for name in stale + list(changed):
            if kg.store.contains_named_graph(ox.NamedNode(name)):
                kg.store.remove_graph(ox.NamedNode(name))
            self.graphs.pop(name, None)
        for name, path in changed.items():
            load_file(kg.store, path, ox.NamedNode(name))
            self.record(name, path, role)
        if changed or stale:
            kg.store.flush()
            self.write()
        return list(changed.values())

    def link(self, kg: KnowledgeGraph, files: Sequence[Path], progress: TextIO | None) -> list[LinkResult]:
        """Link external vocabularies into the store (role ``linked``); a file whose bytes are unchanged is not re-read.

        :returns: one result per file.
        """
        from .link import LinkResult, count_triples, link_file
        from .store import linked_graph_name

        results = []
        for path in files:
            name, digest = linked_graph_name(path), file_digest(path)
            if self.graphs.get(name.value, {}).get("sha256") == digest and kg.store.contains_named_graph(name):
                results.append(LinkResult(path, name.value, count_triples(kg, name)))
                continue
            results.append(link_file(kg, path, progress))
            self.record(name.value, path.resolve(), "linked")
            kg.store.flush()
            self.write()
        return results
