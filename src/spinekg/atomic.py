"""Write files atomically: a temporary file in the target folder, then a rename.

A regular target is replaced in one rename, keeping the mode of the file it replaces;
an exception, SIGINT, SIGTERM or SIGHUP (the command line turns them into exceptions)
removes the temporary file. A target that is not a regular file (``/dev/null``,
``/dev/stdout``, a named pipe) is written directly: renaming over a device node would
replace it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_path", "atomic_write"]


@contextlib.contextmanager
def atomic_write(target: Path | str) -> Iterator[BinaryIO]:
    """Open a temporary file next to ``target``; on success it replaces ``target``.

    An exception (or a killed process) leaves ``target`` as it was.

    :raises OSError: when the folder is missing or not writable, the target is a directory, or the disk is full.
    """
    target = Path(target)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(21, "is a directory", str(target))
    if mode is not None and not stat.S_ISREG(mode):
        with target.open("wb") as direct:
            yield direct
        return
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())  # mkstemp makes 0600
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """:yields: the path of a new empty temporary file next to ``target``, for a writer that needs a path (SQLite);
    on success the file is flushed to disk and replaces ``target`` in one rename, else it is removed.

    :raises OSError: when the folder is missing or not writable, or the disk is full.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600
        yield Path(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
