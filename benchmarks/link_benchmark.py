"""Benchmark ``spinekg link`` on a generated vocabulary of about N triples (default 1,000,000).

The generator writes an OBO-shaped ontology as N-Triples: classes with a label, two
exact synonyms and a subClassOf edge (5 triples each). It prints figures; it asserts
nothing. Usage: python benchmarks/link_benchmark.py [TRIPLES] [--keep DIR]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from spinekg.graph import KnowledgeGraph
from spinekg.link import link_file

OBO = "http://purl.obolibrary.org/obo/BENCH_"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SUB = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
SYN = "<http://www.geneontology.org/formats/oboInOwl#hasExactSynonym>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Class>"


def generate(path: Path, triples: int) -> int:
    """Write about ``triples`` triples; :returns: the number written."""
    classes = triples // 5
    with path.open("w", encoding="utf-8") as out:
        for i in range(classes):
            iri = f"<{OBO}{i:07d}>"
            out.write(f'{iri} {TYPE} .\n{iri} {LABEL} "term {i}" .\n')
            out.write(f'{iri} {SYN} "synonym {i} a" .\n{iri} {SYN} "synonym {i} b" .\n')
            out.write(f"{iri} {SUB} <{OBO}{i // 10:07d}> .\n")
    return classes * 5


def timed(label: str, kg: KnowledgeGraph, path: Path) -> None:
    """Link ``path`` into ``kg`` and print triples, seconds and triples per second."""
    start = time.perf_counter()
    result = link_file(kg, path)
    seconds = time.perf_counter() - start
    print(f"{label}: {result.triples:,} triples in {seconds:.2f} s ({result.triples / seconds:,.0f} triples/s)")


def main() -> None:
    """Generate, link in memory, link on disk, print figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("triples", nargs="?", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-vocabulary.nt"
        start = time.perf_counter()
        written = generate(path, args.triples)
        print(f"generated {written:,} triples ({path.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - start:.2f} s")
        timed("link, in-memory store", KnowledgeGraph(), path)
        timed("link, on-disk store", KnowledgeGraph.open(Path(tmp) / "store", sources=[]), path)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory: {peak:.0f} MiB", file=sys.stdout)


if __name__ == "__main__":
    main()
