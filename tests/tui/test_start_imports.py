"""The TUI starts without loading the docker SDK, which its first frame does not need."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

from tui_helpers import FIXTURE, FakeLiveSource, make_app, wait_for

START_AND_REPORT = textwrap.dedent(
    """
    import asyncio
    import sys
    from pathlib import Path

    from inspector.tui.app import InspectorApp
    from inspector.tui.source import CaptureSource


    async def main() -> None:
        app = InspectorApp(CaptureSource(Path(sys.argv[1])))
        async with app.run_test() as pilot:
            while app.result is None:
                await pilot.pause(0.02)
            await pilot.press("2")
            await pilot.pause()
            print("remediation", app.remediation is not None)
            print("docker", "docker" in sys.modules)
            print("requests", "requests" in sys.modules)


    asyncio.run(main())
    """
)


def test_start_leaves_sdk_unloaded() -> None:
    done = subprocess.run(
        [sys.executable, "-c", START_AND_REPORT, str(FIXTURE)], capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "remediation True" in lines
    assert "docker False" in lines
    assert "requests False" in lines


async def test_events_start_after_first_result(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    result_shown_at_start: list[bool] = []
    start_events = app.feed.start_events

    def record_start() -> None:
        result_shown_at_start.append(app.result is not None)
        start_events()

    app.feed.start_events = record_start  # type: ignore[method-assign]
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.feed.events_started)
        assert result_shown_at_start == [True]


async def test_events_start_without_engine(fake_live_source: FakeLiveSource) -> None:
    # The event stream is what notices the engine coming back, so it starts after a failed load too.
    fake_live_source.unreachable = True
    app = make_app(source=fake_live_source)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.connection == "no-engine")
        assert app.result is None
        assert app.feed.events_started is True


async def test_start_turns_collector_back_on() -> None:
    # `inspector.cli.import_tui` turns the cyclic collector off for start-up, and the app turns it on.
    gc.disable()
    try:
        app = make_app()
        async with app.run_test() as pilot:
            await wait_for(pilot, lambda: app.result is not None)
            await wait_for(pilot, gc.isenabled)
            assert gc.isenabled()
    finally:
        gc.enable()


def test_import_tui_freezes_start_up_objects() -> None:
    from inspector.cli import import_tui

    try:
        run_tui = import_tui()

        assert callable(run_tui)
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
