"""The knowledge graph: source files loaded into an Oxigraph store, and SPARQL over it.

Every source file goes into its own named graph (``graph/<file stem>``, see
:mod:`spinekg.readers`), and queries see the union of them as their default graph.
Loading is all-or-nothing: a bad file leaves the graph as it was.

>>> with KnowledgeGraph.load() as kg:
...     rows = kg.query("muscles-by-nerve", nerve="femoral nerve")
...     sorted(rows.values("muscleLabel"))
['iliacus', 'psoas major']
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import resources
from .errors import InputError, SourceFileError, StoreError, without_tracebacks
from .labels import LabelIndex
from .labelstore import LabelFile, open_index
from .locking import FileLock
from .manifest import Manifest
from .namespaces import INFERRED_GRAPH, OWL, XSD
from .ondisk import LOCK, Wanted, collect_garbage, current, invalidate_labels, open_folder, prepare, update
from .packaged import load_packaged
from .params import resolve
from .protocol import QueryForms
from .queries import PreparedQuery, get, require_params, run, run_select
from .readers import get_reader, graph_name, load_file, try_parse
from .results import Answer, Results, Term

if TYPE_CHECKING:
    import rdflib

__all__ = ["GraphName", "KnowledgeGraph"]

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
#: OWL 2's mapping to RDF types every cardinality ``xsd:nonNegativeInteger``; Oxigraph's store keeps such a
#: literal as ``xsd:integer`` (it normalises derived integer types), so reading gives the type back.
CARDINALITIES = frozenset(
    ox.NamedNode(OWL + name)
    for name in (
        "cardinality",
        "minCardinality",
        "maxCardinality",
        "qualifiedCardinality",
        "minQualifiedCardinality",
        "maxQualifiedCardinality",
    )
)
XSD_INTEGER = ox.NamedNode(XSD + "integer")
XSD_NON_NEGATIVE = ox.NamedNode(XSD + "nonNegativeInteger")


def as_written(triple: ox.Triple) -> ox.Triple:
    """:returns: the triple as its source wrote it: a cardinality typed ``xsd:nonNegativeInteger`` again.

    >>> restriction, two = ox.BlankNode(), ox.Literal("2", datatype=XSD_INTEGER)
    >>> as_written(ox.Triple(restriction, ox.NamedNode(OWL + "minQualifiedCardinality"), two)).object.datatype.value
    'http://www.w3.org/2001/XMLSchema#nonNegativeInteger'
    """
    obj = triple.object
    if triple.predicate in CARDINALITIES and isinstance(obj, ox.Literal) and obj.datatype == XSD_INTEGER:
        return ox.Triple(triple.subject, triple.predicate, ox.Literal(obj.value, datatype=XSD_NON_NEGATIVE))
    return triple


class KnowledgeGraph(QueryForms):
    """The spinekg graph: an Oxigraph store plus the list of sources loaded into it.

    Build one with :meth:`load` (in memory) or :meth:`open` (on disk); query it with
    :meth:`query` (prepared queries by name) or :meth:`sparql` (ad-hoc SPARQL); release
    an on-disk store with :meth:`close` or a ``with`` block. Implements
    :class:`~spinekg.protocol.SparqlGraph`.
    """

    def __init__(self, store: ox.Store | None = None) -> None:
        self._store: ox.Store | None = store if store is not None else ox.Store()
        self.sources: list[Path] = []
        self.directory: Path | None = None
        self._labels: LabelIndex | None = None
        self._label_file: LabelFile | None = None
        self._lock: FileLock | None = None
        self._writable = True
        self._changed_in_place = False
        #: Whether ad-hoc SPARQL may use ``SERVICE`` (it reaches other servers over the network).
        self.allow_service = False

    # ------------------------------------------------------------------ building

    @classmethod
    def open(
        cls,
        directory: Path | str,
        sources: Sequence[Path | str] | None = None,
        *,
        extra: Sequence[Path | str] = (),
        write: bool = False,
        wait: float | None = None,
    ) -> KnowledgeGraph:
        """Open (or create) an on-disk store, so repeated runs do not re-parse the graph.

        Rule for rebuilding: each file's SHA-256 is kept in a manifest in the store
        folder; a file whose bytes changed (or that is new) has its named graph
        replaced, a file no longer listed is dropped, all in one change that is
        complete or undone (:mod:`spinekg.ondisk`). Graphs added with
        :func:`spinekg.link.link` stay until unlinked; the reasoner's graph goes
        whenever another graph changes.

        Any number of processes may read one store at once; one that must change it
        waits for the others (at most ``wait`` seconds, default ``$SPINEKG_STORE_WAIT``
        or 60), and keeps the store to itself until :meth:`close`.

        :param directory: the store folder (created if missing; a folder holding other files is refused).
        :param sources: the graph's own files; default: the packaged ontology and data.
        :param extra: more files (for example ``--load`` on the command line), kept by the same rule
            under their own role: the store holds exactly the ``extra`` files of the latest call.
        :param write: open for changing the store afterwards (the reasoner's graph, linking).
        :raises SourceFileError: when a changed file cannot be parsed (the store is then unchanged).
        :raises StoreError: when the store is busy past the wait, not a store, or damaged.
        """
        directory = Path(directory)
        files = [Path(p) for p in (resources.default_sources() if sources is None else sources)]
        loads = [Path(p) for p in extra]
        wanted = (Wanted("source", files), Wanted("load", loads))
        prepare(directory)
        lock = FileLock(directory / LOCK)
        lock.acquire(exclusive=False, wait=wait)
        try:
            store, writable, labels = cls._open_folder(directory, lock, wanted, write, wait)
        except BaseException:
            lock.release()
            raise
        kg = cls(store)
        kg.sources, kg.directory, kg._lock, kg._writable = files + loads, directory, lock, writable
        kg._label_file = labels
        return kg

    @staticmethod
    def _open_folder(
        directory: Path, lock: FileLock, wanted: Sequence[Wanted], write: bool, wait: float | None
    ) -> tuple[ox.Store, bool, LabelFile | None]:
        """:returns: the store, opened read-only when it already holds what is wanted (with its label index),
        else brought up to date under the lock held alone; and the label index."""
        manifest = Manifest.read(directory)
        if not write and manifest.data_dir is not None and current(manifest, wanted):
            labels = open_index(manifest)
            if labels is not None:
                collect_garbage(manifest)  # what a killed writer left
                return open_folder(manifest.data_dir, lock, write=False), False, labels
        lock.acquire(exclusive=True, wait=wait)
        try:
            store, labels = update(directory, wanted)
        except BaseException as err:
            # RocksDB must close before the caller lets the lock go; the traceback would keep it open
            # (through the frames below), so the error leaves without it.
            without_tracebacks(err)
            gc.collect()
            raise err from None
        return store, True, labels

    @classmethod
    def load(cls, sources: Sequence[Path | str] | None = None, *, extra: Sequence[Path | str] = ()) -> KnowledgeGraph:
        """Load sources into a new in-memory graph.

        :param sources: RDF files; default: the packaged ontology and data, read from their cache when it holds
            them (:mod:`spinekg.packaged`).
        :param extra: more files loaded after ``sources`` (for example a linked vocabulary).
        :raises SourceFileError: when any file cannot be parsed (nothing is loaded then).
        """
        kg = cls()
        if sources is None:
            kg.sources.extend(load_packaged(kg.writer))
        kg.add_files([*(sources or ()), *extra])
        return kg

    @property
    def oxigraph(self) -> ox.Store:
        """The pyoxigraph store that holds the graph.
        :raises InputError: after :meth:`close`."""
        if self._store is None:
            raise InputError("the knowledge graph is closed")
        return self._store

    @property
    def writer(self) -> ox.Store:
        """The store, for changing it.
        :raises StoreError: for an on-disk store opened for reading (``KnowledgeGraph.open(..., write=True)``)."""
        if not self._writable:
            raise StoreError(f"{self.directory}: the store was opened for reading; open it with write=True to change it")
        store = self.oxigraph
        if self.directory is not None and not self._changed_in_place:
            self.forget_labels()
            invalidate_labels(self.directory)  # before the data changes: the index would no longer match it
            self._changed_in_place = True
        return store

    def close(self) -> None:
        """Flush an on-disk store and release it (its data, then its lock); the object is unusable afterwards."""
        if self._store is not None and self.directory is not None and self._writable:
            self._store.flush()
        self._store, self._labels = None, None
        if self._label_file is not None:
            self._label_file.close()
            self._label_file = None
        if self._lock is not None:
            gc.collect()  # pyoxigraph closes RocksDB when the last reference goes; only then may the lock go
            self._lock.release()
            self._lock = None

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def add_files(self, paths: Iterable[Path | str]) -> None:
        """Load every file in its own named graph; all files or none.

        Each file is parsed inside Oxigraph (no Python object per triple). A file
        whose graph is new is rolled back by dropping that graph if a later file
        fails; a file that adds to an existing graph (or names its own graphs) is
        parsed once beforehand, so it cannot fail half-way.

        :raises SourceFileError: for the first file that cannot be read; the store is unchanged.
        """
        store = self.writer
        files = [Path(p) for p in paths]
        merging = {p for p in files if get_reader(p).names_graphs or store.contains_named_graph(graph_name(p))}
        for path in merging:
            try_parse(path)
        loaded: list[Path] = []
        try:
            for path in files:
                load_file(store, path)
                loaded.append(path)
        except SourceFileError:
            for path in loaded:
                if path not in merging:
                    store.remove_graph(graph_name(path))
            raise
        finally:
            self._labels = None
        self.sources.extend(files)

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction."""
        self.writer.extend(quads)
        self._labels = None

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> int:
        """Empty the named graph ``graph``, then fill it with ``triples``.

        Used for the reasoner's graph, so a new run never mixes with an earlier one.

        :returns: the number of triples now in ``graph``.
        """
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        self.writer.remove_graph(graph)
        self.add_quads(quads)
        return len(quads)

    def forget_labels(self) -> None:
        """Drop the label index after the store changed behind the graph's back (e.g. a linked vocabulary)."""
        self._labels = None
        if self._label_file is not None:
            self._label_file.close()
            self._label_file = None

    # ------------------------------------------------------------------ querying

    @property
    def labels(self) -> LabelIndex:
        """The label and synonym index used to resolve parameter values (built on first use)."""
        if self._labels is None:
            self._labels = LabelIndex(self.oxigraph, self._label_file)
        return self._labels

    def bind(self, query: PreparedQuery, params: Mapping[str, str]) -> dict[str, Term]:
        """Resolve user strings to RDF terms for a prepared query's parameters.

        :raises InputError: for unknown parameters, missing ones, or values that name no single entity.
        """
        bound: dict[str, Term] = {name: resolve(value, query.param(name), self.labels) for name, value in params.items()}
        require_params(query, bound)
        return bound

    def query(self, name: str, /, **params: str) -> Results:
        """Run a prepared query by name, e.g. ``kg.query("muscles-by-nerve", nerve="femoral nerve")``.

        :param params: parameter values as the user would type them (IRI, CURIE or label).
        :raises UnknownNameError: for an unknown query or parameter.
        """
        prepared = get(name)
        return run_select(self.oxigraph, prepared.text, self.bind(prepared, params))

    def select(self, text: str, bindings: Mapping[str, Term] | None = None) -> Results:
        """Run a SELECT query over the union of the graphs, parameters bound as RDF terms.

        :raises QuerySyntaxError: when the text does not parse or is not a SELECT query.
        """
        return run_select(self.oxigraph, text, bindings)

    def answer(self, text: str, bindings: Mapping[str, Term] | None = None) -> Answer:
        """Run any query once; SELECT rows come lazily (a :class:`RowStream`), so huge answers stream.

        :raises QuerySyntaxError: when the text does not parse or fails while it runs.
        """
        return run(self.oxigraph, text, bindings, allow_service=self.allow_service)

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        return len(self.oxigraph)

    def graphs(self, *, include_inferred: bool = True) -> list[GraphName]:
        """:returns: the store's graphs, the one from the largest source file first, the default graph last.

        :param include_inferred: include the reasoner's graph.
        """
        sizes = {graph_name(p).value: p.stat().st_size for p in self.sources if p.is_file()}
        named = [g for g in self.oxigraph.named_graphs() if include_inferred or g != INFERRED_GRAPH]
        ordered = sorted(named, key=lambda g: (-sizes.get(g.value, 0), g.value))
        return [*ordered, ox.DefaultGraph()]

    def match(self, subject: ox.NamedNode | ox.BlankNode | None, predicate: ox.NamedNode | None, obj: Term | None) -> Iterator[ox.Triple]:
        """:returns: the triples of any graph that match a pattern (None matches anything); a triple in two graphs comes twice."""
        return (q.triple for q in self.oxigraph.quads_for_pattern(subject, predicate, obj))

    def graph_triples(self, graph: GraphName) -> Iterator[ox.Triple]:
        """:returns: the triples of one graph, as their source wrote them (:func:`as_written`)."""
        return (as_written(q.triple) for q in self.oxigraph.quads_for_pattern(None, None, None, graph))

    def quads(self, *, include_inferred: bool = True) -> Iterator[ox.Quad]:
        """:returns: every quad of every graph, as their sources wrote them (:func:`as_written`)."""
        for quad in self.oxigraph:
            if include_inferred or quad.graph_name != INFERRED_GRAPH:
                t = as_written(quad.triple)
                yield quad if t is quad.triple else ox.Quad(t.subject, t.predicate, t.object, quad.graph_name)

    def written_as_stored(self, graph: GraphName) -> bool:
        """Whether Oxigraph gives a graph's triples back exactly as written (no cardinality to retype),
        so an exporter may let Oxigraph serialise the graph directly."""
        return not any(next(iter(self.oxigraph.quads_for_pattern(None, p, None, graph)), None) for p in CARDINALITIES)

    def triples(self, *, include_inferred: bool = True, written: Sequence[GraphName] = ()) -> Iterator[ox.Triple]:
        """Iterate the union of the graphs as triples (duplicates across graphs removed).

        Graphs are read one after another, the largest first; a triple is checked
        against the graphs already read, so no set of every triple is built.

        :param include_inferred: include the reasoner's graph.
        :param written: graphs the caller already has (an exporter that wrote one directly): their
            triples are left out.
        """
        store = self.oxigraph
        graphs = [g for g in self.graphs(include_inferred=include_inferred) if g not in written]
        done = list(written)
        for graph in graphs:
            for quad in store.quads_for_pattern(None, None, None, graph):
                if not done or not any(ox.Quad(quad.subject, quad.predicate, quad.object, g) in store for g in done):
                    yield as_written(quad.triple)
            done.append(graph)

    def to_rdflib(self, *, include_inferred: bool = False) -> rdflib.Graph:
        """:returns: the union graph as an ``rdflib.Graph`` (imports rdflib): asserted only, as the exports by
        default, unless ``include_inferred``."""
        from .rdflib_bridge import to_rdflib

        return to_rdflib(self.triples(include_inferred=include_inferred))
