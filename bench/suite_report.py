"""The suite's report: ratios against the targets, Markdown, JSON and the cost plot."""

from __future__ import annotations

import json
from pathlib import Path

#: Targets of the scale issue, as ratios measured in one run.
BUILD_OVER_FLOOR = 2.0  # build / (bare bulk load + validation)
VALIDATION_OVER_PLAIN = 0.25  # nbkg's validator / plain pySHACL, whole graph
THROUGHPUT = 0.7  # nbkg /sparql / oxigraph serve-read-only
GROWTH_PER_10X = 12.0  # time factor allowed for ten times the triples


def validation_seconds(r: dict, which: str) -> tuple[float | None, str]:
    """Whole-graph validation time and how to read it: "", "lower bound" or "not run"."""
    s = r.get(which)
    if not s:
        return None, "not run"
    if s["timed_out"]:
        return s["timeout_seconds"], "lower bound"
    return s["validate_seconds"], ""


def ratios(results: list[dict]) -> dict:
    out: dict = {"per_size": {}, "growth": []}
    for r in results:
        bare = r["bare_load"]["load_seconds"]
        turbo, _ = validation_seconds(r, "turbo_shacl")
        plain, plain_note = validation_seconds(r, "plain_shacl")
        per: dict = {
            "build_over_bare_load_plus_gate_validation": round(
                r["build"]["seconds"] / (bare + turbo), 3
            ),
            "gate_over_plain_pyshacl_planted_source": round(
                r["gate"]["gate_seconds"] / r["gate"]["plain_seconds"], 3
            ),
        }
        if plain is not None:
            per["build_over_bare_load_plus_plain_pyshacl"] = round(
                r["build"]["seconds"] / (bare + plain), 3
            )
            per["validation_over_plain_pyshacl"] = round(turbo / plain, 4)
            per["plain_pyshacl_is_lower_bound"] = plain_note == "lower bound"
        if "web" in r:
            per["throughput_nbkg_over_oxigraph"] = r["web"]["throughput_ratio"]
        out["per_size"][str(r["size"])] = per
    for small, large in zip(results, results[1:], strict=False):
        growth = {
            "build": large["build"]["seconds"] / small["build"]["seconds"],
            "bare_load": large["bare_load"]["load_seconds"] / small["bare_load"]["load_seconds"],
            "validation (pyshacl-turbo, whole graph)": (
                large["turbo_shacl"]["validate_seconds"] / small["turbo_shacl"]["validate_seconds"]
            ),
            "rebuild after one change": large["rebuild"]["seconds"] / small["rebuild"]["seconds"],
        }
        for name, q in large["queries"].items():
            base = small["queries"][name]["median_ms"]
            growth[f"query {name}"] = q["median_ms"] / base if base else None
        for name, q in large["queries"].items():
            base = small["queries"][name].get("release_ms")
            if base and "release_ms" in q:
                growth[f"release table {name}"] = q["release_ms"] / base
        out["growth"].append(
            {
                "from": small["size"],
                "to": large["size"],
                "size_factor": large["size"] / small["size"],
                "time_factor": {k: round(v, 2) if v else None for k, v in growth.items()},
            }
        )
    return out


def markdown(report: dict) -> str:
    lines = [
        "# nbkg benchmark suite",
        "",
        f"Run {report['started']} on {report['machine']['platform']}, "
        f"{report['machine']['cpus']} CPUs, {report['machine']['memory_gb']} GB; Python "
        f"{report['machine']['python']}; seed {report['seed']}. "
        f"Command: `{report['command']}`.",
        "",
        "Absolute times on a shared machine mean little; ratios and growth are what count.",
        "",
    ]
    for r in report["results"]:
        lines += _size_section(r, report["ratios"]["per_size"][str(r["size"])])
    for growth in report["ratios"]["growth"]:
        lines += _growth_section(growth)
    if not report["ratios"]["growth"]:
        lines += ["One size only: no growth ratios (give two sizes or more).", ""]
    lines += ["Figure: `cost.png`, time against size (log-log).", ""]
    return "\n".join(lines)


def _size_section(r: dict, ratio: dict) -> list[str]:
    b, g, t = r["build"], r["gate"], r["turbo_shacl"]
    plain, plain_note = validation_seconds(r, "plain_shacl")
    if plain_note == "not run" or plain is None:
        plain_shown = "not run at this size"
    elif plain_note == "lower bound":
        plain_shown = f"> {plain:g} s (stopped)"
    else:
        plain_shown = f"{plain:.1f} s"
    lines = [
        f"## {r['size']:,} triples asked",
        "",
        f"Store: {r['store']['union_triples']:,} triples in the union, "
        f"{r['store']['named_graph_quads']:,} quads in named graphs; "
        f"{r['generated']['clusters']:,} synthetic clusters, "
        f"{r['generated']['documents']} documents. Build: {b['summary']}.",
        "",
        "| measurement | time | peak memory |",
        "|---|---:|---:|",
        f"| `nbkg build` (SHACL gate over the changed sources) | {b['seconds']:.1f} s | "
        f"{b['peak_rss_mb']:,.0f} MB |",
        f"| bare `Store.bulk_load` of the same quads | {r['bare_load']['load_seconds']:.1f} s "
        f"| {r['bare_load']['peak_rss_mb']:,.0f} MB |",
        f"| pyshacl-turbo (the gate's engine), whole graph, parse included | "
        f"{t['validate_seconds']:.1f} s | {t['peak_rss_mb']:,.0f} MB |",
        f"| plain pySHACL, whole graph, parse not counted | {plain_shown} | "
        + (f"{r['plain_shacl']['peak_rss_mb']:,.0f} MB |" if "plain_shacl" in r else " |"),
        f"| rebuild after a change to `{r['rebuild']['changed']}` | "
        f"{r['rebuild']['seconds']:.1f} s | {r['rebuild']['peak_rss_mb']:,.0f} MB |",
        f"| gate on `{g['source']}` ({g['source_triples']:,} triples, planted) | "
        f"{g['gate_seconds']:.2f} s | |",
        f"| plain pySHACL on the same source | {g['plain_seconds']:.2f} s | |",
        "",
        f"Rebuild: {r['rebuild']['summary']}: only the changed source went through the gate.",
        "",
        f"Whole graph: pyshacl-turbo reports {t['violations']} violations"
        + (
            f", plain pySHACL {r['plain_shacl']['violations']}: "
            + ("the same violations" if r.get("same_violations") else "**different violations**")
            if plain_note == ""
            else ""
        )
        + (". By message:" if t["by_message"] else "."),
        "",
        *[f"  - {n} × {message[:160]}" for message, n in t["by_message"].items()],
        *([""] if t["by_message"] else []),
        f"Planted violations: {g['planted']}; the gate reports {g['gate_violations']}, "
        f"plain pySHACL {g['plain_violations']} on the source's own nodes "
        f"({'same count' if g['same_count'] else 'DIFFERENT counts'}).",
        "",
        "| ratio | value | target |",
        "|---|---:|---:|",
        f"| build / (bare load + pyshacl-turbo validation) | "
        f"{ratio['build_over_bare_load_plus_gate_validation']:.2f} | <= {BUILD_OVER_FLOOR:g} |",
    ]
    if "build_over_bare_load_plus_plain_pyshacl" in ratio:
        bound = "< " if ratio["plain_pyshacl_is_lower_bound"] else ""
        lines += [
            f"| build / (bare load + plain pySHACL) | "
            f"{bound}{ratio['build_over_bare_load_plus_plain_pyshacl']:.2f} | "
            f"<= {BUILD_OVER_FLOOR:g} |",
            f"| validation: pyshacl-turbo / plain pySHACL, whole graph | "
            f"{bound}{ratio['validation_over_plain_pyshacl']:.3f} | "
            f"<= {VALIDATION_OVER_PLAIN:g} |",
        ]
    lines.append(
        f"| gate / plain pySHACL, planted source | "
        f"{ratio['gate_over_plain_pyshacl_planted_source']:.3f} | |"
    )
    if "web" in r:
        w = r["web"]
        lines += [
            f"| `/sparql` throughput nbkg / oxigraph serve-read-only | "
            f"{w['throughput_ratio']:.2f} | >= {THROUGHPUT:g} |",
            "",
            "| web | value |",
            "|---|---:|",
            f"| `/sparql` nbkg ({w['clients']} clients, {w['seconds_per_side']:g} s) | "
            f"{w['nbkg_qps']:.1f} queries/s |",
            f"| `/query` oxigraph serve-read-only | {w['oxigraph_qps']:.1f} queries/s |",
            f"| entity page p50 / p95 (target p95 < 100 ms) | {w['page_p50_ms']:.1f} / "
            f"{w['page_p95_ms']:.1f} ms |",
            f"| search p50 / p95 (target p95 < 150 ms) | {w['search_p50_ms']:.1f} / "
            f"{w['search_p95_ms']:.1f} ms |",
            f"| errors (oxigraph, nbkg) | {w['errors']['oxigraph']}, {w['errors']['nbkg']} |",
        ]
    lines += [
        "",
        "| canned query | first run | median | answer | from the release table |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, q in r["queries"].items():
        served = f"{q['release_ms']:.1f} ms" if "release_ms" in q else ""
        lines.append(
            f"| {name} | {q['first_ms']:.1f} ms | {q['median_ms']:.1f} ms | "
            f"{q['answer_bytes']:,} B | {served} |"
        )
    return [*lines, ""]


def _growth_section(growth: dict) -> list[str]:
    allowed = GROWTH_PER_10X * growth["size_factor"] / 10
    lines = [
        f"## Growth from {growth['from']:,} to {growth['to']:,} triples "
        f"(size x{growth['size_factor']:g}; allowed x{allowed:g})",
        "",
        "| what | time factor | within |",
        "|---|---:|:---:|",
    ]
    for name, factor in growth["time_factor"].items():
        within = "" if factor is None else ("yes" if factor <= allowed else "**no**")
        lines.append(f"| {name} | {'' if factor is None else f'x{factor:g}'} | {within} |")
    return [*lines, ""]


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["store"]["union_triples"] for r in results]
    fig, ax = plt.subplots(figsize=(8, 5.5))
    marker = "o-"
    for name in results[0]["queries"]:
        ax.plot(
            sizes, [r["queries"][name]["median_ms"] / 1000 for r in results], marker,
            color="0.75", linewidth=0.8, markersize=3,
        )  # fmt: skip
    ax.plot([], [], marker, color="0.75", label="canned queries (median)")
    series = {
        "nbkg build": [r["build"]["seconds"] for r in results],
        "rebuild after one change": [r["rebuild"]["seconds"] for r in results],
        "bare bulk_load": [r["bare_load"]["load_seconds"] for r in results],
        "pyshacl-turbo, whole graph": [r["turbo_shacl"]["validate_seconds"] for r in results],
    }
    for label, values in series.items():
        ax.plot(sizes, values, marker, label=label, linewidth=2)
    plain = [(x, validation_seconds(r, "plain_shacl")) for r, x in zip(results, sizes, strict=True)]
    shown = [(x, s) for x, (s, note) in plain if s is not None]
    if shown:
        ax.plot(*zip(*shown, strict=True), marker, label="plain pySHACL, whole graph", linewidth=2)
    for x, (s, note) in plain:
        if note == "lower bound":
            ax.annotate("stopped", (x, s), fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples in the store (union)")
    ax.set_ylabel("seconds")
    ax.set_title("nbkg: cost against graph size")
    ax.grid(True, which="both", linewidth=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(report: dict, out: Path) -> None:
    report["ratios"] = ratios(report["results"])
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(markdown(report), encoding="utf-8")
    plot(report["results"], out / "cost.png")
