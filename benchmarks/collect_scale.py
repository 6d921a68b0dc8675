"""Time `collect_snapshot` on a host with many containers.

Creates N stopped containers labelled `dsc-tui.test=true` (created, never started), collects the
snapshot a few times, prints the timings, and removes the containers it created.

    .venv/bin/python benchmarks/collect_scale.py --containers 300 --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

import docker

from inspector.engine import collect_snapshot, open_engine


def main() -> None:
    """Create the containers, time the collections, and clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--containers", type=int, default=300, help="containers to create (default: 300)")
    parser.add_argument("--runs", type=int, default=5, help="timed collections (default: 5)")
    parser.add_argument("--workers", type=int, default=8, help="collect_snapshot thread pool size (default: 8)")
    parser.add_argument("--image", default="busybox:1.36", help="image the containers use (default: busybox:1.36)")
    args = parser.parse_args()

    client = docker.from_env(timeout=60)
    run_id = uuid.uuid4().hex[:8]
    labels = {"dsc-tui.test": "true", "dsc-tui.benchmark": run_id}
    created = []
    try:
        started = time.monotonic()
        for index in range(args.containers):
            container = client.containers.create(
                args.image,
                command=["sleep", "3600"],
                name=f"dsc-bench-{run_id}-{index}",
                labels=labels,
                environment={"API_TOKEN": "bench-not-a-secret"},
            )
            created.append(container)
        print(f"created {len(created)} containers in {time.monotonic() - started:.1f} s")

        engine = open_engine()
        timings = []
        for _ in range(args.runs):
            started = time.monotonic()
            snapshot = collect_snapshot(engine, workers=args.workers)
            timings.append(time.monotonic() - started)
        engine.close()
        print(
            f"collect_snapshot: {len(snapshot.containers)} containers, {len(snapshot.images)} images, "
            f"{len(snapshot.networks)} networks; workers={args.workers}"
        )
        print(
            f"runs={args.runs} min={min(timings):.3f} s median={statistics.median(timings):.3f} s "
            f"max={max(timings):.3f} s"
        )
    finally:
        for container in created:
            container.remove(force=True)
        print(f"removed {len(created)} containers")


if __name__ == "__main__":
    main()
