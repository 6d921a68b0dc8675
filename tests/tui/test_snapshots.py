"""SVG snapshots of every pane, the detail panel, help and the inspect view on the fixed capture.

Regenerate after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`.
Nothing on these screens depends on the clock or the host: the capture is judged as of its own
time, and the header shows the capture's file name.
"""

from __future__ import annotations

from typing import Any

import pytest

from tui_helpers import make_app, wait_for

SIZES = [pytest.param((120, 36), id="120x36"), pytest.param((80, 24), id="80x24")]


async def wait_loaded(pilot: Any) -> None:
    await wait_for(pilot, lambda: pilot.app.result is not None)
    await pilot.pause()


def keys_then_wait(*keys: str) -> Any:
    async def run_before(pilot: Any) -> None:
        await wait_loaded(pilot)
        if keys:
            await pilot.press(*keys)
        await pilot.pause()

    return run_before


SCREENS = {
    "overview": (),
    "containers": ("2",),
    "container-detail": ("2", "j", "j"),
    "images": ("3",),
    "networks": ("4",),
    "secrets": ("5",),
    "findings": ("6",),
    "filter": ("2", "slash", *"lab-"),
    "help": ("question_mark",),
    "inspect": ("2", "enter"),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(snap_compare: Any, screen: str, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=keys_then_wait(*SCREENS[screen]))
