"""The overview pane: the checklist with pass, fail or manual per item, and the host's findings."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from inspector.model import ObjectKind
from inspector.tui.state import ScanResult
from inspector.tui.text import clean
from inspector.tui.widgets.resource_table import ResourceTable, drop_stale_renders
from inspector.tui.widgets.severity_styles import SEVERITY_CLASSES

STATUS_CLASSES = {
    "pass": "status--pass",
    "fail": "status--fail",
    "manual": "status--manual",
    "not checkable": "status--manual",
}
CHECKLIST_COLUMNS = (
    ("phase", "Phase"),
    ("item", "Checklist item"),
    ("status", "Status"),
    ("objects", "Objects"),
    ("findings", "Findings"),
    ("note", "Rules / note"),
)


class ChecklistTable(DataTable):
    """The checklist rows, whose cursor `j` and `k` move as in the resource tables."""

    BINDINGS = ResourceTable.BINDINGS


class OverviewPane(Vertical):
    """The checklist table and the host findings under it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status--pass",
        "status--fail",
        "status--manual",
        *SEVERITY_CLASSES,
    }

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.checklist = ChecklistTable(cursor_type="row", id="checklist-table")
        self.host_findings = Static(Text("No data yet."), id="host-findings")
        # Each checklist row's cells as (text, style), to update only the cells that changed.
        self._shown_cells: dict[str, tuple[tuple[str, str], ...]] = {}
        self._shown_host_text: Text | None = None

    def compose(self) -> ComposeResult:
        yield self.checklist
        yield self.host_findings

    def on_mount(self) -> None:
        for key, label in CHECKLIST_COLUMNS:
            self.checklist.add_column(label, key=key)

    def _style(self, name: str) -> object:
        return self.get_component_rich_style(name, partial=True)

    def show_result(self, result: ScanResult) -> None:
        """Show the checklist evaluated on `result`'s findings, updating only the cells that changed."""
        from inspector.rules.checklist import evaluate_checklist

        checklist = evaluate_checklist(list(result.findings))
        changed = False
        with self.app.batch_update():
            for entry in checklist:
                item = entry.item
                key = f"{item.phase}|{item.title}"
                counted = entry.status not in ("manual",)
                cells = [
                    Text(item.phase),
                    Text(item.title),
                    Text(entry.status, style=self._style(STATUS_CLASSES.get(entry.status, "status--manual"))),
                    Text(str(entry.affected_objects) if counted else "-", justify="right"),
                    Text(str(entry.finding_count) if counted else "-", justify="right"),
                    Text(item.note or ", ".join(item.rule_ids) or "-", no_wrap=True, overflow="ellipsis"),
                ]
                changed = self._show_row(key, cells) or changed
            if changed:
                drop_stale_renders(self.checklist)
        host_text = self._host_text(result)
        if host_text != self._shown_host_text:
            self._shown_host_text = host_text
            self.host_findings.update(host_text)

    def _show_row(self, key: str, cells: list[Text]) -> bool:
        """Add the row, or update those of its cells that changed; return whether any did."""
        signature = tuple((cell.plain, str(cell.style)) for cell in cells)
        previous = self._shown_cells.get(key)
        self._shown_cells[key] = signature
        if previous is None:
            self.checklist.add_row(*cells, key=key)
            return True
        # A container starting or stopping rarely changes the checklist, and every update_cell
        # makes the table render all its visible rows again.
        changed = False
        for (column, _), cell, old, new in zip(CHECKLIST_COLUMNS, cells, previous, signature, strict=True):
            if old != new:
                self.checklist.update_cell(key, column, cell)
                changed = True
        return changed

    def _host_text(self, result: ScanResult) -> Text:
        host_findings = [f for f in result.findings if f.kind is ObjectKind.HOST]
        text = Text()
        text.append(f"Host findings ({len(host_findings)})\n", style="bold")
        if not host_findings:
            text.append("  none\n")
        for finding in host_findings:
            severity = "none" if finding.waived else finding.severity.value
            text.append(f"  {finding.severity.value:<8} ", style=self._style(f"severity--{severity}"))
            text.append(f"{clean(finding.rule)}  {clean(finding.message)}\n")
        return text
