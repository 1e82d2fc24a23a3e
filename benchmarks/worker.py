"""Measure one engine on one generated file, in a fresh process; print the figures as JSON.

Run by ``run.py``; by hand: ``python benchmarks/worker.py spinekg FILE [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from engines import ENGINES
from timing import Stat, repeat, rss_bytes

from spinekg.synthetic import Plan, nerve_iri, nerve_label

#: Seconds after which one query call is abandoned (rdflib's evaluation of ``partOf*`` with the
#: nerve bound through initBindings enumerates every node pair: 31 s at 10k triples).
QUERY_LIMIT = 60.0


def measure_load(engine: Any, files: list[Path]) -> dict[str, Any]:
    """:returns: load time, triples and RSS growth of one load."""
    gc.collect()
    before = rss_bytes()
    start = time.perf_counter()
    triples = engine.load(files)
    seconds = time.perf_counter() - start
    gc.collect()
    return {"load": Stat.of([seconds]).as_dict(), "triples": triples, "rss_growth": rss_bytes() - before}


def measure_queries(engine: Any, nerves: int, quick: bool) -> dict[str, Any]:
    """:returns: the prepared query (rotating over nerves) and the analytic query."""
    picks = [(nerve_iri(n), nerve_label(n)) for n in range(0, nerves, max(1, nerves // 20))]
    state = {"i": 0}

    def one() -> None:
        iri, label = picks[state["i"] % len(picks)]
        state["i"] += 1
        assert engine.prepared(iri, label) > 0

    out = {"prepared": repeat(one, runs=50 if quick else 300, budget=20, warmup=3, limit=QUERY_LIMIT).as_dict()}
    out["analytic"] = repeat(engine.analytic, runs=3 if quick else 7, budget=30, warmup=1, limit=QUERY_LIMIT).as_dict()
    return out


def measure_exports(engine: Any, quick: bool) -> dict[str, Any]:
    """:returns: Turtle, N-Triples and JSON-LD export times (to a file) and sizes."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("turtle", "ntriples", "jsonld"):
            target = Path(tmp) / f"out.{fmt}"

            def write(fmt: str = fmt, target: Path = target) -> None:
                with target.open("wb") as handle:
                    getattr(engine, fmt)(handle)

            out[fmt] = repeat(write, runs=2 if quick else 5, budget=40).as_dict()
            out[f"{fmt}_bytes"] = target.stat().st_size
    return out


def warm_imports(name: str) -> None:
    """Import what the engine needs before the RSS baseline, so imports are not counted as data."""
    import spinekg.queries  # noqa: F401

    if name == "rdflib":
        import rdflib  # noqa: F401


def main() -> None:
    """Parse arguments, run every measurement, print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("engine", choices=sorted(ENGINES))
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--size", type=int, required=True, help="the size the data was generated for")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--load-only", action="store_true")
    args = parser.parse_args()
    warm_imports(args.engine)
    engine = ENGINES[args.engine]()
    result = measure_load(engine, args.files)
    if not args.load_only:
        engine.prepare()
        result |= measure_queries(engine, Plan(args.size).nerves, args.quick)
        result |= measure_exports(engine, args.quick)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
