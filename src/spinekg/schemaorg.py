"""schema.org JSON-LD for the article page: a MedicalWebPage about the condition.

Everything comes from the graph through the prepared queries ``schemaorg-page``,
``schemaorg-facts`` and ``schemaorg-codes``; this module only arranges rows into
nodes. The output uses ``"@context": "https://schema.org"`` as publishers embed
it; nothing here fetches that context.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from . import resources
from .graph import KnowledgeGraph
from .namespaces import curie_map
from .publisher import Publisher

__all__ = ["CODING_SYSTEMS", "codes", "describe", "jsonld_bytes", "page"]

SDO = "http://schema.org/"
#: How each vocabulary names itself, for MedicalCode.codingSystem.
CODING_SYSTEMS = {
    "ICD10CM": "ICD-10-CM",
    "MESH": "MeSH",
    "HP": "HPO",
    "SNOMEDCT": "SNOMED CT",
    "UMLS": "UMLS",
    "UBERON": "UBERON",
    "FMA": "FMA",
    "DOID": "Disease Ontology",
    "MONDO": "MONDO",
    "MAXO": "MAxO",
}
Node = dict[str, Any]


def _local(iri: str) -> str:
    return iri.removeprefix(SDO)


def codes(kg: KnowledgeGraph, entity: str) -> list[Node]:
    """:returns: MedicalCode nodes for an entity's exact, close and broad matches.

    Every ``codeValue`` is the code within its coding system, the same way for every
    vocabulary: the local identifier, as bioregistry defines it (``M62.830``, ``D017116``,
    ``0003394``), with ``codingSystem`` naming the system (``HPO``), so no code carries a
    prefix that another code lacks.
    """
    found = []
    for row in kg.query("schemaorg-codes", entity=f"<{entity}>").as_dicts():
        curie = curie_map().compress(row["code"])
        if curie is None:
            raise LookupError(f"no shipped prefix for the code <{row['code']}>; add it to ontology/context.jsonld")
        prefix, _, value = curie.partition(":")
        found.append({"@type": "MedicalCode", "codeValue": value, "codingSystem": CODING_SYSTEMS.get(prefix, prefix)})
    return found


def describe(kg: KnowledgeGraph, entity: str, depth: int = 0) -> Node:
    """:returns: schema.org properties of ``entity``: its facts as nested nodes (two levels deep), plus codes."""
    properties: dict[str, list[Node]] = defaultdict(list)
    reverse: dict[str, list[Node]] = defaultdict(list)
    nodes: dict[tuple[str, str], Node] = {}
    for row in kg.query("schemaorg-facts", entity=f"<{entity}>").as_dicts():
        key = (row["property"], row["value"])
        if key not in nodes:
            nodes[key] = {"@id": row["value"], "@type": [], "name": row["valueName"]}
            (reverse if row.get("reverse") == "true" else properties)[_local(row["property"])].append(nodes[key])
        nodes[key]["@type"].append(_local(row["valueType"]))
    for node in nodes.values():
        node["@type"] = _most_specific(node["@type"])
        if depth < 1:
            node.update({k: v for k, v in describe(kg, node["@id"], depth + 1).items() if k not in node})
    result: Node = {name: values for name, values in sorted(properties.items())}
    if reverse:
        result["@reverse"] = dict(sorted(reverse.items()))
    if found := codes(kg, entity):
        result["code"] = found
    return result


def _most_specific(types: list[str]) -> str | list[str]:
    """AnatomicalStructure is the ontology's catch-all for anatomy; drop it when a more specific type is present."""
    kept = sorted(set(types) - {"AnatomicalStructure"}) or sorted(set(types))
    return kept[0] if len(kept) == 1 else kept


def page(kg: KnowledgeGraph, publisher: Publisher | None = None) -> Node:
    """Build the MedicalWebPage JSON-LD object (code IRIs become CURIEs through :func:`spinekg.namespaces.curie_map`).

    What the article says comes from the graph: the headline, the language (as its title is
    tagged), the text (the shipped source file, when its SHA-256 is the one the graph records),
    the condition it is about (also its ``mainEntity``) and the conditions it mentions. What
    it cannot say (the page's URL, publisher, authors, reviewer, dates) comes from
    ``publisher`` and is left out without one.

    :raises LookupError: when the graph has no source article with a condition.
    """
    rows = kg.query("schemaorg-page").as_dicts()
    if not rows:
        raise LookupError("the graph has no source article and condition to describe")
    first = rows[0]
    web_page: Node = {"@context": "https://schema.org", "@type": "MedicalWebPage", "@id": first["article"]}
    web_page.update({"name": first["title"], "headline": first["title"]})
    if first.get("language"):
        web_page["inLanguage"] = first["language"]
    if (text := _article_text(first.get("sha256"))) is not None:
        web_page["text"] = text
    for row in rows:
        condition = {"@id": row["condition"], "@type": "MedicalCondition", "name": row["conditionName"]}
        if row.get("definition"):
            condition["description"] = row["definition"]
        condition.update(describe(kg, row["condition"]))
        web_page.setdefault(row["role"], []).append(condition)
        if row["role"] == "about":
            web_page.setdefault("mainEntity", []).append({"@id": row["condition"]})
    if publisher is not None:
        web_page.update(_published(publisher))
    return web_page


def _article_text(sha256: str | None) -> str | None:
    """:returns: the shipped article's text when the graph records its hash, else None (a graph about another
    article does not get this one's text)."""
    data = resources.article_path().read_bytes()
    return data.decode("utf-8") if sha256 and hashlib.sha256(data).hexdigest() == sha256 else None


def _published(publisher: Publisher) -> Node:
    """:returns: the page's properties that only its publisher knows; the page URL becomes its ``@id``."""
    node: Node = {"@id": publisher.page_url, "url": publisher.page_url} if publisher.page_url else {}
    optional = {
        "description": publisher.description,
        "datePublished": publisher.date_published,
        "dateModified": publisher.date_modified,
        "lastReviewed": publisher.last_reviewed,
    }
    node.update({k: v for k, v in optional.items() if v})
    if publisher.publisher:
        node["publisher"] = publisher.publisher.as_schemaorg()
    if publisher.authors:
        node["author"] = [a.as_schemaorg() for a in publisher.authors]
    if publisher.reviewer:
        node["reviewedBy"] = publisher.reviewer.as_schemaorg()
    return node


def jsonld_bytes(kg: KnowledgeGraph, publisher: Publisher | None = None) -> bytes:
    """:returns: the page as indented JSON-LD, ready for a ``<script type="application/ld+json">`` element."""
    return (json.dumps(page(kg, publisher), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
