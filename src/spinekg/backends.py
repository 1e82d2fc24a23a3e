"""Choose a graph backend once: the packaged graph in memory, an on-disk store, or a remote endpoint.

As oaklib's ``get_adapter``, :func:`open_graph` returns one object with the
:class:`~spinekg.protocol.SparqlGraph` interface; the caller does not branch on
where the graph lives. :func:`run_prepared` and :func:`run_sparql` are what the
``query`` and ``sparql`` commands call.

>>> graph = open_graph()
>>> answer = run_prepared(graph, "nerves-of-muscle", {"muscle": "iliacus"})
>>> sorted(answer.materialise().values("nerveLabel"))
['femoral nerve']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import queries
from .graph import KnowledgeGraph
from .protocol import SparqlGraph
from .results import Answer

if TYPE_CHECKING:
    from .http import Auth

__all__ = ["open_graph", "open_local", "run_prepared", "run_sparql"]


def open_local(store: Path | str | None = None, load: Sequence[Path | str] = (), *, write: bool = False) -> KnowledgeGraph:
    """:returns: the packaged graph plus ``load`` files, in memory or (``store``) in an on-disk store.

    :param write: the caller will change an on-disk store (for example with the reasoner's graph).
    """
    if store is None:
        return KnowledgeGraph.load(extra=load)
    return KnowledgeGraph.open(store, extra=load, write=write)


def open_graph(
    *,
    store: Path | str | None = None,
    load: Sequence[Path | str] = (),
    endpoint: str | None = None,
    graph: str | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    auth: Auth | None = None,
    local: KnowledgeGraph | None = None,
    allow_service: bool = False,
) -> SparqlGraph:
    """:returns: the backend the options name: an :class:`~spinekg.remote.Endpoint` when ``endpoint`` is given
    (parameter labels still resolve against the local graph), else the local graph.

    :param store: on-disk store folder for the local graph (default: in memory).
    :param load: more RDF files for the local graph.
    :param endpoint: a remote SPARQL query URL; ``graph``, ``timeout``, ``retries`` and ``auth`` configure it.
    :param local: a local graph already open (not opened again).
    :param allow_service: a local graph's SPARQL may use ``SERVICE`` (a remote server decides for itself).
    """
    kg = local
    if endpoint is None:
        kg = kg if kg is not None else open_local(store, load)
        kg.allow_service = allow_service
        return kg
    # Imported here: the HTTP stack (http.client, ssl, email) costs ~45 ms that local queries never need.
    from .remote import Endpoint

    owns = kg is None
    if kg is None and (store is not None or load):
        kg = open_local(store, load)
    return Endpoint(endpoint, graph=graph, timeout=timeout, retries=retries, auth=auth, kg=kg, owns_kg=owns)


def run_prepared(graph: SparqlGraph, name: str, params: Mapping[str, str]) -> Answer:
    """Run the prepared query ``name`` on any backend, parameters resolved from user strings.

    :returns: the answer; local SELECT rows stream.
    :raises UnknownNameError: for an unknown query or parameter.
    """
    prepared = queries.get(name)
    return graph.answer(prepared.text, graph.bind(prepared, params))


def run_sparql(graph: SparqlGraph, text: str) -> Answer:
    """Run ad-hoc SPARQL on any backend; the query form decides the answer's kind (the text runs once)."""
    return graph.answer(text)
