"""Timing helpers: repeat a call within a time budget and summarise it."""

from __future__ import annotations

import gc
import os
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

    @classmethod
    def of(cls, values: list[float]) -> Stat:
        """:returns: the summary of ``values``."""
        return cls(statistics.median(values), min(values), max(values), len(values))

    def as_dict(self) -> dict[str, Any]:
        """:returns: JSON-ready fields."""
        return asdict(self)


def repeat(call: Callable[[], object], *, runs: int, budget: float, warmup: int = 0) -> Stat:
    """Time ``call`` up to ``runs`` times, stopping early once ``budget`` seconds are spent (at least once).

    :param warmup: untimed calls first (caches, lazy indexes).
    """
    for _ in range(warmup):
        call()
    times: list[float] = []
    spent = 0.0
    while len(times) < runs and (not times or spent < budget):
        gc.collect()
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
        spent += times[-1]
    return Stat.of(times)


def rss_bytes() -> int:
    """:returns: this process's resident set size now (Linux ``/proc/self/statm``)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
