"""Every quality check in queries/checks has a good fixture it passes and a bad one it flags.

The fixtures sit beside the ontology (loaded with them), so a check sees the class and
property declarations it relies on; each check is run on its own, the others ignored.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spinekg import KnowledgeGraph, queries, resources

FIXTURES = Path(__file__).parent / "resources" / "checks"
CHECKS = queries.checks()


def _rows(check: str, fixture: Path) -> list[dict[str, str]]:
    with KnowledgeGraph.load([*resources.ontology_sources(), FIXTURES.parent / "shapes" / "base.ttl", fixture]) as kg:
        return kg.select(CHECKS[check].text).as_dicts()


def test_every_check_has_fixtures() -> None:
    missing = [c for c in CHECKS for kind in ("good", "bad") if not (FIXTURES / f"{c.removesuffix('-violation')}-{kind}.ttl").exists()]
    assert missing == []


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_good_fixture_passes(check: str) -> None:
    assert _rows(check, FIXTURES / f"{check.removesuffix('-violation')}-good.ttl") == []


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_bad_fixture_is_flagged(check: str) -> None:
    assert _rows(check, FIXTURES / f"{check.removesuffix('-violation')}-bad.ttl") != []
