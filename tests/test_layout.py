"""The package layout: imports go one way (cli -> capabilities -> building blocks -> base), with no cycle.

Imports inside functions count: they are only for heavy or optional dependencies, listed here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import spinekg

PACKAGE = Path(spinekg.__file__).parent
#: Each module's layer; a module imports only from its own layer or lower ones.
LAYERS = {
    "base": {
        "errors",
        "guards",
        "terminal",
        "resources",
        "namespaces",
        "atomic",
        "timeout",
        "locking",
        "sentences",
        "synthetic",
        "turtle_format",
        "rdflib_bridge",
    },
    "building blocks": {
        "results",
        "queries",
        "protocol",
        "labels",
        "labelstore",
        "params",
        "mappings",
        "readers",
        "manifest",
        "ondisk",
        "jsonld",
        "ntriples",
        "jvm",
        "owlworld",
        "rules",
        "tbox",
        "serialize",
        "publisher",
        "packaged",
        "shacl_shapes",
        "shacl_values",
        "shacl_engine",
    },
    "capabilities": {
        "graph",
        "validate",
        "reason",
        "export",
        "schemaorg",
        "link",
        "mapping_check",
        "http",
        "remote",
        "backends",
        "build",
        "site",
    },
    "shell": {"cli", "__init__", "__main__"},
}
RANK = {module: rank for rank, names in enumerate(LAYERS.values()) for module in names}
#: Imports allowed inside a function: heavy optional libraries, and modules that pull them in.
LAZY = {
    "rdflib",
    "pyshacl",
    "owlready2",
    "SPARQLWrapper",
    "curies",
    "yaml",
    "simple_icd_10_cm",
    "importlib.metadata",
    "difflib",
    "sqlite3",  # the label index of an on-disk store
    "spinekg.rdflib_bridge",  # rdflib
    "spinekg.remote",  # http.client, ssl, email: ~45 ms a local command never needs
    "spinekg.site",  # jinja2 and http.server, for one command
    "spinekg.__version__",  # from the installed metadata
}


def allowed_lazily(target: str) -> bool:
    """Whether ``target`` (a module, or a name in one) is in :data:`LAZY`; ``from .. import x`` also names the package."""
    return target == "spinekg" or any(target == lazy or target.startswith(lazy + ".") for lazy in LAZY)


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path) -> list[tuple[str, bool]]:
    """:returns: (imported module or name, inside a function) for every import of ``name``'s file,
    leaving out those under ``if TYPE_CHECKING:``."""
    package = ["spinekg", *name.split(".")[:-1]]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, inside: bool) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, inside) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            target = ".".join(p for p in (base, node.module or "") if p)
            found.append((target, inside))
            found.extend((f"{target}.{alias.name}", inside) for alias in node.names)
        inner = inside or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


MODULES = modules()
EDGES = {
    name: {t.removeprefix("spinekg.").split(".")[0] for t, _ in imports(name, path) if t.startswith("spinekg.")} - {name.split(".")[0]}
    for name, path in MODULES.items()
}


def top(name: str) -> str:
    return name.split(".")[0]


def test_every_module_has_a_layer():
    assert {top(m) for m in MODULES} <= set(RANK), sorted({top(m) for m in MODULES} - set(RANK))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down_the_layers(name):
    if top(name) in LAYERS["shell"]:
        return
    upward = sorted(t for t in EDGES[name] if t in RANK and RANK[t] > RANK[top(name)])
    assert upward == [], f"{name} imports from a higher layer: {upward}"


def test_no_import_cycle():
    graph: dict[str, set[str]] = {}
    for name, targets in EDGES.items():
        if top(name) in ("cli", "__init__", "__main__"):
            continue
        graph.setdefault(top(name), set()).update(t for t in targets if t not in ("cli", "__init__"))
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            assert state.get(nxt) != 1, f"import cycle: {' -> '.join([*trail, node, nxt])}"
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_function_level_imports_are_only_for_heavy_dependencies(name):
    lazy = sorted({t for t, inside in imports(name, MODULES[name]) if inside and not allowed_lazily(t)})
    assert lazy == [], f"{name} imports inside a function: {lazy}"


@pytest.mark.parametrize("name", sorted(m for m in MODULES if not m.startswith("cli") and m != "__main__"))
def test_every_library_module_declares_all(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    declared = [n for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)]
    assert declared, f"{name} has no __all__"
