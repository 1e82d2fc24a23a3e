"""Bounds on hostile input files, checked before a parser sees them: each a clear error in bounded time and memory.

- **RDF/XML entities.** Oxigraph expands the entities a DOCTYPE declares, without limit:
  981 bytes of nested entities ("billion laughs") take gigabytes. Hardened XML parsers
  (defusedxml) refuse entity declarations; spinekg refuses parameter, external and
  nested entities. It accepts only the plain abbreviations that ontology editors write
  (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``), up to :data:`MAX_ENTITIES` of
  them, and only when their expansion stays below :data:`EXPANSION_FACTOR` times the
  file's size.
- **JSON-LD contexts.** Processing a scoped context costs its terms for every node that
  uses it (Oxigraph: about 50 µs a term; 2 MB with 300 scoped contexts took 28 s). A
  document whose scoped contexts' terms times its nodes exceed :data:`MAX_SCOPED_WORK`
  is refused. Nesting is bounded by Oxigraph itself (a clear error at 65,536 levels).

>>> check_xml(Path("ok.rdf"), [b'<!DOCTYPE rdf:RDF [<!ENTITY owl "http://www.w3.org/2002/07/owl#">]><rdf:RDF/>'])
>>> check_xml(Path("lol.rdf"), [b'<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;">]><x>&b;</x>'])
Traceback (most recent call last):
...
spinekg.errors.SourceFileError: lol.rdf: entity 'b' refers to another entity; nested entities are refused (their expansion is unbounded)
"""

from __future__ import annotations

import json
import re
import xml.parsers.expat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import SourceFileError

__all__ = ["EXPANSION_FACTOR", "MAX_ENTITIES", "MAX_SCOPED_WORK", "check_jsonld", "check_xml", "xml_error_line"]

MAX_ENTITIES = 256
EXPANSION_FACTOR = 8
#: The prolog (everything before the root element) is read up to this size.
MAX_PROLOG = 1 << 20
MAX_SCOPED_WORK = 100_000

_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(\[(?P<subset>.*?)\])?\s*>", re.S)
_ENTITY = re.compile(rb"<!ENTITY\s+(?P<param>%\s+)?(?P<name>[^\s%>]+)\s+(?P<body>[^>]*)>", re.S)
_VALUE = re.compile(rb"""^\s*("(?P<dq>[^"]*)"|'(?P<sq>[^']*)')\s*$""", re.S)


def check_xml(path: Path, chunks: Iterable[bytes]) -> None:
    """Check an RDF/XML file's entity declarations, reading it as a stream of chunks.

    :raises SourceFileError: for a parameter, external or nested entity, too many entities, or an expansion
        beyond :data:`EXPANSION_FACTOR` times the file's size.
    """
    stream = iter(chunks)
    head = b""
    for chunk in stream:
        head += chunk
        if (b"<!DOCTYPE" not in head[:4096] and len(head) >= 4096) or len(head) >= MAX_PROLOG or _prolog_done(head):
            break
    doctype = _DOCTYPE.search(head)
    if b"<!ENTITY" not in head or doctype is None:
        if b"<!ENTITY" in head:
            raise SourceFileError(path, "an entity declaration outside a well-formed DOCTYPE is refused")
        return
    values = _entities(path, doctype.group("subset") or b"")
    body = head[doctype.end() :]
    references = {name: body.count(b"&" + name + b";") for name in values}
    size = len(head)
    tail = b""
    for chunk in stream:
        size += len(chunk)
        window = tail + chunk
        for name in values:
            references[name] += window.count(b"&" + name + b";") - tail.count(b"&" + name + b";")
        tail = chunk[-300:]
    expansion = sum(references[name] * len(value) for name, value in values.items())
    if expansion > EXPANSION_FACTOR * size + (1 << 20):
        raise SourceFileError(path, f"its entities would expand to {expansion:,} bytes, more than {EXPANSION_FACTOR}x the file; refused")


def _prolog_done(head: bytes) -> bool:
    """Whether the DOCTYPE, if any, has ended (its closing ``]>`` or ``>`` has been read)."""
    start = head.find(b"<!DOCTYPE")
    return start >= 0 and _DOCTYPE.search(head, start) is not None


def _entities(path: Path, subset: bytes) -> dict[bytes, bytes]:
    """:returns: entity name -> value for the plain internal entities of a DOCTYPE's internal subset.
    :raises SourceFileError: for any other kind of declaration."""
    declared = _ENTITY.findall(subset)
    if subset.count(b"<!ENTITY") != len(declared):
        raise SourceFileError(path, "an entity declaration spinekg cannot read is refused")
    if len(declared) > MAX_ENTITIES:
        raise SourceFileError(path, f"declares {len(declared)} entities, more than {MAX_ENTITIES}; refused")
    values: dict[bytes, bytes] = {}
    for param, name, body in declared:
        label = name.decode("utf-8", "replace")
        if param:
            raise SourceFileError(path, f"parameter entity '{label}' is refused")
        match = _VALUE.match(body)
        if match is None:
            raise SourceFileError(path, f"external entity '{label}' is refused (SYSTEM and PUBLIC entities are never read)")
        value = match.group("dq") if match.group("dq") is not None else match.group("sq")
        if b"&" in value or b"%" in value:
            raise SourceFileError(
                path, f"entity '{label}' refers to another entity; nested entities are refused (their expansion is unbounded)"
            )
        values[name] = value
    return values


def check_jsonld(path: Path, data: bytes) -> None:
    """Check the work a JSON-LD document's scoped contexts would cost (a document with one context or none has none).

    :raises SourceFileError: when its scoped contexts cost more than :data:`MAX_SCOPED_WORK` terms times nodes.
    """
    if data.count(b'"@context"') < 2:
        return
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as err:
        raise SourceFileError(path, f"cannot be read as JSON: {err}") from None
    objects, scoped = 0, 0
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            objects += 1
            for definition in _definitions(node.get("@context")):
                if isinstance(definition, dict) and "@context" in definition:
                    scoped += _terms(definition["@context"])
            stack.extend(v for k, v in node.items() if k != "@context")
        elif isinstance(node, list):
            stack.extend(node)
    if scoped * objects > MAX_SCOPED_WORK:
        raise SourceFileError(
            path, f"its scoped contexts ({scoped} terms) over {objects} nodes would cost more than {MAX_SCOPED_WORK:,} steps; refused"
        )


def _definitions(context: Any) -> list[Any]:
    contexts = context if isinstance(context, list) else [context]
    return [value for c in contexts if isinstance(c, dict) for value in c.values()]


def _terms(context: Any) -> int:
    contexts = context if isinstance(context, list) else [context]
    return sum(len(c) for c in contexts if isinstance(c, dict))


def xml_error_line(path: Path, data: bytes | None) -> int | None:
    """:returns: the line of the first XML well-formedness error (Oxigraph's RDF/XML errors carry none), else None.

    Only called after :func:`check_xml` passed, so expat expands nothing unbounded.
    """
    parser = xml.parsers.expat.ParserCreate()
    try:
        if data is None:
            with path.open("rb") as handle:
                parser.ParseFile(handle)
        else:
            parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as err:
        return int(err.lineno)
    except OSError:
        return None
    return None
