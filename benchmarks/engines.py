"""The three contenders, each behind the same small interface.

- ``raw``: pyoxigraph used directly (the limit: what the Rust engine costs).
- ``spinekg``: the library as a user calls it.
- ``rdflib``: what a user would otherwise write (``Graph().parse``,
  ``prepareQuery`` + ``initBindings``, ``Graph.serialize``).

Every query result is materialised into Python values, so lazy iterators do
not flatter anyone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import pyoxigraph as ox

QUERIES = Path(__file__).parent / "queries"


def _query_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _muscles_by_nerve() -> str:
    from spinekg import queries

    return queries.get("muscles-by-nerve").text


def _context() -> dict[str, Any]:
    from spinekg import resources

    return json.loads(resources.context_path().read_text(encoding="utf-8"))["@context"]


class Engine(Protocol):
    """What each contender implements."""

    name: str

    def load(self, files: list[Path]) -> int: ...
    def prepare(self) -> None: ...
    def prepared(self, nerve_iri: str, nerve_label: str) -> int: ...
    def analytic(self) -> int: ...
    def turtle(self, out: BinaryIO) -> None: ...
    def ntriples(self, out: BinaryIO) -> None: ...
    def jsonld(self, out: BinaryIO) -> None: ...


class Raw:
    """pyoxigraph directly: one store, default graph, Rust serialisers (JSON-LD is expanded only)."""

    name = "pyoxigraph"

    def load(self, files: list[Path]) -> int:
        """:returns: the number of triples loaded."""
        self.store = ox.Store()
        for path in files:
            self.store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        return len(self.store)

    def prepare(self) -> None:
        """Read the query texts (outside the load timing)."""
        self.select, self.group = _muscles_by_nerve(), _query_text(QUERIES / "facts-by-property.rq")

    def _rows(self, text: str, subs: dict[ox.Variable, ox.NamedNode] | None = None) -> int:
        solutions = self.store.query(text, substitutions=subs)
        assert isinstance(solutions, ox.QuerySolutions)
        names = solutions.variables
        return len([[s[v] for v in names] for s in solutions])

    def prepared(self, nerve_iri: str, nerve_label: str) -> int:
        """:returns: rows of muscles-by-nerve for the nerve, bound by IRI."""
        return self._rows(self.select, {ox.Variable("nerve"): ox.NamedNode(nerve_iri)})

    def analytic(self) -> int:
        """:returns: rows of the aggregate query."""
        return self._rows(self.group)

    def turtle(self, out: BinaryIO) -> None:
        """Write Turtle with the project's prefixes."""
        from spinekg.namespaces import prefix_map

        self.store.dump(out, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=prefix_map())

    def ntriples(self, out: BinaryIO) -> None:
        """Write N-Triples."""
        self.store.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

    def jsonld(self, out: BinaryIO) -> None:
        """Write expanded JSON-LD (pyoxigraph cannot compact)."""
        self.store.dump(out, ox.RdfFormat.JSON_LD, from_graph=ox.DefaultGraph())


class Spinekg:
    """The library's public API."""

    name = "spinekg"

    def load(self, files: list[Path]) -> int:
        """:returns: the number of quads loaded."""
        from spinekg import KnowledgeGraph

        self.kg = KnowledgeGraph.load(files)
        return len(self.kg)

    def prepare(self) -> None:
        """Read the analytic query text (outside the load timing)."""
        self.group = _query_text(QUERIES / "facts-by-property.rq")

    def prepared(self, nerve_iri: str, nerve_label: str) -> int:
        """:returns: rows of muscles-by-nerve, the nerve given by its label as a user types it."""
        return len(self.kg.query("muscles-by-nerve", nerve=nerve_label))

    def analytic(self) -> int:
        """:returns: rows of the aggregate query (ad-hoc SPARQL)."""
        answer = self.kg.sparql(self.group)
        assert not isinstance(answer, bool | list)
        return len(answer)

    def turtle(self, out: BinaryIO) -> None:
        """Write Turtle via ``spinekg.export``."""
        from spinekg.export import ExportFormat, write

        write(self.kg, ExportFormat.TURTLE, out)

    def ntriples(self, out: BinaryIO) -> None:
        """Write N-Triples via ``spinekg.export`` (sorted, stable blank-node labels)."""
        from spinekg.export import ExportFormat, write

        write(self.kg, ExportFormat.NTRIPLES, out)

    def jsonld(self, out: BinaryIO) -> None:
        """Write compact JSON-LD with the shipped context via ``spinekg.export``."""
        from spinekg.export import ExportFormat, write

        write(self.kg, ExportFormat.JSONLD, out)


class Rdflib:
    """Plain rdflib, the way its documentation shows."""

    name = "rdflib"

    def load(self, files: list[Path]) -> int:
        """:returns: the number of triples loaded."""
        from rdflib import Graph

        self.graph = Graph()
        for path in files:
            self.graph.parse(path, format="turtle")
        return len(self.graph)

    def prepare(self) -> None:
        """Prepare both queries once (outside the load timing)."""
        from rdflib.plugins.sparql import prepareQuery

        self.select = prepareQuery(_muscles_by_nerve())
        self.group = prepareQuery(_query_text(QUERIES / "facts-by-property.rq"))

    def _rows(self, query: Any, bindings: dict[str, Any] | None = None) -> int:
        result = self.graph.query(query, initBindings=bindings or {})
        return len([list(row) for row in result])  # type: ignore[arg-type]

    def prepared(self, nerve_iri: str, nerve_label: str) -> int:
        """:returns: rows of muscles-by-nerve, bound with ``initBindings``."""
        from rdflib import URIRef

        return self._rows(self.select, {"nerve": URIRef(nerve_iri)})

    def analytic(self) -> int:
        """:returns: rows of the aggregate query."""
        return self._rows(self.group)

    def turtle(self, out: BinaryIO) -> None:
        """Write Turtle."""
        self.graph.serialize(out, format="turtle")

    def ntriples(self, out: BinaryIO) -> None:
        """Write N-Triples."""
        self.graph.serialize(out, format="nt")

    def jsonld(self, out: BinaryIO) -> None:
        """Write compact JSON-LD with the shipped context."""
        self.graph.serialize(out, format="json-ld", context=_context(), auto_compact=True)


ENGINES: dict[str, type[Raw] | type[Spinekg] | type[Rdflib]] = {"pyoxigraph": Raw, "spinekg": Spinekg, "rdflib": Rdflib}
