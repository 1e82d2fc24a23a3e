"""Load RDF sources into an Oxigraph store: the knowledge graph object.

Every source file goes into its own named graph (``graph/<file stem>``), and
queries see the union of them as their default graph. Loading is
all-or-nothing: every file is parsed before the store changes, so a bad file
leaves the graph as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import resources
from .errors import QuerySyntaxError, SourceFileError
from .mappings import SSSOM_SUFFIX

if TYPE_CHECKING:
    from .queries import PreparedQuery
    from .results import Results, Term
    from .terms import LabelIndex

GRAPH_BASE = "https://w3id.org/spinekg/graph/"
INFERRED_GRAPH = ox.NamedNode(GRAPH_BASE + "inferred")
#: The named graph ``spinekg push`` writes on a remote server, and remote queries read.
PUBLISHED_GRAPH = GRAPH_BASE + "published"

#: File extensions spinekg reads, and their RDF syntax. Chosen by name, never sniffed.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".owl": ox.RdfFormat.RDF_XML,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def graph_name(path: Path) -> ox.NamedNode:
    """:returns: the named graph a source file is loaded into."""
    return ox.NamedNode(GRAPH_BASE + path.name.split(".")[0])


def linked_graph_name(path: Path) -> ox.NamedNode:
    """:returns: the named graph an external vocabulary is linked into (``graph/linked/<file stem>``)."""
    return ox.NamedNode(GRAPH_BASE + "linked/" + path.name.split(".")[0])


def rdf_format(path: Path) -> ox.RdfFormat:
    """:returns: the RDF syntax of ``path``, from its extension.
    :raises SourceFileError: for an extension spinekg does not read."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join([*sorted(FORMATS), SSSOM_SUFFIX])
        raise SourceFileError(path, f"unknown RDF file extension (known: {known})")
    return fmt


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn the errors of reading ``path`` as RDF into :class:`SourceFileError`."""
    try:
        yield
    except SyntaxError as err:
        raise SourceFileError(path, err.msg or str(err), err.lineno) from None
    except (UnicodeDecodeError, ValueError) as err:
        raise SourceFileError(path, f"cannot be read as RDF: {err}") from None
    except OSError as err:
        raise SourceFileError(path, err.strerror or str(err)) from None


def is_sssom(path: Path) -> bool:
    """:returns: whether ``path`` is an SSSOM mapping set (``*.sssom.tsv``), loaded as SKOS triples."""
    return path.name.lower().endswith(SSSOM_SUFFIX)


def _checked(path: Path) -> tuple[Path, ox.RdfFormat]:
    """:returns: the path and its RDF syntax (Turtle for an SSSOM set: it becomes triples).
    :raises SourceFileError: for an unknown extension, a missing, non-regular or empty file."""
    path = Path(path)
    fmt = ox.RdfFormat.TURTLE if is_sssom(path) else rdf_format(path)
    if not path.is_file():
        raise SourceFileError(path, "no such file" if not path.exists() else "not a regular file")
    if path.stat().st_size == 0:
        raise SourceFileError(path, "file is empty")
    return path, fmt


def has_graphs(fmt: ox.RdfFormat) -> bool:
    """:returns: whether the syntax names its own graphs (N-Quads, TriG)."""
    return fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)


def parse_file(path: Path, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
    """Parse one RDF file (or SSSOM mapping set) completely.

    :param path: the file; its extension names its syntax (``*.sssom.tsv``: SKOS triples generated from the mapping set).
    :param graph: the named graph for triples (default: one named after the file).
    :returns: the quads read.
    :raises SourceFileError: when the file is missing, not a file, not UTF-8 or not valid RDF.
    """
    path = Path(path)
    if is_sssom(path):
        from .mappings import sssom_quads

        _checked(path)
        with _reading(path):
            return sssom_quads(path, graph or graph_name(path))
    path, fmt = _checked(path)
    target = graph or graph_name(path)
    with _reading(path):
        parsed = ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
        quads = [q if has_graphs(fmt) else ox.Quad(q.subject, q.predicate, q.object, target) for q in parsed]
    return quads


def load_file(store: ox.Store, path: Path, graph: ox.NamedNode | None = None) -> None:
    """Parse one RDF file straight into ``store`` (inside Oxigraph, in one transaction: all or nothing).

    :param graph: the named graph for triples (default: one named after the file).
    :raises SourceFileError: as :func:`parse_file`; the store is then unchanged.
    """
    if is_sssom(Path(path)):
        store.extend(parse_file(path, graph))  # one transaction, like store.load
        return
    path, fmt = _checked(path)
    with _reading(path):
        target = None if has_graphs(fmt) else graph or graph_name(path)
        store.load(path=str(path), format=fmt, base_iri=path.resolve().as_uri(), to_graph=target)


def check_file(path: Path) -> None:
    """Parse ``path`` completely and keep nothing: proves it can be loaded.

    :raises SourceFileError: as :func:`parse_file`.
    """
    if is_sssom(Path(path)):
        parse_file(path)
        return
    path, fmt = _checked(path)
    with _reading(path):
        for _ in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()):
            pass


class KnowledgeGraph:
    """The spinekg graph: an Oxigraph store plus the list of sources loaded into it.

    Build one with :meth:`load`; query it with :meth:`query` (prepared queries
    by name) or :meth:`sparql` (ad-hoc SPARQL).
    """

    def __init__(self, store: ox.Store | None = None) -> None:
        self.store = store if store is not None else ox.Store()
        self.sources: list[Path] = []
        self.directory: Path | None = None
        self._labels: LabelIndex | None = None

    @classmethod
    def open(
        cls, directory: Path | str, sources: Sequence[Path | str] | None = None, *, extra: Sequence[Path | str] = ()
    ) -> KnowledgeGraph:
        """Open (or create) an on-disk store, so repeated runs do not re-parse the graph.

        Rule for rebuilding: each source file's SHA-256 is kept in a manifest in
        the store folder; a source whose bytes changed (or that is new) has its
        named graph replaced, a source no longer listed is dropped. Graphs added
        with :meth:`link` stay until unlinked.

        :param directory: the store folder (created if missing).
        :param sources: the graph's own files; default: the packaged ontology and data.
        :param extra: more files (for example ``--load`` on the command line), kept by the same rule
            under their own role: the store holds exactly the ``extra`` files of the latest call.
        :raises SourceFileError: when a changed source cannot be parsed (the store keeps its old copy).
        """
        from .persist import Manifest

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        kg = cls(ox.Store(str(directory)))
        manifest = Manifest.read(directory)
        files = [Path(p) for p in (resources.default_sources() if sources is None else sources)]
        loads = [Path(p) for p in extra]
        manifest.sync(kg, files)
        manifest.sync(kg, loads, role="load")
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

    def add_files(self, paths: Iterable[Path | str]) -> None:
        """Load every file in its own named graph; all files or none.

        Each file is parsed inside Oxigraph (no Python object per triple). A file
        whose graph is new is rolled back by dropping that graph if a later file
        fails; a file that adds to an existing graph (or names its own graphs) is
        parsed once beforehand, so it cannot fail half-way.

        (Returns nothing: counting the store twice cost 0.3 s at a million triples.)

        :raises SourceFileError: for the first file that cannot be read; the store is unchanged.
        """
        files = [Path(p) for p in paths]
        merging = {p for p in files if (not is_sssom(p) and has_graphs(rdf_format(p))) or self.store.contains_named_graph(graph_name(p))}
        for path in merging:
            check_file(path)
        loaded: list[Path] = []
        try:
            for path in files:
                load_file(self.store, path)
                loaded.append(path)
        except SourceFileError:
            for path in loaded:
                if path not in merging:
                    self.store.remove_graph(graph_name(path))
            raise
        finally:
            self._labels = None
        self.sources.extend(files)

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction."""
        self.store.extend(quads)
        self._labels = None

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> int:
        """Empty the named graph ``graph``, then fill it with ``triples``.

        Used for the reasoner's graph, so a new run never mixes with an earlier one.

        :returns: the number of triples now in ``graph``.
        """
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        self.store.remove_graph(graph)
        self.add_quads(quads)
        return len(quads)

    def forget_labels(self) -> None:
        """Drop the label index after the store changed behind :meth:`add_quads` (e.g. a linked vocabulary)."""
        self._labels = None

    @property
    def labels(self) -> LabelIndex:
        """The label and synonym index used to resolve parameter values (built on first use)."""
        if self._labels is None:
            from .terms import LabelIndex

            self._labels = LabelIndex(self.store)
        return self._labels

    def bind(self, query: PreparedQuery, params: Mapping[str, str]) -> dict[str, Term]:
        """Resolve user strings to RDF terms for a prepared query's parameters.

        :raises InputError: for unknown parameters, missing ones, or values that name no single entity.
        """
        from .queries import check_params
        from .terms import resolve

        bound: dict[str, Term] = {name: resolve(value, query.param(name), self.labels) for name, value in params.items()}
        check_params(query, bound)
        return bound

    def query(self, name: str, /, **params: str) -> Results:
        """Run a prepared query by name, e.g. ``kg.query("muscles-by-nerve", nerve="femoral nerve")``.

        :param params: parameter values as the user would type them (IRI, CURIE or label).
        :raises UnknownNameError: for an unknown query or parameter.
        """
        from .queries import get, run_select

        prepared = get(name)
        return run_select(self.store, prepared.text, self.bind(prepared, params))

    def sparql(self, text: str) -> Results | bool | list[ox.Triple]:
        """Run ad-hoc SPARQL over the union of the graphs.

        :returns: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE.
        :raises QuerySyntaxError: when the text does not parse.
        """
        from .results import Results

        try:
            answer = self.store.query(text, use_default_graph_as_union=True)
        except SyntaxError as err:
            raise QuerySyntaxError(f"SPARQL syntax error: {err.msg or err}") from None
        except (ValueError, RuntimeError, OSError) as err:
            raise QuerySyntaxError(f"SPARQL evaluation error: {err}") from None
        if isinstance(answer, ox.QuerySolutions):
            return Results.from_solutions(answer)
        if isinstance(answer, ox.QueryBoolean):
            return bool(answer)
        return list(answer)

    def __len__(self) -> int:
        return len(self.store)

    def graphs(self, *, include_inferred: bool = True) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
        """:returns: the store's graphs, the one from the largest source file first, the default graph last.

        :param include_inferred: include the reasoner's graph.
        """
        sizes = {graph_name(p).value: p.stat().st_size for p in self.sources if p.is_file()}
        named = [g for g in self.store.named_graphs() if include_inferred or g != INFERRED_GRAPH]
        ordered = sorted(named, key=lambda g: (-sizes.get(g.value, 0), g.value))
        return [*ordered, ox.DefaultGraph()]

    def triples(self, *, include_inferred: bool = True, skip_first: bool = False) -> Iterator[ox.Triple]:
        """Iterate the union of the graphs as triples (duplicates across graphs removed).

        Graphs are read one after another; a triple is checked against the graphs
        already read, so no set of every triple is built. The largest graph comes
        first and needs no checks.

        :param include_inferred: include the reasoner's graph.
        :param skip_first: leave out the first graph of :meth:`graphs` (an exporter writes it directly).
        """
        graphs = self.graphs(include_inferred=include_inferred)
        for n, graph in enumerate(graphs):
            done = graphs[:n]
            if skip_first and n == 0:
                continue
            for quad in self.store.quads_for_pattern(None, None, None, graph):
                if not done or not any(ox.Quad(quad.subject, quad.predicate, quad.object, g) in self.store for g in done):
                    yield quad.triple

    def to_rdflib(self, *, include_inferred: bool = True):  # type: ignore[no-untyped-def]
        """:returns: the union graph as an ``rdflib.Graph`` (imports rdflib)."""
        from .interop import to_rdflib

        return to_rdflib(self.triples(include_inferred=include_inferred))
