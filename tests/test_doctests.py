"""The docstring examples of the public API run as tests, so the documentation cannot rot (as pyoxigraph's test_doc)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import spinekg

MODULES = sorted(
    name
    for info in pkgutil.walk_packages(spinekg.__path__, "spinekg.")
    if not (name := info.name).startswith(("spinekg.cli", "spinekg.__main__"))
)


@pytest.mark.parametrize("name", ["spinekg", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_the_public_api_has_examples():
    examples = sum(doctest.testmod(importlib.import_module(n)).attempted for n in ["spinekg", *MODULES])
    assert examples >= 15
