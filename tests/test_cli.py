"""The command line: outputs, formats and documented exit codes (0 ok, 1 invalid, 2 bad input)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import spinekg
from spinekg import KnowledgeGraph
from spinekg.cli import COMMANDS, build_parser, main

RESOURCES = Path(__file__).parent / "resources"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_queries_lists_names_and_parameters(capsys):
    code, out, _ = run(capsys, "queries")
    assert code == 0
    assert "muscles-by-nerve" in out and "--param nerve=" in out


def test_query_table_shows_labels(capsys):
    code, out, _ = run(capsys, "query", "muscles-by-nerve", "--param", "nerve=lumbar plexus")
    assert code == 0
    assert "psoas major" in out and "(6 rows)" in out  # psoas major and iliacus at the femoral nerve's roots L2-L4


def test_query_json_is_w3c_sparql_results(capsys):
    code, out, _ = run(capsys, "query", "muscles-by-nerve", "-p", "nerve=kg:femoral-nerve", "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert "muscleLabel" in doc["head"]["vars"]
    binding = doc["results"]["bindings"][0]
    assert binding["muscle"] == {"type": "uri", "value": "https://w3id.org/spinekg/id/iliacus"}
    assert binding["muscleLabel"] == {"type": "literal", "value": "iliacus", "xml:lang": "en"}


def test_query_csv(capsys):
    code, out, _ = run(capsys, "query", "nerves-of-muscle", "-p", "muscle=iliacus", "-f", "csv")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("muscle,muscleLabel,unit,unitLabel,level")
    assert "https://w3id.org/spinekg/id/femoral-nerve" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "no-such-query"], "no prepared query"),
        (["query", "muscles-by-nerve"], "needs parameter"),
        (["query", "muscles-by-nerve", "-p", "nerve=no such nerve"], "no entity is labelled"),
        (["query", "muscles-by-nerve", "-p", "nerve"], "KEY=VALUE"),
        (["query", "muscles-by-nerve", "-p", "muscle=psoas"], "no parameter"),
        (["query", "muscles-by-nerve", "-p", "nerve=<http://x y>"], "not a valid"),
        (["sparql", "SELECT * WHERE {"], "syntax error"),
        (["export", "--load", "missing.ttl"], "no such file"),
    ],
)
def test_bad_input_exits_2_without_traceback(capsys, argv, message):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_validate_conforms(capsys):
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert out.startswith("Conforms")


def test_validate_reports_focus_path_message_and_exits_1(capsys):
    code, out, _ = run(capsys, "validate", str(RESOURCES / "shapes" / "MuscleShape-bad.ttl"), str(RESOURCES / "shapes" / "base.ttl"))
    assert code == 1
    assert "focus: https://w3id.org/spinekg/id/m" in out
    assert "path: https://w3id.org/spinekg/ontology/suppliedThrough" in out


def test_validate_json(capsys):
    code, out, _ = run(capsys, "validate", "--format", "json", str(RESOURCES / "shapes" / "CitationShape-bad.ttl"))
    report = json.loads(out)
    assert code == 1 and report["conforms"] is False
    assert {"focus", "path", "message", "severity"} <= set(report["violations"][0])


def test_sparql_ask_and_construct(capsys, tmp_path):
    code, out, _ = run(capsys, "sparql", "ASK { ?s ?p ?o }")
    assert (code, out) == (0, "true\n")
    query = tmp_path / "q.rq"
    query.write_text("CONSTRUCT { ?m <http://example.org/n> ?n } WHERE { ?m <https://w3id.org/spinekg/ontology/innervatedBy> ?n }")
    code, out, _ = run(capsys, "sparql", str(query))
    assert code == 0
    assert len(Graph().parse(data=out, format="turtle")) == len(KnowledgeGraph.load().construct(query.read_text()))


@pytest.mark.parametrize(("fmt", "parse_as"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")])
def test_export_round_trips_to_an_isomorphic_graph(kg, tmp_path, capsys, fmt, parse_as):
    target = tmp_path / f"out.{fmt}"
    code, _, _ = run(capsys, "export", "--format", fmt, "-o", str(target))
    assert code == 0
    assert isomorphic(Graph().parse(target, format=parse_as), kg.to_rdflib())


def test_jsonld_export_uses_readable_keys(tmp_path, capsys):
    target = tmp_path / "out.jsonld"
    assert run(capsys, "export", "-f", "jsonld", "-o", str(target))[0] == 0
    doc = json.loads(target.read_text())
    assert "@context" in doc
    text = target.read_text()
    assert '"innervatedBy"' in text and '"label"' in text


def test_build_writes_exports(tmp_path, capsys):
    code, out, _ = run(capsys, "build", "--out", str(tmp_path))
    assert code == 0
    assert (tmp_path / "spinekg.ttl").stat().st_size > 10_000
    assert (tmp_path / "spinekg.jsonld").stat().st_size > 10_000
    assert "conforms" in out


def test_console_script_runs_in_a_fresh_process():
    done = subprocess.run(
        [sys.executable, "-m", "spinekg", "query", "triggers", "-p", "condition=back spasm"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "sneeze" in done.stdout


#: What a cold query on the packaged graph must not import: the heavy libraries, the parsers its cache makes
#: needless (PyYAML for the SSSOM header), the installed metadata (--version), the other commands' modules.
NOT_FOR_A_QUERY = (
    "rdflib",
    "pyshacl",
    "owlready2",
    "SPARQLWrapper",
    "curies",
    "pydantic",
    "jinja2",
    "yaml",
    "importlib.metadata",
    "importlib.resources",
    "http.client",
    "tomllib",
    "spinekg.validate",
    "spinekg.reason",
    "spinekg.export",
    "spinekg.remote",
    "spinekg.publisher",
    "spinekg.cli.graph_cmds",
    "spinekg.cli.remote_cmds",
)


@pytest.mark.parametrize("argv", [["query", "symptoms"], ["query", "muscles-by-nerve", "-p", "nerve=lumbar plexus"]])
def test_a_query_imports_only_what_it_needs(argv):
    code = (
        "import sys\nfrom spinekg.cli import main\n"
        f"code = main({argv!r})\n"
        "print('EXIT', code)\n"
        f"print('IMPORTED', sorted(m for m in {NOT_FOR_A_QUERY!r} if m in sys.modules))\n"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)  # the first run may build the cache
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "EXIT 0" in done.stdout and "IMPORTED []" in done.stdout, done.stdout


def test_commands_register_as_the_table_says():
    """Each command's module adds exactly the commands :data:`COMMANDS` names for it, in help order."""
    full = build_parser()
    assert list(subcommands(full)) == list(COMMANDS)
    for name, module in COMMANDS.items():
        assert sorted(subcommands(build_parser(name))) == sorted(c for c, m in COMMANDS.items() if m == module)


def subcommands(parser):
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_command_help_is_the_same_from_the_parser_of_its_module_alone(command):
    assert subcommands(build_parser(command))[command].format_help() == subcommands(build_parser())[command].format_help()


@pytest.mark.parametrize("command", [*COMMANDS, None])
def test_help_lists_every_command_and_exits_0(capsys, command):
    code, out, _ = run_exit(capsys, *([command] if command else []), "--help")
    assert code == 0
    assert out == (subcommands(build_parser())[command] if command else build_parser()).format_help()
    if command is None:
        assert all(name in out for name in COMMANDS)


def test_version_and_usage_errors(capsys):
    code, out, _ = run_exit(capsys, "--version")
    assert (code, out) == (0, f"spinekg {spinekg.__version__}\n")
    assert run_exit(capsys)[0] == 2
    code, _, err = run_exit(capsys, "no-such-command")
    assert code == 2 and "invalid choice" in err and "'check-mappings'" in err
    code, _, err = run_exit(capsys, "query", "--no-such-option")
    assert code == 2 and "usage: spinekg query" in err


def run_exit(capsys, *argv):
    """Run the command line until argparse exits; :returns: the exit code and what was printed."""
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    out, err = capsys.readouterr()
    return stop.value.code, out, err


@pytest.mark.parametrize("shape", sorted(p.name.removesuffix("-bad.ttl") for p in (RESOURCES / "shapes").glob("*-bad.ttl")))
def test_each_broken_shape_is_reported_as_json_with_exit_1(capsys, shape):
    code, out, _ = run(
        capsys, "validate", "--format", "json", str(RESOURCES / "shapes" / "base.ttl"), str(RESOURCES / "shapes" / f"{shape}-bad.ttl")
    )
    report = json.loads(out)
    assert code == 1 and report["conforms"] is False
    for violation in report["violations"]:
        assert violation["focus"] and violation["message"] and violation["severity"] == "Violation"
