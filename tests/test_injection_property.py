"""Property-based: adversarial strings through every parameter of every prepared query.

Never a crash, never a row that the value did not select: either a clean
InputError, or rows whose parameter column is exactly the bound term.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinekg import queries
from spinekg.errors import InputError
from spinekg.params import MAX_VALUE_LENGTH
from spinekg.queries import ParamType

from .query_examples import REFUSALS

PIECES = [
    '"',
    "'",
    "\\",
    "\\u0022",
    "\\u003E",
    "{",
    "}",
    "<",
    ">",
    " ",
    "\n",
    "\t",
    "#",
    ";",
    ".",
    "?s",
    "?o",
    "} UNION {",
    "?s ?p ?o",
    "FILTER(true)",
    "OPTIONAL",
    "DROP ALL",
    "http://",
    "https://w3id.org/spinekg/id/",
    "kg:",
    "UBERON:",
    "psoas",
    "spasm",
    "L4",
    "\x00",
    "é",
    "\u202e",
    "\ufeff",
]
adversarial = st.one_of(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join),
    st.text(min_size=1, max_size=60),
    st.integers(min_value=2001, max_value=4000).map(lambda n: "x" * n),
)
PARAMS = [(name, p) for name, q in sorted(queries.catalogue().items()) for p in q.params]


@pytest.mark.parametrize(("name", "param"), PARAMS, ids=[f"{n}-{p.name}" for n, p in PARAMS])
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=adversarial)
def test_adversarial_values_select_nothing_they_should_not(kg, name, param, value):
    _selects_only_its_value(kg, kg.query, name, param, value)


def _selects_only_its_value(kg, run, name, param, value) -> None:
    """``run(name, **params)`` either refuses the value cleanly or returns only rows it selects."""
    try:
        term = kg.bind(queries.get(name), {param.name: value})[param.name]
    except InputError as refused:  # refused cleanly: it names the parameter and a documented reason
        assert str(refused).startswith(f"parameter {param.name!r}: ")
        assert any(reason in str(refused) for reason in REFUSALS), refused
        assert param.type is ParamType.IRI or not value.strip() or len(value) > MAX_VALUE_LENGTH
        return
    results = run(name, **{param.name: value})
    assert set(results.column(param.name)) <= {term}
    if param.type is ParamType.STRING:
        assert all(value.lower() in m.value.lower() for m in results.column("matched"))


@pytest.fixture(scope="module")
def remote(oxigraph, kg):
    """The packaged graph pushed once to a real Oxigraph server on 127.0.0.1."""
    from spinekg.remote import Endpoint

    endpoint = Endpoint(oxigraph.query, store_url=oxigraph.store, graph="https://example.org/test/injection", kg=kg, timeout=20, retries=1)
    endpoint.push(kg)
    return endpoint


@pytest.mark.server
@pytest.mark.parametrize(("name", "param"), PARAMS, ids=[f"{n}-{p.name}" for n, p in PARAMS])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=adversarial)
def test_adversarial_values_select_nothing_they_should_not_remotely(remote, kg, name, param, value):
    _selects_only_its_value(kg, remote.query, name, param, value)
