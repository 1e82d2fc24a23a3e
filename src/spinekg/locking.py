"""Bounded waits for an on-disk store's lock file: shared for readers, exclusive for writers.

Oxigraph's RocksDB store may be open read-write in one process only, and a read-only
open beside a writer is undefined behaviour. So every process takes an advisory
``flock`` on ``spinekg.lock`` in the store folder first: any number of readers hold it
shared, a writer holds it alone. A process that cannot get it within the wait gets a
:class:`~spinekg.errors.StoreError` that says so, never a RocksDB ``LOCK`` traceback.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from .errors import StoreError

__all__ = ["DEFAULT_WAIT", "FileLock", "wait_seconds"]

#: How long a process waits for the store by default; ``SPINEKG_STORE_WAIT`` overrides it.
DEFAULT_WAIT = 60.0
POLL = 0.02


def wait_seconds() -> float:
    """:returns: the wait from ``$SPINEKG_STORE_WAIT`` (seconds), else :data:`DEFAULT_WAIT`."""
    value = os.environ.get("SPINEKG_STORE_WAIT")
    try:
        return float(value) if value else DEFAULT_WAIT
    except ValueError:
        raise StoreError(f"SPINEKG_STORE_WAIT must be a number of seconds, got {value!r}") from None


class FileLock:
    """An advisory lock on one file, taken shared or exclusive, with a bounded wait."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.exclusive = False

    def acquire(self, *, exclusive: bool, wait: float | None = None) -> None:
        """Take the lock (releasing any mode held before).

        :raises StoreError: when another process holds it past ``wait`` seconds, or the file cannot be opened.
        """
        self.release()
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            try:  # a store on a read-only file system or folder can still be read: flock works on a read-only file
                fd = os.open(self.path, os.O_RDONLY)
            except OSError as err:
                raise StoreError(f"{self.path}: cannot open the store's lock file: {err.strerror or err}") from None
        mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        limit = wait_seconds() if wait is None else wait
        deadline = time.monotonic() + limit
        while True:
            try:
                fcntl.flock(fd, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    what = "writing" if exclusive else "reading"
                    raise StoreError(
                        f"{self.path.parent}: the store is busy (another spinekg process is using it); gave up {what} "
                        f"after {limit:g} s (SPINEKG_STORE_WAIT sets the wait)"
                    ) from None
                time.sleep(POLL)
        self._fd, self.exclusive = fd, exclusive

    def release(self) -> None:
        """Let the lock go (closing the file releases it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd, self.exclusive = None, False

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None
