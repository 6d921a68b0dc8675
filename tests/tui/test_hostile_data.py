"""Engine strings shown literally: markup-like names, labels and env values, escape sequences, C1 controls."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from inspector.tui.app import InspectorApp
from inspector.tui.screens.inspect import InspectScreen, inspect_json_text
from inspector.tui.text import clean
from inspector.tui.widgets.detail import DetailPanel
from inspector.tui.widgets.resource_pane import ResourcePane
from tui_helpers import capture_data, container_named, make_app, wait_for, write_capture

HOSTILE_NAME = "[/]evil[bold red]x\x1b[31mred\x1b]0;title\x07"
HOSTILE_ENV = "NOTE=[bold]x[/bold"
HOSTILE_LABEL = "[/"


def hostile_capture(tmp_path: Path) -> Path:
    data = capture_data()
    web = container_named(data, "dsc-lab-web")
    web["Name"] = "/" + HOSTILE_NAME
    web["Config"]["Env"].append(HOSTILE_ENV)
    web["Config"]["Env"].append("ESC=\x1b[2J\x1b[H\x9b31m")
    web["Config"]["Labels"]["evil"] = HOSTILE_LABEL
    web["Config"]["Image"] = "img[link=http://x]y"
    return write_capture(tmp_path, data)


def detail_text(app: InspectorApp) -> str:
    body = app.query_one("#containers-detail", DetailPanel).query_one(".detail-body")
    return str(body.render())


def test_clean_strips_escape_sequences() -> None:
    assert clean("a\x1b[31mb\x1b[0mc") == "abc"
    assert clean("t\x1b]0;title\x07x") == "tx"
    assert clean("c1\x9b31mx") == "c1x"
    assert clean("line\nbreak\ttab\x00nul") == "line break tabnul"
    assert clean("[bold]x[/bold") == "[bold]x[/bold"


def test_inspect_json_escapes_controls() -> None:
    text = inspect_json_text({"Name": "a\x1bb\x9bc\x7f"})
    assert "\x1b" not in text
    assert "\x9b" not in text
    assert "\x7f" not in text
    assert "\\u001b" in text
    assert "\\u009b" in text


async def test_hostile_container_renders_literally(tmp_path: Path) -> None:
    app = make_app(hostile_capture(tmp_path))
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2", "slash", *"evil", "enter")
        pane = app.query_one("#containers-pane", ResourcePane)
        row = pane.table.highlighted_row()
        assert row is not None
        assert row.name == "[/]evil[bold red]xred"
        name_cell = row.cells[1]
        assert isinstance(name_cell, Text)
        assert name_cell.plain == "[/]evil[bold red]xred"
        assert not name_cell.spans
        assert row.cells[2].plain == "img[link=http://x]y"

        text = detail_text(app)
        assert "NOTE=[bold]x[/bold" in text
        assert "\x1b" not in text
        assert "\x9b" not in text
        assert "[/]evil[bold red]x" in text


async def test_hostile_label_in_inspect_view(tmp_path: Path) -> None:
    app = make_app(hostile_capture(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2", "slash", *"evil", "enter", "enter")
        assert isinstance(app.screen, InspectScreen)
        json_text = app.screen.json_text
        assert '"evil": "[/"' in json_text
        assert "\x1b" not in json_text
        title = str(app.screen.query_one("#inspect-title").render())
        assert "\x1b" not in title
        assert "[/]evil[bold red]x" in title


async def test_hostile_filter_text_is_literal(tmp_path: Path) -> None:
    app = make_app(hostile_capture(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        await pilot.press("2", "slash", *"[/", "enter")
        pane = app.query_one("#containers-pane", ResourcePane)
        assert [row.name[:3] for row in pane.table.shown_rows.values()] == ["[/]"]
        status = str(app.query_one("#filter-status").render())
        assert "filter: [/" in status
