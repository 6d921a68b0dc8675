"""A data table keyed by object id and updated by diff, so the cursor and scroll stay put."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from inspector.model import Severity
from inspector.tui.rows import Row
from inspector.tui.widgets.severity_styles import SEVERITY_CLASSES, severity_style

SORT_ORDERS = ("severity", "name", "findings")


def drop_stale_renders(table: DataTable) -> None:
    """Drop the cached renders of `table` after a change to its rows, cells or order.

    DataTable (Textual 8) keys its row, cell and line caches by a counter that add_row,
    update_cell, remove_row and sort raise, so no entry made before a change is read again.
    Its LRU caches evict such entries only past 1,000 rows or lines and 10,000 cells, so each
    table that showed live updates kept about 15 MiB of them (measured with 1,036 containers
    in a 160x48 terminal).
    """
    # NOTE: `_clear_caches` is private API, which DataTable itself calls on clear() and style changes.
    table._clear_caches()


class ResourceTable(DataTable):
    """Rows of one pane; `show_rows` diffs against what is on screen instead of clearing."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(SEVERITY_CLASSES)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
    ]

    def __init__(self, columns: Iterable[tuple[str, str]], name_column: str = "name", **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._column_spec = tuple(columns)
        self._name_column = name_column
        self._rows: dict[str, Row] = {}
        self.sort_order = "severity"

    def on_mount(self) -> None:
        for key, label in self._column_spec:
            self.add_column(label, key=key)

    def severity_style(self, severity: Severity | None) -> Style:
        """Return the style the stylesheet gives a severity (or no finding)."""
        return severity_style(self, severity)

    @property
    def shown_rows(self) -> dict[str, Row]:
        """The rows on screen by key."""
        return self._rows

    def highlighted_row(self) -> Row | None:
        """Return the row under the cursor, or None when the table is empty."""
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except RowDoesNotExist:
            return None
        return self._rows.get(key or "")

    def show_rows(self, rows: Iterable[Row]) -> None:
        """Bring the table to `rows`: remove gone keys, update changed cells, add new rows, sort once."""
        desired = {row.key: row for row in rows}
        highlighted = self.highlighted_row()
        column_keys = [key for key, _ in self._column_spec]
        changed = False

        with self.app.batch_update():
            for key in [k for k in self._rows if k not in desired]:
                self.remove_row(key)
                del self._rows[key]
                changed = True
            for key, row in desired.items():
                previous = self._rows.get(key)
                if previous is row:
                    continue
                if previous is None:
                    self.add_row(*row.cells, key=key)
                    changed = True
                elif previous.signature() != row.signature():
                    for column, (old, new) in zip(column_keys, zip(previous.cells, row.cells, strict=True)):
                        if (old.plain, str(old.style)) != (new.plain, str(new.style)):
                            self.update_cell(key, column, new, update_width=True)
                    changed = True
                self._rows[key] = row
            # Sorting invalidates every cached render, so a result that changed no cell keeps
            # the order and the renders it has.
            if not changed:
                return
            self._apply_sort()
            if highlighted is not None and highlighted.key in self._rows:
                self.move_cursor(row=self.get_row_index(highlighted.key), scroll=False)
            drop_stale_renders(self)

    def set_sort_order(self, order: str) -> None:
        """Sort by `severity` (worst first), `name`, or `findings` (most first)."""
        if order not in SORT_ORDERS:
            raise ValueError(f"invalid sort order {order!r}: expected one of {', '.join(SORT_ORDERS)}")
        self.sort_order = order
        highlighted = self.highlighted_row()
        self._apply_sort()
        if highlighted is not None:
            self.move_cursor(row=self.get_row_index(highlighted.key))
        drop_stale_renders(self)

    def _apply_sort(self) -> None:
        if not self._rows:
            return
        # DataTable.sort hands the key function only cell values, so the name column breaks ties
        # and the severity cell carries its rank and finding count as `sort_value`.
        name = self._name_column
        if self.sort_order == "name":
            self.sort(name, key=lambda cell: cell.plain.casefold())
        elif self.sort_order == "findings":
            self.sort("severity", name, key=lambda cells: (-cells[0].sort_value[1], cells[1].plain.casefold()))
        else:
            self.sort("severity", name,
                      key=lambda cells: (-cells[0].sort_value[0], -cells[0].sort_value[1], cells[1].plain.casefold()))
