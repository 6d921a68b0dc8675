"""Remediation keys in read-only, capture and offline modes, and the confirm and cancel dialogs."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from remediation_host import RemediationApp
from textual.app import App

from inspector.model import Container
from inspector.tui.remediation import READING_VERBS, STATE_CHANGING_VERBS, Remediation
from inspector.tui.screens.confirm import ConfirmScreen, ExportProgressScreen
from inspector.tui.screens.network_picker import NetworkPickerScreen

ROOT = Path(__file__).resolve().parents[2]
INSPECT = json.loads((ROOT / "tests" / "fixtures" / "remediation" / "container-inspect.json").read_text())


def live_like_source(read_only: bool = False, connected: bool = True) -> SimpleNamespace:
    """A live source whose engine is never called: these tests stop before any engine call."""
    engine = SimpleNamespace(api=None, endpoint=SimpleNamespace(display="unix:///var/run/docker.sock"))
    return SimpleNamespace(live=True, read_only=read_only, engine=engine if connected else None)


def capture_source() -> SimpleNamespace:
    return SimpleNamespace(live=False, read_only=True, engine=None)


def keys_app(source: Any, tmp_path: Path, read_only: bool = False,
             container: Container | None = None) -> RemediationApp:
    return RemediationApp(source, container, audit_log_path=tmp_path / "audit.jsonl", export_dir=tmp_path,
                          read_only=read_only)


@pytest.fixture
def container() -> Container:
    return Container.from_inspect(INSPECT)


@pytest.mark.parametrize("verb", STATE_CHANGING_VERBS + READING_VERBS)
def test_capture_disables_every_verb(verb: str, tmp_path: Path) -> None:
    remediation = Remediation(app=None, source=capture_source(), audit_log_path=tmp_path / "a.jsonl")
    assert remediation.check_action(verb) is None
    assert "capture file" in remediation.unavailable_reason(verb)


@pytest.mark.parametrize("verb", [*STATE_CHANGING_VERBS, "pause"])
def test_read_only_disables_state_changes(verb: str, tmp_path: Path) -> None:
    remediation = Remediation(app=None, source=live_like_source(), audit_log_path=tmp_path / "a.jsonl",
                              read_only=True)
    assert remediation.check_action(verb) is None
    assert "--read-only" in remediation.unavailable_reason(verb)


@pytest.mark.parametrize("verb", [*READING_VERBS, "logs"])
def test_read_only_keeps_log_reading(verb: str, tmp_path: Path) -> None:
    remediation = Remediation(app=None, source=live_like_source(), audit_log_path=tmp_path / "a.jsonl",
                              read_only=True)
    assert remediation.check_action(verb) is True


def test_offline_engine_disables_actions(tmp_path: Path) -> None:
    remediation = Remediation(app=None, source=live_like_source(connected=False), audit_log_path=tmp_path / "a.jsonl")
    assert remediation.check_action("stop") is None
    assert "not connected" in remediation.unavailable_reason("stop")


async def test_read_only_key_says_why(container: Container, tmp_path: Path) -> None:
    app = keys_app(live_like_source(), tmp_path, read_only=True, container=container)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        footer_state = {key: binding.enabled for key, binding in app.screen.active_bindings.items()}
    assert app.notifications_seen == [("warning", "Actions are disabled: dsc-tui runs with --read-only.")]
    assert footer_state["s"] is False
    assert footer_state["c"] is False
    assert footer_state["l"] is True
    assert not (tmp_path / "audit.jsonl").exists()


async def test_capture_key_says_why(container: Container, tmp_path: Path) -> None:
    app = keys_app(capture_source(), tmp_path, container=container)
    async with app.run_test() as pilot:
        await pilot.press("e")
        await pilot.pause()
    assert app.notifications_seen == [("warning", "Actions are disabled: this view shows a capture file, not a live engine.")]


async def test_no_container_selected(tmp_path: Path) -> None:
    app = keys_app(live_like_source(), tmp_path, container=None)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
    assert app.notifications_seen == [("warning", "Select a container first.")]


@pytest.mark.parametrize(
    ("key", "question", "effect"),
    [
        ("s", "Stop container dsc-lab-web (bcd025ee57ee)?", "Sends SIGTERM, then SIGKILL after 10 s."),
        ("p", "Pause container dsc-lab-web (bcd025ee57ee)?",
         "Freezes every process of the container until it is unpaused; connections stay open."),
        ("r", "Restart container dsc-lab-web (bcd025ee57ee)?",
         "Sends SIGTERM, then SIGKILL after 10 s, then starts it again."),
        ("i", "Isolate container dsc-lab-web (bcd025ee57ee)?",
         "Disconnects it from every network: backend, frontend. It keeps running with no network."),
    ],
)
async def test_confirm_names_target_and_cancel_does_nothing(
    key: str, question: str, effect: str, container: Container, tmp_path: Path
) -> None:
    app = keys_app(live_like_source(), tmp_path, container=container)
    async with app.run_test() as pilot:
        await pilot.press(key)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        closed = not isinstance(app.screen, ConfirmScreen)
    assert dialog.question == question
    assert dialog.effect == effect
    assert closed
    assert not (tmp_path / "audit.jsonl").exists()


async def test_commit_confirm_names_image(container: Container, tmp_path: Path) -> None:
    app = keys_app(live_like_source(), tmp_path, container=container)
    async with app.run_test() as pilot:
        await pilot.press("c")
        await pilot.pause()
        question = app.screen.question
        await pilot.press("escape")
    assert question.startswith("Commit container dsc-lab-web (bcd025ee57ee) to image dsc-forensic/dsc-lab-web:")
    assert question.endswith("Z?")


async def test_disconnect_picker_lists_networks_and_cancels(container: Container, tmp_path: Path) -> None:
    app = keys_app(live_like_source(), tmp_path, container=container)
    async with app.run_test() as pilot:
        await pilot.press("d")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, NetworkPickerScreen)
        await pilot.press("escape")
        await pilot.pause()
        closed = not isinstance(app.screen, (NetworkPickerScreen, ConfirmScreen))
    assert picker.networks == ["backend", "frontend"]
    assert closed


class DialogApp(App[None]):
    """Shows one modal and records what it dismissed with."""

    CSS_PATH = [ROOT / "styles" / "remediation.tcss"]

    def __init__(self, screen: Any) -> None:
        super().__init__()
        self.dialog = screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


@pytest.mark.parametrize(("key", "expected"), [("y", True), ("enter", True), ("n", False), ("escape", False)])
async def test_confirm_keys(key: str, expected: bool) -> None:
    app = DialogApp(ConfirmScreen("Stop container", "Stop container x?", "Sends SIGTERM."))
    async with app.run_test() as pilot:
        await pilot.press(key)
        await pilot.pause()
    assert app.results == [expected]


async def test_confirm_shows_markup_literally() -> None:
    app = DialogApp(ConfirmScreen("Stop container", "Stop container [red]x[/red]?", "[bold]effect"))
    async with app.run_test() as pilot:
        await pilot.pause()
        question = str(app.screen.query_one("#confirm-question").render())
    assert question == "Stop container [red]x[/red]?"


async def test_network_picker_returns_choice() -> None:
    app = DialogApp(NetworkPickerScreen("web (abc)", ["backend", "frontend"]))
    async with app.run_test() as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.results == ["frontend"]


async def test_export_progress_escape_cancels() -> None:
    cancelled: list[bool] = []
    app = DialogApp(ExportProgressScreen("web (abc)", lambda: cancelled.append(True)))
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.show_progress(3 * 1024 * 1024)
        await pilot.pause()
        progress = str(app.screen.query_one("#export-progress").render())
        await pilot.press("escape")
        await pilot.pause()
    assert progress == "3.0 MiB written"
    assert cancelled == [True]
