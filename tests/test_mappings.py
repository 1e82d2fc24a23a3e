"""The SSSOM mapping set: it parses with sssom-py, its prefixes agree with bioregistry, and it becomes SKOS triples."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from spinekg import mappings, resources
from spinekg.errors import SourceFileError
from spinekg.graph import KnowledgeGraph
from spinekg.namespaces import GRAPH_BASE

MAPPING_SET = mappings.read_sssom(mappings.default_path())
OWN_BASE = "https://w3id.org/spinekg/"
#: Generic article entities: they may only be mapped to broader external terms.
GENERIC = ("kg:back-muscles", "kg:spinal-fascia", "kg:spinal-ligaments", "kg:spinal-tendons", "kg:supplying-nerve", "kg:injury")


def test_parses_with_sssom_py() -> None:
    from sssom.parsers import parse_sssom_table

    msdf = parse_sssom_table(str(mappings.default_path()))
    assert msdf.metadata["mapping_set_id"] == "https://w3id.org/spinekg/mappings.sssom.tsv"
    assert len(msdf.df) == len(MAPPING_SET.mappings)
    ours = {(m.subject_id, m.predicate_id, m.object_id) for m in MAPPING_SET.mappings}
    theirs = set(zip(msdf.df.subject_id, msdf.df.predicate_id, msdf.df.object_id, strict=True))
    assert ours == theirs


def test_metadata_has_the_required_slots() -> None:
    for key in ("mapping_set_id", "license", "curie_map", "mapping_set_version"):
        assert MAPPING_SET.metadata.get(key), key


def _bioregistry_resource(prefix: str):  # type: ignore[no-untyped-def]
    import bioregistry

    return bioregistry.get_resource(prefix)


def _check_prefix(prefix: str, uri_prefix: str) -> None:
    if uri_prefix.startswith(OWN_BASE):
        return
    resource = _bioregistry_resource(prefix)
    assert resource is not None, f"{prefix} is not in bioregistry"
    assert uri_prefix in resource.get_uri_prefixes(), f"{prefix}: {uri_prefix} is not a bioregistry URI prefix"
    obo = resource.get_obofoundry_prefix() or (resource.prefix == "fma" and "FMA")
    if obo:
        assert uri_prefix == f"http://purl.obolibrary.org/obo/{obo}_", f"{prefix}: OBO ontologies use OBO PURLs"


@pytest.mark.parametrize("prefix", sorted(MAPPING_SET.curie_map))
def test_sssom_prefix_matches_bioregistry(prefix: str) -> None:
    _check_prefix(prefix, MAPPING_SET.curie_map[prefix])


CONTEXT = json.loads(resources.context_path().read_text())["@context"]
CONTEXT_PREFIXES = {k: v for k, v in CONTEXT.items() if isinstance(v, str) and not k.startswith("@") and v.endswith(("/", "#", "_"))}


@pytest.mark.parametrize("prefix", sorted(p for p in CONTEXT_PREFIXES if p not in ("obo",)))
def test_context_prefix_matches_bioregistry(prefix: str) -> None:
    _check_prefix(prefix, CONTEXT_PREFIXES[prefix])


def test_obo_prefix_is_the_obo_purl_base() -> None:
    import bioregistry

    assert CONTEXT_PREFIXES["obo"] == bioregistry.get_uri_prefix("obo")


@pytest.mark.parametrize("row", MAPPING_SET.mappings, ids=lambda m: f"{m.subject_id}-{m.object_id}")
def test_row_subject_exists_with_its_label(row: mappings.Mapping, kg: KnowledgeGraph) -> None:
    iri = MAPPING_SET.expand(row.subject_id)
    labels = kg.oxigraph.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None)
    assert row.subject_label in {q.object.value for q in labels}
    assert row.mapping_justification.startswith("semapv:")
    assert row.comment, "every row records the check that was done"


def test_generic_entities_have_no_exact_match() -> None:
    exact = {m.subject_id for m in MAPPING_SET.mappings if m.predicate_id == "skos:exactMatch"}
    assert not exact.intersection(GENERIC)


def test_no_duplicate_rows() -> None:
    keys = [(m.subject_id, m.predicate_id, m.object_id) for m in MAPPING_SET.mappings]
    assert len(keys) == len(set(keys))


def test_load_puts_skos_links_in_the_mappings_graph(kg: KnowledgeGraph) -> None:
    graph = ox.NamedNode(GRAPH_BASE + "mappings")
    assert len(list(kg.oxigraph.quads_for_pattern(None, None, None, graph))) == len(MAPPING_SET.mappings)
    uberon = ox.NamedNode("http://purl.obolibrary.org/obo/UBERON_0001298")
    assert any(q.subject.value.endswith("/psoas-major") for q in kg.oxigraph.quads_for_pattern(None, None, uberon, graph))


def test_persistent_store_holds_the_mappings(tmp_path: Path) -> None:
    with KnowledgeGraph.open(tmp_path / "store") as kg:
        assert kg.oxigraph.contains_named_graph(ox.NamedNode(GRAPH_BASE + "mappings"))
        size = len(kg)
    with KnowledgeGraph.open(tmp_path / "store") as kg:
        assert len(kg) == size


def test_turtle_export_round_trips() -> None:
    triples = list(ox.parse(mappings.to_turtle(MAPPING_SET), format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(MAPPING_SET.mappings)


HEADER = "# curie_map:\n#   kg: https://w3id.org/spinekg/id/\n#   UBERON: http://purl.obolibrary.org/obo/UBERON_\n"
COLUMNS = "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("kg:a\ta\towl:sameAs\tUBERON:0000001\tx\tsemapv:ManualMappingCuration\n", "predicate"),
        ("kg:a\ta\tskos:exactMatch\tNOPE:1\tx\tsemapv:ManualMappingCuration\n", "cannot expand"),
        ("kg:a\ta\tskos:exactMatch\tUBERON:0000001\tx\t\n", "empty"),
    ],
)
def test_bad_rows_are_rejected(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "bad.sssom.tsv"
    path.write_text(HEADER + COLUMNS + row, encoding="utf-8")
    with pytest.raises(SourceFileError, match=message):
        KnowledgeGraph.load([path])


def test_missing_column_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.sssom.tsv"
    path.write_text(HEADER + "subject_id\tobject_id\n", encoding="utf-8")
    with pytest.raises(SourceFileError, match="missing column"):
        mappings.read_sssom(path)


def test_provenance_columns_are_read(tmp_path: Path) -> None:
    path = tmp_path / "set.sssom.tsv"
    header = HEADER + "#   obo: http://purl.obolibrary.org/obo/\n#   orcid: https://orcid.org/\n"
    columns = COLUMNS.replace("\n", "\tcreator_id\tauthor_id\tobject_source\tobject_source_version\tmapping_provider\n")
    row = "kg:a\ta\tskos:exactMatch\tUBERON:0000001\tx\tsemapv:MappingChaining\tkg:team|orcid:0000-0000-0000-0000\tkg:team\t"
    path.write_text(header + columns + row + "obo:uberon.owl\t\thttp://purl.obolibrary.org/obo/hp.owl\n", encoding="utf-8")
    (mapping,) = mappings.read_sssom(path).mappings
    assert mapping.creator_id == ("kg:team", "orcid:0000-0000-0000-0000") and mapping.author_id == ("kg:team",)
    assert (mapping.object_source, mapping.object_source_version) == ("obo:uberon.owl", "")
    assert mapping.mapping_provider == "http://purl.obolibrary.org/obo/hp.owl"


@pytest.mark.parametrize(
    ("header", "cell", "slot"),
    [
        ("# subject_source: https://w3id.org/spinekg/id/\n", "kg:team", "subject_source"),
        ("# creator_id:\n#   - kg:team\n#   - https://orcid.org/0000-0000-0000-0000\n", "kg:team", "creator_id"),
        ("", "https://orcid.org/0000-0000-0000-0000", "creator_id"),
        ("", "orcid:0000-0000-0000-0000", "creator_id"),
    ],
)
def test_an_entity_reference_that_is_not_a_curie_of_the_curie_map_is_rejected(tmp_path: Path, header: str, cell: str, slot: str) -> None:
    """sssom-py's writers warn about, or drop, such a value: spinekg refuses the file."""
    path = tmp_path / "bad.sssom.tsv"
    row = f"kg:a\ta\tskos:exactMatch\tUBERON:0000001\tx\tsemapv:ManualMappingCuration\t{cell}\n"
    path.write_text(HEADER + header + COLUMNS.replace("\n", "\tcreator_id\n") + row, encoding="utf-8")
    with pytest.raises(SourceFileError, match=f"{slot} must hold CURIEs whose prefix is in the curie_map"):
        mappings.read_sssom(path)
