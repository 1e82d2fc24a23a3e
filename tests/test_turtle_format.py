"""Shipped Turtle is kept in canonical form, so a diff shows only real changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinekg import resources
from spinekg.turtle_format import canonical_turtle, main

SHIPPED = sorted([*resources.ontology_dir().glob("*.ttl"), *resources.data_dir().glob("*.ttl"), *resources.shapes_dir().glob("*.ttl")])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_turtle_is_canonical(path: Path):
    assert path.read_text(encoding="utf-8") == canonical_turtle(path), f"run: python -m spinekg.turtle_format --write {path}"


def test_canonical_form_ignores_statement_order_and_blank_node_labels(tmp_path):
    a = tmp_path / "a.ttl"
    b = tmp_path / "b.ttl"
    a.write_text("@prefix ex: <http://example.org/> .\nex:s ex:p [ ex:q 1 ] .\nex:s ex:r 2 .\n")
    b.write_text("@prefix ex: <http://example.org/> .\nex:s ex:r 2 .\n_:x ex:q 1 .\nex:s ex:p _:x .\n")
    assert canonical_turtle(a) == canonical_turtle(b)


def test_check_mode_reports_and_write_mode_fixes(tmp_path, capsys):
    path = tmp_path / "x.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:b ex:p ex:c . ex:a ex:p ex:c .\n")
    assert main([str(path)]) == 1
    assert main(["--write", str(path)]) == 0
    assert main([str(path)]) == 0
    assert "not canonical" in capsys.readouterr().err
