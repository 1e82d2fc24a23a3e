"""sssom-py, an SSSOM implementation spinekg does not use to load its set, takes the mapping set without a warning (issue 13, item 8).

The ``sssom`` command runs as a subprocess from this venv, so its logging is seen as a
user sees it. Its outputs are read back (rdflib for RDF, ``json`` for JSON) and must hold
the same mappings with the same creator, author and source versions as the TSV.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Namespace

from spinekg import mappings, resources

SSSOM_CLI = Path(sys.executable).with_name("sssom")
MAPPING_SET = mappings.read_sssom(mappings.default_path())
TEAM = "spinekg:curation-team"
SSSOM = Namespace("https://w3id.org/sssom/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PAV = Namespace("http://purl.org/pav/")
#: The provenance of one row as the tests compare it: (s, p, o) -> (creators, authors, object source, its version, provider).
Record = dict[tuple[str, str, str], tuple[frozenset[str], frozenset[str], str, str, str]]


def _sssom(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(SSSOM_CLI), *args]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)


def _expected() -> Record:
    expand = MAPPING_SET.expand
    return {
        (expand(m.subject_id), expand(m.predicate_id), expand(m.object_id)): (
            frozenset(map(expand, m.creator_id)),
            frozenset(map(expand, m.author_id)),
            expand(m.object_source),
            m.object_source_version,
            m.mapping_provider,
        )
        for m in MAPPING_SET.mappings
    }


def test_sssom_validate_accepts_the_set_without_warnings(tmp_path: Path) -> None:
    types = [arg for vt in ("JsonSchema", "PrefixMapCompleteness", "StrictCurieFormat") for arg in ("-V", vt)]
    done = _sssom(tmp_path, "validate", *types, str(mappings.default_path()))
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr[-2000:]


def _read_rdf(path: Path) -> Record:
    graph = Graph().parse(path, format="turtle")
    found: Record = {}
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        key = tuple(str(graph.value(axiom, p)) for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))
        values = [graph.value(axiom, p) for p in (SSSOM.object_source, SSSOM.object_source_version, SSSOM.mapping_provider)]
        creators = frozenset(map(str, graph.objects(axiom, DCTERMS.creator)))
        found[key] = (creators, frozenset(map(str, graph.objects(axiom, PAV.authoredBy))), *(str(v or "") for v in values))  # type: ignore[misc]
    return found


def _read_json(path: Path) -> Record:
    expand = MAPPING_SET.expand
    found: Record = {}
    for m in json.loads(path.read_text(encoding="utf-8"))["mappings"]:
        key = (expand(m["subject_id"]), expand(m["predicate_id"]), expand(m["object_id"]))
        people = (frozenset(map(expand, m.get(slot, []))) for slot in ("creator_id", "author_id"))
        found[key] = (*people, expand(m["object_source"]), m.get("object_source_version", ""), m.get("mapping_provider", ""))  # type: ignore[assignment]
    return found


@pytest.mark.parametrize(("fmt", "read"), [("rdf", _read_rdf), ("owl", _read_rdf), ("json", _read_json)])
def test_sssom_convert_gives_no_warnings_and_the_same_mappings(fmt: str, read, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"mappings.{fmt}"
    done = _sssom(tmp_path, "convert", str(mappings.default_path()), "-O", fmt, "-o", str(out))
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr[-2000:]
    assert read(out) == _expected()


def test_every_entity_reference_is_a_curie_of_the_curie_map() -> None:
    """What sssom-py's writers need: an EntityReference slot holds a CURIE whose prefix is declared (not an IRI)."""
    from sssom.constants import _get_sssom_schema_object

    slots = _get_sssom_schema_object().entity_reference_slots
    declared = set(MAPPING_SET.curie_map) | {"skos", "semapv"}
    values = [(s, v) for s, v in MAPPING_SET.metadata.items() if s in slots for v in (v if isinstance(v, list) else [v])]
    values += [(s, v) for m in MAPPING_SET.mappings for s in slots & set(vars(m)) for v in _values(getattr(m, s))]
    bad = [(s, v) for s, v in values if not re.fullmatch(r"[A-Za-z_][\w.-]*:\S+", str(v)) or str(v).split(":")[0] not in declared]
    assert not bad and ("subject_source", "spinekg:ontology") in values, bad[:5]


def _values(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,) if value else ()


def test_the_subject_source_is_the_released_ontology() -> None:
    ontology = Graph().parse(resources.ontology_dir() / "spinekg.ttl", format="turtle")
    (iri,) = ontology.subjects(RDF.type, OWL.Ontology)
    assert MAPPING_SET.expand(str(MAPPING_SET.metadata["subject_source"])) == str(iri)
    assert MAPPING_SET.metadata["subject_source_version"] == str(ontology.value(iri, OWL.versionIRI))


def test_every_manual_row_has_the_curation_team_as_creator_and_author() -> None:
    manual = [m for m in MAPPING_SET.mappings if m.mapping_justification == "semapv:ManualMappingCuration"]
    assert manual and all(m.creator_id == (TEAM,) and m.author_id == (TEAM,) for m in manual)
    assert all(m.creator_id == (TEAM,) for m in MAPPING_SET.mappings), "the team put every row, chained ones too, in its published form"


@pytest.mark.parametrize("row", MAPPING_SET.mappings, ids=lambda m: f"{m.subject_id}-{m.object_id}")
def test_every_row_records_the_release_it_was_checked_in(row: mappings.Mapping) -> None:
    """A row read in its object's own vocabulary names that release; a chained row names the release that supplied it."""
    if row.mapping_justification == "semapv:ManualMappingCuration":
        assert row.object_source_version and not row.mapping_provider
    else:
        assert row.mapping_justification == "semapv:MappingChaining" and row.mapping_provider.startswith(("https://", "http://"))
    assert not re.search(r"\b[0-9a-f]{40}\b|data-version hp/", row.comment), "a version lives in its field, not in the comment too"


#: Object prefix -> bioregistry prefix of its vocabulary.
REGISTRY = {"UBERON": "uberon", "FMA": "fma", "HP": "hp", "DOID": "doid", "MONDO": "mondo", "MAXO": "maxo"}
REGISTRY |= {"MESH": "mesh", "ICD10CM": "icd10cm", "SNOMEDCT": "snomedct", "UMLS": "umls"}


@pytest.mark.parametrize("prefix", sorted({m.object_prefix for m in MAPPING_SET.mappings}))
def test_object_source_is_the_vocabulary(prefix: str) -> None:
    """An OBO ontology is its PURL (as OBO mapping sets write it, ``obo:uberon.owl``); any other vocabulary its bioregistry record."""
    import bioregistry

    resource = bioregistry.get_resource(REGISTRY[prefix])
    sources = {MAPPING_SET.expand(m.object_source) for m in MAPPING_SET.mappings if m.object_prefix == prefix}
    artifacts = [a["url"] for a in (resource.obofoundry or {}).get("artifacts", [])] if resource.obofoundry else []
    obo_purl = f"http://purl.obolibrary.org/obo/{resource.prefix}.owl"
    expected = obo_purl if resource.get_obofoundry_prefix() else bioregistry.get_iri(f"bioregistry:{resource.prefix}")
    assert sources == {expected}
    if resource.get_obofoundry_prefix():
        assert obo_purl in artifacts or resource.get_download_owl() == obo_purl, f"{obo_purl} is not an OBO artefact of {prefix}"
