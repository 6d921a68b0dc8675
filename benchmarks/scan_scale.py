"""Time `dsc-tui scan` end to end, per report format, on the current host plus N extra containers.

Each timed run is a fresh `dsc-tui scan` process writing to a temporary file, so the figure is what
a user or CI job waits for: interpreter start, connecting, collecting, the rules and rendering.
The extra containers are created (never started) with the label `dsc-tui.test=true` and removed
at the end, also when a scan fails or the run is interrupted with Ctrl-C.

    .venv/bin/python benchmarks/scan_scale.py --containers 300 --runs 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import docker

FORMATS = ("json", "sarif", "markdown", "table")


@contextmanager
def extra_containers(client: docker.DockerClient, count: int, image: str) -> Iterator[None]:
    """Create `count` labelled containers for the duration of the block, then remove them."""
    run_id = uuid.uuid4().hex[:8]
    labels = {"dsc-tui.test": "true", "dsc-tui.benchmark": run_id}

    ids: list[str] = []

    def create(index: int) -> None:
        # An env key the rules flag, so each container yields a realistic set of findings.
        container = client.api.create_container(
            image, ["sleep", "3600"], name=f"dsc-scan-bench-{run_id}-{index}", labels=labels,
            environment={"API_TOKEN": "bench-not-a-secret"},
        )
        # Recorded as each one is created, so a failed creation still leaves the others to remove.
        ids.append(container["Id"])

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(create, range(count)))
        yield
    finally:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda container_id: client.api.remove_container(container_id, force=True), ids))
        print(f"removed {len(ids)} benchmark containers")


def time_scan(report_format: str, output: Path) -> float:
    """Run one `dsc-tui scan` and return its wall-clock seconds."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "scan", "--format", report_format, "--output", str(output)],
        capture_output=True, text=True, check=False,
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"dsc-tui scan --format {report_format} exited {result.returncode}: {result.stderr.strip()}")
    return elapsed


def measure(runs: int, workdir: Path) -> None:
    """Print min, median and max seconds per format, and the size of the JSON report."""
    for report_format in FORMATS:
        output = workdir / f"report.{report_format}"
        timings = [time_scan(report_format, output) for _ in range(runs)]
        print(
            f"  {report_format:8} runs={runs} min={min(timings):.2f} s "
            f"median={statistics.median(timings):.2f} s max={max(timings):.2f} s"
        )
    report = json.loads((workdir / "report.json").read_text(encoding="utf-8"))
    print(f"  host: {report['counts']}, {len(report['findings'])} findings")


def main() -> None:
    """Time scans of the host as it is, then with the extra containers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--containers", type=int, default=300, help="extra containers to create (default: 300)")
    parser.add_argument("--runs", type=int, default=3, help="timed scans per format (default: 3)")
    parser.add_argument("--image", default="busybox:1.36", help="image of the extra containers (default: busybox:1.36)")
    args = parser.parse_args()

    client = docker.from_env(timeout=60)
    with tempfile.TemporaryDirectory(prefix="dsc-scan-bench-") as directory:
        workdir = Path(directory)
        print("host as it is:")
        measure(args.runs, workdir)
        with extra_containers(client, args.containers, args.image):
            print(f"with {args.containers} extra containers:")
            measure(args.runs, workdir)


if __name__ == "__main__":
    main()
