"""A pane with a resource table on the left and the highlighted object's details on the right."""

from __future__ import annotations

from collections.abc import Iterator

from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable

from inspector.model import Severity
from inspector.tui.rows import CACHED_ROW_BUILDERS, COLUMNS, ROW_BUILDERS, Row, RowCache
from inspector.tui.state import ScanResult
from inspector.tui.widgets.detail import DetailPanel
from inspector.tui.widgets.resource_table import ResourceTable


class ResourcePane(Horizontal):
    """The containers, images, networks, secrets or findings pane."""

    class Selected(Message):
        """Posted when the highlighted object changes (kind and id, or None when the table is empty)."""

        def __init__(self, pane: ResourcePane, row: Row | None) -> None:
            super().__init__()
            self.pane = pane
            self.row = row

    def __init__(self, pane_name: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.pane_name = pane_name
        name_column = "object" if pane_name == "findings" else "name"
        self.table = ResourceTable(
            COLUMNS[pane_name], name_column=name_column, id=f"{pane_name}-table", classes="resource-table"
        )
        self.detail = DetailPanel(id=f"{pane_name}-detail", classes="detail-panel")
        self.result: ScanResult | None = None
        self.filter_text = ""
        # A checklist item opened from the overview: its title, and the rules whose rows are shown.
        self.rule_filter_title = ""
        self.rule_filter: frozenset[str] = frozenset()
        self._row_cache = RowCache()
        self._cached_styles: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield self.table
        yield self.detail

    def show_result(self, result: ScanResult) -> None:
        """Diff the table against `result` (with the filter applied) and refresh the details."""
        self.result = result
        styles = {severity: self.table.severity_style(severity) for severity in (*Severity, None)}
        rows = self._build_rows(result, styles)
        needle = self.filter_text.casefold()
        rules = self.rule_filter
        self.table.show_rows(
            row for row in rows if needle in row.search_text and (not rules or not rules.isdisjoint(row.rules))
        )
        self._show_detail(self.table.highlighted_row())
        if self.filtered:
            # The status line counts the rows shown, so it must follow live updates too. Imported
            # here because navigation imports this module.
            from inspector.tui.navigation import show_filter_status

            show_filter_status(self.app)  # type: ignore[arg-type]

    def _build_rows(self, result: ScanResult, styles: dict[Severity | None, Style]) -> Iterator[Row]:
        cached_builder = CACHED_ROW_BUILDERS.get(self.pane_name)
        if cached_builder is None:
            return ROW_BUILDERS[self.pane_name](result, styles.__getitem__)
        # A theme change restyles every severity cell, so no cached row may be reused after one.
        style_key = tuple(str(style) for style in styles.values())
        if style_key != self._cached_styles:
            self._row_cache.clear()
            self._cached_styles = style_key
        self._row_cache.start_build()
        return cached_builder(result, styles.__getitem__, self._row_cache)

    def set_filter(self, text: str) -> None:
        """Show only rows whose name, image, rule ids or severities contain `text`."""
        self.filter_text = text
        if self.result is not None:
            self.show_result(self.result)

    def set_filters(self, text: str = "", rule_title: str = "", rules: frozenset[str] = frozenset()) -> None:
        """Replace both filters: `text` as `set_filter` takes it, and a checklist item's `rules` (none: every row).

        Only rows with a finding of one of `rules` are shown, and `rule_title` names the item.
        """
        self.filter_text = text
        self.rule_filter_title = rule_title
        self.rule_filter = rules
        if self.result is not None:
            self.show_result(self.result)

    @property
    def filtered(self) -> bool:
        """Whether a text filter or a checklist item hides rows."""
        return bool(self.filter_text or self.rule_filter)

    def _show_detail(self, row: Row | None) -> None:
        item = self.result.find_object(row.kind, row.object_id) if (row and self.result) else None
        self.detail.show_object(row.kind if (row and item) else None, item, self.result)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        row = self.table.highlighted_row()
        self._show_detail(row)
        self.post_message(self.Selected(self, row))

    def on_resize(self) -> None:
        # Narrow terminals stack the detail under the table rather than beside it.
        self.set_class(self.size.width < 110, "-narrow")
