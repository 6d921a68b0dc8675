"""A scrolling view of plain-text rows that renders only what is visible, for long log lines."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LogView(ScrollView, can_focus=True):
    """Rows of already sanitised text, never parsed as markup, with search matches highlighted.

    A row is rendered through `Text`, so `[/bold]` in a log is shown as typed. Rendered rows
    are cached, and each frame crops them to the visible columns.
    """

    COMPONENT_CLASSES = {"log-view--match", "log-view--current"}

    BINDINGS = [
        Binding("k", "scroll_up", "Up", show=False, id="logs.up"),
        Binding("j", "scroll_down", "Down", show=False, id="logs.down"),
    ]

    class FollowChanged(Message):
        """Posted when following the newest line is paused or resumed."""

        def __init__(self, following: bool) -> None:
            super().__init__()
            self.following = following

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # While following, every append scrolls to the newest row; scrolling up pauses it.
        self.following = True
        self.rows: list[str] = []
        self._widths: list[int] = []
        self._max_width = 0
        self._pattern: re.Pattern[str] | None = None
        self._current: range = range(0)
        self._cache: LRUCache[int, Strip] = LRUCache(1024)

    def set_rows(self, rows: list[str]) -> None:
        """Replace every row."""
        self.rows = list(rows)
        self._widths = [cell_len(row) for row in self.rows]
        self._max_width = max(self._widths, default=0)
        self._cache.clear()
        self.virtual_size = Size(self._max_width, len(self.rows))
        self.refresh()
        self._keep_at_end()

    def append_rows(self, rows: list[str]) -> None:
        """Add rows at the end."""
        widths = [cell_len(row) for row in rows]
        self.rows.extend(rows)
        self._widths.extend(widths)
        self._max_width = max(self._max_width, max(widths, default=0))
        self.virtual_size = Size(self._max_width, len(self.rows))
        self.refresh()
        self._keep_at_end()

    def set_following(self, following: bool) -> None:
        """Pause or resume following; resuming scrolls to the newest row."""
        if following != self.following:
            self.following = following
            self.post_message(self.FollowChanged(following))
        self._keep_at_end()

    def _keep_at_end(self) -> None:
        if self.following:
            # Deferred until after the refresh, so the end is measured with the new rows laid out.
            self.scroll_end(animate=False, x_axis=False)

    def action_scroll_up(self) -> None:
        self.set_following(False)
        super().action_scroll_up()

    def action_page_up(self) -> None:
        self.set_following(False)
        super().action_page_up()

    def action_scroll_home(self) -> None:
        self.set_following(False)
        super().action_scroll_home()

    def action_scroll_end(self) -> None:
        self.set_following(True)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.set_following(False)
        super()._on_mouse_scroll_up(event)

    def set_highlight(self, pattern: re.Pattern[str] | None, current: range = range(0)) -> None:
        """Highlight every match of `pattern`, and the rows in `current` as the current match."""
        self._pattern = pattern
        self._current = current
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self.rows):
            return Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._render_row(index, base)
            self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _render_row(self, index: int, base: Style) -> Strip:
        row = self.rows[index]
        text = Text(row, no_wrap=True, end="")
        text.stylize(base)
        if self._pattern is not None:
            style = self.get_component_rich_style(
                "log-view--current" if index in self._current else "log-view--match"
            )
            for match in self._pattern.finditer(row):
                if match.end() > match.start():
                    text.stylize(style, match.start(), match.end())
        segments = [segment for segment in text.render(self.app.console) if segment.text != "\n"]
        return Strip(segments or [Segment("", base)], self._widths[index])
