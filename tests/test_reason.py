"""OWL reasoning: what HermiT infers from the shipped graph, and how failures are reported.

Every test marked ``jvm`` runs the real Java reasoner. The shipped graph is
reasoned over once per session (see ``conftest.reasoned``).
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

from spinekg.cli import main
from spinekg.errors import InconsistentOntologyError, ReasonerUnavailableError
from spinekg.export import ExportFormat, write
from spinekg.reason import Reasoner, infer, reason
from spinekg.store import INFERRED_GRAPH, KnowledgeGraph

from .conftest import RESOURCES

KG = "https://w3id.org/spinekg/id/"
SKG = "https://w3id.org/spinekg/ontology/"
OWL_NOTHING = "http://www.w3.org/2002/07/owl#Nothing"
SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SHARES_AS_PREDICATE = b"> <https://w3id.org/spinekg/ontology/sharesNerveWith> <"  # N-Triples: used as a predicate

pytestmark = pytest.mark.jvm


def types_of(kg: KnowledgeGraph, individual: str) -> set[str]:
    """:returns: local names of every class of ``kg:individual``, asserted or inferred, up the hierarchy."""
    rows = kg.query("types", entity=KG + individual)
    return {iri.removeprefix(SKG) for iri in rows.values("class")}


def inferred(kg: KnowledgeGraph, subject: str, predicate: str, obj: str) -> bool:
    """:returns: whether the triple is in the reasoner's graph."""
    s, p, o = (ox.NamedNode(KG + subject), ox.NamedNode(SKG + predicate), ox.NamedNode(KG + obj))
    return any(True for _ in kg.store.quads_for_pattern(s, p, o, INFERRED_GRAPH))


def test_released_graph_is_consistent_without_unsatisfiable_classes(reasoned) -> None:
    _, report = reasoned
    assert report.consistent, report.problem
    assert report.unsatisfiable == ()
    assert report.ok


@pytest.mark.parametrize(
    ("individual", "cls"),
    [
        ("multifidus", "IntrinsicBackMuscle"),  # innervated by the dorsal rami
        ("erector-spinae", "IntrinsicBackMuscle"),
        ("erector-spinae", "CoSpasmRiskMuscle"),  # the dorsal rami supply four distinct muscles
        ("multifidus", "CoSpasmRiskMuscle"),
        ("quadratus-lumborum", "VentralRamusInnervatedMuscle"),  # ventral rami, lumbar plexus
        ("psoas-major", "VentralRamusInnervatedMuscle"),  # lumbar plexus itself
        ("iliacus", "VentralRamusInnervatedMuscle"),  # femoral nerve, part of the lumbar plexus
        ("psoas-major", "LumbarInnervatedMuscle"),  # segmental supply L1-L3
        ("muscle-injury", "MuscleInjury"),
        ("muscle-injury", "SpineElementInjury"),  # it damages the muscles of the back, recorded as part of the spine
        ("muscle-tear", "MuscleInjury"),  # MuscleTear < MuscleStrain, which damages a muscle
        ("ligament-injury", "LigamentInjury"),  # asserted only as a LigamentSprain
        ("slipped-disc", "SpineElementInjury"),
        ("nerve-injury", "NerveInjury"),
        ("spinal-injury", "SpinalInjury"),
        ("muscle-spasm", "ProtectiveResponse"),  # protects the injured body part
        ("muscle-spasm", "Response"),
        ("emergency-spinal-immobilisation", "ProtectiveResponse"),  # protects the spine
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
        ("gluteus-maximus", "CoSpasmRiskMuscle"),  # the only muscle its nerve supplies here
        ("multifidus", "VentralRamusInnervatedMuscle"),
        ("back-muscles", "CoSpasmRiskMuscle"),  # one muscle on 'the main nerve supplying the muscle'
        ("iliacus", "LumbarInnervatedMuscle"),  # no segmental supply recorded for the muscle itself
        ("nerve-injury", "SpineElementInjury"),  # a nerve is not an element of the spine here
    ],
)
def test_not_inferred(reasoned, individual: str, cls: str) -> None:
    kg, _ = reasoned
    assert cls not in types_of(kg, individual)


def test_muscles_on_one_nerve_share_it_and_others_do_not(reasoned) -> None:
    kg, _ = reasoned
    assert inferred(kg, "erector-spinae", "sharesNerveWith", "multifidus")
    assert inferred(kg, "multifidus", "sharesNerveWith", "erector-spinae")
    assert inferred(kg, "psoas-major", "sharesNerveWith", "quadratus-lumborum")
    assert not inferred(kg, "multifidus", "sharesNerveWith", "psoas-major")
    assert not inferred(kg, "gluteus-maximus", "sharesNerveWith", "iliacus")


def test_inverse_of_innervated_by_is_materialised(reasoned) -> None:
    kg, report = reasoned
    assert inferred(kg, "dorsal-rami", "innervates", "multifidus")
    assert inferred(kg, "lumbar-plexus", "innervates", "psoas-major")
    values = {(f.subject.label, f.predicate.iri, f.object.label) for f in report.property_values}
    assert ("dorsal ramus of spinal nerve", SKG + "innervates", "multifidus") in values


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
    in_inferred = {q.triple for q in kg.store.quads_for_pattern(None, None, None, INFERRED_GRAPH)}
    asserted = set(kg.triples(include_inferred=False))
    assert len(in_inferred) == report.inferred_triples > 0
    assert not in_inferred & asserted
    share = ox.NamedNode(SKG + "sharesNerveWith")
    assert not any(t.predicate == share for t in asserted)


def test_export_asserted_only_excludes_inferences(reasoned) -> None:
    kg, _ = reasoned
    outputs = {}
    for include in (False, True):
        buffer = io.BytesIO()
        write(kg, ExportFormat.NTRIPLES, buffer, include_inferred=include)
        outputs[include] = buffer.getvalue()
    assert SHARES_AS_PREDICATE not in outputs[False]
    assert SHARES_AS_PREDICATE in outputs[True]


def test_cli_export_inferred_and_asserted_only(tmp_path: Path) -> None:
    both, asserted = tmp_path / "both.nt", tmp_path / "asserted.nt"
    assert main(["export", "-f", "ntriples", "--inferred", "-o", str(both)]) == 0
    assert main(["export", "-f", "ntriples", "--asserted-only", "-o", str(asserted)]) == 0
    assert b"IntrinsicBackMuscle> ." in both.read_bytes()
    assert SHARES_AS_PREDICATE not in asserted.read_bytes()


def test_cli_reason_writes_inferred_turtle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "inferred.ttl"
    assert main(["reason", "--out", str(out), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["consistent"] and report["ok"] and report["reasoner"] == "hermit"
    triples = [q.triple for q in ox.parse(path=str(out), format=ox.RdfFormat.TURTLE)]
    assert len(triples) == report["inferred_triples"]
    multifidus = ox.Triple(ox.NamedNode(KG + "multifidus"), ox.NamedNode(SKG + "sharesNerveWith"), ox.NamedNode(KG + "erector-spinae"))
    assert multifidus in triples


def test_inconsistent_fixture_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reason", "--load", str(RESOURCES / "inconsistent.ttl")]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Inconsistent (hermit")
    assert "disjoint" in out


def test_inconsistent_graph_leaves_no_stale_inferences() -> None:
    kg = KnowledgeGraph.load(extra=[RESOURCES / "inconsistent.ttl"])
    stale = ox.Triple(ox.NamedNode(KG + "stale"), ox.NamedNode(SKG + "partOf"), ox.NamedNode(KG + "spine"))
    kg.replace_graph(INFERRED_GRAPH, [stale])
    with pytest.raises(InconsistentOntologyError, match="inconsistent"):
        infer(kg)
    assert not list(kg.store.quads_for_pattern(None, None, None, INFERRED_GRAPH))


def test_unsatisfiable_fixture_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reason", "--format", "json", "--load", str(RESOURCES / "unsatisfiable.ttl")]) == 1
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
