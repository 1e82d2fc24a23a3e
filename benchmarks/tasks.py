"""Measurements that are not per-engine: SHACL validation and OWL reasoning, each in a fresh process.

``python benchmarks/tasks.py validate FILE...`` or ``reason FILE...`` prints JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from timing import Stat, repeat


def validate(files: list[Path], quick: bool) -> dict[str, Any]:
    """:returns: spinekg's validate() (SHACL + checks) and plain pyshacl over an rdflib graph parsed from the files."""
    import pyshacl
    from rdflib import Graph

    from spinekg import KnowledgeGraph, resources
    from spinekg.validate import validate as spinekg_validate

    kg = KnowledgeGraph.load(files)
    report = spinekg_validate(kg)
    assert report.conforms, report.violations[:3]
    shapes = Graph()
    for path in resources.shape_files():
        shapes.parse(path, format="turtle")

    def plain() -> None:
        data = Graph()
        for path in files:
            data.parse(path, format="turtle")
        pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)

    runs = 1 if quick else 3
    return {
        "spinekg": repeat(lambda: spinekg_validate(kg), runs=runs, budget=60).as_dict(),
        "rdflib": repeat(plain, runs=runs, budget=60).as_dict(),
    }


def _owlready_direct(files: list[Path]) -> None:
    """Reason without spinekg.reason: export N-Triples, load into owlready2, run HermiT."""
    import owlready2

    from spinekg import KnowledgeGraph
    from spinekg.export import ExportFormat, export

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.nt"
        export(KnowledgeGraph.load(files), ExportFormat.NTRIPLES, path)
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)


def reason(files: list[Path]) -> dict[str, Any]:
    """:returns: the time of one HermiT run, through ``spinekg.reason`` when this tree has it."""
    if shutil.which("java") is None:
        return {"skipped": "no java"}
    try:
        from spinekg import reason as spinekg_reason
    except ImportError:
        spinekg_reason = None  # type: ignore[assignment]
    start = time.perf_counter()
    if spinekg_reason is not None:
        from spinekg import KnowledgeGraph

        spinekg_reason.reason(KnowledgeGraph.load(files))
        via = "spinekg.reason"
    else:
        _owlready_direct(files)
        via = "owlready2 directly (spinekg.reason not in this tree)"
    return {"time": Stat.of([time.perf_counter() - start]).as_dict(), "via": via}


def main() -> None:
    """Parse arguments, run one task, print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["validate", "reason"])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    result = validate(args.files, args.quick) if args.task == "validate" else reason(args.files)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
