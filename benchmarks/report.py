"""Render the figures of ``run.py`` as Markdown: the machine, then one table per size, then the goals."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

#: Hand-written analysis (profiles, causes, what changed) appended to the generated report.
FINDINGS = Path(__file__).parent / "findings.md"
LIBRARIES = ("spinekg", "pyoxigraph", "rdflib", "pyshacl", "owlready2")
#: (figure key, label, unit scale, unit, goal ratio spinekg/limit or None)
ROWS = (
    ("load", "load (s)", 1, "s", 1.3),
    ("prepared", "prepared query muscles-by-nerve (ms)", 1000, "ms", 1.5),
    ("analytic", "analytic query: join + GROUP BY (ms)", 1000, "ms", 1.5),
    ("turtle", "export Turtle (s)", 1, "s", 1.5),
    ("jsonld", "export JSON-LD (s)", 1, "s", 2.0),
)


def machine() -> list[str]:
    """:returns: Markdown lines describing this machine and the library versions."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        ram = int(handle.readline().split()[1]) / 1024**2
    versions = ", ".join(f"{lib} {_version(lib)}" for lib in LIBRARIES)
    java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False).stderr.splitlines()
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; RAM {ram:.1f} GiB; {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; {versions}; {java[0] if java else 'no Java'}",
    ]


def _version(lib: str) -> str:
    try:
        return version(lib)
    except PackageNotFoundError:
        return "not installed"


def cell(stat: dict[str, Any] | None, scale: float = 1, digits: int = 3) -> str:
    """:returns: "median (min-max)" or a short reason why there is no figure."""
    if not stat:
        return "-"
    if "error" in stat:
        return f"failed: {stat['error'][:60]}"
    if stat.get("timed_out"):
        return f"> {stat['median'] * scale:.0f} (gave up)"
    values = [stat[k] * scale for k in ("median", "low", "high")]
    text = f"{_fmt(values[0], digits)}"
    return text if stat["runs"] == 1 else f"{text} ({_fmt(values[1], digits)}-{_fmt(values[2], digits)}, n={stat['runs']})"


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}g}" if value < 10**digits else f"{value:.0f}"


def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> float | None:
    """:returns: median(a) / median(b), or None when either is missing."""
    if not a or not b or "median" not in a or "median" not in b or a.get("timed_out") or not b["median"]:
        return None
    return float(a["median"]) / float(b["median"])


def _r(value: float | None, goal: float | None = None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}x" + ("" if goal is None else (" ✅" if value <= goal else " ❌"))


def size_table(fig: dict[str, Any]) -> list[str]:
    """:returns: the Markdown table of one size."""
    raw, skg, rdf = (fig.get(e, {}) for e in ("pyoxigraph", "spinekg", "rdflib"))
    lines = [
        f"### {fig['size']:,} triples requested ({skg.get('triples', '?'):,} quads loaded; file {fig['file_bytes'] / 1e6:.1f} MB)",
        "",
        "| operation | pyoxigraph (limit) | spinekg | rdflib | spinekg / limit | rdflib / spinekg | goal |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, label, scale, _, goal in ROWS:
        a, b, c = raw.get(key), skg.get(key), rdf.get(key)
        lines.append(
            f"| {label} | {cell(a, scale)} | {cell(b, scale)} | {cell(c, scale)} | {_r(ratio(b, a), goal)} | {_r(ratio(c, b))} | <= {goal}x |"
        )
    lines.append(_throughput(raw, skg, rdf))
    lines.append(_memory(raw, skg, rdf))
    lines += _extra_rows(fig)
    return [*lines, ""]


def _throughput(raw: dict[str, Any], skg: dict[str, Any], rdf: dict[str, Any]) -> str:
    def tps(f: dict[str, Any]) -> str:
        return f"{f['triples'] / f['load']['median']:,.0f}" if "load" in f else "-"

    return f"| load throughput (triples/s) | {tps(raw)} | {tps(skg)} | {tps(rdf)} | | | |"


def _memory(raw: dict[str, Any], skg: dict[str, Any], rdf: dict[str, Any]) -> str:
    def bpt(f: dict[str, Any]) -> str:
        return f"{f['rss_growth'] / f['triples']:.0f}" if "rss_growth" in f else "-"

    ok = "rss_growth" in skg and skg["rss_growth"] / skg["triples"] <= 500
    return f"| RSS growth on load (bytes/triple) | {bpt(raw)} | {bpt(skg)} | {bpt(rdf)} | | | <= 500 {'✅' if ok else '❌'} |"


def _extra_rows(fig: dict[str, Any]) -> list[str]:
    rows = []
    val = fig.get("validate")
    if val:
        goal = "<= 3 s at 100k" + (
            (" ✅" if val["spinekg"]["median"] <= 3 else " ❌") if fig["size"] >= 100_000 and "spinekg" in val else ""
        )
        rows.append(
            f"| SHACL validation (s; rdflib column: plain pyshacl) | - | {cell(val.get('spinekg'))} | {cell(val.get('rdflib'))} | "
            f"| {_r(ratio(val.get('rdflib'), val.get('spinekg')))} | {goal} |"
        )
    rea = fig.get("reason")
    if rea:
        rows.append(f"| OWL reasoning, HermiT (s) | - | {cell(rea.get('time') or rea)} | - | | | {rea.get('via', '')} |")
    cli = fig.get("cli", {})
    rows.append(f"| cold CLI query, in memory (ms) | - | {cell(cli.get('memory'), 1000)} | - | | | |")
    rows.append(
        f"| cold CLI query, `--store` (ms) | - | {cell(cli.get('store'), 1000)} | - | | | <= 80 ms {_goal(cli.get('store'), 0.08)} |"
    )
    rows.append(f"| first CLI call building the store (s) | - | {cell(cli.get('store_build'))} | - | | | |")
    return rows


def _goal(stat: dict[str, Any] | None, limit: float) -> str:
    return "" if not stat or "median" not in stat else ("✅" if stat["median"] <= limit else "❌")


def render(figures: dict[str, Any]) -> str:
    """:returns: the whole of docs/benchmarks.md."""
    cli = figures["packaged_cli"]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `benchmarks/run.py` (do not edit by hand; see the README section *Benchmarks*).",
        f"Command: `{figures['command']}`; total run time {figures['total_seconds'] / 60:.1f} min.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "Figures are medians (min-max, n runs) on this machine; ratios compare medians. The `pyoxigraph` column",
        "is raw pyoxigraph (the limit): one store, Rust parser and serialisers (its JSON-LD is *expanded*, no",
        "context). `rdflib` is what a user would otherwise write: `Graph().parse`, `prepareQuery` +",
        "`initBindings`, `Graph.serialize` (JSON-LD compacted with the shipped context, like spinekg's).",
        "spinekg resolves the nerve from its label, as a user types it; the others get the IRI.",
        "",
        "## Packaged graph: cold CLI",
        "",
        "`spinekg query muscles-by-nerve -p 'nerve=lumbar plexus'`, a new process each time:",
        "",
        "| mode | ms | goal |",
        "|---|---|---|",
        f"| in memory (parse the packaged Turtle) | {cell(cli.get('memory'), 1000)} | |",
        f"| `--store DIR` (after the first call built it) | {cell(cli.get('store'), 1000)} | <= 80 ms {_goal(cli.get('store'), 0.08)} |",
        "",
        "## Scaled graphs",
        "",
        "The ontology plus a generated file (`benchmarks/generate.py`); the CLI rows run",
        "`spinekg query muscles-by-nerve -p 'nerve=generated nerve 3' --load FILE` (the packaged graph is loaded too).",
        "",
    ]
    for fig in figures["sizes"]:
        lines += size_table(fig)
    if FINDINGS.exists():
        lines += ["", FINDINGS.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"
