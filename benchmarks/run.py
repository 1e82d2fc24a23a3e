"""Benchmark spinekg against plain rdflib and raw pyoxigraph, side by side, and write docs/benchmarks.md.

Usage::

    python benchmarks/run.py --sizes 10k,100k,1M [--quick] [--out docs/benchmarks.md]

Each engine runs in a fresh process per size (so RSS growth is its own);
validation and reasoning run on the small sizes only (see ``--validate-max``,
``--reason-max``); the cold CLI is timed as a subprocess from start to printed
answer, with and without the on-disk store.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import report  # noqa: E402
from timing import Stat  # noqa: E402

from spinekg import synthetic as generate  # noqa: E402

ROOT = HERE.parent
ONTOLOGY = ROOT / "ontology" / "spinekg.ttl"
ENGINES = ("pyoxigraph", "spinekg", "rdflib")


def parse_size(text: str) -> int:
    """:returns: ``10k`` -> 10000, ``1M`` -> 1000000."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * scale)


def run_json(args: list[str], timeout: float) -> dict[str, Any]:
    """Run a measuring subprocess in its own process group; :returns: its JSON output (or an ``error``).

    On timeout the whole group is killed, so a reasoner's JVM does not keep running
    (and skew the next measurements).
    """
    with subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"error": stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {proc.returncode}"}
    return json.loads(stdout.strip().splitlines()[-1])


def engine_figures(engine: str, files: list[Path], size: int, quick: bool) -> dict[str, Any]:
    """:returns: one engine's figures; small sizes repeat the load in more fresh processes."""
    base = [str(HERE / "worker.py"), engine, *map(str, files), "--size", str(size)] + (["--quick"] if quick else [])
    figures = run_json(base, timeout=1800)
    extra_loads = 0 if quick or size > 200_000 else 2
    loads = [figures] + [run_json([*base, "--load-only"], timeout=600) for _ in range(extra_loads)]
    good = [f for f in loads if "load" in f]
    if good:
        figures["load"] = Stat.of([f["load"]["median"] for f in good]).as_dict()
        figures["rss_growth"] = sorted(f["rss_growth"] for f in good)[len(good) // 2]
    return figures


def cli_times(args: list[str], runs: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Time a cold ``spinekg`` process from start to printed answer; :returns: the stat (or an error)."""
    exe = Path(sys.executable).parent / "spinekg"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([str(exe), *args], capture_output=True, text=True, check=False, env=env)
        times.append(time.perf_counter() - start)
        if done.returncode != 0 or "(0 rows)" in done.stdout:
            return {"error": done.stderr.strip()[-300:] or "no rows"}
    return Stat.of(times).as_dict()


def cli_figures(work: Path, data: Path | None, nerve: str, quick: bool) -> dict[str, Any]:
    """:returns: cold CLI query times in memory and with ``--store`` (after one call that builds the store)."""
    query = ["query", "muscles-by-nerve", "-p", f"nerve={nerve}"] + (["--load", str(data)] if data else [])
    runs = 3 if quick or (data is not None and data.stat().st_size > 20_000_000) else 7
    store = Path(tempfile.mkdtemp(dir=work, prefix="store-"))
    out: dict[str, Any] = {"memory": cli_times(query, runs)}
    start = time.perf_counter()
    out["store_build"] = cli_times([*query, "--store", str(store)], 1)
    out["store_build"]["wall"] = time.perf_counter() - start
    out["store"] = cli_times([*query, "--store", str(store)], 7)
    shutil.rmtree(store, ignore_errors=True)
    return out


def size_figures(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """:returns: every figure for one size."""
    data = generate.cached(size, args.work)
    files = [ONTOLOGY, data]
    out: dict[str, Any] = {"size": size, "file_bytes": data.stat().st_size}
    for engine in ENGINES:
        print(f"  {size}: {engine}", file=sys.stderr, flush=True)
        out[engine] = engine_figures(engine, files, size, args.quick)
    if size <= args.validate_max:
        print(f"  {size}: validation", file=sys.stderr, flush=True)
        out["validate"] = run_json([str(HERE / "tasks.py"), "validate", *map(str, files)] + (["--quick"] if args.quick else []), 1800)
    if size <= args.reason_max:
        print(f"  {size}: reasoning", file=sys.stderr, flush=True)
        out["reason"] = run_json([str(HERE / "tasks.py"), "reason", *map(str, files)], args.reason_timeout)
    print(f"  {size}: cold CLI", file=sys.stderr, flush=True)
    out["cli"] = cli_figures(args.work, data, generate.nerve_label(3), args.quick)
    return out


def main() -> None:
    """Run the benchmark and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated triple counts, e.g. 10k,100k,1M,5M")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (figures are rougher)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "spinekg-bench", help="generated data cache")
    parser.add_argument("--validate-max", type=parse_size, default=100_000, help="largest size to validate")
    parser.add_argument("--reason-max", type=parse_size, default=100_000, help="largest size to reason over")
    parser.add_argument("--reason-timeout", type=float, default=600)
    parser.add_argument("--render", type=Path, metavar="JSON", help="only re-render the report from figures saved with --json")
    args = parser.parse_args()
    if args.render:
        args.out.write_text(report.render(json.loads(args.render.read_text())), encoding="utf-8")
        return
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print("packaged graph: cold CLI", file=sys.stderr, flush=True)
    figures: dict[str, Any] = {"packaged_cli": cli_figures(args.work, None, "lumbar plexus", args.quick), "sizes": []}
    for size in map(parse_size, args.sizes.split(",")):
        figures["sizes"].append(size_figures(size, args))
    figures["total_seconds"] = time.perf_counter() - started
    figures["command"] = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report.render(figures), encoding="utf-8")
    print(f"wrote {args.out} in {figures['total_seconds']:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
