"""Run every dsc-tui benchmark in one go on the local Docker engine and print the figures.

    .venv/bin/python benchmarks/run.py                 # everything, about 35 minutes
    .venv/bin/python benchmarks/run.py --quick         # small sizes, about 5 minutes
    .venv/bin/python benchmarks/run.py --only scan,render --baseline /tmp/old

Creates its own containers labelled `dsc-tui.bench=true` and removes them at the end (also after
an error or Ctrl-C, and any left by an earlier interrupted run). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import fleet  # noqa: E402 - needs the path above
import log_export  # noqa: E402
import scan_floor  # noqa: E402
from fleet import REPO, CodeTree, Fleet, cpu_seconds, dockerd_pid, median, percentile, rss_bytes  # noqa: E402
from tui_pty import PtyTui  # noqa: E402

SECTIONS = ("scan", "render", "events", "idle", "memory", "logs")
RUNNING = 30


def say(text: str) -> None:
    """Print a progress line at once."""
    print(text, flush=True)


def probe(tree: CodeTree, *args: str) -> dict[str, Any]:
    """Run `tui_probe.py` on `tree` and return the JSON it prints."""
    child = subprocess.run(
        [sys.executable, str(BENCH_DIR / "tui_probe.py"), *args],
        capture_output=True, text=True, check=False, env=tree.env(), cwd=tree.cwd,
    )
    if child.returncode != 0:
        raise RuntimeError(f"tui_probe.py {args[0]} on {tree.label} failed: {child.stderr.strip()[-2000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def run_render(trees: list[CodeTree], runs: int, ids_file: Path) -> dict[str, Any]:
    """Launch the TUI of each tree `runs` times, alternating; return seconds to a populated containers table."""
    results: dict[str, list[dict[str, Any]]] = {tree.label: [] for tree in trees}
    for _ in range(runs):
        for tree in trees:
            results[tree.label].append(probe(tree, "render", str(ids_file), repr(time.monotonic())))
    summary = {}
    for label, runs_of_tree in results.items():
        renders = [r["render"] for r in runs_of_tree]
        summary[label] = {"render": renders, "render_median": median(renders),
                          "mounted_median": median(r["mounted"] for r in runs_of_tree)}
    return {"trees": summary}


def run_events(tree: CodeTree, trials: int, ids_file: Path, image: str) -> dict[str, Any]:
    """Start `trials` containers under a running TUI of `tree`; return the latencies to their rows."""
    measured = probe(tree, "events", str(ids_file), str(trials), image)
    latencies, from_create = measured["latencies"], measured["from_create"]
    return {"latencies": latencies, "median": median(latencies), "p95": percentile(latencies, 0.95),
            "max": max(latencies), "from_create": from_create, "from_create_median": median(from_create),
            "from_create_p95": percentile(from_create, 0.95)}


def run_idle(tree: CodeTree, seconds: float, workdir: Path) -> dict[str, Any]:
    """Measure dockerd alone, an idle TUI with dockerd, then dockerd alone again, each over `seconds`."""
    engine = dockerd_pid()

    def engine_cpu_over(window: float) -> float:
        before = cpu_seconds(engine)
        time.sleep(window)
        return cpu_seconds(engine) - before

    time.sleep(10)  # the containers just started settle first
    alone_before = engine_cpu_over(seconds)
    with PtyTui(tree, workdir / f"idle-{tree.label}.log") as tui:
        tui.wait_loaded()
        tui_before, engine_before = cpu_seconds(tui.pid), cpu_seconds(engine)
        time.sleep(seconds)
        tui_cpu = cpu_seconds(tui.pid) - tui_before
        engine_with = cpu_seconds(engine) - engine_before
        collections = tui.collections()
    alone_after = engine_cpu_over(seconds)
    # The TUI's window lies between two windows without it, so a drift in the engine's own load cancels out.
    alone = (alone_before + alone_after) / 2
    return {
        "seconds": seconds,
        "tui_cpu_percent": 100 * tui_cpu / seconds,
        "dockerd_alone_percent": 100 * alone / seconds,
        "dockerd_alone_runs_percent": [100 * alone_before / seconds, 100 * alone_after / seconds],
        "dockerd_with_tui_percent": 100 * engine_with / seconds,
        "dockerd_extra_percent": 100 * (engine_with - alone) / seconds,
        "collections": collections,
    }


def run_memory(tree: CodeTree, minutes: float, bench: Fleet, workdir: Path) -> dict[str, Any]:
    """Start the TUI, then start and stop one container every second; sample its RSS every 10 s."""
    churn = bench.create("churn")
    samples: list[tuple[float, int]] = []
    cycles = 0
    with PtyTui(tree, workdir / f"memory-{tree.label}.log") as tui:
        tui.wait_loaded()
        loaded_peak = rss_bytes(tui.pid, "VmHWM")
        started = time.monotonic()
        next_sample = started
        cpu_before = cpu_seconds(tui.pid)
        while (now := time.monotonic()) - started < minutes * 60:
            if now >= next_sample:
                samples.append((now - started, rss_bytes(tui.pid)))
                next_sample += 10
            tick = time.monotonic()
            bench.api.start(churn)
            time.sleep(0.5)
            bench.api.stop(churn, timeout=0)
            cycles += 1
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
        elapsed = time.monotonic() - started
        time.sleep(5)  # let the last events drain
        samples.append((time.monotonic() - started, rss_bytes(tui.pid)))
        cpu = cpu_seconds(tui.pid) - cpu_before
        peak = rss_bytes(tui.pid, "VmHWM")
    mib = fleet.MIB
    after_first_minute = [rss for at, rss in samples if at >= 60] or [samples[-1][1]]
    return {
        "minutes": elapsed / 60,
        "cycles": cycles,
        "loaded_peak_mib": loaded_peak / mib,
        "peak_mib": peak / mib,
        "start_mib": samples[0][1] / mib,
        "after_1min_mib": after_first_minute[0] / mib,
        "end_mib": samples[-1][1] / mib,
        "growth_mib": (samples[-1][1] - samples[0][1]) / mib,
        "growth_after_1min_mib": (samples[-1][1] - after_first_minute[0]) / mib,
        "tui_cpu_percent": 100 * cpu / elapsed,
        "samples_mib": [(round(at), round(rss / mib, 1)) for at, rss in samples],
    }


def main() -> int:
    """Parse the options, run the chosen sections, always clean up, and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections ({', '.join(SECTIONS)})")
    parser.add_argument("--quick", action="store_true", help="small sizes and short runs, to try the harness")
    parser.add_argument("--sizes", help="extra created containers per scan step (default: 100,300,1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per median (default: 5)")
    parser.add_argument("--event-trials", type=int, default=20, help="containers started under the TUI (default: 20)")
    parser.add_argument("--idle-seconds", type=float, help="idle measurement window in seconds (default: 60)")
    parser.add_argument("--memory-minutes", type=float, help="container churn under the TUI in minutes (default: 10)")
    parser.add_argument("--log-mb", type=int, help="log size for the export benchmark in MiB (default: 1024)")
    parser.add_argument("--log-runs", type=int, help="exports and `docker logs` runs (default: --runs)")
    parser.add_argument("--image", default="busybox:1.36", help="image of the benchmark containers")
    parser.add_argument(
        "--baseline", type=Path, metavar="DIR",
        help="also run scan, render, events and idle on the `inspector` package under DIR (an older "
             "checkout, e.g. from `git archive REV inspector | tar -x -C DIR`), alternating with this one",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args()

    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    if args.baseline is not None and not (args.baseline / "inspector" / "__init__.py").is_file():
        parser.error(f"--baseline {args.baseline}: no inspector package there")
    sizes = [int(s) for s in (args.sizes or ("20,50" if args.quick else "100,300,1000")).split(",")]
    idle_size = sizes[min(1, len(sizes) - 1)]
    idle_seconds = args.idle_seconds or (15 if args.quick else 60)
    memory_minutes = args.memory_minutes or (1 if args.quick else 10)
    log_mb = args.log_mb or (64 if args.quick else 1024)
    current = CodeTree("current", REPO)
    trees = [current] + ([CodeTree("baseline", args.baseline.resolve())] if args.baseline else [])

    api = fleet.client().api
    results: dict[str, Any] = {
        "machine": fleet.machine(api), "command": " ".join(sys.argv), "sizes": sizes,
        "trees": {tree.label: str(tree.path) for tree in trees},
    }
    say(json.dumps(results["machine"], indent=1))
    removed = fleet.remove_bench_objects(api)
    if removed:
        say(f"removed {removed} containers left by an earlier benchmark run")
    bench = Fleet(api, args.image)
    try:
        with tempfile.TemporaryDirectory(prefix="dsc-bench-") as directory:
            workdir = Path(directory)
            run_sections(args, sections, sizes, idle_size, idle_seconds, memory_minutes, log_mb,
                         trees, bench, workdir, results)
    finally:
        removed = fleet.remove_bench_objects(api)
        if removed:
            say(f"removed {removed} bench containers")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    print(summary(results))
    return 0


def run_sections(args: argparse.Namespace, sections: list[str], sizes: list[int], idle_size: int,
                 idle_seconds: float, memory_minutes: float, log_mb: int, trees: list[CodeTree],
                 bench: Fleet, workdir: Path, results: dict[str, Any]) -> None:
    """Grow the fleet through `sizes`, measuring on the way, then run the sections at the largest size."""
    api = bench.api
    current = trees[0]
    fleet_sections = {"scan", "render", "events", "idle", "memory"} & set(sections)
    if fleet_sections:
        bench.start_running(RUNNING)
    for size in sizes if fleet_sections else []:
        bench.grow_to(size)
        counts = fleet.engine_counts(api)
        say(f"-- {size} created + {RUNNING} running bench containers; engine holds {counts}")
        if "scan" in sections:
            scan = scan_floor.measure(trees, args.runs, workdir)
            scan["engine"] = counts
            results.setdefault("scan", {})[size] = scan
            say(f"scan {fmt(scan['scan_median'], '{:.2f} s')}, floor {scan['floor_median']:.2f} s, "
                f"ratio {fmt(scan['ratio'], '{:.2f}')}, {scan['findings']} findings")
        if size == idle_size and "idle" in sections:
            for tree in trees:
                idle = run_idle(tree, idle_seconds, workdir)
                idle["engine"] = counts
                results.setdefault("idle", {})[tree.label] = idle
                say(f"idle ({tree.label}) over {idle_seconds:.0f} s: dsc-tui {idle['tui_cpu_percent']:.2f}% "
                    f"of a core, dockerd extra {idle['dockerd_extra_percent']:+.2f}%")
    counts = fleet.engine_counts(api)
    ids_file = workdir / "bench-ids.txt"
    ids_file.write_text("\n".join(bench.created + bench.running) + "\n", encoding="ascii")
    if "render" in sections:
        render = run_render(trees, args.runs, ids_file)
        render["engine"] = counts
        results["render"] = render
        say(f"first render: {fmt({k: v['render_median'] for k, v in render['trees'].items()}, '{:.2f} s')}")
    if "events" in sections:
        for tree in trees:
            events = run_events(tree, args.event_trials, ids_file, args.image)
            events["engine"] = counts
            results.setdefault("events", {})[tree.label] = events
            say(f"event to row ({tree.label}): median {events['median'] * 1000:.0f} ms, "
                f"p95 {events['p95'] * 1000:.0f} ms (from the create call: median "
                f"{events['from_create_median'] * 1000:.0f} ms)")
    if "memory" in sections:
        memory = run_memory(current, memory_minutes, bench, workdir)
        memory["engine"] = counts
        results["memory"] = memory
        say(f"memory: peak {memory['peak_mib']:.1f} MiB, growth {memory['growth_mib']:+.1f} MiB "
            f"({memory['growth_after_1min_mib']:+.1f} after the first minute) over {memory['cycles']} cycles")
    removed = fleet.remove_bench_objects(api)
    say(f"removed {removed} bench containers")
    if "logs" in sections:
        logs = log_export.measure(api, log_mb, args.log_runs or args.runs, args.image)
        results["logs"] = logs
        say(f"log export {logs['export_median']:.0f} MiB/s vs docker logs {logs['cli_median']:.0f} MiB/s "
            f"= {100 * logs['ratio']:.0f}%, RSS growth max {logs['rss_growth_max']:.1f} MiB, "
            f"same bytes: {logs['same_bytes']}")


def fmt(values: dict[str, float], pattern: str) -> str:
    """Format one figure per code tree: `1.23 s` alone, `current 1.23 s / baseline 2.34 s` with a baseline."""
    if len(values) == 1:
        return pattern.format(next(iter(values.values())))
    return " / ".join(f"{label} {pattern.format(value)}" for label, value in values.items())


def summary(results: dict[str, Any]) -> str:
    """Return the results as Markdown for RESULTS.md."""
    machine = results["machine"]
    lines = [
        f"Run {machine['date']}: {machine['nproc']} cores ({machine['cpu']}), {machine['ram']} RAM, "
        f"kernel {machine['kernel']}, Docker {machine['docker']}, Python {machine['python']}, {machine['packages']}.",
        f"Command: `{results['command']}`",
        "",
    ]
    if "scan" in results:
        labels = list(results["trees"])
        lines += ["| extra containers | engine containers / images | findings | "
                  + " | ".join(f"scan median ({label})" for label in labels)
                  + " | floor median | " + " | ".join(f"ratio ({label})" for label in labels) + " |",
                  "|---" * (4 + 2 * len(labels)) + "|"]
        for size, scan in results["scan"].items():
            engine = scan["engine"]
            lines.append(
                f"| {size} + {RUNNING} running | {engine['containers']} / {engine['images']} | {scan['findings']} | "
                + " | ".join(f"{scan['scan_median'][label]:.2f} s" for label in labels)
                + f" | {scan['floor_median']:.2f} s | "
                + " | ".join(f"{scan['ratio'][label]:.2f}" for label in labels) + " |"
            )
        lines.append("")
    if "render" in results:
        render = results["render"]
        for label, tree in render["trees"].items():
            lines.append(f"- First render ({label}), {render['engine']['containers']} containers: median "
                         f"{tree['render_median']:.2f} s "
                         f"(runs {', '.join(f'{r:.2f}' for r in tree['render'])}; app mounted at "
                         f"{tree['mounted_median']:.2f} s).")
    for label, events in results.get("events", {}).items():
        lines.append(f"- Event to row ({label}), {len(events['latencies'])} starts with {events['engine']['containers']} "
                     f"containers: median {events['median'] * 1000:.0f} ms, p95 {events['p95'] * 1000:.0f} ms, "
                     f"max {events['max'] * 1000:.0f} ms from the start call's return; from the create call: "
                     f"median {events['from_create_median'] * 1000:.0f} ms, p95 {events['from_create_p95'] * 1000:.0f} ms.")
    for label, idle in results.get("idle", {}).items():
        lines.append(f"- Idle ({label}) over {idle['seconds']:.0f} s with {idle['engine']['containers']} containers: "
                     f"dsc-tui {idle['tui_cpu_percent']:.2f}% of a core ({idle['collections']} full collections in "
                     f"its log, the first included); dockerd {idle['dockerd_alone_percent']:.2f}% alone (before and "
                     f"after: {', '.join(f'{v:.2f}' for v in idle['dockerd_alone_runs_percent'])}), "
                     f"{idle['dockerd_with_tui_percent']:.2f}% with the TUI ({idle['dockerd_extra_percent']:+.2f}%).")
    if "memory" in results:
        memory = results["memory"]
        lines.append(f"- Memory with {memory['engine']['containers']} containers: peak RSS {memory['loaded_peak_mib']:.1f} MiB "
                     f"after loading, {memory['peak_mib']:.1f} MiB over the run; {memory['minutes']:.1f} min of "
                     f"{memory['cycles']} start/stop cycles: RSS {memory['start_mib']:.1f} -> {memory['end_mib']:.1f} MiB "
                     f"({memory['growth_mib']:+.1f}; {memory['growth_after_1min_mib']:+.1f} after the first minute), "
                     f"dsc-tui CPU {memory['tui_cpu_percent']:.1f}% of a core.")
    if "logs" in results:
        logs = results["logs"]
        lines.append(f"- Log export of {logs['bytes'] / fleet.MIB:.0f} MiB, {len(logs['export_mib_s'])} runs each: "
                     f"{logs['export_median']:.0f} MiB/s vs `docker logs` {logs['cli_median']:.0f} MiB/s "
                     f"({100 * logs['ratio']:.0f}%); RSS growth max {logs['rss_growth_max']:.1f} MiB over "
                     f"{logs['baseline_rss_mib']:.0f} MiB; same bytes: {logs['same_bytes']}.")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
