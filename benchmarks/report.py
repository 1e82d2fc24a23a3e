"""Render the figures of ``run.py`` as Markdown: the machine, the goals, then one table per size."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

#: Hand-written analysis (profiles, causes, what changed) appended to the generated report.
FINDINGS = Path(__file__).parent / "findings.md"
LIBRARIES = ("spinekg", "pyoxigraph", "rdflib", "pyshacl", "pyrudof", "reasonable", "owlready2")
MB = 1e6
#: (figure key, label, unit scale, goal ratio spinekg/limit or None) of the per-engine rows.
ROWS = (
    ("load", "load (s)", 1, 1.3),
    ("prepared", "prepared query muscles-by-nerve (ms)", 1000, 1.5),
    ("analytic", "analytic query: join + GROUP BY (ms)", 1000, 1.5),
    ("turtle", "export Turtle (s)", 1, 1.5),
    ("ntriples", "export N-Triples (s)", 1, 1.5),
    ("jsonld", "export JSON-LD (s)", 1, 2.0),
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
    """:returns: "median (min-max, n)" or a short reason why there is no figure."""
    if not stat:
        return "-"
    if "error" in stat:
        return f"failed: {stat['error'][:80]}"
    if stat.get("timed_out"):
        return f"> {stat['median'] * scale:.0f} (gave up)"
    values = [stat[k] * scale for k in ("median", "low", "high")]
    text = _fmt(values[0], digits)
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


def _mb(stat: dict[str, Any] | None) -> str:
    return f"{stat['peak_rss'] / MB:,.0f} MB" if stat and "peak_rss" in stat else "-"


def _size(figures: dict[str, Any], size: int) -> dict[str, Any]:
    return next((f for f in figures["sizes"] if f["size"] == size), {})


def _dig(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)  # type: ignore[assignment]
    return data


def _pair_row(work: str, today: str, pair: dict[str, Any] | None, baseline: str, goal: float) -> str:
    """A goal that is a ratio of two commands run side by side."""
    if not pair:
        return f"| {work} | {today} | not measured | | | <= {goal:g}x | - |"
    ours, base = pair.get("spinekg"), pair.get("baseline")
    value = pair.get("ratio")
    met = "-" if value is None else ("✅" if value <= goal else "❌")
    return f"| {work} | {today} | {cell(ours)}, peak {_mb(ours)} | {baseline} {cell(base)} | {_r(value)} | <= {goal:g}x | {met} |"


def goals(figures: dict[str, Any]) -> list[str]:
    """:returns: the table of issue 15's goals, each measured side by side in this run."""
    big, mid = _size(figures, 1_000_000), _size(figures, 100_000)
    lines = [
        "| work | before (issue 15) | spinekg | measured against | ratio | goal | met |",
        "|---|---|---|---|---|---|---|",
        _pair_row("`spinekg validate` of 100k", "44.5 s", mid.get("validate"), "raw load", 10),
        _pair_row("`spinekg reason` on 100k", "196 s, 1.7 GB", mid.get("reason"), "raw load", 60),
    ]
    finished = _dig(big, "reason", "spinekg")
    if finished is not None:
        ok = "error" not in finished
        lines.append(
            f"| `spinekg reason` on 1M finishes | did not finish in 600 s | {cell(finished)}, peak {_mb(finished)} | | | finishes | {'✅' if ok else '❌'} |"
        )
    lines.append(_pair_row("first `--store` build at 1M", "55 s", _dig(big, "store", "build"), "raw load", 2))
    query = _dig(big, "store", "query")
    if query:
        met = "✅" if "median" in query and query["median"] <= 0.3 else "❌"
        lines.append(f"| cold `spinekg query` with `--store`, 1M | 1.65 s | {cell(query)} | | | <= 0.3 s | {met} |")
    packaged = figures.get("packaged_cli", {})
    lines.append(_pair_row("cold `spinekg query symptoms`, packaged graph", "116-230 ms", packaged.get("symptoms"), "`python -c pass`", 5))
    lines.append(
        _pair_row("cold `spinekg query muscles-by-nerve`, packaged graph", "116-230 ms", packaged.get("muscles"), "`python -c pass`", 5)
    )
    jsonld = ratio(_dig(big, "spinekg", "jsonld"), _dig(big, "pyoxigraph", "jsonld"))
    if jsonld is not None:
        raw, ours = _dig(big, "pyoxigraph", "jsonld"), _dig(big, "spinekg", "jsonld")
        lines.append(
            f"| JSON-LD export, 1M | 2.85x raw | {cell(ours)} | raw {cell(raw)} | {_r(jsonld)} | <= 2x | {'✅' if jsonld <= 2 else '❌'} |"
        )
    for key, how in (("push", "Graph Store PUT"), ("push_update", "SPARQL Update")):
        push = _dig(big, "store", key)
        if push:
            met = "✅" if "peak_rss" in push and "error" not in push and push["peak_rss"] <= 200 * MB else "❌"
            lines.append(
                f"| `push` of 1M (from `--store`, {how}) | 1 GB in memory | {cell(push)}, peak {_mb(push)} | | | <= 200 MB | {met} |"
            )
    return [*lines, ""]


def size_table(fig: dict[str, Any]) -> list[str]:
    """:returns: the Markdown table of one size."""
    raw, skg, rdf = (fig.get(e, {}) for e in ("pyoxigraph", "spinekg", "rdflib"))
    lines = [
        f"### {fig['size']:,} triples requested ({skg.get('triples', '?'):,} quads loaded; file {fig['file_bytes'] / 1e6:.1f} MB)",
        "",
        "| operation | pyoxigraph (limit) | spinekg | rdflib | spinekg / limit | rdflib / spinekg | goal |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, label, scale, goal in ROWS:
        a, b, c = raw.get(key), skg.get(key), rdf.get(key)
        lines.append(
            f"| {label} | {cell(a, scale)} | {cell(b, scale)} | {cell(c, scale)} | {_r(ratio(b, a), goal)} | {_r(ratio(c, b))} | <= {goal}x |"
        )
    lines.append(
        _per_triple(
            raw, skg, rdf, "load throughput (triples/s)", lambda f: f"{f['triples'] / f['load']['median']:,.0f}" if "load" in f else "-"
        )
    )
    lines.append(
        _per_triple(
            raw,
            skg,
            rdf,
            "RSS growth on load (bytes/triple)",
            lambda f: f"{f['rss_growth'] / f['triples']:.0f}" if "rss_growth" in f else "-",
        )
    )
    lines += _task_rows(fig)
    return [*lines, ""]


def _per_triple(raw: dict[str, Any], skg: dict[str, Any], rdf: dict[str, Any], label: str, show: Callable[[dict[str, Any]], str]) -> str:
    return f"| {label} | {show(raw) if raw else '-'} | {show(skg) if skg else '-'} | {show(rdf) if rdf else 'not run'} | | | |"


def _task_rows(fig: dict[str, Any]) -> list[str]:
    """Rows measured as whole commands: validate, reason, the store, push."""
    rows = []
    for key, label, goal in (("validate", "`spinekg validate` (s)", 10.0), ("reason", "`spinekg reason` (s)", 60.0)):
        pair = fig.get(key)
        if pair:
            rows.append(
                f"| {label}, peak {_mb(pair.get('spinekg'))} | raw load {cell(pair.get('baseline'))} | {cell(pair.get('spinekg'))} | - | {_r(pair.get('ratio'), goal)} | | <= {goal:g}x |"
            )
    ref = fig.get("validate_pyshacl")
    if ref:
        rows.append(f"| plain pyshacl over rdflib (s), peak {_mb(ref)} | - | - | {cell(ref.get('time') or ref)} | | | reference |")
    ref = fig.get("reason_hermit")
    if ref:
        rows.append(f"| `spinekg reason --reasoner hermit` (s), peak {_mb(ref)} | - | {cell(ref)} | - | | | reference |")
    store = fig.get("store", {})
    build = store.get("build")
    if build:
        rows.append(
            f"| first `--store` build (s), peak {_mb(build.get('spinekg'))} | raw load {cell(build.get('baseline'))} | {cell(build.get('spinekg'))} | - | {_r(build.get('ratio'), 2)} | | <= 2x |"
        )
    rows.append(f"| cold CLI query, `--store` (ms) | - | {cell(store.get('query'), 1000)} | - | | | <= 300 ms at 1M |")
    rows.append(f"| cold CLI query, in memory (ms) | - | {cell(store.get('memory_query'), 1000)} | - | | | |")
    for key, how, goal in (("push", "Graph Store PUT", "<= 200 MB at 1M"), ("push_update", "SPARQL Update chunks", "")):
        if store.get(key):
            rows.append(
                f"| `push` from `--store` to `oxigraph serve`, {how} (s) | - | {cell(store[key])}, peak {_mb(store[key])} | - | | | {goal} |"
            )
    return rows


def render(figures: dict[str, Any]) -> str:
    """:returns: the whole of docs/benchmarks.md."""
    packaged = figures["packaged_cli"]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `benchmarks/run.py` (do not edit by hand; see the README section *Benchmarks*).",
        f"Command: `{figures['command']}` at {figures.get('revision', '?')}; total run time {figures['total_seconds'] / 60:.1f} min.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "Figures are medians (min-max, n runs) on this machine; ratios compare medians measured side by side",
        "in this run. *Raw load* is a fresh Python process loading the same files into an in-memory",
        "pyoxigraph store; each spinekg command is a fresh process too, alternated with it. The",
        "`pyoxigraph` column of the engine rows is raw pyoxigraph (one store, Rust parser and",
        "serialisers; its JSON-LD is *expanded*, no context). `rdflib` is what a user would otherwise",
        "write: `Graph().parse`, `prepareQuery` + `initBindings`, `Graph.serialize`. spinekg resolves the",
        "nerve from its label, as a user types it; the others get the IRI. Peak is the process's",
        "maximum resident set (`wait4`).",
        "",
        "## Goals (issue 15)",
        "",
        *goals(figures),
        "## Packaged graph: cold CLI",
        "",
        "A new process each time, alternated with `python -c pass`:",
        "",
        "| command | spinekg (ms) | `python -c pass` (ms) | ratio |",
        "|---|---|---|---|",
    ]
    for key, text in (
        ("symptoms", "`spinekg query symptoms`"),
        ("muscles", "`spinekg query muscles-by-nerve -p 'nerve=lumbar plexus'`"),
        ("store", "the same with `--store DIR` (built)"),
    ):
        pair = packaged.get(key) or {}
        lines.append(f"| {text} | {cell(pair.get('spinekg'), 1000)} | {cell(pair.get('baseline'), 1000)} | {_r(pair.get('ratio'))} |")
    lines += [
        "",
        "## Scaled graphs",
        "",
        "The ontology plus a generated file (`spinekg.synthetic`); the CLI rows run",
        "`spinekg query muscles-by-nerve -p 'nerve=generated nerve 3' --load FILE` (the packaged graph is loaded too),",
        "`spinekg validate FILE` and `spinekg reason --load FILE`.",
        "",
    ]
    for fig in figures["sizes"]:
        lines += size_table(fig)
    if FINDINGS.exists():
        lines += ["", FINDINGS.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"
