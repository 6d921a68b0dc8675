"""The kept filter's status line follows live table updates."""

from __future__ import annotations

from textual.widgets import Static

from inspector.tui.app import InspectorApp
from inspector.tui.widgets.resource_pane import ResourcePane
from tui_helpers import FakeLiveSource, capture_data, container_named, copy_inspect, make_app, wait_for

NEW_ID = "e" * 64


def filter_status(app: InspectorApp) -> str:
    return str(app.query_one("#filter-status", Static).render())


async def test_filter_count_follows_a_new_matching_container(fake_live_source: FakeLiveSource) -> None:
    app = make_app(source=fake_live_source)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2", "slash", *"dsc-lab-api", "enter")
        before = filter_status(app)
        inspect = copy_inspect(container_named(capture_data(), "dsc-lab-api"))
        inspect["Id"] = NEW_ID
        inspect["Name"] = "/dsc-lab-api-fresh"
        fake_live_source.add_container(inspect)
        fake_live_source.stream.events.put(
            {"Type": "container", "Action": "start", "Actor": {"ID": NEW_ID, "Attributes": {}}, "time": 1}
        )
        table = app.query_one("#containers-pane", ResourcePane).table
        await wait_for(pilot, lambda: NEW_ID in table.shown_rows)
        await pilot.pause()
        after = filter_status(app)
        shown = table.row_count
    assert before == "filter: dsc-lab-api  (1 shown; esc clears)"
    assert shown == 2
    assert after == "filter: dsc-lab-api  (2 shown; esc clears)"
