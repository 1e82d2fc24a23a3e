"""Remote SPARQL endpoints: publish the graph to a server and run the prepared queries there.

Push uses the SPARQL 1.1 Graph Store HTTP Protocol (``PUT`` of the whole graph into
one named graph, so a repeated push replaces it). For a server without a Graph Store
endpoint, SPARQL Update is the fallback: blank nodes are skolemised, the triples go
in chunks into a staging graph, and one ``MOVE`` replaces the target; on failure the
staging graph is dropped, so the target holds either the old graph or the new one.
Either way the triples stream from the store: a push holds one batch of them at a
time (and the triples that mention blank nodes, for their Skolem IRIs), whatever
the size of the graph.

Queries have the same parameter handling as local ones: user strings are resolved
against the local graph's labels (``kg.bind``) and reach the server only as a
``VALUES`` block rendered from the RDF terms (:func:`spinekg.queries.bind_values`).
SPARQLWrapper's public API reads the query form (``setQuery``, ``queryType``) and
parses each answer (``QueryResult.convert``); requests go through
:class:`~spinekg.http.Transport`, which owns timeouts, retries and credentials.
Answers become :class:`~spinekg.results.Results` and print as local ones do.
:class:`Endpoint` implements :class:`~spinekg.protocol.SparqlGraph`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
import urllib.parse
import urllib.request
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from . import queries
from .errors import InputError, QuerySyntaxError, RemoteError
from .graph import GraphName, KnowledgeGraph, as_written
from .http import Auth, Reply, Transport, find_auth, form_request, redact
from .namespaces import GENID_BASE, GRAPH_BASE, PUBLISHED_GRAPH, STAGING_BASE, XSD_BOOLEAN, is_iri
from .protocol import QueryForms
from .queries import PreparedQuery, render_update
from .results import Answer, Results, Term, rows_from_json
from .serialize import blank_labels
from .terminal import printable

__all__ = [
    "BATCH_TRIPLES",
    "CHUNK_TRIPLES",
    "Endpoint",
    "PushReport",
    "canonical_results",
    "graph_iri",
    "http_url",
    "select_triples",
    "skolemise",
]

CHUNK_TRIPLES = 1000
#: Triples serialised at a time into the body of a Graph Store ``PUT`` (about 1.5 MB of N-Triples).
BATCH_TRIPLES = 10_000
#: What each answer is asked for in: W3C SPARQL JSON for SELECT and ASK, Turtle for graphs.
JSON_ACCEPT = "application/sparql-results+json,application/json"
TURTLE_ACCEPT = "text/turtle,application/turtle"

#: Called with (triples sent, triples to send) as a push goes.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PushReport:
    """What a push did: target graph, triple count (checked on the server), method (``graph-store`` or
    ``update``), requests sent, time, and the endpoint's URL as messages show it (no query string)."""

    graph: str
    triples: int
    method: str
    requests: int
    seconds: float
    url: str = ""


def http_url(url: str, what: str = "endpoint") -> str:
    """:returns: ``url`` when it is an http(s) URL with a host.
    :raises InputError: otherwise."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{what} must be an http:// or https:// URL, got {url!r}")
    if parts.username or parts.password:
        raise InputError(f"{what}: put credentials in the environment or the config file, not in the URL")
    return url


def graph_iri(value: str) -> ox.NamedNode:
    """:returns: the named graph for an IRI given by the user.
    :raises InputError: when it is not an absolute IRI."""
    if not is_iri(value):
        raise InputError(f"graph must be an absolute IRI, got {value!r}")
    return ox.NamedNode(value)


class Endpoint(QueryForms):
    """A remote SPARQL service: one query URL, optionally a Graph Store and an update URL.

    :param url: the SPARQL query endpoint.
    :param store_url: Graph Store Protocol endpoint (``/store`` on Oxigraph,
        ``/sparql-graph-crud`` on Virtuoso); when given, push uses ``PUT``.
    :param update_url: SPARQL Update endpoint for the fallback push (default: ``url``).
    :param graph: the named graph pushes write and queries read (``default-graph-uri``);
        None queries the server's own default graph.
    :param auth: credentials; default: looked up by :func:`~spinekg.http.find_auth`.
    :param kg: the local graph whose labels resolve parameter values (default: the packaged graph).
    :param owns_kg: :meth:`close` closes ``kg`` too (always so for the packaged graph loaded on first use).
    """

    def __init__(
        self,
        url: str,
        *,
        store_url: str | None = None,
        update_url: str | None = None,
        graph: str | None = PUBLISHED_GRAPH,
        auth: Auth | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        verify_tls: bool = True,
        kg: KnowledgeGraph | None = None,
        owns_kg: bool = False,
    ) -> None:
        self.url = http_url(url)
        self.store_url = http_url(store_url, "Graph Store endpoint") if store_url else None
        self.update_url = http_url(update_url, "update endpoint") if update_url else self.url
        self.graph = graph_iri(graph).value if graph else None
        credentials = auth if auth is not None else find_auth(self.url)
        self.transport = Transport(auth=credentials, timeout=timeout, retries=retries, backoff=backoff, verify_tls=verify_tls)
        self._kg = kg
        self._owns_kg = owns_kg or kg is None

    @property
    def kg(self) -> KnowledgeGraph:
        """The local graph used to resolve parameter values (loaded on first use)."""
        if self._kg is None:
            self._kg = KnowledgeGraph.load()
        return self._kg

    def close(self) -> None:
        """Release the local graph if this endpoint opened it (an on-disk store's lock)."""
        if self._kg is not None and self._owns_kg:
            self._kg.close()
            self._kg = None

    # ------------------------------------------------------------------ queries

    def bind(self, query: PreparedQuery, params: Mapping[str, str]) -> dict[str, Term]:
        """Resolve user strings against the local graph's labels (see :meth:`KnowledgeGraph.bind`)."""
        return self.kg.bind(query, params)

    def query(self, name: str, /, **params: str) -> Results:
        """Run a prepared query on the endpoint, e.g. ``ep.query("muscles-by-nerve", nerve="L4")``.

        :raises InputError: for unknown queries, parameters or entities (resolved locally).
        :raises RemoteError: when the endpoint fails.
        """
        prepared = queries.get(name)
        return self.select(prepared.text, self.bind(prepared, params))

    def select(self, text: str, bindings: Mapping[str, Term] | None = None) -> Results:
        """:returns: the rows of a SELECT query run on the endpoint, parameters sent as a ``VALUES`` block.
        :raises QuerySyntaxError: for another query form; :raises RemoteError: when the endpoint fails."""
        answer = self.answer(text, bindings)
        if not isinstance(answer, Results):
            raise QuerySyntaxError("expected a SELECT query")
        return answer

    def answer(self, text: str, bindings: Mapping[str, Term] | None = None) -> Answer:
        """Run any query once on the endpoint (rows are read completely: the server sends them in one body).

        :raises InputError: for an update request (use :meth:`push`).
        :raises RemoteError: when the endpoint fails or answers something unreadable.
        """
        text = queries.bind_values(text, bindings) if bindings else text
        return self._run(text, self.graph)

    def _run(self, text: str, default_graph: str | None) -> Results | bool | list[ox.Triple]:
        from SPARQLWrapper import JSON, TURTLE

        form = query_form(text)
        fmt, accept = (JSON, JSON_ACCEPT) if form in ("SELECT", "ASK") else (TURTLE, TURTLE_ACCEPT)
        reply = self.transport.send(form_request(self.url, {"query": text, "default-graph-uri": default_graph}, accept))
        return self._convert(reply, fmt, form)

    def _convert(self, reply: Reply, fmt: str, form: str) -> Results | bool | list[ox.Triple]:
        from SPARQLWrapper import QueryResult

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                converted = QueryResult((reply, fmt)).convert()  # type: ignore[arg-type]  # Reply: a read response
            if form == "ASK":
                return _boolean(converted)
            if form == "SELECT":
                return canonical_results(rows_from_json(_document(converted)))
            if not isinstance(converted, bytes | str):
                raise ValueError("not Turtle")
            return [q.triple for q in ox.parse(converted, format=ox.RdfFormat.TURTLE)]
        except RecursionError:
            raise RemoteError(f"malformed response from {redact(reply.url)}: JSON nested too deep") from None
        except (ValueError, TypeError, KeyError, SyntaxError, AttributeError) as err:
            snippet = printable(reply.body[:120].decode("utf-8", "replace"))
            raise RemoteError(f"malformed response from {redact(reply.url)}: {printable(str(err))} (starts {snippet!r})") from None

    # ------------------------------------------------------------------ push

    def push(
        self,
        kg: KnowledgeGraph,
        graph: str | None = None,
        *,
        include: Iterable[str] | None = None,
        progress: Progress | None = None,
        chunk: int = CHUNK_TRIPLES,
    ) -> PushReport:
        """Publish ``kg`` into one named graph on the server, replacing what was there.

        :param graph: the target graph (default: this endpoint's graph).
        :param include: IRIs of the local named graphs to publish (default: all, inferred included).
        :param progress: called with (triples sent, total) after each request.
        :param chunk: triples per request for the SPARQL Update fallback.
        :raises InputError: when there is nothing to push or no target graph.
        :raises RemoteError: when the server fails; the target graph is then unchanged.
        """
        target = graph_iri(graph or self.graph or "")
        wanted = list(include) if include is not None else None
        select_triples(kg, wanted)  # an unknown graph fails before anything is sent

        def triples() -> Iterator[ox.Triple]:
            return select_triples(kg, wanted)

        started, before = time.monotonic(), self.transport.attempts
        if self.store_url:
            method = "graph-store"
            count = self._put(target, triples, progress)
        else:
            method = "update"
            count = self._update_push(target, triples, progress, max(1, chunk))
        self._verify(target, count)
        requests = self.transport.attempts - before
        return PushReport(target.value, count, method, requests, time.monotonic() - started, redact(self.url))

    def _put(self, target: ox.NamedNode, triples: Callable[[], Iterable[ox.Triple]], progress: Progress | None) -> int:
        """Send the triples in one Graph Store PUT whose body streams from the store (:class:`NTriplesBody`).

        :returns: the number of triples sent.
        """
        assert self.store_url is not None
        body = NTriplesBody(triples, progress=progress)
        if not body.triples:
            raise InputError("nothing to push: the selected graphs are empty")
        separator = "&" if urllib.parse.urlsplit(self.store_url).query else "?"
        url = f"{self.store_url}{separator}{urllib.parse.urlencode({'graph': target.value})}"
        headers = {"Content-Type": "application/n-triples; charset=utf-8", "User-Agent": "spinekg", "Content-Length": str(body.size)}
        self.transport.send(urllib.request.Request(url, data=body, method="PUT", headers=headers))
        return body.triples

    def _verify(self, target: ox.NamedNode, count: int) -> None:
        """Count the triples in the target graph on the server: a push reports success only for what arrived.
        :raises RemoteError: when the server holds another number."""
        rows = self._run(queries.graph_size_query(), target.value)
        found = rows.rows[0][0].value if isinstance(rows, Results) and rows.rows and rows.rows[0][0] is not None else "no answer"
        if found != str(count):
            raise RemoteError(f"push to {redact(self.url)} did not arrive whole: sent {count} triples, <{target.value}> holds {found}")

    def _update_push(self, target: ox.NamedNode, triples: Callable[[], Iterable[ox.Triple]], progress: Progress | None, chunk: int) -> int:
        """Fill a staging graph with the skolemised triples, ``chunk`` per request, then ``MOVE`` it onto the target.

        :returns: the number of triples sent.
        """
        total = sum(1 for _ in triples())  # a first pass: the total for progress, and no staging graph for nothing
        if not total:
            raise InputError("nothing to push: the selected graphs are empty")
        staging = ox.NamedNode(STAGING_BASE + uuid.uuid4().hex)
        sent = 0
        try:
            for part in _batches(skolemise(triples()), chunk):
                self._update(render_update("insert-data", graph=staging, triples=part), idempotent=True)
                sent += len(part)
                if progress:
                    progress(sent, total)
            if sent != total:
                raise RemoteError(f"the local graph changed during the push ({total} triples, then {sent})")
            # Not repeated after an unclear failure: on Virtuoso, MOVE from a graph that
            # is already gone empties the target.
            self._update(render_update("move", staging=staging, target=target), idempotent=False)
        except RemoteError as err:
            left = self._drop_staging(staging)
            raise RemoteError(f"{err}; the target graph is unchanged{left}") from None
        except BaseException:
            self._drop_staging(staging)
            raise
        return sent

    def _drop_staging(self, staging: ox.NamedNode) -> str:
        """Drop the staging graph with one attempt. :returns: a note when that failed too."""
        try:
            self.transport.send(self._update_request(render_update("drop", graph=staging)), retries=0)
        except RemoteError as err:
            return f"; the staging graph <{staging.value}> may be left on the server ({err})"
        return ""

    def _update(self, text: str, *, idempotent: bool) -> Reply:
        return self.transport.send(self._update_request(text), idempotent=idempotent)

    def _update_request(self, text: str) -> urllib.request.Request:
        return form_request(self.update_url, {"update": text})


# ---------------------------------------------------------------------- data helpers


def select_triples(kg: KnowledgeGraph, include: Iterable[str] | None) -> Iterator[ox.Triple]:
    """:returns: the union of the chosen named graphs, without duplicates, streamed from the store (a triple
    is left out when an earlier graph holds it: no set of every triple is built).
    :raises InputError: at once, for an ``include`` entry that names no graph of ``kg``."""
    if include is None:
        return kg.triples()
    wanted = sorted({ox.NamedNode(i if is_iri(i) else GRAPH_BASE + i) for i in include}, key=lambda g: g.value)
    present = set(kg.graphs())
    missing = [g.value for g in wanted if g not in present]
    if missing:
        raise InputError(f"no such graph in the local store: {', '.join(missing)}")
    return _union(kg.oxigraph, wanted)


def _union(store: ox.Store, graphs: Sequence[GraphName]) -> Iterator[ox.Triple]:
    for n, graph in enumerate(graphs):
        for quad in store.quads_for_pattern(None, None, None, graph):
            if not any(ox.Quad(quad.subject, quad.predicate, quad.object, g) in store for g in graphs[:n]):
                yield as_written(quad.triple)


def skolemise(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """Replace blank nodes by Skolem IRIs that are the same on every push of the same data.

    Triples without a blank node pass through as they come; the others are kept until every
    triple has been seen (:func:`spinekg.serialize.blank_labels` labels each blank node from
    the graph's structure, in linear time, where RDFC-1.0 is exponential on symmetric
    blank-node graphs), then follow with their blank nodes replaced. Each Skolem IRI is the
    node's label prefixed by a digest of the whole relabelled graph, so two different graphs
    never share one: the number of triples and the sum of their digests, which does not
    depend on the order the store gives them in, and needs no sorted copy of the graph.
    """
    blank: list[ox.Triple] = []
    digests = _Digests()
    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
            blank.append(triple)
            continue
        digests.add(triple)
        yield triple
    labels = {node: ox.BlankNode(label) for node, label in blank_labels(blank).items()}
    for t in blank:
        digests.add(ox.Triple(labels.get(t.subject, t.subject), t.predicate, labels.get(t.object, t.object)))  # type: ignore[arg-type]
    prefix = f"{GENID_BASE}{digests.hexdigest()[:16]}-"

    def iri(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> ox.NamedNode | ox.Literal | ox.Triple:
        return ox.NamedNode(prefix + labels[term].value) if isinstance(term, ox.BlankNode) else term

    for t in blank:
        yield ox.Triple(iri(t.subject), t.predicate, iri(t.object))  # type: ignore[arg-type]


class _Digests:
    """A digest of a set of triples that does not depend on their order: their number and the sum of their
    SHA-256 digests (modulo 2**256)."""

    def __init__(self) -> None:
        self.count = self.total = 0

    def add(self, triple: ox.Triple) -> None:
        self.count += 1
        self.total = (self.total + int.from_bytes(hashlib.sha256(str(triple).encode("utf-8")).digest())) % (1 << 256)

    def hexdigest(self) -> str:
        return hashlib.sha256(f"{self.count} {self.total:064x}".encode()).hexdigest()


def _batches(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """:returns: ``triples`` in lists of ``size`` (the last one shorter)."""
    it = iter(triples)
    while batch := list(itertools.islice(it, size)):
        yield batch


class NTriplesBody:
    """The N-Triples of a graph as a request body that streams from the store.

    A first pass serialises the triples, ``batch`` at a time, only to count them and
    their bytes: the request then carries a ``Content-Length`` (Virtuoso 7.2 answers
    201 to a chunked body and keeps nothing of it). Each send (a retry too) serialises
    them again, batch by batch, as ``http.client`` asks for the next chunk; no more than
    one batch is held at a time, in memory or on disk.

    :param triples: gives the triples, afresh on each call, in the same order.
    :param progress: called with (triples sent, triples) after each batch.
    """

    def __init__(self, triples: Callable[[], Iterable[ox.Triple]], *, batch: int = BATCH_TRIPLES, progress: Progress | None = None) -> None:
        self._triples, self._batch, self._progress = triples, batch, progress
        self.triples = self.size = 0
        for part, data in self._chunks():
            self.triples += len(part)
            self.size += len(data)

    def _chunks(self) -> Iterator[tuple[list[ox.Triple], bytes]]:
        for part in _batches(self._triples(), self._batch):
            yield part, ox.serialize(part, format=ox.RdfFormat.N_TRIPLES) or b""

    def __iter__(self) -> Iterator[bytes]:
        """:raises RemoteError: when the graph gives other bytes than it did when it was counted (it changed)."""
        sent = done = 0
        for part, data in self._chunks():
            sent += len(data)
            done += len(part)
            if sent > self.size:
                break
            yield data
            if self._progress:
                self._progress(done, self.triples)
        if sent != self.size:
            raise RemoteError(f"the local graph changed during the push ({self.size} bytes of N-Triples, then {sent})")


def canonical_results(results: Results) -> Results:
    """:returns: results with ``xsd:boolean`` in canonical lexical form (Virtuoso sends ``1``/``0``)."""
    return Results(results.variables, tuple(tuple(_canonical(t) for t in row) for row in results.rows))


def _canonical(term: Term | None) -> Term | None:
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN and term.value in ("1", "0"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    return term


def _boolean(converted: object) -> bool:
    value = _document(converted).get("boolean")
    if isinstance(value, bool):
        return value
    if value in ("true", "false", 1, 0, "1", "0"):
        return value in ("true", 1, "1")
    raise ValueError("no boolean in an ASK result")


def _document(converted: object) -> Mapping[str, object]:
    if isinstance(converted, bytes | str):
        converted = json.loads(converted)
    if not isinstance(converted, dict):
        raise ValueError("not a SPARQL JSON results document")
    return converted


def query_form(text: str) -> str:
    """:returns: the form of a query (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``), as SPARQLWrapper reads it.
    :raises InputError: for an update request."""
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper("http://localhost/")
    wrapper.setQuery(text)
    if wrapper.isSparqlUpdateRequest():
        raise InputError("updates are not run through 'sparql'; publish with 'push'")
    return wrapper.queryType or ""
