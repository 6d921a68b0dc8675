"""`dsc-tui scan --format json` against the engine's floor, timed as whole processes.

The floor is what the docker CLI needs to read the same objects: `docker ps -aq` and
`docker inspect` of every container, then `docker images -aq` and `docker image inspect` of
every image. Scan and floor runs alternate, so both see the same engine load.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from fleet import CodeTree, median

SCAN_COMMAND = [sys.executable, "-m", "inspector.cli", "scan", "--format", "json", "--output"]
FLOOR_SCRIPT = (
    "docker inspect $(docker ps -aq) >/dev/null && docker image inspect $(docker images -aq) >/dev/null"
)


def time_scan(tree: CodeTree, output: Path) -> float:
    """Run one `dsc-tui scan --format json --output FILE` and return its wall-clock seconds."""
    started = time.perf_counter()
    result = subprocess.run([*SCAN_COMMAND, str(output)], capture_output=True, text=True, check=False,
                            env=tree.env(), cwd=tree.cwd)
    elapsed = time.perf_counter() - started
    # Exit code 1 only means findings reached --fail-on; any other non-zero code is a failed scan.
    if result.returncode not in (0, 1):
        raise RuntimeError(f"dsc-tui scan exited {result.returncode}: {result.stderr.strip()}")
    return elapsed


def time_floor() -> float:
    """Run the docker CLI floor once and return its wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run(["sh", "-c", FLOOR_SCRIPT], check=True, capture_output=True)
    return time.perf_counter() - started


def measure(trees: list[CodeTree], runs: int, workdir: Path) -> dict[str, object]:
    """Alternate `runs` scans of each tree and floors; return the medians, ratios and the report's size."""
    output = workdir / "report.json"
    for tree in trees:
        time_scan(tree, output)  # warms the page cache for the interpreter and the engine's metadata
    time_floor()
    scans: dict[str, list[float]] = {tree.label: [] for tree in trees}
    floors: list[float] = []
    for _ in range(runs):
        for tree in trees:
            scans[tree.label].append(time_scan(tree, output))
        floors.append(time_floor())
    report = json.loads(output.read_text(encoding="utf-8"))
    floor = median(floors)
    return {
        "scan": scans,
        "floor": floors,
        "scan_median": {label: median(values) for label, values in scans.items()},
        "floor_median": floor,
        "ratio": {label: median(values) / floor for label, values in scans.items()},
        "findings": len(report["findings"]),
        "counts": report.get("counts"),
    }
