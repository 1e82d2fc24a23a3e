"""Time 'spinekg reason' on the shipped graph: whole process, and the library call split into its steps.

Run: python benchmarks/reason_time.py [RUNS]. Prints medians in seconds; not a test.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def whole_process(runs: int) -> list[float]:
    """:returns: wall times of 'spinekg reason' as a fresh process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from spinekg.cli import run; run()", "reason"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def steps(runs: int) -> dict[str, list[float]]:
    """:returns: per-step times inside one process (graph load, then reason())."""
    from spinekg.graph import KnowledgeGraph
    from spinekg.reason import reason

    found: dict[str, list[float]] = {"load graph": [], "reason()": []}
    for _ in range(runs):
        start = time.perf_counter()
        kg = KnowledgeGraph.load()
        found["load graph"].append(time.perf_counter() - start)
        found["reason()"].append(reason(kg).seconds)
    return found


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"spinekg reason, whole process: median {statistics.median(whole_process(runs)):.2f} s over {runs} runs")
    for name, times in steps(runs).items():
        print(f"{name}: median {statistics.median(times):.3f} s (min {min(times):.3f})")


if __name__ == "__main__":
    main()
