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

from fleet import median

SCAN_COMMAND = [sys.executable, "-m", "inspector.cli", "scan", "--format", "json", "--output"]
FLOOR_SCRIPT = (
    "docker inspect $(docker ps -aq) >/dev/null && docker image inspect $(docker images -aq) >/dev/null"
)


def time_scan(output: Path) -> float:
    """Run one `dsc-tui scan --format json --output FILE` and return its wall-clock seconds."""
    started = time.perf_counter()
    result = subprocess.run([*SCAN_COMMAND, str(output)], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    # Exit code 1 only says findings reached --fail-on; anything else is a failed scan.
    if result.returncode not in (0, 1):
        raise RuntimeError(f"dsc-tui scan exited {result.returncode}: {result.stderr.strip()}")
    return elapsed


def time_floor() -> float:
    """Run the docker CLI floor once and return its wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run(["sh", "-c", FLOOR_SCRIPT], check=True, capture_output=True)
    return time.perf_counter() - started


def measure(runs: int, workdir: Path) -> dict[str, object]:
    """Alternate `runs` scans and floors; return both medians, the ratio and the report's size."""
    output = workdir / "report.json"
    time_scan(output)  # warms the page cache for the interpreter and the engine's metadata
    time_floor()
    scans: list[float] = []
    floors: list[float] = []
    for _ in range(runs):
        scans.append(time_scan(output))
        floors.append(time_floor())
    report = json.loads(output.read_text(encoding="utf-8"))
    return {
        "scan": scans,
        "floor": floors,
        "scan_median": median(scans),
        "floor_median": median(floors),
        "ratio": median(scans) / median(floors),
        "findings": len(report["findings"]),
        "counts": report.get("counts"),
    }
