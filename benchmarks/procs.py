"""Whole processes, timed side by side: wall time and peak RSS of one command, and of its baseline.

Every goal of the form "spinekg does X within N times raw pyoxigraph" is measured here as two
commands a user could run, alternated in one run, so a busy machine slows both alike.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timing import Stat

#: The raw limit: a fresh Python process that loads the files into an in-memory pyoxigraph store.
RAW_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store()
for path in sys.argv[1:]:
    store.load(path=path, format=ox.RdfFormat.TURTLE)
print(len(store))
"""


@dataclass(frozen=True)
class Run:
    """One finished process: wall seconds, peak resident set (bytes), exit code and output."""

    seconds: float
    peak_rss: int
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


def run(argv: Sequence[str], *, timeout: float = 1800, env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` in its own process group; :returns: its wall time and its own peak RSS (``wait4``).

    On timeout the whole group is killed, so a reasoner's JVM does not outlive the measurement.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, env=env, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if not killed.is_set():
            with contextlib.suppress(ProcessLookupError):  # children left behind (a JVM) go with the group
                os.killpg(proc.pid, signal.SIGKILL)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            usage.ru_maxrss * 1024,
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            killed.is_set(),
        )


def spinekg(*args: str) -> list[str]:
    """:returns: the argv of the installed ``spinekg`` command (the one a user runs)."""
    return [str(Path(sys.executable).parent / "spinekg"), *args]


def raw_load(files: Sequence[Path]) -> list[str]:
    """:returns: the argv of the raw baseline: load ``files`` into an in-memory pyoxigraph store."""
    return [sys.executable, "-c", RAW_LOAD, *map(str, files)]


def figure(runs: list[Run], ok: bool = True) -> dict[str, Any]:
    """:returns: the time stat of ``runs`` plus the largest peak RSS, or an error when one failed."""
    bad = [r for r in runs if r.timed_out or r.returncode != 0 or not ok]
    if bad:
        first = bad[0]
        why = "timed out" if first.timed_out else (first.stderr.strip().splitlines() or [f"exit {first.returncode}"])[-1]
        return {"error": why[-200:], "seconds_before_failing": first.seconds, "peak_rss": first.peak_rss}
    return Stat.of([r.seconds for r in runs]).as_dict() | {"peak_rss": max(r.peak_rss for r in runs)}


def side_by_side(
    command: Sequence[str] | Callable[[], Sequence[str]], baseline: Sequence[str], *, runs: int, timeout: float = 1800, accept: Any = None
) -> dict[str, Any]:
    """Alternate ``baseline`` and ``command`` ``runs`` times each; :returns: both figures and the ratio of medians.

    :param command: an argv, or a function that makes a new one per run (a fresh store folder).
    :param accept: a check of the command's :class:`Run` (default: exit code 0).
    """
    ours: list[Run] = []
    theirs: list[Run] = []
    for _ in range(runs):
        theirs.append(run(baseline, timeout=timeout))
        ours.append(run(command() if callable(command) else command, timeout=timeout))
        if ours[-1].returncode != 0 or ours[-1].timed_out or (accept and not accept(ours[-1])):
            break
    good = all(accept(r) for r in ours) if accept else True
    mine, base = figure(ours, good), figure(theirs)
    out = {"spinekg": mine, "baseline": base}
    if "median" in mine and "median" in base:
        out["ratio"] = mine["median"] / base["median"]
    return out
