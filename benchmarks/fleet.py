"""Benchmark containers, the machine description, and small measuring helpers.

Every object the benchmarks create carries the label `dsc-tui.bench=true`, so `remove_bench_objects`
finds and removes exactly those (also the leftovers of an interrupted run) and nothing else.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import statistics
import subprocess
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docker

REPO = Path(__file__).resolve().parents[1]
BENCH_LABEL = "dsc-tui.bench"
LABELS = {BENCH_LABEL: "true"}
RUN_ID = uuid.uuid4().hex[:6]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024


@dataclass(frozen=True)
class CodeTree:
    """The copy of dsc-tui a child process imports: this checkout, or an older one to compare with."""

    label: str
    path: Path

    def env(self) -> dict[str, str]:
        """Return the environment that makes `import inspector` load this tree."""
        return {**os.environ, "PYTHONPATH": str(self.path)}

    @property
    def cwd(self) -> str:
        """A working directory outside every tree, so the current directory never shadows PYTHONPATH."""
        return os.path.dirname(self.path) if self.path != REPO else "/"


def client(timeout: int = 120) -> docker.DockerClient:
    """Return an SDK client on the environment's endpoint."""
    return docker.from_env(timeout=timeout)


class Fleet:
    """The benchmark's containers: `grow_to(n)` adds created ones, `start_running(n)` adds running ones."""

    def __init__(self, api: docker.APIClient, image: str) -> None:
        self.api = api
        self.image = image
        self.created: list[str] = []
        self.running: list[str] = []
        self._serial = 0

    def _name(self, role: str) -> str:
        self._serial += 1
        return f"dsc-bench-{RUN_ID}-{role}-{self._serial:05d}"

    def create(self, role: str = "idle", command: list[str] | None = None) -> str:
        """Create one labelled container and return its id."""
        # A secret-like env key and the image defaults make each container yield typical findings.
        container = self.api.create_container(
            self.image, command or ["sleep", "86400"], name=self._name(role), labels=LABELS,
            environment={"API_TOKEN": "bench-not-a-secret"},
        )
        return str(container["Id"])

    def grow_to(self, count: int) -> None:
        """Create containers (never started) until `count` exist."""
        missing = count - len(self.created)
        if missing <= 0:
            return
        with ThreadPoolExecutor(max_workers=8) as pool:
            for container_id in pool.map(lambda _: self.create(), range(missing)):
                self.created.append(container_id)

    def start_running(self, count: int) -> None:
        """Create and start `count` containers that sleep."""
        def run(_: int) -> str:
            container_id = self.create("running")
            self.api.start(container_id)
            return container_id

        with ThreadPoolExecutor(max_workers=8) as pool:
            self.running.extend(pool.map(run, range(count)))


def remove_bench_objects(api: docker.APIClient) -> int:
    """Remove every container labelled `dsc-tui.bench=true`; return how many."""
    ids = [c["Id"] for c in api.containers(all=True, filters={"label": f"{BENCH_LABEL}=true"})]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda container_id: _remove(api, container_id), ids))
    return len(ids)


def _remove(api: docker.APIClient, container_id: str) -> None:
    try:
        api.remove_container(container_id, force=True)
    except docker.errors.NotFound:
        pass


def engine_counts(api: docker.APIClient) -> dict[str, int]:
    """Count the containers and images on the engine."""
    return {"containers": len(api.containers(all=True)), "images": len(api.images())}


def machine(api: docker.APIClient) -> dict[str, str]:
    """Describe the machine and engine the figures come from."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:"))
    version = api.version()
    packages = ", ".join(f"{name} {_version(name)}" for name in ("textual", "rich", "docker", "pydantic"))
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "docker": f"{version.get('Version')} (API {version.get('ApiVersion')})",
        "python": platform.python_version(),
        "packages": packages,
        "docker_cli": shutil.which("docker") or "missing",
    }


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def median(values: Iterable[float]) -> float:
    """Return the median of `values`."""
    return statistics.median(list(values))


def percentile(values: Iterable[float], fraction: float) -> float:
    """Return the nearest-rank percentile (0 < fraction <= 1) of `values`."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(-(-fraction * len(ordered) // 1)) - 1))
    return ordered[index]


def cpu_seconds(pid: int) -> float:
    """Return user plus system CPU seconds of process `pid` (all its threads) from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: field 14 (utime) and 15 (stime) are at offsets 11 and 12.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_bytes(pid: int, field: str = "VmRSS") -> int:
    """Return a memory figure (`VmRSS`, `VmHWM`) of process `pid` in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} missing from /proc/{pid}/status")


def dockerd_pid() -> int:
    """Return the pid of the engine daemon on this machine."""
    result = subprocess.run(["pgrep", "-xo", "dockerd"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError("no local dockerd process; the idle benchmark needs the engine on this machine")
    return int(result.stdout.split()[0])


def wait_until(condition, timeout: float, interval: float = 0.05) -> bool:  # type: ignore[no-untyped-def]
    """Poll `condition()` until it holds or `timeout` seconds pass; return whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
