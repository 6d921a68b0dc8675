"""Pilot tests for the remediation hooks, the secrets empty state and small or resized terminals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TabbedContent

from inspector.model import Container
from inspector.tui.app import CONTAINER_ACTIONS, InspectorApp
from inspector.tui.widgets.resource_pane import ResourcePane
from inspector.tui.widgets.secrets_pane import SecretsPane
from tui_helpers import capture_data, make_app, wait_for, write_capture


class RecordingRemediation:
    """Stands in for `Remediation` and records each verb with the container it got."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def check_action(self, verb: str) -> bool:
        return True

    def notify_unavailable(self, verb: str) -> bool:
        return False

    def __getattr__(self, verb: str) -> Any:
        def record(container: Container | None) -> None:
            self.calls.append((verb, container.name if container else None))

        return record


async def loaded(pilot: Any) -> None:
    await wait_for(pilot, lambda: pilot.app.result is not None)
    await pilot.pause()


@pytest.mark.parametrize(("key", "verb"), [(key, action) for key, action, _label, _description in CONTAINER_ACTIONS])
async def test_action_key_calls_remediation(key: str, verb: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        recorder = RecordingRemediation()
        app.remediation = recorder
        await pilot.press("2")
        selected = app.query_one("#containers-pane", ResourcePane).table.highlighted_row()
        await pilot.press(key)
        assert recorder.calls == [(verb, selected.name)]


async def test_action_from_finding_uses_its_container() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        recorder = RecordingRemediation()
        app.remediation = recorder
        await pilot.press("6", "slash", *"ctr-privileged", "enter", "s")
        assert recorder.calls == [("stop", "dsc-lab-admin")]


async def test_action_without_container_passes_none() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        recorder = RecordingRemediation()
        app.remediation = recorder
        await pilot.press("3", "s")
        assert recorder.calls == [("stop", None)]
        assert app.selected_container() is None


async def test_missing_remediation_notifies() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        app.remediation = None
        await pilot.press("2", "s")
        messages = [notification.message for notification in app._notifications]
        assert any("not available" in message for message in messages)


async def test_capture_mode_is_read_only() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        assert app.read_only
        assert app.source.read_only
        assert app.source.engine is None
        assert app.remediation is not None
        assert app.remediation.read_only


async def test_secrets_pane_lists_secrets_on_manager() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("5")
        secrets = app.query_one(SecretsPane)
        assert secrets.resources.display
        assert not secrets.empty_state.display
        rows = {row.name: row for row in secrets.resources.table.shown_rows.values()}
        assert set(rows) == {"dsc-lab-db-password", "dsc-lab-old-token"}
        assert rows["dsc-lab-db-password"].cells[4].plain == "dsc-lab-reporter"
        assert rows["dsc-lab-old-token"].cells[4].plain == "none"


async def test_secrets_empty_state_without_swarm(tmp_path: Path) -> None:
    data = capture_data()
    data["host"]["info"]["Swarm"] = {"LocalNodeState": "inactive", "ControlAvailable": False}
    data["host"]["swarm_reason"] = "this node is not a swarm manager"
    data["secrets"] = []
    data["services"] = []
    app = make_app(write_capture(tmp_path, data))
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("5")
        secrets = app.query_one(SecretsPane)
        assert secrets.empty_state.display
        assert not secrets.resources.display
        text = str(secrets.empty_state.render())
        assert "this node is not a swarm manager" in text
        assert "docker swarm init" in text


async def test_networks_show_segmentation() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        rows = {row.name: row for row in app.query_one("#networks-pane", ResourcePane).table.shown_rows.values()}
        backend = rows["dsc-lab-backend"]
        assert backend.cells[2].plain == "bridge"
        assert backend.cells[3].plain == "yes"
        assert int(backend.cells[4].plain) >= 1
        assert "dsc-lab-postgres" in rows["bridge"].cells[5].plain


async def test_small_terminal_and_resize() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        pane = app.query_one("#containers-pane", ResourcePane)
        assert pane.has_class("-narrow")
        assert pane.table.row_count == 6
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert not pane.has_class("-narrow")
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert pane.has_class("-narrow")
        assert app.query_one("#panes", TabbedContent).active == "containers"


async def test_footer_dims_container_keys_offline() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        footer_keys = {key.key: key for key in app.screen.query("FooterKey")}
        for key, _action, _label, _description in CONTAINER_ACTIONS:
            assert key in footer_keys, key
            assert footer_keys[key].has_class("-disabled"), key
        assert not footer_keys["q"].has_class("-disabled")
