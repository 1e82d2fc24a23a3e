"""OWL reasoning: what the reasoner infers from the shipped graph, and how failures are reported.

Every test marked ``jvm`` runs the real Java reasoner (HermiT classifies the ontology for the default ``rl``
reasoner too). The shipped graph is reasoned over once per session with the default (see ``conftest.reasoned``);
``tests/test_reason_rl.py`` proves the default infers what HermiT infers over the whole graph.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from spinekg import resources
from spinekg.cli import main
from spinekg.errors import InconsistentOntologyError, ReasonerUnavailableError
from spinekg.export import ExportFormat, write
from spinekg.graph import KnowledgeGraph
from spinekg.namespaces import INFERRED_GRAPH
from spinekg.reason import Reasoner, infer, reason
from spinekg.validate import validate

from .conftest import RESOURCES

KG = "https://w3id.org/spinekg/id/"
SKG = "https://w3id.org/spinekg/ontology/"
OWL_NOTHING = "http://www.w3.org/2002/07/owl#Nothing"
SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SUPPLIED_AS_PREDICATE = b"> <https://w3id.org/spinekg/ontology/suppliedThrough> <"  # N-Triples: used as a predicate, only inferred
COSPASM_MEMBERS = "SELECT ?entity WHERE { ?entity a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <https://w3id.org/spinekg/ontology/CoSpasmRiskMuscle> }"

pytestmark = pytest.mark.jvm


def types_of(kg: KnowledgeGraph, individual: str) -> set[str]:
    """:returns: local names of every class of ``kg:individual``, asserted or inferred, up the hierarchy."""
    rows = kg.query("types", entity=KG + individual)
    return {iri.removeprefix(SKG) for iri in rows.values("class")}


def inferred(kg: KnowledgeGraph, subject: str, predicate: str, obj: str) -> bool:
    """:returns: whether the triple is in the reasoner's graph."""
    s, p, o = (ox.NamedNode(KG + subject), ox.NamedNode(SKG + predicate), ox.NamedNode(KG + obj))
    return any(True for _ in kg.oxigraph.quads_for_pattern(s, p, o, INFERRED_GRAPH))


def test_released_graph_is_consistent_without_unsatisfiable_classes(reasoned) -> None:
    _, report = reasoned
    assert report.consistent, report.problem
    assert report.unsatisfiable == ()
    assert report.ok


@pytest.mark.parametrize(
    ("individual", "cls"),
    [
        ("lumbar-multifidus", "IntrinsicBackMuscle"),  # medial branches of the L1-L5 dorsal rami
        ("multifidus", "IntrinsicBackMuscle"),  # through its lumbar part
        ("iliocostalis-lumborum", "IntrinsicBackMuscle"),  # lateral branches
        ("longissimus-thoracis", "IntrinsicBackMuscle"),  # through its lumbar fibres (intermediate branches)
        ("lumbar-multifidus", "CoSpasmRiskMuscle"),  # shares the L1-L4 dorsal rami with longissimus and iliocostalis
        ("multifidus", "CoSpasmRiskMuscle"),  # a whole muscle is one when its part is
        ("psoas-major", "CoSpasmRiskMuscle"),  # shares the L1-L4 ventral rami with quadratus lumborum
        ("iliacus", "CoSpasmRiskMuscle"),  # shares the femoral nerve with psoas major
        ("quadratus-lumborum", "VentralRamusInnervatedMuscle"),  # T12-L4 ventral rami
        ("iliacus", "VentralRamusInnervatedMuscle"),  # femoral nerve, which arises from the L2-L4 ventral rami
        ("gluteus-maximus", "VentralRamusInnervatedMuscle"),  # inferior gluteal nerve, from the L5-S2 ventral rami
        ("iliacus", "LumbarInnervatedMuscle"),  # the femoral nerve's roots are lumbar
        ("gluteus-maximus", "LumbarInnervatedMuscle"),  # L5 is among the inferior gluteal nerve's roots
        ("quadratus-lumborum", "LumbarInnervatedMuscle"),
        ("muscle-injury", "MuscleInjury"),
        ("muscle-injury", "SpineElementInjury"),  # it damages the muscles of the back, recorded as part of the spine
        ("muscle-tear", "MuscleInjury"),  # MuscleTear < MuscleStrain, which damages a muscle
        ("ligament-injury", "LigamentInjury"),  # asserted only as a LigamentSprain
        ("slipped-disc", "SpineElementInjury"),
        ("nerve-injury", "NerveInjury"),
        ("spinal-injury", "SpinalInjury"),
        ("destabilised-spine-portion", "SpineElement"),  # part of the spine (s12)
        ("muscle-spasm", "ProtectiveResponse"),  # aims to protect the injured body part (s05)
        ("muscle-spasm", "Response"),
        ("lower-back-muscle-spasm", "ProtectiveResponse"),  # tries to protect a portion of the spine (s12)
        ("emergency-spinal-immobilisation", "ProtectiveResponse"),  # aims to stabilise the spine (s10)
    ],
)
def test_inferred_class_membership(reasoned, individual: str, cls: str) -> None:
    kg, _ = reasoned
    assert cls in types_of(kg, individual)
    assert cls not in types_of(KnowledgeGraph.load(), individual), "should be inferred, not asserted"


@pytest.mark.parametrize(
    ("individual", "cls"),
    [
        ("gluteus-maximus", "IntrinsicBackMuscle"),  # inferior gluteal nerve, not a dorsal ramus
        ("psoas-major", "IntrinsicBackMuscle"),
        ("quadratus-lumborum", "IntrinsicBackMuscle"),
        ("gluteus-maximus", "CoSpasmRiskMuscle"),  # the only muscle its nerve supplies here
        ("spinalis", "CoSpasmRiskMuscle"),  # no nerve recorded
        ("back-muscles", "CoSpasmRiskMuscle"),  # one muscle on 'the main nerve supplying the muscle'
        ("erector-spinae", "CoSpasmRiskMuscle"),  # a muscle group, not a muscle
        ("lumbar-multifidus", "VentralRamusInnervatedMuscle"),
        ("nerve-injury", "SpineElementInjury"),  # a nerve is not an element of the spine here
    ],
)
def test_not_inferred(reasoned, individual: str, cls: str) -> None:
    kg, _ = reasoned
    assert cls not in types_of(kg, individual)


def test_reasoner_and_query_agree_on_co_spasm(reasoned) -> None:
    """The ontology's CoSpasmRiskMuscle and the co-spasm-muscles query say the same thing."""
    kg, _ = reasoned
    members = set(kg.sparql(COSPASM_MEMBERS).values("entity"))
    answered = set(KnowledgeGraph.load().query("co-spasm-muscles").values("muscle"))
    assert members == answered
    assert len(members) == 10


def test_supply_through_the_tree_is_inferred(reasoned) -> None:
    kg, _ = reasoned
    assert inferred(kg, "lumbar-multifidus", "suppliedThrough", "dorsal-ramus-l3")
    assert inferred(kg, "lumbar-multifidus", "suppliedThrough", "spinal-nerve-l3")
    assert inferred(kg, "multifidus", "suppliedThrough", "medial-branch-l5")  # through its part
    assert inferred(kg, "iliacus", "suppliedThrough", "ventral-ramus-l2")  # a root of the femoral nerve
    assert inferred(kg, "iliacus", "suppliedThrough", "lumbar-plexus")
    assert not inferred(kg, "iliacus", "suppliedThrough", "spinal-nerve-l5")
    assert not inferred(kg, "lumbar-multifidus", "suppliedThrough", "ventral-ramus-l3")


def test_inverse_of_innervated_by_is_materialised(reasoned) -> None:
    kg, report = reasoned
    assert inferred(kg, "medial-branch-l3", "innervates", "lumbar-multifidus")
    assert inferred(kg, "femoral-nerve", "innervates", "iliacus")
    values = {(f.subject.label, f.predicate.iri, f.object.label) for f in report.property_values}
    assert ("medial branch of the L3 dorsal ramus", SKG + "innervates", "lumbar multifidus") in values


def test_subclass_links_come_from_the_definitions(reasoned) -> None:
    _, report = reasoned
    links = {
        (f.subject.iri.removeprefix(SKG), f.object.iri.removeprefix(SKG)) for f in report.class_links if f.predicate.iri == SUBCLASS_OF
    }
    # A muscle injury is a spine-element injury only when the muscle is part of the spine
    # (a calf strain is not), so that link must not be inferred; a disc herniation always is one.
    assert ("MuscleInjury", "SpineElementInjury") not in links
    assert ("DiscHerniation", "SpineElementInjury") in links
    assert ("MuscleStrain", "MuscleInjury") in links
    assert ("LigamentSprain", "LigamentInjury") in links
    assert ("NerveInjury", "SpineElementInjury") not in links


def test_inferred_triples_stay_in_their_own_graph(reasoned) -> None:
    kg, report = reasoned
    in_inferred = {q.triple for q in kg.oxigraph.quads_for_pattern(None, None, None, INFERRED_GRAPH)}
    asserted = set(kg.triples(include_inferred=False))
    assert len(in_inferred) == report.inferred_triples > 0
    assert not in_inferred & asserted
    supplied = ox.NamedNode(SKG + "suppliedThrough")
    assert not any(t.predicate == supplied for t in asserted)


def test_export_asserted_only_excludes_inferences(reasoned) -> None:
    kg, _ = reasoned
    outputs = {}
    for include in (False, True):
        buffer = io.BytesIO()
        write(kg, ExportFormat.NTRIPLES, buffer, include_inferred=include)
        outputs[include] = buffer.getvalue()
    assert SUPPLIED_AS_PREDICATE not in outputs[False]
    assert SUPPLIED_AS_PREDICATE in outputs[True]


def test_cli_export_inferred_and_asserted_only(tmp_path: Path) -> None:
    both, asserted = tmp_path / "both.nt", tmp_path / "asserted.nt"
    assert main(["export", "-f", "ntriples", "--inferred", "-o", str(both)]) == 0
    assert main(["export", "-f", "ntriples", "--asserted-only", "-o", str(asserted)]) == 0
    assert b"IntrinsicBackMuscle> ." in both.read_bytes()
    assert SUPPLIED_AS_PREDICATE not in asserted.read_bytes()


def test_cli_reason_writes_inferred_turtle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "inferred.ttl"
    assert main(["reason", "--out", str(out), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["consistent"] and report["ok"] and report["reasoner"] == "rl"
    triples = [q.triple for q in ox.parse(path=str(out), format=ox.RdfFormat.TURTLE)]
    assert len(triples) == report["inferred_triples"]
    multifidus = ox.Triple(ox.NamedNode(KG + "multifidus"), ox.NamedNode(SKG + "suppliedThrough"), ox.NamedNode(KG + "dorsal-ramus-l4"))
    assert multifidus in triples


@pytest.mark.parametrize("reasoner", ["rl", "hermit"])
def test_inconsistent_fixture_is_reported(reasoner: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reason", "--reasoner", reasoner, "--load", str(RESOURCES / "inconsistent.ttl")]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"Inconsistent ({reasoner}")
    assert "disjoint" in out


@pytest.mark.parametrize("reasoner", [Reasoner.RL, Reasoner.HERMIT])
def test_inconsistent_graph_leaves_no_stale_inferences(reasoner: Reasoner) -> None:
    kg = KnowledgeGraph.load(extra=[RESOURCES / "inconsistent.ttl"])
    stale = ox.Triple(ox.NamedNode(KG + "stale"), ox.NamedNode(SKG + "partOf"), ox.NamedNode(KG + "spine"))
    kg.replace_graph(INFERRED_GRAPH, [stale])
    with pytest.raises(InconsistentOntologyError, match="inconsistent"):
        infer(kg, reasoner)
    assert not list(kg.oxigraph.quads_for_pattern(None, None, None, INFERRED_GRAPH))


@pytest.mark.parametrize("reasoner", ["rl", "hermit"])
def test_unsatisfiable_fixture_is_reported(reasoner: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reason", "--reasoner", reasoner, "--format", "json", "--load", str(RESOURCES / "unsatisfiable.ttl")]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["consistent"] and not report["ok"]
    [unsat] = report["unsatisfiable"]
    assert unsat["cls"] == {"iri": "https://w3id.org/spinekg/test/DorsalAndVentralRamus", "label": "dorsal and ventral ramus"}
    assert any("ventral ramus of spinal nerve" in axiom for axiom in unsat["axioms"])
    assert all(OWL_NOTHING not in f["object"]["iri"] for f in report["class_links"])


def test_pellet_failure_is_explained() -> None:
    try:
        reason(KnowledgeGraph.load(), Reasoner.PELLET)
    except ReasonerUnavailableError as err:
        assert "hermit" in str(err)
    else:
        pytest.skip("Pellet runs on this Java; nothing to explain")


def _cli_without_java(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess whose PATH holds no java (only an empty folder)."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    env = {**os.environ, "PATH": str(empty)}
    command = [sys.executable, "-c", "from spinekg.cli import run; run()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(shutil.which("java") is None, reason="checks the message only where java could otherwise be found")
def test_without_java_reason_exits_2_and_queries_still_work(tmp_path: Path) -> None:
    done = _cli_without_java(tmp_path, "reason")
    assert done.returncode == 2, done.stderr
    assert "Java 17" in done.stderr and "apt-get install openjdk-17-jre-headless" in done.stderr
    done = _cli_without_java(tmp_path, "query", "muscles-by-nerve", "--param", "nerve=dorsal rami")
    assert done.returncode == 0, done.stderr
    assert "multifidus" in done.stdout
    done = _cli_without_java(tmp_path, "export", "--inferred")
    assert done.returncode == 2


@pytest.mark.parametrize("reasoner", [Reasoner.RL, Reasoner.HERMIT])
def test_reasoner_and_query_agree_on_every_way_of_sharing_a_nerve(reasoner: Reasoner) -> None:
    """One fixture with each way two muscles can, or cannot, share a supplying nerve (tests/resources/cospasm)."""
    kg = KnowledgeGraph.load([*resources.ontology_sources(), RESOURCES / "shapes" / "base.ttl", RESOURCES / "cospasm" / "ways.ttl"])
    assert validate(kg).conforms
    answered = {iri.removeprefix(KG) for iri in kg.query("co-spasm-muscles").values("muscle")}
    reason(kg, reasoner)
    members = {iri.removeprefix(KG) for iri in kg.sparql(COSPASM_MEMBERS).values("entity")}
    assert members == answered == {"a1", "a2", "b1", "b2", "c1", "c2", "w", "w1", "g1"}
