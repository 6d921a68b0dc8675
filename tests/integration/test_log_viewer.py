"""The log viewer on real containers that print hostile and awkward output, with and without a TTY."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest
from remediation_app import STYLES, TEST_LABELS, live_source, unique_name
from textual.app import App

from inspector.tui.screens.log_view import LogView
from inspector.tui.screens.logs import LogScreen

pytestmark = pytest.mark.integration

LONG_LINE_LENGTH = 100_000

# Each printf is one case; the assertions below name them in the same order.
HOSTILE_SCRIPT = r"""
printf 'osc-title:\033]0;evil title\007done\n'
printf 'osc-52:\033]52;c;ZXZpbA==\007done\n'
printf 'clear:\033[2J\033[Hdone\n'
printf 'colour:\033[31mred\033[0mdone\n'
printf 'markup:[/bold] [red]x[/red] [/]\n'
printf 'invalid:\377\376done\n'
head -c 100000 /dev/zero | tr '\0' L; echo
printf 'tab:\tdone\n'
printf 'last-no-newline'
"""


class LogTestApp(App[None]):
    """Opens the log screen on one container."""

    CSS_PATH = [STYLES / "remediation.tcss"]

    def __init__(self, api: Any, inspect: dict[str, Any], tail: int = 1000) -> None:
        super().__init__()
        self.api = api
        self.inspect = inspect
        self.tail = tail

    def on_mount(self) -> None:
        self.push_screen(LogScreen(self.api, self.inspect, tail=self.tail))


@pytest.fixture
def api() -> Iterator[Any]:
    source = live_source()
    yield source.engine.api
    source.engine.close()


def start_container(client: docker.DockerClient, image: str, script: str, tty: bool) -> Any:
    return client.containers.run(
        image, ["sh", "-c", script], name=unique_name("logs"), labels=TEST_LABELS, detach=True, tty=tty,
    )


@pytest.fixture(params=[False, True], ids=["no-tty", "tty"])
def hostile(request: pytest.FixtureRequest, docker_client: docker.DockerClient, base_image: str) -> Iterator[Any]:
    """An exited container whose log contains escape sequences, markup, bad UTF-8 and a long line."""
    container = start_container(docker_client, base_image, HOSTILE_SCRIPT, tty=request.param)
    container.wait(timeout=60)
    yield container
    container.remove(force=True)


async def wait_for(pilot: Any, condition: Any, seconds: float = 15.0) -> None:
    """Let the app run until `condition()` is true (the stream is read in a thread)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.05)


def visible_text(view: LogView) -> str:
    """Return the text of every segment the view sends to the terminal now."""
    return "".join(segment.text for y in range(view.size.height) for segment in view.render_line(y))


async def test_hostile_output_rendered_literally(hostile, api) -> None:
    app = LogTestApp(api, api.inspect_container(hostile.id))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen) and app.screen.stream_state == "ended")
        screen = app.screen
        rows = screen.rendered_rows()
        view = screen.query_one(LogView)
        shown = visible_text(view)
    assert screen.stream_state == "ended"
    assert rows[0] == "osc-title:done"
    assert rows[1] == "osc-52:done"
    assert rows[2] == "clear:done"
    assert rows[3] == "colour:reddone"
    assert rows[4] == "markup:[/bold] [red]x[/red] [/]"
    assert rows[5] == "invalid:\ufffd\ufffddone"
    assert rows[6] == "L" * LONG_LINE_LENGTH
    assert rows[7] == "tab:    done"
    assert rows[8] == "last-no-newline"
    assert len(rows) == 9
    assert "\x1b" not in "".join(rows)
    assert "\x1b" not in shown
    assert "\x07" not in shown
    assert "markup:[/bold] [red]x[/red] [/]" in shown


async def test_timestamps_and_wrap_toggle(hostile, api) -> None:
    app = LogTestApp(api, api.inspect_container(hostile.id))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen) and app.screen.stream_state == "ended")
        screen = app.screen
        await pilot.press("t")
        with_timestamps = screen.rendered_rows()
        await pilot.press("t", "w")
        await pilot.pause()
        wrapped = screen.rendered_rows()
        width = screen.query_one(LogView).scrollable_content_region.width
    assert with_timestamps[0].endswith("Z osc-title:done")
    assert with_timestamps[0][:4].isdigit()
    assert with_timestamps[6] == with_timestamps[6][:31] + "L" * LONG_LINE_LENGTH
    assert all(len(row) <= width for row in wrapped)
    assert "".join(row for row in wrapped if row.startswith("L")) == "L" * LONG_LINE_LENGTH


async def test_search_next_and_previous(docker_client, base_image, api) -> None:
    script = "for i in 1 2 3 4 5 6; do echo \"line $i\"; [ $((i % 2)) -eq 0 ] && echo \"needle $i\"; done; true"
    container = start_container(docker_client, base_image, script, tty=False)
    container.wait(timeout=30)
    try:
        app = LogTestApp(api, api.inspect_container(container.id))
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, LogScreen) and app.screen.stream_state == "ended")
            screen = app.screen
            await pilot.press("slash", *"NEEDLE", "enter")
            first = screen.current_match
            await pilot.press("n")
            second = screen.current_match
            await pilot.press("N")
            back = screen.current_match
            await pilot.press("N")
            wrapped_around = screen.current_match
    finally:
        container.remove(force=True)
    lines = [line.text for line in screen.lines]
    assert lines[first] == "needle 2"
    assert lines[second] == "needle 4"
    assert lines[back] == "needle 2"
    assert lines[wrapped_around] == "needle 6"


@pytest.mark.parametrize("tty", [False, True], ids=["no-tty", "tty"])
async def test_follows_new_lines(docker_client, base_image, api, tty: bool) -> None:
    script = "echo before; sleep 2; echo after; sleep 600"
    container = start_container(docker_client, base_image, script, tty=tty)
    try:
        app = LogTestApp(api, api.inspect_container(container.id), tail=10)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, LogScreen) and "after" in app.screen.rendered_rows())
            rows = app.screen.rendered_rows()
            state = app.screen.stream_state
            await pilot.press("escape")
            await pilot.pause()
            closed = not isinstance(app.screen, LogScreen)
    finally:
        container.remove(force=True)
    assert rows == ["before", "after"]
    assert state == "following"
    assert closed


def status_text(screen: LogScreen) -> str:
    return str(screen.query_one("#log-status").render())


def last_visible_row(view: LogView) -> str:
    return "".join(segment.text for segment in view.render_line(view.scrollable_content_region.height - 1)).strip()


async def test_opens_at_newest_line_and_scrolls_while_following(docker_client, base_image, api) -> None:
    script = "seq 1 60; sleep 1; echo late-1; sleep 2; echo late-2; sleep 600"
    container = start_container(docker_client, base_image, script, tty=False)
    try:
        app = LogTestApp(api, api.inspect_container(container.id))
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, LogScreen) and "60" in app.screen.rendered_rows())
            screen = app.screen
            view = screen.query_one(LogView)
            await wait_for(pilot, lambda: last_visible_row(view) == "60")
            opened_at = last_visible_row(view)
            await wait_for(pilot, lambda: last_visible_row(view) == "late-1")
            followed_to = last_visible_row(view)
            await pilot.press("k")
            paused_status = status_text(screen)
            paused_offset = view.scroll_offset.y
            await wait_for(pilot, lambda: "late-2" in screen.rendered_rows())
            await pilot.pause()
            offset_after_new_line = view.scroll_offset.y
            await pilot.press("G")
            await wait_for(pilot, lambda: last_visible_row(view) == "late-2")
            resumed_to = last_visible_row(view)
            resumed_status = status_text(screen)
    finally:
        container.remove(force=True)
    assert opened_at == "60"
    assert followed_to == "late-1"
    assert "paused" in paused_status
    assert offset_after_new_line == paused_offset
    assert resumed_to == "late-2"
    assert "following" in resumed_status
    assert "paused" not in resumed_status


async def test_scrolling_up_pauses_and_end_resumes(docker_client, base_image, api) -> None:
    container = start_container(docker_client, base_image, "seq 1 60; sleep 600", tty=False)
    try:
        app = LogTestApp(api, api.inspect_container(container.id))
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, LogScreen) and "60" in app.screen.rendered_rows())
            screen = app.screen
            view = screen.query_one(LogView)
            statuses = {}
            for key in ("up", "pageup", "home"):
                await pilot.press(key)
                statuses[key] = status_text(screen)
                await pilot.press("end")
                await wait_for(pilot, lambda: last_visible_row(view) == "60")
                statuses[f"end after {key}"] = status_text(screen)
            top_after_home = view.scroll_offset.y
    finally:
        container.remove(force=True)
    assert "paused" in statuses["up"]
    assert "paused" in statuses["pageup"]
    assert "paused" in statuses["home"]
    assert "following" in statuses["end after up"]
    assert "following" in statuses["end after pageup"]
    assert "following" in statuses["end after home"]
    assert top_after_home > 0


async def test_tail_limits_initial_lines(docker_client, base_image, api) -> None:
    container = start_container(docker_client, base_image, "seq 1 50", tty=False)
    container.wait(timeout=30)
    try:
        app = LogTestApp(api, api.inspect_container(container.id), tail=5)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, LogScreen) and app.screen.stream_state == "ended")
            rows = app.screen.rendered_rows()
    finally:
        container.remove(force=True)
    assert rows == ["46", "47", "48", "49", "50"]


def test_screen_module_has_no_markup_widgets() -> None:
    source = Path(__file__).resolve().parents[2] / "inspector" / "tui" / "screens" / "logs.py"
    assert "RichLog" not in source.read_text(encoding="utf-8")
