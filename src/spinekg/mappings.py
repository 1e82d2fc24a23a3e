"""The SSSOM mapping set: links from spinekg individuals to medical vocabularies.

``data/mappings.sssom.tsv`` is the one source of truth. This module reads it
without pandas (the ``csv`` module plus PyYAML for the ``#`` metadata header),
expands its CURIEs strictly with the set's own ``curie_map``, and turns each row
into one SKOS triple, which store loading puts in the named graph ``graph/mappings``.

Besides the six columns every row needs, it reads the provenance columns
:data:`PROVENANCE_COLUMNS` (who made the row, which vocabulary and release its
object was read in, who supplied a chained row). Every SSSOM *entity reference*
it reads, in a row or in the header, must be a CURIE whose prefix the curie_map
declares, as sssom-py's writers need: an IRI there is refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .errors import SourceFileError, UnknownNameError

__all__ = [
    "PROVENANCE_COLUMNS",
    "SSSOM_SUFFIX",
    "WRITER_FUNCTIONS",
    "Mapping",
    "MappingSet",
    "default_path",
    "get_writer_function",
    "read_sssom",
    "render",
    "sssom_quads",
    "to_triples",
    "to_turtle",
]

SSSOM_SUFFIX = ".sssom.tsv"
SKOS = "http://www.w3.org/2004/02/skos/core#"
#: The mapping predicates spinekg asserts; anything else in the file is an error.
PREDICATES = tuple(f"skos:{name}Match" for name in ("exact", "close", "broad", "narrow", "related"))
REQUIRED_COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification")
#: Optional columns read into :class:`Mapping`; the ``_id`` ones are multivalued (``|``-separated), as in SSSOM TSV.
PROVENANCE_COLUMNS = ("creator_id", "author_id", "object_source", "object_source_version", "mapping_provider")
#: SSSOM slots whose values are entity references (CURIEs), in the header or in a row.
ENTITY_REFERENCES = ("subject_source", "object_source", "creator_id", "author_id", "reviewer_id")
_MULTIVALUED = ("creator_id", "author_id")
_BUILTIN = {"skos": SKOS, "semapv": "https://w3id.org/semapv/vocab/"}


@dataclass(frozen=True)
class Mapping:
    """One row of the mapping set (CURIEs as written in the file).

    ``creator_id`` and ``author_id`` are CURIEs of agents; ``object_source`` is the
    object's vocabulary (a CURIE), ``object_source_version`` the release of it the
    object was read in, and ``mapping_provider`` the URL of the resource that supplied
    a chained row."""

    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    mapping_justification: str
    comment: str = ""
    creator_id: tuple[str, ...] = ()
    author_id: tuple[str, ...] = ()
    object_source: str = ""
    object_source_version: str = ""
    mapping_provider: str = ""

    @property
    def object_prefix(self) -> str:
        """:returns: the CURIE prefix of the object, e.g. ``UBERON``."""
        return self.object_id.split(":", 1)[0]

    @property
    def object_local_id(self) -> str:
        """:returns: the part of the object CURIE after the prefix."""
        return self.object_id.split(":", 1)[1]


@dataclass(frozen=True)
class MappingSet:
    """The metadata header and the rows of an SSSOM TSV file."""

    metadata: dict[str, object]
    mappings: tuple[Mapping, ...]
    path: Path | None = None
    curie_map: dict[str, str] = field(default_factory=dict)

    def expand(self, curie: str) -> str:
        """:returns: the IRI of ``curie``, expanded strictly with the set's own curie_map.

        A plain lookup rather than ``curies``: this runs on every load of the graph,
        where importing curies (and pydantic) would triple a cold CLI query's time;
        the curie_map itself is checked against bioregistry and against the shipped
        context (:func:`spinekg.namespaces.prefix_map`) by the tests.

        :raises SourceFileError: when its prefix is not in the curie_map or the local part is empty."""
        prefix, sep, local = curie.partition(":")
        namespace = _BUILTIN.get(prefix) or self.curie_map.get(prefix)
        if not sep or not local or namespace is None:
            raise SourceFileError(self.path or "mapping set", f"cannot expand {curie!r}: prefix not in the curie_map")
        return namespace + local


def _split_header(text: str) -> tuple[str, str]:
    """:returns: the YAML header (``#`` removed) and the TSV body."""
    header: list[str] = []
    body: list[str] = []
    for line in text.splitlines(keepends=True):
        if not body and line.startswith("#"):
            header.append(line[1:])
        else:
            body.append(line)
    return "".join(header), "".join(body)


def _metadata(path: Path, header: str) -> dict[str, object]:
    """:returns: the YAML header, read safely and without aliases (1 KB of nested aliases expands to gigabytes)."""
    import yaml

    class NoAliases(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no types
        def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
            if self.check_event(yaml.AliasEvent):
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(f"YAML aliases are refused (line {mark.line + 1})")
            return super().compose_node(parent, index)

    try:
        meta = yaml.load(header, Loader=NoAliases) or {}
    except yaml.YAMLError as err:
        raise SourceFileError(path, f"bad SSSOM metadata header: {err}") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("curie_map", {}), dict):
        raise SourceFileError(path, "SSSOM metadata header must be a mapping with a curie_map mapping")
    return meta


def _check_references(mapping_set: MappingSet, values: dict[str, object], number: int | None = None) -> None:
    """:raises SourceFileError: when an entity-reference slot of ``values`` holds anything but CURIEs of the curie_map."""
    for slot in ENTITY_REFERENCES:
        value = values.get(slot) or ()
        for curie in value if isinstance(value, list | tuple) else [value]:
            try:
                mapping_set.expand(str(curie))
            except SourceFileError:
                message = f"{slot} must hold CURIEs whose prefix is in the curie_map, not {curie!r}"
                raise SourceFileError(mapping_set.path or "mapping set", message, number) from None


def _row(mapping_set: MappingSet, number: int, row: dict[str, str]) -> Mapping:
    path = mapping_set.path or Path("mapping set")
    missing = [c for c in ("subject_id", "predicate_id", "object_id", "mapping_justification") if not row.get(c)]
    if missing:
        raise SourceFileError(path, f"empty {', '.join(missing)}", number)
    if row["predicate_id"] not in PREDICATES:
        raise SourceFileError(path, f"predicate {row['predicate_id']!r} is not one of {', '.join(PREDICATES)}", number)
    if ":" not in row["object_id"] or ":" not in row["subject_id"]:
        raise SourceFileError(path, "subject_id and object_id must be CURIEs", number)
    values: dict[str, object] = {k: (row.get(k) or "").strip() for k in (*REQUIRED_COLUMNS, "comment", *PROVENANCE_COLUMNS)}
    for slot in _MULTIVALUED:
        values[slot] = tuple(v.strip() for v in str(values[slot]).split("|") if v.strip())
    _check_references(mapping_set, values, number)
    return Mapping(**values)  # type: ignore[arg-type]


def read_sssom(path: Path | str, text: str | None = None) -> MappingSet:
    """Read an SSSOM TSV file (embedded ``#`` YAML header, then a tab-separated table).

    :param text: the file's content when it was read already (then ``path`` only names it).
    :raises SourceFileError: when the file is missing, not UTF-8, or not a valid mapping set.
    """
    path = Path(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise SourceFileError(path, getattr(err, "strerror", None) or str(err)) from None
    header, body = _split_header(text)
    meta = _metadata(path, header)
    reader = csv.DictReader(io.StringIO(body), delimiter="\t")
    absent = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
    if absent:
        raise SourceFileError(path, f"missing column(s): {', '.join(absent)}")
    curie_map = {str(k): str(v) for k, v in dict(meta.get("curie_map") or {}).items()}  # type: ignore[call-overload]
    header_only = MappingSet(meta, (), path, curie_map)
    _check_references(header_only, meta)
    first = header.count("\n") + 2
    try:
        rows = tuple(_row(header_only, first + i, row) for i, row in enumerate(reader))
    except csv.Error as err:  # e.g. a field over csv's 128 KB limit
        raise SourceFileError(path, f"bad SSSOM table: {err}", first + reader.line_num - 1) from None
    return MappingSet(meta, rows, path, curie_map)


def to_triples(mapping_set: MappingSet) -> list[ox.Triple]:
    """:returns: one SKOS triple per row, with IRIs expanded from the set's curie_map.
    :raises SourceFileError: for a CURIE whose prefix the curie_map lacks."""
    expand = mapping_set.expand
    return [
        ox.Triple(ox.NamedNode(expand(m.subject_id)), ox.NamedNode(expand(m.predicate_id)), ox.NamedNode(expand(m.object_id)))
        for m in mapping_set.mappings
    ]


def sssom_quads(path: Path, graph: ox.NamedNode, text: str | None = None) -> list[ox.Quad]:
    """Parse an SSSOM file (or ``text``, its content) into quads in ``graph`` (the reader :mod:`spinekg.readers` uses)."""
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in to_triples(read_sssom(path, text))]


def to_turtle(mapping_set: MappingSet) -> bytes:
    """:returns: the mapping set's SKOS triples as Turtle, with the set's prefixes."""
    prefixes = {**_BUILTIN, **mapping_set.curie_map}
    return ox.serialize(to_triples(mapping_set), format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""


def to_sssom_tsv(mapping_set: MappingSet) -> bytes:
    """:returns: the mapping set as SSSOM TSV: the file it was read from, byte for byte."""
    if mapping_set.path is None:
        raise ValueError("this mapping set was not read from a file")
    return mapping_set.path.read_bytes()


#: Output formats of ``spinekg mappings``: name -> writer (as sssom-py's ``WRITER_FUNCTIONS``).
WRITER_FUNCTIONS: dict[str, Callable[[MappingSet], bytes]] = {"sssom": to_sssom_tsv, "rdf": to_turtle}


def get_writer_function(name: str) -> Callable[[MappingSet], bytes]:
    """:returns: the writer for output format ``name``.
    :raises UnknownNameError: for a format with no writer."""
    try:
        return WRITER_FUNCTIONS[name]
    except KeyError:
        raise UnknownNameError(f"no mapping writer named {name!r}", sorted(WRITER_FUNCTIONS)) from None


def render(path: Path | str | None, fmt: str) -> bytes:
    """What ``spinekg mappings`` prints: a mapping set (default: the packaged one) in output format ``fmt``.

    :raises SourceFileError: when the file cannot be read; :raises UnknownNameError: for an unknown format.
    """
    writer = get_writer_function(fmt)
    return writer(read_sssom(path if path is not None else default_path()))


def default_path() -> Path:
    """:returns: the packaged mapping set."""
    return resources.mappings_path()
