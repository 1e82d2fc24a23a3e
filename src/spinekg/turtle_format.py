"""Keep Turtle files in one canonical serialisation, so diffs show real changes.

Canonical form: blank nodes relabelled by ``rdflib.compare.to_canonical_graph``
(stable across input order), then rdflib's ``longturtle`` serialiser (sorted,
one statement per line), with the file's own prefixes. Run
``python -m spinekg.turtle_format --write FILE...`` after editing a file by hand;
a test checks every shipped file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["canonical_turtle", "main"]


def canonical_turtle(path: Path) -> str:
    """:returns: the canonical Turtle text of the graph in ``path``."""
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    source = Graph().parse(path, format="turtle")
    out = Graph(bind_namespaces="none")
    for prefix, namespace in source.namespaces():
        out.bind(prefix, namespace)
    for triple in to_canonical_graph(source):
        out.add(triple)
    return out.serialize(format="longturtle")


def main(argv: Sequence[str] | None = None) -> int:
    """Check (default) or rewrite files; exit 1 when a checked file is not canonical."""
    parser = argparse.ArgumentParser(prog="python -m spinekg.turtle_format", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--write", action="store_true", help="rewrite the files in canonical form")
    args = parser.parse_args(argv)
    stale = []
    for path in args.files:
        text = canonical_turtle(path)
        if path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if args.write:
                path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'rewrote' if args.write else 'not canonical'}: {path}", file=sys.stderr)
    return 1 if stale and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
