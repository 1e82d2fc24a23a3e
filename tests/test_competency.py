"""Competency questions on the real data, with the answers the sources give.

The nerve supply comes from Bogduk, Wilson & Tynan 1982 (the lumbar dorsal rami and
their medial, intermediate and lateral branches, L1-L5), Gray's Anatomy 1918 (femoral
nerve, inferior gluteal nerve, quadratus lumborum), Elsevier Complete Anatomy
(quadratus lumborum, T12-L4 ventral rami), Öztürk et al. (psoas major, iliacus) and
StatPearls (inferior gluteal nerve): see docs/anatomy.md for the table.
"""

from __future__ import annotations

import pytest

MULTIFIDUS, LONGISSIMUS, ILIOCOSTALIS = "lumbar multifidus", "lumbar fibres of longissimus thoracis", "iliocostalis lumborum"
QL, PSOAS, ILIACUS, GLUTEUS = "quadratus lumborum", "psoas major", "iliacus", "gluteus maximus"
DORSAL = {MULTIFIDUS, LONGISSIMUS, ILIOCOSTALIS}


def labels(results, column):
    return set(results.values(column))


@pytest.mark.parametrize(
    ("level", "muscles"),
    [
        ("T12", {QL}),
        ("L1", DORSAL | {QL, PSOAS}),
        ("L2", DORSAL | {QL, PSOAS, ILIACUS}),
        ("L3", DORSAL | {QL, PSOAS, ILIACUS}),
        ("L4", DORSAL | {QL, PSOAS, ILIACUS}),
        ("L5", {MULTIFIDUS, GLUTEUS}),  # L5 forms only a medial and an intermediate branch
        ("S1", {GLUTEUS}),
        ("S2", {GLUTEUS}),
    ],
)
def test_muscles_by_level(kg, level, muscles):
    rows = kg.query("muscles-by-nerve", nerve=level)
    assert labels(rows, "muscleLabel") == muscles
    assert labels(rows, "levelCode") == {level}, "every row is at the level asked for"


@pytest.mark.parametrize(
    ("nerve", "muscles"),
    [
        ("medial branch of the L3 dorsal ramus", {MULTIFIDUS}),
        ("intermediate branch of the L3 dorsal ramus", {LONGISSIMUS}),
        ("lateral branch of the L3 dorsal ramus", {ILIOCOSTALIS}),
        ("medial branch of the L5 dorsal ramus", {MULTIFIDUS}),
        ("intermediate branch of the L5 dorsal ramus", set()),  # the abstract names its target only for L1-4
        ("dorsal ramus of L4", DORSAL),
        ("dorsal ramus of T12", set()),  # no source read here says what the T12 dorsal ramus supplies
        ("ventral ramus of T12", {QL}),
        ("ventral ramus of L2", {QL, PSOAS, ILIACUS}),
        ("ventral ramus of S1", {GLUTEUS}),
        ("lumbar plexus", {PSOAS, ILIACUS}),
        ("sacral plexus", {GLUTEUS}),
        ("femoral nerve", {PSOAS, ILIACUS}),
        ("inferior gluteal nerve", {GLUTEUS}),
    ],
)
def test_muscles_by_ramus_branch_plexus_and_named_nerve(kg, nerve, muscles):
    assert labels(kg.query("muscles-by-nerve", nerve=nerve), "muscleLabel") == muscles


@pytest.mark.parametrize(
    ("kind", "muscles", "levels"),
    [
        ("medial branches", {MULTIFIDUS}, {"L1", "L2", "L3", "L4", "L5"}),
        ("lateral branches", {ILIOCOSTALIS}, {"L1", "L2", "L3", "L4"}),
        ("dorsal rami", DORSAL, {"L1", "L2", "L3", "L4", "L5"}),
        ("ventral rami", {QL, PSOAS, ILIACUS, GLUTEUS}, {"T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2"}),
    ],
)
def test_muscles_by_kind_of_nerve(kg, kind, muscles, levels):
    rows = kg.query("muscles-by-nerve", nerve=kind)
    assert labels(rows, "muscleLabel") == muscles
    assert labels(rows, "levelCode") == levels


def test_each_row_gives_the_path_and_the_level(kg):
    rows = kg.query("muscles-by-nerve", nerve="L4").as_dicts()
    paths = {(r["muscleLabel"], r["path"]) for r in rows}
    assert (ILIACUS, "spinal nerve L4 -> ventral ramus of L4 -> lumbar plexus -> femoral nerve -> iliacus") in paths
    assert (MULTIFIDUS, "spinal nerve L4 -> dorsal ramus of L4 -> medial branch of the L4 dorsal ramus -> lumbar multifidus") in paths
    assert (QL, "spinal nerve L4 -> ventral ramus of L4 -> quadratus lumborum") in paths
    assert all(r["level"].endswith("spinal-nerve-l4") for r in rows)


def test_the_lumbar_plexus_rows_come_at_the_femoral_nerve_roots(kg):
    rows = kg.query("muscles-by-nerve", nerve="lumbar plexus").as_dicts()
    assert {(r["muscleLabel"], r["levelCode"]) for r in rows} == {(m, lvl) for m in (PSOAS, ILIACUS) for lvl in ("L2", "L3", "L4")}


def test_a_muscle_part_says_what_it_is_part_of(kg):
    rows = kg.query("muscles-by-nerve", nerve="dorsal ramus of L2").as_dicts()
    assert {r["muscleLabel"]: r["wholeLabel"] for r in rows} == {
        MULTIFIDUS: "multifidus",
        LONGISSIMUS: "longissimus thoracis",
        ILIOCOSTALIS: "iliocostalis",
    }


def test_nerves_of_a_whole_muscle_come_through_its_part_level_by_level(kg):
    rows = kg.query("nerves-of-muscle", muscle="multifidus").as_dicts()
    assert [r["levelCode"] for r in rows] == ["L1", "L2", "L3", "L4", "L5"]
    assert {r["unitLabel"] for r in rows} == {MULTIFIDUS}
    assert rows[-1]["nerveLabel"] == "medial branch of the L5 dorsal ramus"
    assert {r.get("hedge") for r in rows} == {"tend to", None}  # "tend to" for L1-4; L5 is stated plainly


def test_nerves_of_a_muscle_group_come_through_its_members(kg):
    rows = kg.query("nerves-of-muscle", muscle="erector spinae").as_dicts()
    assert {r["unitLabel"] for r in rows} == {LONGISSIMUS, ILIOCOSTALIS}
    assert {r["levelCode"] for r in rows} == {"L1", "L2", "L3", "L4"}


def test_quadratus_lumborum_keeps_both_sources_and_the_disagreement(kg):
    rows = kg.query("nerves-of-muscle", muscle="quadratus lumborum").as_dicts()
    gray = {r["levelCode"] for r in rows if r["source"].endswith("gray-1918-p420")}
    elsevier = {r["levelCode"]: r.get("hedge") for r in rows if r["source"].endswith("elsevier-quadratus-lumborum")}
    assert gray == {"T12", "L1", "L2"}
    assert set(elsevier) == {"T12", "L1", "L2", "L3", "L4"}
    assert elsevier["L2"] is None and "sources differ" in elsevier["L4"]


def test_gluteus_maximus_is_supplied_at_the_roots_of_its_nerve(kg):
    rows = kg.query("nerves-of-muscle", muscle="gluteus maximus").as_dicts()
    assert {r["nerveLabel"] for r in rows} == {"inferior gluteal nerve"}
    assert {r["levelCode"] for r in rows} == {"L5", "S1", "S2"}
    assert all(r["source"].startswith("https://w3id.org/spinekg/source/") for r in rows)


def _pairs(rows):
    return {(r["otherLabel"], r["sharedNerveLabel"], r.get("levelCode")) for r in rows.as_dicts()}


def test_co_spasm_shares_a_specific_nerve_at_a_level(kg):
    pairs = _pairs(kg.query("co-spasm-muscles", muscle=MULTIFIDUS))
    assert pairs == {(other, f"dorsal ramus of L{i}", f"L{i}") for other in (LONGISSIMUS, ILIOCOSTALIS) for i in range(1, 5)}


def test_co_spasm_through_ventral_rami_and_a_named_nerve(kg):
    pairs = _pairs(kg.query("co-spasm-muscles", muscle=PSOAS))
    assert pairs == {(QL, f"ventral ramus of L{i}", f"L{i}") for i in range(1, 5)} | {
        (ILIACUS, "femoral nerve", f"L{i}") for i in range(2, 5)
    }
    assert _pairs(kg.query("co-spasm-muscles", muscle=ILIACUS)) == {(PSOAS, "femoral nerve", f"L{i}") for i in range(2, 5)}


def test_co_spasm_never_pairs_a_muscle_with_itself_or_its_whole_or_part(kg):
    rows = kg.query("co-spasm-muscles").as_dicts()
    assert rows
    for row in rows:
        assert row["other"] not in (row["muscle"], row["unit"])
    whole = {r["otherLabel"] for r in kg.query("co-spasm-muscles", muscle="longissimus").as_dicts()}
    assert whole == {MULTIFIDUS, ILIOCOSTALIS}, "its own lumbar fibres are not a partner"
    assert len(kg.query("co-spasm-muscles", muscle=GLUTEUS)) == 0, "no other muscle here is supplied by the inferior gluteal nerve"
    assert len(kg.query("co-spasm-muscles", muscle="spinalis")) == 0, "no nerve is recorded for spinalis"


def test_which_back_muscles_are_usually_involved(kg):
    rows = kg.query("involved-muscles", condition="lower back muscle spasm").as_dicts()
    cited = [r for r in rows if r["fromArticle"] == "false"]
    assert {r["namedLabel"] for r in cited} == {"paraspinal muscles"}
    assert {r["hedge"] for r in cited if r["source"].endswith("medscape-lumbosacral-strain")} == {"typical"}
    assert {r["muscleLabel"] for r in cited} == {
        "paraspinal muscles",
        "multifidus",
        MULTIFIDUS,
        "erector spinae",
        "iliocostalis",
        ILIOCOSTALIS,
        "longissimus",
        "longissimus thoracis",
        LONGISSIMUS,
        "spinalis",
    }
    assert {r["namedLabel"] for r in rows if r["fromArticle"] == "true"} == {"muscles of the back"}


def test_back_muscles_are_told_from_hip_pelvic_and_abdominal_muscles(kg):
    classes: dict[str, set[str]] = {}
    for row in kg.query("muscle-classes").as_dicts():
        classes.setdefault(row["muscleLabel"], set()).add(row["classLabel"])
    back = {m for m, c in classes.items() if "intrinsic back muscle" in c}
    assert back == {"multifidus", MULTIFIDUS, "iliocostalis", ILIOCOSTALIS, "longissimus", "longissimus thoracis", LONGISSIMUS}
    assert classes[QL] == {"muscle of abdomen"}
    assert classes[PSOAS] == {"prevertebral muscle", "muscle of the iliac region"}
    assert classes[ILIACUS] == {"muscle of pelvic girdle", "muscle of the iliac region"}
    assert classes[GLUTEUS] == {"muscle of pelvic girdle"}
    involved = {r["muscleLabel"] for r in kg.query("involved-muscles", condition="lower back muscle spasm").as_dicts()}
    assert not involved & {QL, PSOAS, ILIACUS, GLUTEUS}


def test_spine_elements_include_vertebrae_and_discs_through_the_vertebral_column(kg):
    rows = kg.query("spine-elements").as_dicts()
    whole = {r["elementLabel"]: r["wholeLabel"] for r in rows}
    assert whole["vertebrae"] == whole["intervertebral discs"] == "the vertebral column"
    assert whole["fascia of the spine"] == whole["ligaments of the spine"] == whole["tendons of the spine"] == "the spine"
    assert {"skeletal muscle", "fascia", "ligament", "tendon", "vertebra", "intervertebral disc"} <= {r["classLabel"] for r in rows}


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


def test_symptoms_keep_each_sentences_own_words_and_hedge(kg):
    rows = kg.query("symptoms", condition="lower back muscle spasm").as_dicts()
    hedge = {(r["symptomLabel"], r["statedFor"].rsplit("/", 1)[1]): r.get("hedge") for r in rows}
    assert hedge == {
        ("pain", "lower-back-muscle-spasm"): None,  # s07 "however frightening and painful"
        ("extreme pain", "lower-back-muscle-spasm"): "may",  # s21 "it may be experienced as extremely painful"
        ("muscle feels very dense and hard", "lower-back-muscle-spasm"): "may",
        ("limited motion in the affected part of the body", "lower-back-muscle-spasm"): None,  # s13
        ("pain", "muscle-spasm"): None,  # s05 "however painful"
        ("severe pain", "muscle-spasm"): "may be quite severe",  # s06
        ("immobility of the affected body part", "muscle-spasm"): "may be quite severe",
        ("very limited range of motion", "muscle-spasm"): "may be quite severe",
        ("extreme muscle tightness", "muscle-spasm"): None,
    }


def test_causes_are_what_the_sentences_give_as_causes(kg):
    rows = kg.query("causes", condition="lower back muscle spasm").as_dicts()
    causes = {r["injuryLabel"]: (r.get("damagedLabel"), r.get("hedge")) for r in rows}
    assert causes["pushing the body beyond what it is designed or prepared for"] == (None, "in most cases")  # s22-s23
    assert causes["injury to a major nerve"] == ("major nerves in the area", "may")  # s04, not s18's supplying nerve
    assert causes["injury to a structure associated with the muscle"] == ("structure associated with the muscle", "may")
    assert causes["injury to a ligament"] == ("ligaments of the spine", None)  # s12
    # s15 states a belief the article corrects ("You would think..."): not a cause
    assert "major muscle tear" not in causes and "traumatic injuries" not in causes


def test_a_corrected_belief_is_a_popular_attribution(kg):
    rows = kg.query("evidence", entity="major muscle tear").as_dicts()
    stated = {(r["propertyLabel"], r["quote"][:27]) for r in rows if r["subjectLabel"] == "lower back muscle spasms"}
    assert stated == {("popularly attributed to", "You would think that this i")}


def test_risk_factors_are_sentence_24s_two_situations(kg):
    rows = kg.query("risk-factors").as_dicts()
    assert {r["riskFactorLabel"]: r.get("hedge") for r in rows} == {
        "weekend warrior climbs on an office worker body": "may",
        "heavy lifting activities on weak lower back muscles": "may",
    }
    assert {r["exampleOfLabel"] for r in rows} == {"pushing the body beyond what it is designed or prepared for"}


def test_purposes_are_not_recorded_as_effects(kg):
    purpose = "ASK { ?r <https://w3id.org/spinekg/ontology/aimsToPrevent> <https://w3id.org/spinekg/id/disabling-spinal-injury> }"
    assert kg.sparql(purpose) is True
    assert kg.sparql("ASK { ?r <https://w3id.org/spinekg/ontology/protects> ?part }") is False
    effect = kg.query("evidence", entity="a minor injury becoming a major injury").as_dicts()
    assert {(r["subjectLabel"], r["propertyLabel"], r.get("hedge")) for r in effect} == {
        ("limited motion in the affected part of the body", "prevents", "may")  # s14: "This reduction in movement may prevent"
    }


def test_the_response_is_immediate(kg):
    rows = kg.query("course", condition="lower back muscle spasm").as_dicts()
    onset = [r for r in rows if r["aspect"] == "typical onset"]
    assert {r["value"] for r in onset} == {"immediate"}
    assert len(onset) == 3  # sentences 11, 12 and 13


def test_the_signal_travels_through_the_local_nervous_system(kg):
    rows = kg.query("evidence", entity="local nervous system").as_dicts()
    assert {(r["propertyLabel"], r["source"].rsplit("/", 1)[1]) for r in rows} == {("transmitted by", "s19")}


def test_treatments_reach_lower_back_muscle_spasm_through_the_conditions_it_presents_as(kg):
    rows = kg.query("treatments", condition="lower back muscle spasm").as_dicts()
    through = {(r["treatmentLabel"], r["statedForLabel"]) for r in rows}
    acute = "acute or subacute low back pain"
    assert through == {
        ("superficial heat", acute),
        ("massage", acute),
        ("acupuncture", acute),
        ("spinal manipulation", acute),
        ("nonsteroidal anti-inflammatory drugs", acute),
        ("skeletal muscle relaxants", acute),
        ("reassurance, advice to keep active and guidance on self-management", "low back pain"),
        ("exercise programme", "low back pain"),
    }
    nice = [r for r in rows if r["source"].endswith("nice-ng59")]
    assert {r["number"] for r in nice} == {"1.1.3"}


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
    assert any("twelfth thoracic and first and second lumbar nerves" in r.get("sourceQuote", "") for r in rows)


def test_search_finds_synonyms(kg):
    assert "https://w3id.org/spinekg/id/slipped-disc" in kg.query("search", text="SLIPPED").values("entity")
