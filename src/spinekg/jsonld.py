"""Compact JSON-LD with the shipped ``@context``, written from the N-Triples text of the graph.

rdflib's JSON-LD serialiser needs the whole graph copied into rdflib and then
compacts it in pure Python; at a million triples that took minutes. This writer
reads N-Triples lines (as Oxigraph writes them), groups them by subject and
compacts each value with a small, conservative subset of the JSON-LD 1.1
compaction rules:

- a term of the context is used only where expansion gives back exactly the
  same triple (``@type: @id``/``@vocab`` for IRIs, a datatype for literals of
  that datatype, a ``@language`` container for language-tagged strings, an
  uncoerced term for anything);
- every other predicate is written as a compact IRI (``prefix:local``) with a
  value object. Compact IRIs come from a :class:`~spinekg.namespaces.PrefixMap`, the
  rule of every other output (the longest namespace wins), over the context's
  prefixes whose IRI ends in ``/`` or ``#``: JSON-LD 1.1 (its rule for compact IRIs)
  treats no other simple term as a prefix, so ``UBERON_`` IRIs are written
  ``obo:UBERON_...`` here and ``UBERON:...`` everywhere else.

The work per statement is a few lookups: how a predicate and a kind of object
(an IRI, a blank node, a literal's language or datatype) are written is decided
once (:meth:`Compactor.rule`), and an N-Triples string literal is already a JSON
string (the escapes N-Triples writes are JSON's), so it is copied as it is.

One node object per subject, the ontology first, then by ``@id``; keys, language
maps and lists of values sorted, so the same graph gives the same bytes. The output
expands to the same graph (tests check the round trip with rdflib, PyLD and Jena).

>>> import io
>>> out = io.BytesIO()
>>> write([ox.Triple(ox.NamedNode("https://w3id.org/spinekg/id/a"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
...     ox.Literal("a", language="en"))], {"kg": "https://w3id.org/spinekg/id/", "label": {"@id": "http://www.w3.org/2000/01/rdf-schema#label", "@container": "@language"}}, out)
>>> print(out.getvalue().decode().splitlines()[-3])
{"@id": "kg:a", "label": {"en": "a"}}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, NamedTuple

import pyoxigraph as ox

from .errors import InputError
from .namespaces import OWL, RDF_TYPE, XSD_STRING, PrefixMap

__all__ = ["Compactor", "Rule", "TermDefinition", "lines_of", "write", "write_dataset", "write_dataset_lines", "write_lines"]

_TYPE = f"<{RDF_TYPE.value}>".encode()
_ONTOLOGY = f"<{OWL}Ontology> .".encode()
#: The kinds of object a rule is for (literals are told by what follows their closing quote).
IRI, BLANK = b"<", b"_"


@dataclass(frozen=True)
class TermDefinition:
    """One expanded term of the context: its name, property IRI, coercion and container."""

    name: str
    iri: str
    coerce: str | None = None
    language_map: bool = False

    def carries(self, kind: bytes) -> bool | None:
        """:returns: whether this term carries objects of ``kind`` with its coercion (True), as value objects
        (None: an uncoerced term), or not at all (False)."""
        if self.language_map:
            return kind.startswith(b"@") and b"--" not in kind
        if self.coerce in ("@id", "@vocab"):
            return kind == IRI
        if self.coerce is not None:
            return kind == (b"" if self.coerce == XSD_STRING else f"^^<{self.coerce}>".encode())
        return None


class Rule(NamedTuple):
    """How one predicate writes one kind of object: under ``key`` (in the language map ``language`` when set),
    the value being ``before + x + after``, where x is the literal's JSON string, the IRI compacted as a JSON
    string, or the blank node's label as one."""

    key: bytes
    language: bytes | None = None
    before: bytes = b""
    after: bytes = b""


class Compactor:
    """Compacts IRIs and values against one ``@context``."""

    def __init__(self, context: dict[str, Any]) -> None:
        prefixes = {k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@") and v.endswith(("/", "#"))}
        self._curies = PrefixMap(prefixes)
        self._iris: dict[str, str] = {}
        self._json: dict[bytes, bytes] = {}
        #: an N-Triples object with its " ." (an IRI) -> its JSON string, compacted
        self.compacted: dict[bytes, bytes] = {}
        #: predicate -> kind of object -> rule
        self.rules: dict[bytes, dict[bytes, Rule]] = {}
        self.terms: dict[str, list[TermDefinition]] = {}
        for name, body in context.items():
            if isinstance(body, dict) and "@id" in body:
                term = TermDefinition(
                    name, self.expand(body["@id"], prefixes), _coercion(body, prefixes), body.get("@container") == "@language"
                )
                self.terms.setdefault(term.iri, []).append(term)

    @staticmethod
    def expand(value: str, prefixes: dict[str, str]) -> str:
        """:returns: ``value`` with a known prefix expanded."""
        prefix, sep, local = value.partition(":")
        return prefixes[prefix] + local if sep and prefix in prefixes else value

    def iri(self, iri: str) -> str:
        """:returns: the compact form of an IRI (cached); the IRI itself when no prefix fits."""
        found = self._iris.get(iri)
        if found is None:
            curie = self._curies.compress(iri)
            found = self._iris[iri] = curie if curie and not curie.partition(":")[2].startswith("//") else iri
        return found

    def iri_json(self, term: bytes) -> bytes:
        """:returns: an N-Triples IRI (``<...>``) compacted, as a JSON string (cached)."""
        found = self._json.get(term)
        if found is None:
            found = self._json[term] = _json(self.iri(term[1:-1].decode()))
        return found

    def rule(self, predicate: bytes, kind: bytes) -> Rule:
        """:returns: how ``predicate`` (an N-Triples IRI) writes objects of ``kind`` (``<``, ``_``, or what follows
        a literal's closing quote: nothing, ``@lang`` or ``^^<datatype>``), decided once and cached."""
        kinds = self.rules.setdefault(predicate, {})
        found = kinds.get(kind)
        if found is None:
            found = kinds[kind] = self._decide(predicate, kind)
        return found

    def _decide(self, predicate: bytes, kind: bytes) -> Rule:
        if predicate == _TYPE and kind == IRI:
            return Rule(b'"@type"')
        for term in self.terms.get(predicate[1:-1].decode(), ()):
            carried = term.carries(kind)
            if carried is None:
                return self._value_rule(_json(term.name), kind)
            if carried:
                return Rule(_json(term.name), _json(kind[1:].decode()) if term.language_map else None)
        return self._value_rule(self.iri_json(predicate), kind)

    def _value_rule(self, key: bytes, kind: bytes) -> Rule:
        """:returns: the rule that writes a value in the form that needs no term definition."""
        if kind in (IRI, BLANK):
            return Rule(key, None, b'{"@id": ', b"}")
        if kind.startswith(b"@"):
            language, _, direction = kind[1:].decode().partition("--")
            extra = b', "@direction": ' + _json(direction) if direction else b""
            return Rule(key, None, b'{"@language": ' + _json(language) + extra + b', "@value": ', b"}")
        if kind:
            return Rule(key, None, b'{"@type": ' + self.iri_json(kind[2:]) + b', "@value": ', b"}")
        return Rule(key)


def _json(text: str) -> bytes:
    return json.dumps(text, ensure_ascii=False).encode()


def _coercion(body: dict[str, str], prefixes: dict[str, str]) -> str | None:
    kind = body.get("@type")
    return None if kind is None else kind if kind.startswith("@") else Compactor.expand(kind, prefixes)


Node = dict[bytes, Any]  # key -> its values, or (a language map) language -> its values
_TRIPLE_TERM = "the graph holds RDF-star quoted triples, which JSON-LD 1.1 cannot write; export Turtle or N-Triples"


def _nodes(lines: Iterable[bytes], compactor: Compactor, labels: Mapping[bytes, bytes]) -> tuple[dict[bytes, Node], set[bytes]]:
    """:returns: subject -> its values by key, and the subjects that are the ontology; blank nodes get their
    labels from ``labels`` where it has them.
    :raises InputError: for an RDF 1.2 triple term, which JSON-LD 1.1 cannot write."""
    nodes: dict[bytes, Node] = {}
    ontologies = set()
    rules, rule, compacted, iri_json = compactor.rules, compactor.rule, compactor.compacted, compactor.iri_json
    last, subject, node = None, b"", {}
    for line in lines:
        if not line:
            continue
        s, p, o = line.split(b" ", 2)  # o: the object, then " ."
        if s != last:  # Oxigraph writes a subject's statements mostly together
            last = s
            subject = labels.get(s, s) if s[0] == 95 else s
            found_node = nodes.get(subject)
            node = nodes[subject] = {} if found_node is None else found_node
        first = o[0]
        if first == 34:  # '"': a literal; an N-Triples string is a JSON string
            quote = o.rindex(b'"')
            kind, x = o[quote + 1 : -2], o[: quote + 1]
        elif first == 95:  # '_': a blank node
            kind, x = BLANK, b'"' + labels.get(o[:-2], o[:-2]) + b'"'
        elif o[1] == 60:  # '<<': a triple term
            raise InputError(_TRIPLE_TERM)
        else:
            kind = IRI
            known = compacted.get(o)
            x = compacted[o] = iri_json(o[:-2]) if known is None else known
            if p == _TYPE and o == _ONTOLOGY:
                ontologies.add(subject)
        kinds = rules.get(p)
        r = kinds.get(kind) if kinds is not None else None
        key, language, before, after = r if r is not None else rule(p, kind)
        value = before + x + after if before else x
        values = node.get(key)
        if language is not None:
            if values is None:
                values = node[key] = {}
            values.setdefault(language, []).append(value)
        elif values is None:
            node[key] = [value]
        else:
            values.append(value)
    return nodes, ontologies


def _one(values: list[bytes]) -> bytes:
    if len(values) == 1:
        return values[0]
    values.sort()
    return b"[" + b", ".join(values) + b"]"


def _node_text(identifier: bytes, node: Node) -> bytes:
    """:returns: one node object: ``@id`` first, then the keys sorted, each list of values sorted."""
    parts = [b'{"@id": ' + identifier]
    for key in sorted(node):
        values = node[key]
        if values.__class__ is list:
            parts.append(key + b": " + (values[0] if len(values) == 1 else _one(values)))
        else:
            parts.append(key + b": {" + b", ".join(language + b": " + _one(v) for language, v in sorted(values.items())) + b"}")
    return b", ".join(parts) + b"}"


def _node_lines(lines: Iterable[bytes], compactor: Compactor, labels: Mapping[bytes, bytes]) -> bytes:
    """:returns: the node objects of ``lines``, one per line (joined by ``,`` and a newline): the ontology first,
    then in the order of their ``@id``."""
    nodes, ontologies = _nodes(lines, compactor, labels)
    iri_json = compactor.iri_json
    first: list[bytes] = []
    texts: list[bytes] = []
    for subject, node in nodes.items():
        text = _node_text(iri_json(subject) if subject[0] == 60 else b'"' + subject + b'"', node)
        (first if subject in ontologies else texts).append(text)
    first.sort()
    texts.sort()
    return b",\n".join(first + texts)


def _head(context: dict[str, Any]) -> bytes:
    return b'{\n"@context": ' + json.dumps(context, indent=1, ensure_ascii=False).encode() + b',\n"@graph": [\n'


def lines_of(triples: Iterable[ox.Triple]) -> Iterator[bytes]:
    """:returns: the N-Triples lines (without newlines) of ``triples``, as this module reads them."""
    return (f"{t} .".encode() for t in triples)


def write_lines(lines: Iterable[bytes], context: dict[str, Any], out: BinaryIO, labels: Mapping[bytes, bytes] | None = None) -> None:
    """Write the statements of N-Triples ``lines`` (each one statement without its newline, as Oxigraph writes
    them; empty lines are skipped) as one compact JSON-LD document: the context embedded, one node
    object per line. Blank nodes get their labels from ``labels`` (``_:old`` -> ``_:new``, see
    :func:`spinekg.ntriples.stable_labels`) where it has them.

    :raises InputError: for an RDF 1.2 triple term.
    """
    compactor = Compactor(context)
    body = _node_lines(lines, compactor, labels or {})
    out.write(_head(context) + body + b"\n]\n}\n")


def write(triples: Iterable[ox.Triple], context: dict[str, Any], out: BinaryIO) -> None:
    """Write ``triples`` as one compact JSON-LD document (:func:`write_lines`; blank node labels are the
    caller's: see :func:`spinekg.serialize.relabel`)."""
    write_lines(lines_of(triples), context, out)


def write_dataset_lines(
    graphs: Mapping[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, Iterable[bytes]],
    context: dict[str, Any],
    out: BinaryIO,
    labels: Mapping[bytes, bytes] | None = None,
) -> None:
    """Write the graphs, each given by its N-Triples lines, as one compact JSON-LD document that keeps the named
    graphs: each is a graph object (``{"@id": graph, "@graph": [...]}``), in IRI order, and the default graph's
    nodes follow at the top level. Blank nodes are labelled as :func:`write_lines` does.

    :raises InputError: for an RDF 1.2 triple term.
    """
    compactor = Compactor(context)
    parts = []
    default = b""
    for name in sorted(graphs, key=lambda g: "" if isinstance(g, ox.DefaultGraph) else g.value):
        body = _node_lines(graphs[name], compactor, labels or {})
        if isinstance(name, ox.DefaultGraph):
            default = body
        elif body:
            if isinstance(name, ox.NamedNode):
                identifier = compactor.iri_json(f"<{name.value}>".encode())
            else:
                blank = f"_:{name.value}".encode()
                identifier = b'"' + (labels or {}).get(blank, blank) + b'"'
            parts.append(b'{"@id": ' + identifier + b', "@graph": [\n' + body + b"\n]}")
    if default:
        parts.append(default)
    out.write(_head(context) + b",\n".join(parts) + b"\n]\n}\n")


def write_dataset(quads: Iterable[ox.Quad], context: dict[str, Any], out: BinaryIO) -> None:
    """Write ``quads`` as :func:`write_dataset_lines` does (blank node labels as they come)."""
    graphs: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[bytes]] = {}
    for quad in quads:
        graphs.setdefault(quad.graph_name, []).append(f"{quad.triple} .".encode())
    write_dataset_lines(graphs, context, out)
