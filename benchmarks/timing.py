"""Timing helpers: repeat a call within a time budget and summarise it."""

from __future__ import annotations

import gc
import os
import signal
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Stat:
    """Median, min and max of repeated measurements (seconds or any unit), and how many."""

    median: float
    low: float
    high: float
    runs: int
    timed_out: bool = False

    @classmethod
    def of(cls, values: list[float], timed_out: bool = False) -> Stat:
        """:returns: the summary of ``values``."""
        return cls(statistics.median(values), min(values), max(values), len(values), timed_out)

    def as_dict(self) -> dict[str, Any]:
        """:returns: JSON-ready fields."""
        return asdict(self)


class TimeLimit(Exception):
    """A single call ran past its time limit."""


def _alarm(signum: int, frame: object) -> None:
    raise TimeLimit


def repeat(call: Callable[[], object], *, runs: int, budget: float, warmup: int = 0, limit: float | None = None) -> Stat:
    """Time ``call`` up to ``runs`` times, stopping early once ``budget`` seconds are spent (at least once).

    :param warmup: untimed calls first (caches, lazy indexes).
    :param limit: give up on a call after this many seconds (pure-Python code only); the result is marked ``timed_out``.
    """
    signal.signal(signal.SIGALRM, _alarm)
    times: list[float] = []
    spent = 0.0
    try:
        for _ in range(warmup):
            _timed(call, limit)
        while len(times) < runs and (not times or spent < budget):
            times.append(_timed(call, limit))
            spent += times[-1]
    except TimeLimit:
        return Stat.of([float(limit or 0)], timed_out=True)
    return Stat.of(times)


def _timed(call: Callable[[], object], limit: float | None) -> float:
    gc.collect()
    signal.setitimer(signal.ITIMER_REAL, limit or 0)
    start = time.perf_counter()
    try:
        call()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start


def rss_bytes() -> int:
    """:returns: this process's resident set size now (Linux ``/proc/self/statm``)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
