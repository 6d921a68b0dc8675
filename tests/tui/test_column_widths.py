"""Long names are cut in the middle so State, Ports and distinct Objects stay on screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.tui.app import InspectorApp
from inspector.tui.widgets.resource_pane import ResourcePane
from inspector.tui.widgets.resource_table import ResourceTable
from tui_helpers import capture_data, container_named, copy_inspect, make_app, wait_for, write_capture

TASK_ONE = "dsc-lab-reporter.1.wv4d3dt3i0c9y9w8tqiz7zjf9"
TASK_TWO = "dsc-lab-reporter.2.k2m8c0x7q1z5r3t9y4u6p0abc"


def swarm_capture(tmp_path: Path) -> Path:
    data = capture_data()
    task = container_named(data, "dsc-lab-reporter.1.task")
    task["Name"] = f"/{TASK_ONE}"
    second = copy_inspect(task)
    second["Id"] = "d" * 64
    second["Name"] = f"/{TASK_TWO}"
    data["containers"].append(second)
    return write_capture(tmp_path, data)


def table_of(app: InspectorApp, pane: str) -> ResourceTable:
    return app.query_one(f"#{pane}-pane", ResourcePane).table


def column_end(table: ResourceTable, key: str) -> int:
    """Return the screen column just past the first character of column `key`."""
    start = 0
    for column_key, column in table.columns.items():
        if column_key.value == key:
            return start + table.cell_padding + 1
        start += column.get_render_width(table)
    raise AssertionError(f"no column {key}")


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_state_and_ports_stay_visible_with_a_long_name(tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(swarm_capture(tmp_path))
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2")
        await pilot.pause()
        table = table_of(app, "containers")
        visible = table.scrollable_content_region.width
        names = {row.name: row.cells[1].plain for row in table.shown_rows.values()}
        state_end = column_end(table, "state")
        ports_end = column_end(table, "ports")
    assert state_end <= visible
    assert ports_end <= visible
    assert names[TASK_ONE] == "dsc-lab-repo…w8tqiz7zjf9"
    assert names["dsc-lab-web"] == "dsc-lab-web"


async def test_findings_tell_long_object_names_apart(tmp_path: Path) -> None:
    app = make_app(swarm_capture(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("6")
        await pilot.pause()
        table = table_of(app, "findings")
        visible = table.scrollable_content_region.width
        objects = {row.name: row.cells[3].plain for row in table.shown_rows.values()}
        object_start = column_end(table, "object") - 1
        object_width = table.columns[next(k for k in table.columns if k.value == "object")].get_render_width(table)
    assert object_start + object_width - table.cell_padding <= visible
    assert objects[TASK_ONE] != objects[TASK_TWO]
    assert objects[TASK_ONE].startswith("dsc-lab-report")
    assert objects[TASK_TWO].endswith("4u6p0abc")
