"""Serialise the graph: Turtle, N-Triples, N-Quads (pyoxigraph) and compact JSON-LD with the shipped context (:mod:`spinekg.jsonld`)."""

from __future__ import annotations

import itertools
import json
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from . import resources
from .atomic import atomic_write
from .store import INFERRED_GRAPH, KnowledgeGraph
from .terms import prefix_map


class ExportFormat(StrEnum):
    """Export formats; the value is the CLI name."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    JSONLD = "jsonld"
    SCHEMAORG = "schemaorg"


_OX = {ExportFormat.TURTLE: ox.RdfFormat.TURTLE, ExportFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES}


def write(kg: KnowledgeGraph, fmt: ExportFormat, out: BinaryIO, *, include_inferred: bool = True) -> None:
    """Serialise the union graph (or, for N-Quads, every named graph) to ``out``.

    :param include_inferred: include the reasoner's graph.
    """
    if fmt is ExportFormat.NQUADS:
        quads = (q for q in kg.store if include_inferred or q.graph_name != INFERRED_GRAPH)
        ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
    elif fmt is ExportFormat.JSONLD:
        write_jsonld(kg, out, include_inferred=include_inferred)
    elif fmt is ExportFormat.SCHEMAORG:
        from .schemaorg import jsonld_bytes as schemaorg_bytes

        out.write(schemaorg_bytes(kg))
    else:
        write_union(kg, _OX[fmt], out, include_inferred=include_inferred)


def write_union(kg: KnowledgeGraph, fmt: ox.RdfFormat, out: BinaryIO, *, include_inferred: bool = True) -> None:
    """Write the union graph as Turtle or N-Triples.

    The largest graph is serialised by Oxigraph itself; the other graphs follow
    as a second block of the same document (Turtle allows prefixes to be
    declared again), without the triples already written.
    """
    prefixes = prefix_map() if fmt is ox.RdfFormat.TURTLE else None
    first = kg.graphs(include_inferred=include_inferred)[0]
    kg.store.dump(out, fmt, from_graph=first, prefixes=prefixes)
    rest = kg.triples(include_inferred=include_inferred, skip_first=True)
    head = next(rest, None)
    if head is not None:
        out.write(b"\n")
        ox.serialize(itertools.chain([head], rest), out, fmt, prefixes=prefixes)


def write_jsonld(kg: KnowledgeGraph, out: BinaryIO, *, include_inferred: bool = True) -> None:
    """Write compact JSON-LD with the shipped ``@context``, streamed from the store (see :mod:`spinekg.jsonld`)."""
    from . import jsonld

    context = json.loads(resources.context_path().read_text(encoding="utf-8"))["@context"]
    jsonld.write(kg.triples(include_inferred=include_inferred), context, out)


def export(kg: KnowledgeGraph, fmt: ExportFormat, target: Path | str, *, include_inferred: bool = True) -> None:
    """Write an export to ``target`` atomically (a killed process never leaves half a file)."""
    with atomic_write(target) as handle:
        write(kg, fmt, handle, include_inferred=include_inferred)


def export_inferred(kg: KnowledgeGraph, target: Path | str) -> int:
    """Write only the reasoner's graph as Turtle to ``target``, atomically.

    :returns: the number of triples written.
    """
    from .store import INFERRED_GRAPH

    triples = [q.triple for q in kg.store.quads_for_pattern(None, None, None, INFERRED_GRAPH)]
    with atomic_write(target) as handle:
        ox.serialize(triples, handle, ox.RdfFormat.TURTLE, prefixes=prefix_map())
    return len(triples)
