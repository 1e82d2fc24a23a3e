"""Bad input files: a clear message with file and line, exit 2, and nothing loaded."""

from __future__ import annotations

import pytest

from spinekg import KnowledgeGraph
from spinekg.cli import main
from spinekg.errors import SourceFileError

GOOD = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n"
CASES = {
    "malformed.ttl": ('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n', ":3: "),
    "undeclared.ttl": ("ex:a ex:b ex:c .\n", ":1: "),
    "malformed.jsonld": ('{"@id": "http://example.org/a",\n "http://example.org/b": \n', ".jsonld:"),
    "malformed.nt": ("<http://example.org/a> <http://example.org/b> .\n", ".nt:1: "),
    "empty.ttl": ("", "file is empty"),
    "binary.ttl": (b"\x00\xff\xfe\x01garbage", "binary.ttl"),
    "wrong.txt": (GOOD, "unknown RDF file extension"),
    "header.sssom.tsv": ("# curie_map:\n#   kg: [broken\nsubject_id\tpredicate_id\n", "bad SSSOM metadata header"),
    "columns.sssom.tsv": ("# curie_map: {}\nsubject_id\tpredicate_id\tobject_id\n", "missing column(s)"),
    "prefix.sssom.tsv": (
        "# curie_map: {}\nsubject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\n"
        "zz:a\ta\tskos:exactMatch\tUBERON:1\tx\tsemapv:ManualMappingCuration\n",
        "prefix not in the curie_map",
    ),
}


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_rejected_with_file_and_line(tmp_path, name):
    content, expected = CASES[name]
    with pytest.raises(SourceFileError) as err:
        KnowledgeGraph.load([_write(tmp_path, name, content)])
    assert expected in str(err.value)
    assert name in str(err.value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_loading_is_all_or_nothing(tmp_path, name):
    kg = KnowledgeGraph.load([_write(tmp_path, "good.ttl", GOOD)])
    before = len(kg)
    with pytest.raises(SourceFileError):
        kg.add_files([_write(tmp_path, "also-good.ttl", GOOD.replace("ex:c", "ex:d")), _write(tmp_path, name, CASES[name][0])])
    assert len(kg) == before


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_exits_2_with_a_message(tmp_path, capsys, name):
    path = _write(tmp_path, name, CASES[name][0])
    assert main(["query", "risk-factors", "--load", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spinekg: error: ") and name in err and "Traceback" not in err


def test_missing_file_and_directory(tmp_path, capsys):
    assert main(["export", "--load", str(tmp_path / "absent.ttl")]) == 2
    assert "no such file" in capsys.readouterr().err
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    assert main(["export", "--load", str(folder)]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_persistent_store_keeps_its_copy_when_a_changed_source_breaks(tmp_path):
    source = _write(tmp_path, "data.ttl", GOOD)
    with KnowledgeGraph.open(tmp_path / "store", [source]) as kg:
        assert len(kg) == 1
    source.write_text(GOOD + "ex:broken ex:b \n")
    with pytest.raises(SourceFileError, match=r"data.ttl:4"):
        KnowledgeGraph.open(tmp_path / "store", [source])
    source.write_text(GOOD)  # same bytes as the manifest records: nothing is re-read
    with KnowledgeGraph.open(tmp_path / "store", [source]) as kg:
        assert len(kg) == 1
    source.write_text(GOOD + "ex:x ex:b ex:y .\n")
    with KnowledgeGraph.open(tmp_path / "store", [source]) as kg:
        assert len(kg) == 2
