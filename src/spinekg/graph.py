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

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import resources
from .errors import InputError, SourceFileError
from .labels import LabelIndex
from .manifest import Manifest
from .namespaces import INFERRED_GRAPH
from .params import resolve
from .protocol import QueryForms
from .queries import PreparedQuery, get, require_params, run, run_select
from .readers import get_reader, graph_name, load_file, try_parse
from .results import Answer, Results, Term

if TYPE_CHECKING:
    import rdflib

__all__ = ["GraphName", "KnowledgeGraph"]

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


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

    # ------------------------------------------------------------------ building

    @classmethod
    def open(
        cls, directory: Path | str, sources: Sequence[Path | str] | None = None, *, extra: Sequence[Path | str] = ()
    ) -> KnowledgeGraph:
        """Open (or create) an on-disk store, so repeated runs do not re-parse the graph.

        Rule for rebuilding: each source file's SHA-256 is kept in a manifest in
        the store folder; a source whose bytes changed (or that is new) has its
        named graph replaced, a source no longer listed is dropped. Graphs added
        with :func:`spinekg.link.link` stay until unlinked.

        :param directory: the store folder (created if missing).
        :param sources: the graph's own files; default: the packaged ontology and data.
        :param extra: more files (for example ``--load`` on the command line), kept by the same rule
            under their own role: the store holds exactly the ``extra`` files of the latest call.
        :raises SourceFileError: when a changed source cannot be parsed (the store keeps its old copy).
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        kg = cls(ox.Store(str(directory)))
        manifest = Manifest.read(directory)
        files = [Path(p) for p in (resources.default_sources() if sources is None else sources)]
        loads = [Path(p) for p in extra]
        kg._sync(manifest, files, "source")
        kg._sync(manifest, loads, "load")
        kg.sources = files + loads
        kg.directory = directory
        return kg

    @classmethod
    def load(cls, sources: Sequence[Path | str] | None = None, *, extra: Sequence[Path | str] = ()) -> KnowledgeGraph:
        """Load sources into a new in-memory graph.

        :param sources: RDF files; default: the packaged ontology and data.
        :param extra: more files loaded after ``sources`` (for example a linked vocabulary).
        :raises SourceFileError: when any file cannot be parsed (nothing is loaded then).
        """
        kg = cls()
        files = list(resources.default_sources() if sources is None else sources) + list(extra)
        kg.add_files(files)
        return kg

    @property
    def oxigraph(self) -> ox.Store:
        """The pyoxigraph store that holds the graph.
        :raises InputError: after :meth:`close`."""
        if self._store is None:
            raise InputError("the knowledge graph is closed")
        return self._store

    def close(self) -> None:
        """Flush an on-disk store and release it (its lock, its files); the object is unusable afterwards."""
        if self._store is not None and self.directory is not None:
            self._store.flush()
        self._store, self._labels = None, None

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
        store = self.oxigraph
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

    def _sync(self, manifest: Manifest, files: Sequence[Path], role: str) -> None:
        """Bring the store's ``role`` graphs in line with ``files``, by content hash.

        A graph being replaced is parsed once beforehand, so a bad file leaves the old copy in place.
        """
        store = self.oxigraph
        wanted = {graph_name(p).value: p for p in files}
        changed = {name: p for name, p in wanted.items() if not manifest.unchanged(name, p)}
        stale = [name for name in manifest.names(role) if name not in wanted]
        for name, path in changed.items():
            if store.contains_named_graph(ox.NamedNode(name)):
                try_parse(path)
        for name in stale + list(changed):
            if store.contains_named_graph(ox.NamedNode(name)):
                store.remove_graph(ox.NamedNode(name))
            manifest.forget(name)
        for name, path in changed.items():
            load_file(store, path, ox.NamedNode(name))
            manifest.record(name, path, role)
        if changed or stale:
            store.flush()
            manifest.write()

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction."""
        self.oxigraph.extend(quads)
        self._labels = None

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> int:
        """Empty the named graph ``graph``, then fill it with ``triples``.

        Used for the reasoner's graph, so a new run never mixes with an earlier one.

        :returns: the number of triples now in ``graph``.
        """
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        self.oxigraph.remove_graph(graph)
        self.add_quads(quads)
        return len(quads)

    def forget_labels(self) -> None:
        """Drop the label index after the store changed behind the graph's back (e.g. a linked vocabulary)."""
        self._labels = None

    # ------------------------------------------------------------------ querying

    @property
    def labels(self) -> LabelIndex:
        """The label and synonym index used to resolve parameter values (built on first use)."""
        if self._labels is None:
            self._labels = LabelIndex(self.oxigraph)
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
        return run(self.oxigraph, text, bindings)

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
        """:returns: the triples of one graph."""
        return (q.triple for q in self.oxigraph.quads_for_pattern(None, None, None, graph))

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
                    yield quad.triple
            done.append(graph)

    def to_rdflib(self, *, include_inferred: bool = True) -> rdflib.Graph:
        """:returns: the union graph as an ``rdflib.Graph`` (imports rdflib)."""
        from .rdflib_bridge import to_rdflib

        return to_rdflib(self.triples(include_inferred=include_inferred))
