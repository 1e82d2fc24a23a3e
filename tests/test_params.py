"""User strings become validated RDF terms: IRI, CURIE, label; errors list candidates."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from spinekg.errors import AmbiguousNameError, InputError, UnknownNameError
from spinekg.namespaces import expand as expand_curie
from spinekg.namespaces import is_iri
from spinekg.params import resolve
from spinekg.queries import Param, ParamKind, ParamType

NERVE = Param("nerve", ParamType.IRI)
KG = "https://w3id.org/spinekg/id/"


@pytest.mark.parametrize(
    "value",
    [KG + "nerve-one", f"<{KG}nerve-one>", "kg:nerve-one", "nerve one", "NERVE ONE", "  nerve one  "],
)
def test_iri_curie_and_label_resolve_to_the_same_entity(tiny, value):
    assert resolve(value, NERVE, tiny.labels) == ox.NamedNode(KG + "nerve-one")


def test_synonym_resolves(tiny):
    assert resolve("alpha", NERVE, tiny.labels) == ox.NamedNode(KG + "alpha")


def test_unknown_label_lists_close_candidates(tiny):
    with pytest.raises(UnknownNameError) as err:
        resolve("nerve on", NERVE, tiny.labels)
    assert any("nerve one" in c for c in err.value.candidates)


def test_ambiguous_label_lists_every_match(tiny):
    with pytest.raises(AmbiguousNameError) as err:
        resolve("shared name", NERVE, tiny.labels)
    assert len(err.value.candidates) == 2


def test_class_kind_prefers_the_class_over_an_individual_with_the_same_label(kg):
    as_class = Param("class", ParamType.IRI, kind=ParamKind.CLASS)
    assert resolve("lower back muscle spasm", as_class, kg.labels).value.endswith("ontology/LowerBackMuscleSpasm")
    assert resolve("lower back muscle spasm", NERVE, kg.labels).value.endswith("id/lower-back-muscle-spasm")


@pytest.mark.parametrize("value", ["<http://example.org/a b>", "<not an iri>", '<http://x/">'])
def test_malformed_iris_are_rejected(tiny, value):
    with pytest.raises(InputError):
        resolve(value, NERVE, tiny.labels)


def test_iri_the_graph_does_not_know_is_rejected(tiny):
    with pytest.raises(UnknownNameError, match="nothing about"):
        resolve(KG + "no-such-thing", NERVE, tiny.labels)


def test_unknown_curie_prefix_is_treated_as_a_label(tiny):
    with pytest.raises(UnknownNameError, match="no entity is labelled"):
        resolve("zzz:nerve-one", NERVE, tiny.labels)


def test_curie_expansion_is_strict():
    assert expand_curie("UBERON:0001298") == "http://purl.obolibrary.org/obo/UBERON_0001298"
    assert expand_curie("nosuchprefix:1") is None


@pytest.mark.parametrize(
    ("value", "ok"), [("https://w3id.org/x", True), ("urn:isbn:123", True), ("http://a b", False), ("psoas", False), ("x:y", False)]
)
def test_is_iri(value, ok):
    assert is_iri(value) is ok


def test_over_long_values_are_rejected(tiny):
    with pytest.raises(InputError, match="longer than"):
        resolve("x" * 5000, NERVE, tiny.labels)
