"""Competency questions on the real data, with the answers the sources give."""

from __future__ import annotations

import pytest


def labels(results, column):
    return {v for v in results.values(column)}


@pytest.mark.parametrize(
    ("nerve", "muscles"),
    [
        ("lumbar plexus", {"psoas major", "quadratus lumborum", "iliacus"}),
        ("dorsal ramus of spinal nerve", {"erector spinae", "iliocostalis lumborum", "longissimus (lumbar part)", "multifidus"}),
        ("medial branch", {"multifidus"}),
        ("femoral nerve", {"iliacus"}),
        ("L4", {"iliocostalis lumborum", "longissimus (lumbar part)", "multifidus"}),
        ("spinal nerve T12", {"quadratus lumborum"}),
    ],
)
def test_muscles_by_nerve(kg, nerve, muscles):
    assert labels(kg.query("muscles-by-nerve", nerve=nerve), "muscleLabel") == muscles


def test_nerves_of_gluteus_maximus_are_cited(kg):
    rows = kg.query("nerves-of-muscle", muscle="gluteus maximus").as_dicts()
    assert {r["nerveLabel"] for r in rows} == {"inferior gluteal nerve"}
    assert all(r["source"].startswith("https://w3id.org/spinekg/source/") for r in rows)


def test_psoas_level_l3_keeps_its_hedge(kg):
    rows = kg.query("nerves-of-muscle", muscle="psoas major").as_dicts()
    hedged = {r["nerveLabel"]: r.get("hedge") for r in rows}
    assert hedged["spinal nerve L3"] == "usually"
    assert hedged["spinal nerve L1"] is None


def test_co_spasm_follows_the_shared_nerve(kg):
    rows = kg.query("co-spasm-muscles", muscle="multifidus")
    assert labels(rows, "otherLabel") == {"erector spinae", "iliocostalis lumborum", "longissimus (lumbar part)"}
    assert labels(kg.query("co-spasm-muscles", muscle="iliacus"), "otherLabel") == {"psoas major", "quadratus lumborum"}
    assert len(kg.query("co-spasm-muscles", muscle="gluteus maximus")) == 0


def test_triggers_with_hedges_and_examples(kg):
    rows = kg.query("triggers", condition="lower back muscle spasm").as_dicts()
    hedge = {r["triggerLabel"]: r.get("hedge") for r in rows}
    assert hedge == {
        "cough": "often",
        "sneeze": "often",
        "relatively minor lifting activity": "often",
        "simple everyday movement": "in some cases",
    }
    assert {r.get("exampleLabel") for r in rows} >= {"shoveling snow", "raking leaves", "picking up the morning newspaper"}


def test_symptoms_include_those_stated_of_muscle_spasm_in_general(kg):
    rows = kg.query("symptoms", condition="lower back muscle spasm")
    assert labels(rows, "symptomLabel") == {
        "severe pain",
        "immobility of the affected body part",
        "very limited range of motion",
        "muscle feels very dense and hard",
        "extreme muscle tightness",
    }


def test_causes_are_injuries_with_what_they_damage(kg):
    rows = kg.query("causes", condition="lower back muscle spasm").as_dicts()
    damaged = {r["injuryLabel"]: r.get("damagedLabel") for r in rows}
    assert damaged["injury to a major nerve"] == "main nerve supplying the muscle"
    assert damaged["ligament sprain"] == "ligaments of the spine"
    assert {"major muscle tear", "traumatic injury", "injury to the fascia", "injury to a tendon"} <= set(damaged)


def test_risk_factors(kg):
    rows = kg.query("risk-factors").as_dicts()
    assert {r["riskFactorLabel"] for r in rows} == {
        "pushing the body beyond what it is designed or prepared for",
        "weekend warrior climbs on an office worker body",
        "heavy lifting activities",
        "weak lower back muscles",
    }
    assert {r.get("hedge") for r in rows} == {"in most cases", "may"}


def test_treatments_come_from_guidelines_with_grades(kg):
    rows = kg.query("treatments").as_dicts()
    acp = {r["treatmentLabel"]: r for r in rows if r["source"].endswith("acp-2017")}
    assert set(acp) == {
        "superficial heat",
        "massage",
        "acupuncture",
        "spinal manipulation",
        "nonsteroidal anti-inflammatory drugs",
        "skeletal muscle relaxants",
    }
    assert acp["superficial heat"]["evidenceQuality"] == "moderate"
    assert acp["massage"]["evidenceQuality"] == "low"
    against = {r["treatmentLabel"] for r in rows if r["recommendation"] == "not recommended treatment"}
    assert against == {"paracetamol alone", "opioids", "acupuncture"}


def test_course_is_usually_a_couple_of_days(kg):
    rows = kg.query("course", condition="lower back muscle spasm").as_dicts()
    duration = next(r for r in rows if r["aspect"] == "typical duration")
    assert duration["value"] == "loosens within a couple of days"
    assert duration["hedge"] == "usually"
    assert "will usually loosen within a couple of days" in duration["quote"]


def test_evidence_gives_quote_and_offsets(kg, article_text):
    rows = kg.query("evidence", entity="cough").as_dicts()
    assert rows, "cough has facts"
    for row in rows:
        assert article_text[int(row["start"]) : int(row["end"])] == row["quote"]
        assert "cough or sneeze" in row["quote"]


def test_evidence_gives_citations_for_added_facts(kg):
    rows = kg.query("evidence", entity="quadratus lumborum").as_dicts()
    assert all(r["fromArticle"] == "false" and r["citation"] for r in rows)
    assert any("T12, L1, L2, L3" in r.get("sourceQuote", "") for r in rows)


def test_search_finds_synonyms(kg):
    assert "https://w3id.org/spinekg/id/slipped-disc" in kg.query("search", text="SLIPPED").values("entity")


def test_spine_elements_cover_the_articles_list(kg):
    classes = labels(kg.query("spine-elements"), "classLabel")
    assert {"skeletal muscle", "fascia", "ligament", "tendon", "vertebra", "intervertebral disc"} <= classes
