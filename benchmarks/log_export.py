"""Log export against `docker logs --timestamps >file`, on one big log, in the same run.

A labelled busybox container writes SIZE MiB of `yes` output and exits. Then, `runs` times in
turn: dsc-tui's `export_logs` in a fresh child process that samples its own resident set size
every 10 ms, and `docker logs --timestamps <id> >file`. Reported: both throughputs, the exporter's
peak RSS growth over its RSS just before the export, and whether the files have the same SHA-256.
The container and every file are removed at the end. `run.py logs` runs it; the child mode is
`log_export.py --export-only CONTAINER DIR`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import docker

from fleet import LABELS, MIB, REPO, RUN_ID, CodeTree, median, rss_bytes


def export_in_this_process(container_id: str, directory: Path) -> dict[str, float]:
    """Export the container's log here, sampling RSS; return timing and memory figures."""
    from inspector.engine import open_engine
    from inspector.engine.logs import export_logs

    engine = open_engine(timeout=60)
    inspect = engine.api.inspect_container(container_id)
    baseline = rss_bytes(os.getpid())
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_bytes(os.getpid()))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    result = export_logs(engine.api, inspect, directory)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    peak = max(peak, rss_bytes(os.getpid()))
    return {
        "path": str(result.path),
        "sidecar": str(result.sidecar_path),
        "bytes": result.byte_count,
        "sha256": result.sha256,
        "seconds": seconds,
        "baseline_rss": baseline,
        "peak_rss": peak,
    }


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while block := data.read(MIB):
            digest.update(block)
    return digest.hexdigest()


def _write_log(api: docker.APIClient, size_mb: int, line_length: int, image: str) -> str:
    """Run a labelled container that logs `size_mb` MiB of `line_length`-byte lines; return its id."""
    line = "x" * (line_length - 1)
    container = api.create_container(
        image, ["sh", "-c", f"yes {line} | head -c {size_mb * MIB}"],
        name=f"dsc-bench-{RUN_ID}-logs", labels=LABELS,
    )
    api.start(container["Id"])
    api.wait(container["Id"], timeout=3600)
    return str(container["Id"])


def _export_once(container_id: str, workdir: Path) -> dict[str, float]:
    tree = CodeTree("this checkout", REPO)
    child = subprocess.run(
        [sys.executable, __file__, "--export-only", container_id, str(workdir)],
        check=True, capture_output=True, text=True, env=tree.env(), cwd=tree.cwd,
    )
    return json.loads(child.stdout)


def _docker_logs_once(container_id: str, workdir: Path) -> tuple[float, int, str]:
    path = workdir / "docker-logs.log"
    started = time.perf_counter()
    with path.open("wb") as output:
        subprocess.run(["docker", "logs", "--timestamps", container_id], stdout=output,
                       stderr=subprocess.STDOUT, check=True)
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    digest = file_sha256(path)
    path.unlink()
    return seconds, size, digest


def measure(api: docker.APIClient, size_mb: int, runs: int, image: str, line_length: int = 100) -> dict[str, object]:
    """Alternate `runs` exports and `docker logs` of one big log; return throughputs and RSS growth."""
    started = time.perf_counter()
    container_id = _write_log(api, size_mb, line_length, image)
    written = time.perf_counter() - started
    workdir = Path(tempfile.mkdtemp(prefix="dsc-bench-logs-", dir=os.environ.get("DSC_BENCH_DIR")))
    exports: list[dict[str, float]] = []
    cli: list[tuple[float, int, str]] = []
    try:
        for _ in range(runs):
            export = _export_once(container_id, workdir)
            for name in (export["path"], export["sidecar"]):
                Path(name).unlink()
            exports.append(export)
            cli.append(_docker_logs_once(container_id, workdir))
    finally:
        api.remove_container(container_id, force=True)
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()
    export_rates = [e["bytes"] / MIB / e["seconds"] for e in exports]
    cli_rates = [size / MIB / seconds for seconds, size, _ in cli]
    growth = [(e["peak_rss"] - e["baseline_rss"]) / MIB for e in exports]
    return {
        "written_seconds": written,
        "bytes": exports[0]["bytes"],
        "export_mib_s": export_rates,
        "cli_mib_s": cli_rates,
        "export_median": median(export_rates),
        "cli_median": median(cli_rates),
        "ratio": median(export_rates) / median(cli_rates),
        "rss_growth_mib": growth,
        "rss_growth_max": max(growth),
        "baseline_rss_mib": median(e["baseline_rss"] / MIB for e in exports),
        "same_bytes": all(digest == e["sha256"] for (_, _, digest), e in zip(cli, exports, strict=True)),
    }


def main() -> int:
    """The child mode: export one container's log and print the figures as JSON."""
    if len(sys.argv) != 4 or sys.argv[1] != "--export-only":
        raise SystemExit("usage: log_export.py --export-only CONTAINER DIR (run.py logs runs the benchmark)")
    print(json.dumps(export_in_this_process(sys.argv[2], Path(sys.argv[3]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
