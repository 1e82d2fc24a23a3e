"""Every export read by Apache Jena (Debian ``libapache-jena-java``), an RDF implementation spinekg does not use.

Jena reads JSON-LD with its JSON-LD 1.0 reader (jsonld-java): the 1.1 reader needs a
JSON-P library the Debian package lacks. Debian's Jena also needs two workarounds:
its bundled Xerces lacks its message bundles (every command fails at start with
"internal error"), so they are extracted from the JDK (``jimage``); and
``/usr/share/java`` holds several SLF4J bindings that clash, so the class path leaves
them out.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from spinekg.export import ExportFormat, write

JAVA_DIR = Path("/usr/share/java")
CLASHING = re.compile(r"log4j-over-slf4j|slf4j-log4j12|slf4j-jdk14|slf4j-simple|slf4j-nop|jcl-over-slf4j|logback|maven3-slf4j|owlapi")
BUNDLES = {
    "xerces/impl/msg": "com/sun/org/apache/xerces/internal/impl/msg",
    "xerces/impl/xpath/regex": "com/sun/org/apache/xerces/internal/impl/xpath/regex",
}
#: Export format -> (file suffix, Jena syntax name, whether it holds named graphs).
SYNTAX = {
    "turtle": (".ttl", "turtle", False),
    "ntriples": (".nt", "ntriples", False),
    "nquads": (".nq", "nquads", True),
    "jsonld": (".jsonld", "jsonld10", False),
    "jsonld-dataset": (".jsonld", "jsonld10", True),
}


def _java_home() -> Path | None:
    java = shutil.which("java")
    return Path(os.path.realpath(java)).parent.parent if java else None


@pytest.fixture(scope="module")
def jena(tmp_path_factory) -> str:
    """:returns: a class path on which Jena's command-line tools run."""
    home = _java_home()
    if home is None or not (home / "bin" / "jimage").exists() or not (JAVA_DIR / "jena-cmds.jar").exists():
        if os.environ.get("SPINEKG_REQUIRE_JENA") == "1":
            pytest.fail("SPINEKG_REQUIRE_JENA=1 but a JDK or libapache-jena-java is missing")
        pytest.skip("needs a JDK (jimage) and Debian's libapache-jena-java")
    extracted, bundles = tmp_path_factory.mktemp("jdk"), tmp_path_factory.mktemp("bundles")
    pattern = "regex:.*/(" + "|".join(BUNDLES.values()) + ")/[^/]*\\.properties"
    subprocess.run(
        [str(home / "bin" / "jimage"), "extract", "--dir", str(extracted), "--include", pattern, str(home / "lib" / "modules")],
        check=True,
        timeout=120,
    )
    for target, source in BUNDLES.items():
        (bundles / target).mkdir(parents=True)
        for found in (extracted / "java.xml" / source).glob("*.properties"):
            shutil.copy(found, bundles / target)
    jars = [str(j) for j in sorted(JAVA_DIR.glob("*.jar")) if not CLASHING.search(j.name)]
    return os.pathsep.join([str(bundles), *jars])


def _riot(classpath: str, path: Path, syntax: str) -> str:
    """:returns: the file as N-Quads, as Jena reads it; fails on any warning or error Jena reports."""
    done = subprocess.run(
        ["java", "-cp", classpath, "riotcmd.riot", f"--syntax={syntax}", "--output=nquads", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    complaints = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("SLF4J:")]
    assert done.returncode == 0 and not complaints, complaints[:10]
    return done.stdout


@pytest.mark.parametrize("fmt", list(SYNTAX))
def test_jena_reads_every_export_as_the_graph_that_was_exported(jena, kg, fmt, tmp_path):
    suffix, syntax, named = SYNTAX[fmt]
    out = io.BytesIO()
    write(kg, ExportFormat(fmt), out)
    path = tmp_path / f"export{suffix}"
    path.write_bytes(out.getvalue())
    read = _riot(jena, path, syntax)
    if named:
        expected, found = Dataset(), Dataset()
        nquads = io.BytesIO()
        write(kg, ExportFormat.NQUADS, nquads)
        expected.parse(data=nquads.getvalue(), format="nquads")
        found.parse(data=read, format="nquads")
        names = {g.identifier for g in expected.graphs() if len(g)}
        assert {g.identifier for g in found.graphs() if len(g)} == names
        assert all(isomorphic(found.graph(n), expected.graph(n)) for n in names)
    else:
        assert isomorphic(Graph().parse(data=read, format="nquads"), kg.to_rdflib())
