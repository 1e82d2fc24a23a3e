"""The manifest of an on-disk store: which data folder is published, which file each named graph holds
(by content hash), the label index that belongs to the data, and the journal.

Plain data in ``spinekg-manifest.json`` in the store folder; it knows nothing of
loading (that is :mod:`spinekg.ondisk` and :mod:`spinekg.link`). ``data`` names the
folder (``data-<hex>``) holding the Oxigraph data; a change builds a new folder and
publishes it by writing the manifest, in one rename. ``labels`` names the label index
built for that data (:mod:`spinekg.labelstore`); a change made in place drops it first.

A change made in place (linking a vocabulary) still uses the journal: before it touches
the data, :meth:`Manifest.begin` writes the graphs it will touch to
``spinekg-journal.json``; :meth:`Manifest.commit` writes the new manifest and then
removes the journal. A journal found on opening means such a change was cut short: its
graphs may be half written, and are dropped and loaded again.

A manifest without ``format`` was written by an earlier spinekg, which kept the data in
the store folder itself (``legacy``); the next change moves it into a data folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .atomic import atomic_write
from .errors import SourceFileError, StoreError

if TYPE_CHECKING:
    from .readers import Source

__all__ = ["DATA_NAME", "FORMAT", "JOURNAL", "LABELS_NAME", "MANIFEST", "Manifest", "file_digest"]

MANIFEST = "spinekg-manifest.json"
JOURNAL = "spinekg-journal.json"
#: The layout this spinekg writes: 2 = the data in a published data folder.
FORMAT = 2
#: Names spinekg gives a data folder and a label index (nothing else is ever opened or deleted by pattern).
DATA_NAME = re.compile(r"data-[0-9a-f]{16}")
LABELS_NAME = re.compile(r"labels-[0-9a-f]{16}\.sqlite")
LABEL_KEYS = frozenset({"file", "sha256", "size", "mtime_ns", "stamp", "data"})


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
    """Graph name -> {path, sha256, role, size, mtime_ns, also} for every file loaded into a store folder,
    plus the published data folder (``data``) and its label index (``labels``).

    ``also`` lists, one per line, the further graphs an N-Quads or TriG file named.
    """

    directory: Path
    graphs: dict[str, dict[str, str]] = field(default_factory=dict)
    data: str | None = None
    labels: dict[str, str] | None = None
    legacy: bool = False

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        """:returns: the manifest of ``directory`` (empty when there is none yet).
        :raises StoreError: when it cannot be read, or is not a manifest this spinekg wrote."""
        path = directory / MANIFEST
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(directory)
        except (OSError, UnicodeDecodeError) as err:
            raise StoreError(f"{path}: cannot read the store manifest ({err}); delete the store folder to rebuild it") from None
        try:
            return cls._parse(directory, json.loads(text))
        except (ValueError, KeyError, TypeError) as err:
            raise StoreError(f"{path}: corrupt store manifest ({err}); delete the store folder to rebuild it") from None

    @classmethod
    def _parse(cls, directory: Path, raw: Any) -> Manifest:
        """:raises ValueError: for anything but the shape :meth:`write` gives."""
        if not isinstance(raw, dict) or not isinstance(raw.get("graphs"), dict):
            raise ValueError("no graphs")
        graphs = raw["graphs"]
        if not all(isinstance(k, str) and _strings(v) for k, v in graphs.items()):
            raise ValueError("a graph entry is not a table of strings")
        legacy = "format" not in raw
        if not legacy and raw["format"] != FORMAT:
            raise ValueError(f"format {raw['format']!r}; this spinekg reads format {FORMAT}")
        data, labels = raw.get("data"), raw.get("labels")
        if data is not None and not (isinstance(data, str) and DATA_NAME.fullmatch(data)):
            raise ValueError(f"data folder {data!r}")
        if labels is not None and not (_strings(labels) and set(labels) == LABEL_KEYS and LABELS_NAME.fullmatch(labels["file"])):
            raise ValueError("label index entry")
        return cls(directory, graphs, None if legacy else data, None if legacy else labels, legacy)

    def write(self) -> None:
        """Save the manifest atomically (this publishes ``data`` and ``labels``); a legacy manifest stays in the
        earlier layout until a change has moved the data into a data folder (and cleared ``legacy``)."""
        body: dict[str, Any] = {"graphs": self.graphs}
        if not self.legacy:
            body |= {"format": FORMAT, "data": self.data, "labels": self.labels}
        with atomic_write(self.directory / MANIFEST) as handle:
            handle.write(json.dumps(body, indent=1, sort_keys=True).encode())

    @property
    def data_dir(self) -> Path | None:
        """The folder holding the published data: the data folder, the store folder itself for a legacy
        store that has data, or None for a store without data yet."""
        if self.data is not None:
            return self.directory / self.data
        if self.legacy and (self.directory / "CURRENT").exists():
            return self.directory
        return None

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

    def size(self, name: str) -> int:
        """:returns: the size in bytes of the file recorded for graph ``name`` (0 when unknown)."""
        value = self.graphs.get(name, {}).get("size", "0")
        return int(value) if value.isdigit() else 0

    def begin(self, graphs: Iterable[str]) -> None:
        """Start a change in place: drop the label index from the manifest (it no longer matches the data),
        then write the journal, the graphs the change is about to touch (durably, before the data is touched)."""
        if self.labels is not None:
            self.labels = None
            self.write()
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


def _strings(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
