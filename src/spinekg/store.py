"""Load RDF sources into an Oxigraph store: the knowledge graph object.

Every source file goes into its own named graph (``graph/<file stem>``), and
queries see the union of them as their default graph. Loading is
all-or-nothing: every file is parsed before the store changes, so a bad file
leaves the graph as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
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


def parse_file(path: Path, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
    """Parse one RDF file (or SSSOM mapping set) completely.

    :param path: the file; its extension names its syntax (``*.sssom.tsv``: SKOS triples generated from the mapping set).
    :param graph: the named graph for triples (default: one named after the file).
    :returns: the quads read.
    :raises SourceFileError: when the file is missing, not a file, not UTF-8 or not valid RDF.
    """
    path = Path(path)
    if path.name.lower().endswith(SSSOM_SUFFIX):
        from .mappings import sssom_quads

        return sssom_quads(path, graph or graph_name(path))
    fmt = rdf_format(path)
    if not path.is_file():
        raise SourceFileError(path, "no such file" if not path.exists() else "not a regular file")
    if path.stat().st_size == 0:
        raise SourceFileError(path, "file is empty")
    target = graph or graph_name(path)
    try:
        quads = ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
        return [q if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG) else ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]
    except SyntaxError as err:
        raise SourceFileError(path, err.msg or str(err), err.lineno) from None
    except (UnicodeDecodeError, ValueError) as err:
        raise SourceFileError(path, f"cannot be read as RDF: {err}") from None
    except OSError as err:
        raise SourceFileError(path, err.strerror or str(err)) from None


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
    def open(cls, directory: Path | str, sources: Sequence[Path | str] | None = None) -> KnowledgeGraph:
        """Open (or create) an on-disk store, so repeated runs do not re-parse the graph.

        Rule for rebuilding: each source file's SHA-256 is kept in a manifest in
        the store folder; a source whose bytes changed (or that is new) has its
        named graph replaced, a source no longer listed is dropped. Graphs added
        with :meth:`link` stay until unlinked.

        :param directory: the store folder (created if missing).
        :param sources: the graph's own files; default: the packaged ontology and data.
        :raises SourceFileError: when a changed source cannot be parsed (the store keeps its old copy).
        """
        from .persist import Manifest

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        kg = cls(ox.Store(str(directory)))
        manifest = Manifest.read(directory)
        files = [Path(p) for p in (resources.default_sources() if sources is None else sources)]
        manifest.sync(kg, files)
        kg.sources = files
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

    def add_files(self, paths: Iterable[Path | str]) -> int:
        """Parse every file, then add them all in one transaction.

        :returns: the number of quads added.
        :raises SourceFileError: for the first file that cannot be read; the store is unchanged.
        """
        files = [Path(p) for p in paths]
        quads: list[ox.Quad] = []
        for path in files:
            quads.extend(parse_file(path))
        self.add_quads(quads)
        self.sources.extend(files)
        return len(quads)

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

    def triples(self, *, include_inferred: bool = True) -> Iterator[ox.Triple]:
        """Iterate the union of the graphs as triples (duplicates across graphs removed).

        :param include_inferred: include the reasoner's graph.
        """
        seen: set[ox.Triple] = set()
        for quad in self.store:
            if not include_inferred and quad.graph_name == INFERRED_GRAPH:
                continue
            triple = quad.triple
            if triple not in seen:
                seen.add(triple)
                yield triple

    def to_rdflib(self, *, include_inferred: bool = True):  # type: ignore[no-untyped-def]
        """:returns: the union graph as an ``rdflib.Graph`` (imports rdflib)."""
        from .interop import to_rdflib

        return to_rdflib(self.triples(include_inferred=include_inferred))
