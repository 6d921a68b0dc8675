"""Key binding behaviour behind the app's actions: filter, sort, jump, inspect, help and container actions."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from inspector.model import ObjectKind
from inspector.tui.screens.help import HelpScreen
from inspector.tui.screens.inspect import InspectScreen
from inspector.tui.text import clean
from inspector.tui.widgets.resource_pane import ResourcePane
from inspector.tui.widgets.resource_table import SORT_ORDERS, ResourceTable

if TYPE_CHECKING:
    from inspector.tui.app import InspectorApp

log = logging.getLogger(__name__)

PANE_OF_KIND = {
    ObjectKind.CONTAINER: "containers",
    ObjectKind.IMAGE: "images",
    ObjectKind.NETWORK: "networks",
    ObjectKind.SECRET: "secrets",
    ObjectKind.HOST: "overview",
}


def resource_pane_for(app: InspectorApp, pane: str) -> ResourcePane | None:
    """Return the `ResourcePane` of a pane id, or None for the overview."""
    if pane == "overview":
        return None
    return app.query_one(f"#{pane}-pane", ResourcePane)


def focus_active_table(app: InspectorApp) -> None:
    """Give the visible pane's table the focus."""
    pane = resource_pane_for(app, app.active_pane)
    table: DataTable = pane.table if pane else app.query_one("#checklist-table", DataTable)
    table.focus()


# --- filter ---------------------------------------------------------------------------------


def open_filter(app: InspectorApp) -> None:
    """Show the filter box with the visible pane's current filter, or on the overview the findings pane's."""
    pane = resource_pane_for(app, app.active_pane)
    if pane is None:
        # The overview has nothing to filter. Opening no box would leave what the user types next
        # to run as keys (`q` quits), so the filter opens on the findings pane.
        app.filter_after_switch = True
        app.action_show_pane("findings")
        pane = resource_pane_for(app, "findings")
        if pane is None:
            return
    box = app.query_one("#filter", Input)
    box.value = pane.filter_text
    box.display = True
    box.focus()


def apply_filter(app: InspectorApp, text: str) -> None:
    """Filter the visible pane as the user types."""
    pane = resource_pane_for(app, app.active_pane)
    if pane is not None:
        pane.set_filter(text.strip())
        show_filter_status(app)


def keep_filter(app: InspectorApp) -> None:
    """Hide the filter box, keep the filter, and highlight the first match."""
    app.query_one("#filter", Input).display = False
    pane = resource_pane_for(app, app.active_pane)
    if pane is not None:
        pane.table.focus()
        if pane.table.row_count:
            pane.table.move_cursor(row=0)
    show_filter_status(app)


def clear_filter(app: InspectorApp) -> None:
    """Remove the visible pane's filter and hide the filter box."""
    box = app.query_one("#filter", Input)
    box.value = ""
    box.display = False
    pane = resource_pane_for(app, app.active_pane)
    if pane is not None:
        pane.set_filters()
    show_filter_status(app)
    focus_active_table(app)


def show_filter_status(app: InspectorApp) -> None:
    """Show the kept filter of the visible pane under the panes, or nothing."""
    status = app.query_one("#filter-status", Static)
    pane = resource_pane_for(app, app.active_pane)
    if pane is None or not pane.filtered:
        status.display = False
        return
    parts = []
    if pane.rule_filter:
        parts.append(f"checklist: {pane.rule_filter_title}")
    if pane.filter_text:
        parts.append(f"filter: {clean(pane.filter_text)}")
    status.update(Text(f"{'  '.join(parts)}  ({pane.table.row_count} shown; esc clears)"))
    status.display = True


def go_back(app: InspectorApp) -> None:
    """Clear the filter if one is set or open, else return to the overview."""
    pane = resource_pane_for(app, app.active_pane)
    if app.query_one("#filter", Input).display or (pane is not None and pane.filtered):
        clear_filter(app)
    elif app.active_pane != "overview":
        app.action_show_pane("overview")


# --- sort, jump, inspect --------------------------------------------------------------------


def cycle_sort(app: InspectorApp) -> None:
    """Sort the visible table by the next order and notify the order chosen."""
    pane = resource_pane_for(app, app.active_pane)
    if pane is None:
        return
    current = SORT_ORDERS.index(pane.table.sort_order)
    order = SORT_ORDERS[(current + 1) % len(SORT_ORDERS)]
    pane.table.set_sort_order(order)
    app.notify(f"Sorted by {order}", timeout=2, markup=False)


def jump_to_object(app: InspectorApp, kind: ObjectKind, object_id: str) -> None:
    """Show the pane of an object's kind with the object's row highlighted."""
    pane_id = PANE_OF_KIND[kind]
    app.action_show_pane(pane_id)
    pane = resource_pane_for(app, pane_id)
    if pane is None:
        return
    if object_id not in pane.table.shown_rows and pane.filtered:
        pane.set_filters()
        show_filter_status(app)
    if object_id in pane.table.shown_rows:
        pane.table.move_cursor(row=pane.table.get_row_index(object_id))
    pane.table.focus()


def show_checklist_item(app: InspectorApp, row_key: str) -> None:
    """Show the findings of the checklist item with this row key (`phase|title`) on the findings pane."""
    from inspector.rules.checklist import CHECKLIST

    item = next((item for item in CHECKLIST if f"{item.phase}|{item.title}" == row_key), None)
    if item is None:
        return
    if not item.rule_ids:
        app.notify(f"{item.title}: no rule checks this item. {item.note or ''}".strip(), markup=False)
        return
    pane = resource_pane_for(app, "findings")
    if pane is None:
        return
    pane.set_filters(rule_title=item.title, rules=frozenset(item.rule_ids))
    app.action_show_pane("findings")
    show_filter_status(app)


def open_selected_row(app: InspectorApp, event: DataTable.RowSelected) -> None:
    """On `enter`: show a checklist item's findings, jump from a finding to its object, or open a row's inspect JSON."""
    table = event.data_table
    if table.id == "checklist-table":
        show_checklist_item(app, str(event.row_key.value))
        return
    if not isinstance(table, ResourceTable) or app.result is None:
        return
    row = table.highlighted_row()
    if row is None:
        return
    if table.id == "findings-table":
        jump_to_object(app, row.kind, row.object_id)
        return
    item = app.result.find_object(row.kind, row.object_id)
    if item is not None:
        app.push_screen(InspectScreen(f"{row.kind.value} {row.name}", item.inspect))


def show_help(app: InspectorApp) -> None:
    """Open the help screen with every binding of the app, the tables and the inspect view."""
    def entries(bindings: list[Any]) -> list[tuple[str, str]]:
        result = []
        for binding in bindings:
            if isinstance(binding, Binding) and binding.description:
                result.append((app.get_key_display(binding), binding.tooltip or binding.description))
        return result

    general = [
        binding for binding in app.BINDINGS
        if isinstance(binding, Binding)
        and not binding.action.startswith(("container_", "show_pane"))
        # Listed below with a fuller description.
        and binding.action not in ("back", "cycle_sort")
    ]
    sections = [
        ("Panes and views", entries(general) + [
            ("1-6", "Overview, Containers, Images, Networks, Secrets, Findings"),
            ("esc", "Clear the filter, or back to the overview"),
            ("enter", "Inspect JSON, jump from a finding to its object, or from a checklist item to its findings"),
            ("ctrl+p", "Command palette"),
        ]),
        ("Tables", [("j / down", "Next row"), ("k / up", "Previous row"), ("pgup / pgdn", "Page"),
                    ("o", "Sort: severity (default), name, finding count")]),
        ("Container actions (containers and findings panes)",
         entries([b for b in app.BINDINGS if isinstance(b, Binding) and b.action.startswith("container_")])),
        ("Inspect view", entries(list(InspectScreen.BINDINGS))),
    ]
    app.push_screen(HelpScreen(sections))


# --- remediation hooks ----------------------------------------------------------------------


def create_remediation(app: InspectorApp) -> Any:
    """Create the remediation controller, or return None when `inspector.tui.remediation` is absent."""
    try:
        module = importlib.import_module("inspector.tui.remediation")
    except ModuleNotFoundError as error:
        if error.name != "inspector.tui.remediation":
            raise
        log.info("container actions are not available: inspector.tui.remediation is missing")
        return None
    export_dir = getattr(app.config, "export_dir", None)
    return module.Remediation(
        app=app,
        source=app.source,
        audit_log_path=app.audit_log,
        read_only=app.read_only,
        export_dir=export_dir,
    )


def run_container_action(app: InspectorApp, method: str) -> None:
    """Call `app.remediation.<method>(container)`; the controller notifies why an action cannot run."""
    if app.remediation is None or not hasattr(app.remediation, method):
        app.notify("Container actions are not available in this build.", severity="warning", markup=False)
        return
    getattr(app.remediation, method)(app.selected_container())
