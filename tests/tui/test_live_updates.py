"""Pilot tests with a fake live source: events, single-object refresh, losing and regaining the engine."""

from __future__ import annotations

from typing import Any

from textual.widgets import TabbedContent

from inspector.model import ObjectKind
from inspector.tui.app import InspectorApp
from inspector.tui.source import CaptureSource
from inspector.tui.widgets.banner import ConnectionBanner
from inspector.tui.widgets.overview import OverviewPane
from inspector.tui.widgets.resource_pane import ResourcePane
from inspector.tui.widgets.status_header import StatusHeader
from tui_helpers import FakeLiveSource, capture_data, container_named, copy_inspect, make_app, wait_for

NEW_ID = "f" * 64


def containers(app: InspectorApp) -> ResourcePane:
    return app.query_one("#containers-pane", ResourcePane)


def new_container(source: FakeLiveSource, name: str = "h5-new") -> dict[str, Any]:
    inspect = copy_inspect(container_named(capture_data(), "dsc-lab-api"))
    inspect["Id"] = NEW_ID
    inspect["Name"] = f"/{name}"
    return inspect


def start_event(object_id: str, action: str = "start") -> dict[str, Any]:
    return {"Type": "container", "Action": action, "Actor": {"ID": object_id, "Attributes": {}}, "time": 1}


def banner_text(app: InspectorApp) -> str:
    return str(app.query_one(ConnectionBanner).render())


async def test_event_adds_row_without_full_refresh(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2", "j")
        cursor_key = containers(app).table.highlighted_row().key
        first_snapshot = app.result.snapshot
        loads: list[int] = []
        original_load = fake_live_source.load_snapshot
        fake_live_source.load_snapshot = lambda previous=None: loads.append(1) or original_load(previous)  # type: ignore[method-assign]

        fake_live_source.add_container(new_container(fake_live_source))
        fake_live_source.stream.events.put(start_event(NEW_ID))
        await wait_for(pilot, lambda: NEW_ID in containers(app).table.shown_rows)

        assert loads == []
        assert fake_live_source.refreshed == [(ObjectKind.CONTAINER, NEW_ID)]
        assert app.result.snapshot is not first_snapshot
        assert containers(app).table.highlighted_row().key == cursor_key


async def test_event_updates_changed_state(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        inspect = copy_inspect(container_named(capture_data(), "dsc-lab-web"))
        inspect["State"]["Status"] = "exited"
        fake_live_source.replace_container(inspect)
        fake_live_source.stream.events.put(start_event(inspect["Id"], action="die"))

        def state_cell() -> str:
            row = containers(app).table.shown_rows[inspect["Id"]]
            return row.cells[3].plain

        await wait_for(pilot, lambda: state_cell() == "exited")
        assert state_cell() == "exited"


async def test_new_result_forgets_hidden_panes(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("3", "4", "2")
        shown_before = set(app._pane_results)
        inspect = copy_inspect(container_named(capture_data(), "dsc-lab-web"))
        inspect["State"]["Status"] = "exited"
        fake_live_source.replace_container(inspect)
        fake_live_source.stream.events.put(start_event(inspect["Id"], action="die"))

        await wait_for(pilot, lambda: containers(app).table.shown_rows[inspect["Id"]].cells[3].plain == "exited")

        # A hidden pane's old result would keep its whole snapshot alive.
        assert {"images", "networks", "containers"} <= shown_before
        assert set(app._pane_results) == {"containers"}
        await pilot.press("3")
        assert app._pane_results["images"] is app.result


async def test_event_removes_gone_container(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        gone = container_named(capture_data(), "dsc-lab-worker")["Id"]
        fake_live_source.snapshot = fake_live_source.snapshot.model_copy(
            update={"containers": [c for c in fake_live_source.snapshot.containers if c.id != gone]}
        )
        fake_live_source.stream.events.put(start_event(gone, action="destroy"))
        await wait_for(pilot, lambda: gone not in containers(app).table.shown_rows)
        assert len(containers(app).table.shown_rows) == 5


async def test_exec_events_are_ignored(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        web = container_named(capture_data(), "dsc-lab-web")["Id"]
        fake_live_source.stream.events.put(start_event(web, action="exec_start: sh"))
        fake_live_source.stream.events.put(start_event(web, action="kill"))
        await wait_for(pilot, lambda: len(fake_live_source.refreshed) == 1)
        await pilot.pause(0.1)
        assert fake_live_source.refreshed == [(ObjectKind.CONTAINER, web)]


async def test_refresh_object_updates_row(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        inspect = copy_inspect(container_named(capture_data(), "dsc-lab-postgres"))
        inspect["State"]["Status"] = "paused"
        fake_live_source.replace_container(inspect)
        app.refresh_object("container", inspect["Id"])
        await wait_for(pilot, lambda: containers(app).table.shown_rows[inspect["Id"]].cells[3].plain == "paused")
        assert app.result.find_object(ObjectKind.CONTAINER, inspect["Id"]).state == "paused"


async def test_lost_engine_shows_banner_and_keeps_data(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        fake_live_source.unreachable = True
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.connection == "disconnected")
        assert app.query_one(ConnectionBanner).display
        assert "Engine unreachable" in banner_text(app)
        assert "connection refused" in banner_text(app)
        assert "stale" in banner_text(app)
        assert app.query_one("#panes", TabbedContent).has_class("-stale")
        assert len(containers(app).table.shown_rows) == 6
        assert app.query_one(StatusHeader).connection == "disconnected"


async def test_view_heals_when_engine_returns(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        fake_live_source.unreachable = True
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.connection == "disconnected")

        fake_live_source.unreachable = False
        fake_live_source.add_container(new_container(fake_live_source))
        # The event stream reconnecting is what tells the app the engine is back.
        fake_live_source.stream.close()
        await wait_for(pilot, lambda: app.connection == "connected")
        await wait_for(pilot, lambda: NEW_ID in containers(app).table.shown_rows)
        assert not app.query_one(ConnectionBanner).display
        assert not app.query_one("#panes", TabbedContent).has_class("-stale")


async def test_no_engine_at_start_offers_demo(fake_live_source: FakeLiveSource) -> None:
    fake_live_source.unreachable = True
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.connection == "no-engine")
        assert "No Docker engine answers" in banner_text(app)
        assert "press m" in banner_text(app).lower()
        assert app.result is None

        await pilot.press("m")
        await wait_for(pilot, lambda: app.result is not None)
        assert isinstance(app.source, CaptureSource)
        assert app.connection == "offline"
        assert app.read_only
        assert not app.query_one(ConnectionBanner).display
        await pilot.press("2")
        assert len(containers(app).table.shown_rows) == 6


async def test_demo_key_ignored_when_connected(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("m")
        await pilot.pause()
        assert app.source is fake_live_source


async def test_reconcile_heals_missed_event(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source, reconcile_seconds=0.2)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        loads: list[int] = []
        original_load = fake_live_source.load_snapshot
        fake_live_source.load_snapshot = lambda previous=None: loads.append(1) or original_load(previous)  # type: ignore[method-assign]

        # The engine gains a container but the event stream never reports it.
        fake_live_source.add_container(new_container(fake_live_source))
        await wait_for(pilot, lambda: NEW_ID in containers(app).table.shown_rows)

        assert loads == []
        assert fake_live_source.refreshed == [(ObjectKind.CONTAINER, NEW_ID)]


async def test_reconcile_removes_missed_destroy(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source, reconcile_seconds=0.2)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        gone = container_named(capture_data(), "dsc-lab-worker")["Id"]
        fake_live_source.snapshot = fake_live_source.snapshot.model_copy(
            update={"containers": [c for c in fake_live_source.snapshot.containers if c.id != gone]}
        )
        await wait_for(pilot, lambda: gone not in containers(app).table.shown_rows)
        assert fake_live_source.refreshed == [(ObjectKind.CONTAINER, gone)]


async def test_results_keep_footer_widgets(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        await pilot.pause(0.3)
        footer_keys = {id(key) for key in app.screen.query("FooterKey")}
        inspect = copy_inspect(container_named(capture_data(), "dsc-lab-web"))
        for status in ("exited", "running", "exited"):
            inspect["State"]["Status"] = status
            fake_live_source.replace_container(inspect)
            fake_live_source.stream.events.put(start_event(inspect["Id"], action="die"))
            await wait_for(pilot, lambda: containers(app).table.shown_rows[inspect["Id"]].cells[3].plain == status)

        # Rebuilding the footer on every result leaked its old widgets on busy engines.
        await pilot.pause(0.3)
        assert footer_keys
        assert {id(key) for key in app.screen.query("FooterKey")} == footer_keys


async def churn_web_container(pilot: Any, app: InspectorApp, source: FakeLiveSource, cycles: int) -> None:
    """Stop and start dsc-lab-web `cycles` times, letting the app show and render each result."""
    inspect = copy_inspect(container_named(capture_data(), "dsc-lab-web"))
    for status in ("exited", "running") * cycles:
        inspect["State"]["Status"] = status
        source.replace_container(inspect)
        before = app.result
        source.stream.events.put(start_event(inspect["Id"], action="die" if status == "exited" else "start"))
        await wait_for(pilot, lambda: app.result is not before and app.result.find_object(
            ObjectKind.CONTAINER, inspect["Id"]).state == status)
        await pilot.pause(0.3)


async def test_live_changes_bound_table_cache(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        await pilot.pause(0.3)
        table = containers(app).table

        await churn_web_container(pilot, app, fake_live_source, cycles=4)

        # DataTable keys cached lines by a counter that each change raises, so lines cached before
        # a change are never read again and must not pile up to the cache's bound.
        assert table.shown_rows
        assert len(table._line_cache) <= table.size.height


async def test_live_changes_bound_checklist_cache(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.pause(0.3)
        checklist = app.query_one(OverviewPane).checklist

        await churn_web_container(pilot, app, fake_live_source, cycles=4)

        assert checklist.row_count
        assert len(checklist._line_cache) <= checklist.size.height
