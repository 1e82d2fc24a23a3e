"""The one interface every graph backend implements: the local graph and a remote endpoint.

As oaklib's adapters share ``BasicOntologyInterface``, :class:`~spinekg.graph.KnowledgeGraph`
and :class:`~spinekg.remote.Endpoint` both satisfy :class:`SparqlGraph`, so a caller (the
command line, a notebook) picks the backend once (:func:`spinekg.backends.open_graph`) and
runs the same calls on either. ``tests/test_protocol.py`` runs one set of assertions over
every implementation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

import pyoxigraph as ox

from .errors import QuerySyntaxError
from .queries import PreparedQuery
from .results import Answer, Results, RowStream, Term

__all__ = ["QueryForms", "SparqlGraph"]


@runtime_checkable
class SparqlGraph(Protocol):
    """Prepared and ad-hoc SPARQL over one graph, wherever it is stored."""

    def bind(self, query: PreparedQuery, params: Mapping[str, str]) -> dict[str, Term]:
        """:returns: the RDF terms for a prepared query's parameters, resolved from user strings."""
        ...

    def query(self, name: str, /, **params: str) -> Results:
        """:returns: the rows of the prepared query ``name``."""
        ...

    def select(self, text: str, bindings: Mapping[str, Term] | None = None) -> Results:
        """:returns: the rows of a SELECT query, parameters bound as RDF terms."""
        ...

    def ask(self, text: str) -> bool:
        """:returns: the answer of an ASK query."""
        ...

    def construct(self, text: str) -> list[ox.Triple]:
        """:returns: the triples of a CONSTRUCT or DESCRIBE query."""
        ...

    def sparql(self, text: str) -> Results | bool | list[ox.Triple]:
        """:returns: the answer of any query, its form chosen by the text."""
        ...

    def answer(self, text: str, bindings: Mapping[str, Term] | None = None) -> Answer:
        """:returns: the answer of any query; SELECT rows are read lazily where the backend can stream them."""
        ...

    def close(self) -> None:
        """Release what the backend holds (an on-disk store's lock); the object is unusable afterwards."""
        ...


class QueryForms:
    """``ask``, ``construct`` and ``sparql`` written once, from a backend's :meth:`answer`."""

    def answer(self, text: str, bindings: Mapping[str, Term] | None = None) -> Answer:
        """:returns: the answer of any query (each backend defines it)."""
        raise NotImplementedError

    def ask(self, text: str) -> bool:
        """:returns: the answer of an ASK query.
        :raises QuerySyntaxError: when the text does not parse or is not an ASK query."""
        answer = self.answer(text)
        if not isinstance(answer, bool):
            raise QuerySyntaxError("expected an ASK query")
        return answer

    def construct(self, text: str) -> list[ox.Triple]:
        """:returns: the triples of a CONSTRUCT or DESCRIBE query.
        :raises QuerySyntaxError: when the text does not parse or is another form."""
        answer = self.answer(text)
        if not isinstance(answer, list):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return answer

    def sparql(self, text: str) -> Results | bool | list[ox.Triple]:
        """Run ad-hoc SPARQL: rows for SELECT (read completely), a boolean for ASK, triples for CONSTRUCT/DESCRIBE.

        :raises QuerySyntaxError: when the text does not parse.
        """
        answer = self.answer(text)
        return answer.materialise() if isinstance(answer, RowStream) else answer
