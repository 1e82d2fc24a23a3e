"""Reference measurements that are not spinekg commands, each run in a fresh process by ``run.py``.

``python benchmarks/tasks.py pyshacl FILE...`` prints JSON: plain pyshacl over an rdflib graph
parsed from the files (what validation cost before spinekg's own engine; the reference engine).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from timing import Stat


def plain_pyshacl(files: list[Path]) -> dict[str, Any]:
    """:returns: the time of parsing ``files`` with rdflib and validating them with pyshacl and the packaged shapes."""
    import pyshacl
    from rdflib import Graph

    from spinekg import resources

    start = time.perf_counter()
    shapes = Graph()
    for path in resources.shape_files():
        shapes.parse(path, format="turtle")
    data = Graph()
    for path in files:
        data.parse(path, format="turtle")
    conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    return {"time": Stat.of([time.perf_counter() - start]).as_dict(), "conforms": bool(conforms)}


def main() -> None:
    """Parse arguments, run one task, print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["pyshacl"])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    print(json.dumps(plain_pyshacl(args.files)))


if __name__ == "__main__":
    main()
