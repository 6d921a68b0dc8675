"""Child process that drives the TUI headless with Textual's Pilot and prints its timings as JSON.

    python benchmarks/tui_probe.py render IDS_FILE LAUNCHED_AT
    python benchmarks/tui_probe.py events IDS_FILE TRIALS IMAGE

`render`: LAUNCHED_AT is the parent's `time.monotonic()` just before it started this process
(the clock is system-wide). The app starts on the live engine at 160x48 and the probe presses
`2` at once, as a user would, to show the containers pane. The end condition is: the containers
table contains a row for each container id in IDS_FILE (the benchmark's own containers, so other
users of the engine cannot change the goal; each row's severity cell comes from the evaluated
findings), then the
screen processed its pending messages and composed a frame (the part of `pilot.pause()` that
paints, without its wait for an idle process).

`events`: after the same first render, each trial creates and starts a labelled container (as
`docker run -d` does). The latency runs from the moment the start call returned (the engine has
started the container and sent its `start` event) until the container's row shows the state
`running` and a frame was composed the same way; `from_create` counts from just before the create
call instead, so it includes the engine's own create and start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

SIZE = (160, 48)
POLL_SECONDS = 0.005


async def _until(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the TUI did not reach the end condition in time")
        await asyncio.sleep(POLL_SECONDS)


async def _painted(pilot: Any) -> None:
    """Let the screen process its pending messages, then compose and write one frame."""
    # Pilot.pause() also waits at least 20 ms for the process to look idle, which would count into
    # the figure. These are the two steps of it that make the frame.
    await pilot._wait_for_screen()
    pilot.app.screen._on_timer_update()


def _app() -> Any:
    """Build the app as `dsc-tui` does: the early read of the engine starts before Textual loads."""
    try:
        from inspector.cli import limit_malloc_arenas
    except ImportError:  # a baseline tree from before the arena limit
        pass
    else:
        limit_malloc_arenas()
    try:
        from inspector.engine.raw import prefetch_for_args
    except ImportError:  # a baseline tree from before the early read
        prefetch = None
    else:
        prefetch = prefetch_for_args(argparse.Namespace(timeout=5.0))
    try:
        from inspector.cli import import_tui
    except ImportError:  # a baseline tree from before the collector pause
        pass
    else:
        import_tui()
    from inspector.tui.app import InspectorApp
    from inspector.tui.source import LiveSource

    return InspectorApp(LiveSource(prefetch=prefetch) if prefetch is not None else LiveSource())


def _table(app: Any) -> Any:
    from inspector.tui.widgets.resource_table import ResourceTable

    return app.query_one("#containers-table", ResourceTable)


def _has_rows(app: Any, ids: set[str]) -> bool:
    return ids <= _table(app).shown_rows.keys()


async def first_render(ids: set[str], launched_at: float) -> dict[str, float]:
    """Launch the app and return seconds from launch to a populated containers table."""
    started_at = time.monotonic()
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        mounted_at = time.monotonic()
        await pilot.press("2")
        await _until(lambda: _has_rows(app, ids), timeout=120)
        await _painted(pilot)
        rendered_at = time.monotonic()
        rows = _table(app).row_count
        await app.action_quit()
    return {
        "python_started": started_at - launched_at,
        "mounted": mounted_at - launched_at,
        "render": rendered_at - launched_at,
        "rows": rows,
    }


async def event_to_row(ids: set[str], trials: int, image: str) -> dict[str, Any]:
    """Start `trials` containers while the app runs; return each one's seconds until its row shows."""
    import docker

    from fleet import LABELS, RUN_ID

    api = docker.APIClient(timeout=60)
    app = _app()
    latencies: list[float] = []
    from_create: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await _until(lambda: _has_rows(app, ids), timeout=120)
        await _painted(pilot)
        await asyncio.sleep(2)  # let the first refresh's workers settle
        for trial in range(trials):
            name = f"dsc-bench-{RUN_ID}-event-{trial:03d}"
            started = time.monotonic()

            def run(name: str = name) -> tuple[str, float]:
                container = api.create_container(image, ["sleep", "86400"], name=name, labels=LABELS)
                api.start(container["Id"])
                return str(container["Id"]), time.monotonic()

            container_id, start_returned = await asyncio.to_thread(run)

            def running(container_id: str = container_id) -> bool:
                row = _table(app).shown_rows.get(container_id)
                return row is not None and row.cells[3].plain == "running"

            await _until(running, timeout=60)
            await _painted(pilot)
            shown = time.monotonic()
            latencies.append(shown - start_returned)
            from_create.append(shown - started)
            # Spread the starts so each measures one change, not a queue of them.
            await asyncio.sleep(0.5 + random.random() * 0.5)
        await app.action_quit()
    return {"latencies": latencies, "from_create": from_create}


def main() -> None:
    """Run the mode named on the command line and print its result as one JSON line."""
    mode = sys.argv[1]
    ids = set(Path(sys.argv[2]).read_text(encoding="ascii").split())
    if mode == "render":
        result = asyncio.run(first_render(ids, float(sys.argv[3])))
    elif mode == "events":
        result = asyncio.run(event_to_row(ids, int(sys.argv[3]), sys.argv[4]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
