"""Benchmark spinekg against raw pyoxigraph and plain rdflib, side by side, and write docs/benchmarks.md.

Usage::

    python benchmarks/run.py --sizes 10k,100k,1M,10M [--quick] [--json figures.json]

Each engine runs in a fresh process per size (so RSS growth is its own). Every goal that
compares spinekg with a limit is measured as two commands alternated in one run
(:mod:`procs`): ``spinekg validate`` / ``reason`` / the first ``--store`` build against a
fresh process loading the same files into raw pyoxigraph, the cold packaged query against
``python -c pass``. ``push`` is measured against a real ``oxigraph serve`` on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))  # sparql_servers: the tests' own way of starting a server

import procs  # noqa: E402
import report  # noqa: E402

from spinekg import synthetic  # noqa: E402

ONTOLOGY = ROOT / "ontology" / "spinekg.ttl"
ENGINES = ("pyoxigraph", "spinekg", "rdflib")


def parse_size(text: str) -> int:
    """:returns: ``10k`` -> 10000, ``1M`` -> 1000000."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * scale)


def run_json(args: list[str], timeout: float) -> dict[str, Any]:
    """Run a measuring Python script in a fresh process; :returns: its JSON output (or an ``error``)."""
    done = procs.run([sys.executable, *args], timeout=timeout)
    if done.timed_out:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]), peak_rss=done.peak_rss)


def engine_figures(engine: str, files: list[Path], size: int, quick: bool) -> dict[str, Any]:
    """:returns: one engine's figures; small sizes repeat the load in more fresh processes."""
    from timing import Stat

    base = [str(HERE / "worker.py"), engine, *map(str, files), "--size", str(size)] + (["--quick"] if quick else [])
    figures = run_json(base, timeout=3600)
    extra_loads = 0 if quick or size > 200_000 else 2
    loads = [figures] + [run_json([*base, "--load-only"], timeout=1200) for _ in range(extra_loads)]
    good = [f for f in loads if "load" in f]
    if good:
        figures["load"] = Stat.of([f["load"]["median"] for f in good]).as_dict()
        figures["rss_growth"] = sorted(f["rss_growth"] for f in good)[len(good) // 2]
    return figures


def repetitions(size: int, quick: bool) -> int:
    """:returns: how many side-by-side pairs a size affords."""
    return 1 if quick or size >= 1_000_000 else 3


def has_rows(done: procs.Run) -> bool:
    """:returns: whether a ``spinekg query`` printed at least one row (an empty answer is a failed run)."""
    return "(0 rows)" not in done.stdout and bool(done.stdout.strip())


def query_args(nerve: str, data: Path | None) -> list[str]:
    """:returns: the prepared query the CLI rows run, with ``--load`` for generated data."""
    return ["query", "muscles-by-nerve", "-p", f"nerve={nerve}"] + (["--load", str(data)] if data else [])


def store_figures(work: Path, files: list[Path], data: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """:returns: first ``--store`` builds against raw loads, cold queries on the built store, and ``push`` from it."""
    query = query_args(synthetic.nerve_label(3), data)
    stores: list[Path] = []

    def fresh() -> list[str]:
        stores.append(Path(tempfile.mkdtemp(dir=work, prefix="store-")) / "store")
        return procs.spinekg(*query, "--store", str(stores[-1]))

    out: dict[str, Any] = {}
    try:
        out["build"] = procs.side_by_side(fresh, procs.raw_load(files), runs=repetitions(size, args.quick), timeout=3600, accept=has_rows)
        if "error" in out["build"]["spinekg"]:
            return out
        store = stores[-1]
        runs = 3 if args.quick else 7
        out["query"] = procs.figure([procs.run(procs.spinekg(*query, "--store", str(store))) for _ in range(runs)])
        if size <= args.memory_cli_max:
            out["memory_query"] = procs.figure([procs.run(procs.spinekg(*query)) for _ in range(3 if size >= 1_000_000 else runs)])
        if size <= args.push_max:
            out["push"] = push_figures(work, store, data)
            if size <= args.push_update_max:
                out["push_update"] = push_figures(work, store, data, update=True)
    finally:
        for path in stores:
            shutil.rmtree(path.parent, ignore_errors=True)
    return out


@contextlib.contextmanager
def oxigraph_endpoint(work: Path) -> Iterator[Any]:
    """:yields: the endpoints of a fresh ``oxigraph serve`` on 127.0.0.1 (the tests' own launcher)."""
    from sparql_servers import oxigraph_server

    folder = Path(tempfile.mkdtemp(dir=work, prefix="oxigraph-"))
    try:
        with oxigraph_server(folder) as endpoints:
            yield endpoints
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def push_figures(work: Path, store: Path, data: Path, *, update: bool = False) -> dict[str, Any]:
    """:returns: wall time and peak RSS of ``spinekg push`` from the on-disk store to a local Oxigraph server.

    :param update: push with SPARQL Update chunks (the fallback) instead of a Graph Store PUT.
    """
    with oxigraph_endpoint(work) as ep:
        push = ["push", "--endpoint", ep.query, "--update-endpoint", ep.update, "--timeout", "900"]
        push += ["--load", str(data), "--store", str(store)] + ([] if update else ["--store-endpoint", ep.store])
        done = procs.run(procs.spinekg(*push), timeout=3600)
        out = procs.figure([done])
        if "error" not in out:
            out["stdout"] = done.stdout.strip().splitlines()[-1:]
    return out


def size_figures(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """:returns: every figure for one size."""
    data = synthetic.cached(size, args.work)
    files = [ONTOLOGY, data]
    out: dict[str, Any] = {"size": size, "file_bytes": data.stat().st_size}
    for engine in ENGINES:
        if engine == "rdflib" and size > args.rdflib_max:
            continue
        print(f"  {size}: {engine}", file=sys.stderr, flush=True)
        out[engine] = engine_figures(engine, files, size, args.quick)
    raw = procs.raw_load(files)
    runs = repetitions(size, args.quick)
    if size <= args.validate_max:
        print(f"  {size}: validate", file=sys.stderr, flush=True)
        out["validate"] = procs.side_by_side(procs.spinekg("validate", str(data)), raw, runs=runs, timeout=args.task_timeout)
        if size <= args.reference_max:
            out["validate_pyshacl"] = run_json([str(HERE / "tasks.py"), "pyshacl", *map(str, files)], args.task_timeout)
    if size <= args.reason_max and shutil.which("java"):
        print(f"  {size}: reason", file=sys.stderr, flush=True)
        out["reason"] = procs.side_by_side(procs.spinekg("reason", "--load", str(data)), raw, runs=runs, timeout=args.task_timeout)
        if size <= args.reference_max:
            out["reason_hermit"] = procs.figure(
                [procs.run(procs.spinekg("reason", *args.hermit, "--load", str(data)), timeout=args.task_timeout)]
            )
    print(f"  {size}: store, cold CLI, push", file=sys.stderr, flush=True)
    out["store"] = store_figures(args.work, files, data, size, args)
    return out


def packaged_figures(work: Path, quick: bool) -> dict[str, Any]:
    """:returns: cold CLI queries on the packaged graph, each alternated with ``python -c pass``."""
    runs = 5 if quick else 15
    python = [sys.executable, "-c", "pass"]
    out = {
        "symptoms": procs.side_by_side(procs.spinekg("query", "symptoms"), python, runs=runs, accept=has_rows),
        "muscles": procs.side_by_side(procs.spinekg(*query_args("lumbar plexus", None)), python, runs=runs, accept=has_rows),
    }
    store = Path(tempfile.mkdtemp(dir=work, prefix="store-")) / "store"
    try:
        procs.run(procs.spinekg(*query_args("lumbar plexus", None), "--store", str(store)))
        out["store"] = procs.side_by_side(
            procs.spinekg(*query_args("lumbar plexus", None), "--store", str(store)), python, runs=runs, accept=has_rows
        )
    finally:
        shutil.rmtree(store.parent, ignore_errors=True)
    return out


def prepare(work: Path) -> None:
    """Make the commands start as from an installed wheel: bytecode compiled, the packaged graph's cache built.

    The cache goes to a folder of the benchmark's own (``SPINEKG_CACHE_DIR``), which every command inherits.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "src"), quiet=1)
    os.environ["SPINEKG_CACHE_DIR"] = str(work / "cache")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    procs.run(procs.spinekg("query", "symptoms"))


def revision() -> str:
    """:returns: the git commit measured, marked when the tree has uncommitted changes."""

    def git(*argv: str) -> str:
        return subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + (
        " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    )


def main() -> None:
    """Run the benchmark and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M,10M", help="comma-separated triple counts, e.g. 10k,100k,1M,10M")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (figures are rougher)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "spinekg-bench", help="generated data cache")
    parser.add_argument("--validate-max", type=parse_size, default=1_000_000, help="largest size to validate")
    parser.add_argument("--reason-max", type=parse_size, default=1_000_000, help="largest size to reason over")
    parser.add_argument(
        "--reference-max", type=parse_size, default=100_000, help="largest size for plain pyshacl and HermiT-only references"
    )
    parser.add_argument("--rdflib-max", type=parse_size, default=1_000_000, help="largest size for the rdflib contender")
    parser.add_argument("--memory-cli-max", type=parse_size, default=1_000_000, help="largest size for the in-memory cold CLI")
    parser.add_argument("--push-max", type=parse_size, default=1_000_000, help="largest size to push")
    parser.add_argument("--push-update-max", type=parse_size, default=1_000_000, help="largest size to push with SPARQL Update")
    parser.add_argument("--task-timeout", type=float, default=1800, help="seconds before one validate/reason run is abandoned")
    parser.add_argument(
        "--hermit", nargs="*", default=["--reasoner", "hermit"], help="arguments of `spinekg reason` for the HermiT-only reference"
    )
    parser.add_argument("--render", type=Path, metavar="JSON", help="only re-render the report from figures saved with --json")
    args = parser.parse_args()
    if args.render:
        args.out.write_text(report.render(json.loads(args.render.read_text())), encoding="utf-8")
        return
    args.work.mkdir(parents=True, exist_ok=True)
    prepare(args.work)
    started = time.perf_counter()
    print("packaged graph: cold CLI", file=sys.stderr, flush=True)
    figures: dict[str, Any] = {"revision": revision(), "packaged_cli": packaged_figures(args.work, args.quick), "sizes": []}
    for size in map(parse_size, args.sizes.split(",")):
        figures["sizes"].append(size_figures(size, args))
        if args.json:  # a long run keeps what it has measured so far
            args.json.write_text(json.dumps(figures, indent=1))
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
