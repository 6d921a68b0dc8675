"""Pilot tests: panes, bindings, filter, sort, inspect view, help, palette and jumps."""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette
from textual.widgets import DataTable, Input, Static, TabbedContent, TextArea

from inspector.model import ObjectKind
from inspector.tui.app import PANES, InspectorApp
from inspector.tui.commands import palette_commands
from inspector.tui.screens.help import HelpScreen
from inspector.tui.screens.inspect import InspectScreen
from inspector.tui.widgets.resource_pane import ResourcePane

from tui_helpers import make_app, wait_for


def pane(app: InspectorApp, name: str) -> ResourcePane:
    return app.query_one(f"#{name}-pane", ResourcePane)


def names(app: InspectorApp, name: str) -> list[str]:
    table = pane(app, name).table
    return [row.name for row in sorted(table.shown_rows.values(), key=lambda r: table.get_row_index(r.key))]


async def loaded(pilot: Any) -> None:
    await wait_for(pilot, lambda: pilot.app.result is not None)
    await pilot.pause()


async def test_number_keys_switch_panes() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        for number, pane_id in enumerate(PANES, start=1):
            await pilot.press(str(number))
            assert app.query_one("#panes", TabbedContent).active == pane_id


async def test_pane_key_outlives_earlier_focus() -> None:
    # At start-up the overview table gets focus. A pane key pressed before that focus is
    # handled must not be undone by it.
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot)
        overview_table = app.query_one("#checklist-table")
        app.screen.set_focus(None)
        app.screen.set_focus(overview_table)
        app.action_show_pane("containers")
        await pilot.pause()
        await pilot.pause()
        assert app.active_pane == "containers"
        assert app.focused is pane(app, "containers").table


async def test_containers_sorted_worst_first() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        table = pane(app, "containers").table
        rows = sorted(table.shown_rows.values(), key=lambda r: table.get_row_index(r.key))
        ranks = [(row.severity_rank, row.finding_count) for row in rows]
        assert ranks == sorted(ranks, reverse=True)
        assert rows[0].name == "dsc-lab-admin"
        assert rows[-1].name == "dsc-lab-api"


async def test_sort_key_cycles_orders() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "o")
        assert pane(app, "containers").table.sort_order == "name"
        assert names(app, "containers") == sorted(names(app, "containers"), key=str.casefold)
        await pilot.press("o")
        assert pane(app, "containers").table.sort_order == "findings"
        counts = [r.finding_count for r in sorted(pane(app, "containers").table.shown_rows.values(),
                                                  key=lambda r: pane(app, "containers").table.get_row_index(r.key))]
        assert counts == sorted(counts, reverse=True)
        await pilot.press("o")
        assert pane(app, "containers").table.sort_order == "severity"


async def test_j_and_k_move_the_cursor() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        table = pane(app, "containers").table
        assert table.cursor_row == 0
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1


async def test_filter_matches_name_as_you_type() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "slash")
        assert app.query_one("#filter", Input).has_focus
        await pilot.press(*"postgres")
        assert names(app, "containers") == ["dsc-lab-postgres"]


async def test_filter_on_overview_opens_on_findings() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"CTR-ROOT")
        await pilot.pause()
        findings = pane(app, "findings")
        assert app.active_pane == "findings"
        assert app.focused is app.query_one("#filter", Input)
        assert findings.filter_text == "CTR-ROOT"
        assert findings.table.row_count == len([f for f in app.result.findings if f.rule == "CTR-ROOT-USER"])


async def test_filter_matches_rule_id_and_severity() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "slash", *"ctr-privileged")
        assert names(app, "containers") == ["dsc-lab-admin"]
        await pilot.press(*["backspace"] * len("ctr-privileged"), *"critical")
        assert names(app, "containers") == ["dsc-lab-admin"]


async def test_filter_matches_image() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "slash", *"dsc-lab/web")
        assert names(app, "containers") == ["dsc-lab-web"]


async def test_filter_enter_keeps_and_focuses_table() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "slash", *"lab-w", "enter")
        containers = pane(app, "containers")
        assert not app.query_one("#filter", Input).display
        assert containers.table.has_focus
        assert containers.filter_text == "lab-w"
        assert containers.table.cursor_row == 0
        assert containers.table.highlighted_row().name in ("dsc-lab-web", "dsc-lab-worker")
        assert set(names(app, "containers")) == {"dsc-lab-web", "dsc-lab-worker"}


async def test_escape_clears_filter() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "slash", *"postgres", "enter", "escape")
        assert pane(app, "containers").filter_text == ""
        assert len(names(app, "containers")) == 6
        await pilot.press("escape")
        assert app.query_one("#panes", TabbedContent).active == "overview"


async def test_enter_opens_inspect_json() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "slash", *"postgres", "enter", "enter")
        assert isinstance(app.screen, InspectScreen)
        text = app.screen.query_one("#inspect-json", TextArea).text
        assert '"POSTGRES_PASSWORD=<redacted>"' in text
        assert '"Name": "/dsc-lab-postgres"' in text
        await pilot.press("escape")
        assert not isinstance(app.screen, InspectScreen)


async def test_inspect_search_selects_match() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "enter", "slash", *"path", "enter")
        area = app.screen.query_one("#inspect-json", TextArea)
        assert area.selected_text.casefold() == "path"
        first = area.selection
        await pilot.press("n")
        assert area.selected_text.casefold() == "path"
        assert area.selection != first
        await pilot.press("slash", *"no-such-text", "enter")
        assert area.selected_text.casefold() == "path"
        assert isinstance(app.screen, InspectScreen)


async def test_findings_enter_jumps_to_object() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("6", "slash", *"ctr-docker-socket", "enter", "enter")
        assert app.query_one("#panes", TabbedContent).active == "containers"
        row = pane(app, "containers").table.highlighted_row()
        assert row is not None
        assert row.name == "dsc-lab-admin"
        assert pane(app, "containers").table.has_focus


async def test_findings_jump_to_image() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("6", "slash", *"img-history-secret", "enter", "enter")
        assert app.query_one("#panes", TabbedContent).active == "images"
        row = pane(app, "images").table.highlighted_row()
        assert row is not None
        assert row.kind is ObjectKind.IMAGE
        assert any(f.rule == "IMG-HISTORY-SECRET" for f in app.result.findings_for(ObjectKind.IMAGE, row.object_id))


async def test_jump_clears_filter_hiding_object() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "slash", *"lab-web", "enter")
        await pilot.press("6", "slash", *"ctr-privileged", "enter", "enter")
        assert pane(app, "containers").filter_text == ""
        assert pane(app, "containers").table.highlighted_row().name == "dsc-lab-admin"


async def open_checklist_item(pilot: Any, title: str) -> None:
    """Press enter on the overview's checklist row of the item called `title`."""
    await loaded(pilot)
    table = pilot.app.query_one("#checklist-table", DataTable)
    keys = [str(row_key.value) for row_key in table.rows]
    table.move_cursor(row=next(index for index, key in enumerate(keys) if key.endswith(f"|{title}")))
    table.focus()
    await pilot.press("enter")
    await pilot.pause()


async def test_checklist_enter_shows_item_findings() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_checklist_item(pilot, "Non-root user")
        findings = pane(app, "findings")
        expected = [f for f in app.result.findings if f.rule in ("CTR-ROOT-USER", "IMG-ROOT-USER")]
        status = str(app.query_one("#filter-status", Static).render())
        assert app.active_pane == "findings"
        assert findings.table.row_count == len(expected)
        assert {rule for row in findings.table.shown_rows.values() for rule in row.rules} == {
            f.rule for f in expected
        }
        assert status.startswith("checklist: Non-root user")


async def test_escape_clears_checklist_item() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_checklist_item(pilot, "Resource limits")
        await pilot.press("escape")
        await pilot.pause()
        findings = pane(app, "findings")
        assert app.active_pane == "findings"
        assert findings.rule_filter == frozenset()
        assert findings.table.row_count == len(app.result.findings)
        assert app.query_one("#filter-status", Static).display is False


async def test_j_and_k_move_the_checklist() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        table = app.query_one("#checklist-table", DataTable)
        table.focus()
        await pilot.press("j", "j")
        after_down = table.cursor_row
        await pilot.press("k")
        assert after_down == 2
        assert table.cursor_row == 1


async def test_manual_checklist_item_notifies() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_checklist_item(pilot, "Security training")
        messages = [notification.message for notification in app._notifications]
        assert app.active_pane == "overview"
        assert any(message.startswith("Security training: no rule checks this item.") for message in messages)


async def test_help_lists_every_binding() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = {key for _, entries in app.screen.sections for key, _ in entries}
        for binding in app.BINDINGS:
            if binding.description and not binding.action.startswith("show_pane"):
                assert app.get_key_display(binding) in listed, binding.action
        assert "1-6" in listed
        assert "ctrl+p" in listed
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_lists_each_key_once() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        keys = [key for title, entries in app.screen.sections if title != "Inspect view" for key, _ in entries]
        assert len(keys) == len(set(keys)), keys


async def test_help_scrolls_on_small_terminal() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0
        await pilot.press("j", "j")
        assert body.scroll_y == 2
        await pilot.press("end")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("home")
        assert body.scroll_y == 0


async def test_palette_lists_binding_commands() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        titles = {title for title, _, _ in palette_commands(app)}
        assert {"Quit", "Help", "Filter", "Sort", "Stop container", "Forensic commit"} <= titles
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)


async def test_palette_runs_a_command() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p", *"Help")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)


async def test_q_quits() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (0, None)
    assert not app.is_running
