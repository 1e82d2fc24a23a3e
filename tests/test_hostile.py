"""Every command fed hostile files: a documented exit code and one clear line, in bounded time and memory.

The files are in ``tests/resources/hostile/``; the large ones are generated here. Each run is a
real process with an address-space limit (3 GB) and a time limit, so an unbounded expansion fails
the test instead of the machine.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

HOSTILE = Path(__file__).parent / "resources" / "hostile"
MEMORY = 3 << 30
SECONDS = 90

#: file -> (exit code, words the one-line message must hold)
REFUSED = {
    "billion-laughs.rdf": (2, "nested entities are refused"),
    "external-entity.rdf": (2, "external entity 'xxe' is refused"),
    "parameter-entity.rdf": (2, "parameter entity 'p' is refused"),
    "broken.rdf": (2, "broken.rdf:5:"),
    "yaml-aliases.sssom.tsv": (2, "YAML aliases are refused"),
    "packaged-graph.nq": (2, "names the graph <https://w3id.org/spinekg/graph/anatomy>"),
    "inferred-graph.trig": (2, "names the graph <https://w3id.org/spinekg/graph/inferred>"),
    "deep.jsonld": (2, "deep.jsonld:"),
    "quadratic.rdf": (2, "more than 8x the file; refused"),
    "scoped-contexts.jsonld": (2, "scoped contexts"),
    "long-field.sssom.tsv": (2, "field larger than field limit"),
}
ACCEPTED = ["bom.ttl", "name with spaces.ttl", "editor-entities.rdf"]


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def spinekg(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spinekg", *argv], capture_output=True, text=True, timeout=SECONDS, preexec_fn=_limits, cwd=cwd
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The shipped hostile files plus the generated large ones."""
    folder = tmp_path_factory.mktemp("hostile")
    for path in HOSTILE.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    value = "x" * 20_000
    (folder / "quadratic.rdf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY big "' + value + '"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        '<rdf:Description rdf:about="http://example.org/x"><rdfs:label>' + "&big;" * 20_000 + "</rdfs:label></rdf:Description></rdf:RDF>\n"
    )
    terms = {f"s{j}": f"http://example.org/s{j}" for j in range(300)}
    context = {f"t{i}": {"@id": f"http://example.org/t{i}", "@context": terms} for i in range(300)}
    graph = [{"@id": f"http://example.org/n{k}", f"t{k % 300}": {"s1": "v"}} for k in range(2000)]
    (folder / "scoped-contexts.jsonld").write_text(json.dumps({"@context": context, "@graph": graph}))
    (folder / "long-field.sssom.tsv").write_text(
        "# curie_map:\n#   kg: https://w3id.org/spinekg/id/\n"
        "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\n"
        f"kg:a\t{'x' * 200_000}\tskos:exactMatch\tkg:b\tb\tsemapv:ManualMappingCuration\n"
    )
    return folder


def _one_clear_line(done: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert done.returncode == code, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("spinekg: error: ") and words in lines[0], done.stderr[-2000:]


@pytest.mark.parametrize("name", sorted(REFUSED))
@pytest.mark.parametrize("command", ["query", "export", "validate"])
def test_hostile_files_are_refused_by_every_command(corpus, name, command):
    path = str(corpus / name)
    argv = {
        "query": ["query", "triggers", "--load", path],
        "export": ["export", "-f", "nquads", "--load", path],
        "validate": ["validate", path],
    }
    _one_clear_line(spinekg(*argv[command]), *REFUSED[name])


@pytest.mark.parametrize("name", ["billion-laughs.rdf", "external-entity.rdf", "quadratic.rdf", "broken.rdf"])
def test_hostile_vocabularies_are_refused_by_link(corpus, name, tmp_path):
    _one_clear_line(spinekg("link", str(corpus / name), "--store", str(tmp_path / "store")), *REFUSED[name])


def test_hostile_files_into_a_store_leave_it_unchanged(corpus, tmp_path):
    store = str(tmp_path / "store")
    assert spinekg("query", "triggers", "--store", store).returncode == 0
    for name in sorted(REFUSED):
        _one_clear_line(spinekg("query", "triggers", "--store", store, "--load", str(corpus / name)), *REFUSED[name])
    assert not (tmp_path / "store" / "spinekg-journal.json").exists()


def _edit_manifest(store: Path, change: dict[str, object]) -> None:
    path = store / "spinekg-manifest.json"
    path.write_text(json.dumps(json.loads(path.read_text()) | change))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"data": "../../etc"}, "corrupt store manifest (data folder '../../etc')"),
        ({"format": 99}, "corrupt store manifest (format 99"),
        ({"graphs": ["not", "a", "table"]}, "corrupt store manifest (no graphs)"),
        ({"labels": {"file": "../../x.sqlite"}}, "corrupt store manifest (label index entry)"),
        ({"data": "data-0000000000000000"}, "the data folder data-0000000000000000 that the manifest names is missing"),
    ],
)
def test_a_tampered_store_manifest_is_one_clear_line(tmp_path, change, words):
    store = tmp_path / "store"
    assert spinekg("query", "triggers", "--store", str(store)).returncode == 0
    _edit_manifest(store, change)
    _one_clear_line(spinekg("query", "triggers", "--store", str(store)), 2, words)


@pytest.mark.parametrize("damage", [b"", b"\x00" * 4096, b"SQLite format 3\x00" + b"\xff" * 5000])
def test_a_damaged_label_index_is_rebuilt_and_answers_right(tmp_path, damage):
    store = tmp_path / "store"
    argv = ["query", "nerves-of-muscle", "-p", "muscle=iliacus", "--store", str(store), "-f", "csv"]
    first = spinekg(*argv)
    assert first.returncode == 0 and "femoral nerve" in first.stdout
    index = store / json.loads((store / "spinekg-manifest.json").read_text())["labels"]["file"]
    index.write_bytes(damage)
    again = spinekg(*argv)
    assert again.returncode == 0 and again.stdout == first.stdout and not again.stderr
    assert not index.exists()


@pytest.mark.parametrize("name", ACCEPTED)
def test_awkward_but_honest_files_load(corpus, name):
    done = spinekg("export", "-f", "nquads", "--load", str(corpus / name))
    assert done.returncode == 0, done.stderr
    assert "http://example.org/" in done.stdout


def test_the_builtin_engine_validates_rdf_star_in_the_store(corpus):
    """The default SHACL engine reads the store itself, so a quoted triple is validated, not refused:
    the undeclared example terms are reported (exit 1) on one line each, with no traceback."""
    done = spinekg("validate", str(corpus / "rdf-star.ttl"))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "http://example.org/p" in done.stdout


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["export", "-f", "jsonld", "--load", "{corpus}/rdf-star.ttl"], "JSON-LD 1.1 cannot write"),
        (["validate", "--engine", "pyshacl", "{corpus}/rdf-star.ttl"], "rdflib and pyshacl cannot read"),
        (["query", "search", "-p", "text=\udcff"], "not valid UTF-8"),
        (["export", "-o", "{tmp}/missing/out.ttl"], "cannot write"),
        (["export", "-o", "{tmp}"], "is a directory"),
        (["query", "triggers", "-o", "{tmp}/missing/out.csv"], "cannot write"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(corpus, tmp_path, argv, words):
    done = spinekg(*(a.format(corpus=corpus, tmp=tmp_path) for a in argv))
    _one_clear_line(done, 2, words)


@pytest.mark.jvm
@pytest.mark.parametrize(("name", "words"), [("rdf-star.ttl", "reasoner cannot read"), ("ill-typed.ttl", 'ill-typed literal "ten"')])
def test_the_reasoner_names_what_it_cannot_read(corpus, name, words):
    _one_clear_line(spinekg("reason", "--load", str(corpus / name)), 2, words)


def test_a_device_or_pipe_target_is_written_directly(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    done = spinekg("export", "-f", "ntriples", "-o", str(pipe))
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert received and received[0].count(b"\n") > 2000
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_dash_is_standard_output():
    done = spinekg("export", "-f", "ntriples", "-o", "-")
    assert done.returncode == 0 and done.stdout.count("\n") > 2000


def test_an_existing_file_keeps_its_mode(tmp_path):
    target = tmp_path / "private.ttl"
    target.write_text("old")
    target.chmod(0o600)
    assert spinekg("export", "-o", str(target)).returncode == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.stat().st_size > 10_000


def test_sigterm_removes_the_temporary_file(tmp_path):
    big = tmp_path / "big.nt"
    big.write_text("".join(f'<http://example.org/s{i}> <http://example.org/p> "v {i}" .\n' for i in range(500_000)))
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "spinekg", "export", "--load", str(big), "-o", str(out / "x.ttl")], stderr=subprocess.PIPE
    )
    deadline = SECONDS
    while not list(out.iterdir()) and proc.poll() is None and deadline > 0:
        threading.Event().wait(0.01)
        deadline -= 0.01
    proc.terminate()  # while the temporary file is being written
    _, err = proc.communicate(timeout=SECONDS)
    assert proc.returncode == 128 + signal.SIGTERM and b"stopped by SIGTERM" in err, err
    assert list(out.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_exit_2_with_the_path():
    _one_clear_line(spinekg("export", "-o", "/dev/full"), 2, "cannot write /dev/full: No space left on device")
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)
