"""The documentation's tables are the graph's answers: docs/anatomy.md's nerve tree is rebuilt from the data."""

from __future__ import annotations

from pathlib import Path

from spinekg import KnowledgeGraph

DOCS = Path(__file__).parent.parent / "docs"
LEVELS = ("T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2")
HEADER = "| level | ramus | branch or named nerve | muscle | source (hedge) |"


def nerve_tree(kg: KnowledgeGraph) -> list[str]:
    """:returns: the nerve tree table's rows, from muscles-by-nerve at every level T12-S2."""
    cells: dict[tuple[str, str, str, str], set[str]] = {}
    for level in LEVELS:
        for row in kg.query("muscles-by-nerve", nerve=level).as_dicts():
            steps = row["path"].split(" -> ")
            ramus = steps[1] if len(steps) > 2 else "—"
            between = " -> ".join(steps[2:-1]) or "—"
            source = row["sourceLabel"].split(":")[0] + (f" ({row['hedge']})" if row.get("hedge") else "")
            cells.setdefault((level, ramus, between, row["muscleLabel"]), set()).add(source)
    return [f"| {' | '.join(key)} | {'; '.join(sorted(sources))} |" for key, sources in cells.items()]


def test_anatomy_doc_nerve_tree_is_the_graphs(kg) -> None:
    lines = (DOCS / "anatomy.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADER) + 2
    table = lines[start : start + next(i for i, line in enumerate(lines[start:]) if not line.startswith("|"))]
    assert table == nerve_tree(kg), "docs/anatomy.md is out of date: rebuild its table with tests/test_docs.py:nerve_tree"
