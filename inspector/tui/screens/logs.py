"""The log viewer: a container's last lines, then new ones live, with search, timestamps and wrap."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

import requests
from rich.cells import chop_cells
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Label

from inspector.engine.actions import ActionError
from inspector.engine.logs import close_log_stream, stream_log_lines
from inspector.engine.logtext import LogLine
from inspector.tui.screens.confirm import REMEDIATION_CSS
from inspector.tui.screens.log_view import LogView

log = logging.getLogger(__name__)

# The viewer keeps at most this many lines, or the tail size if that is larger. Older lines
# are dropped in blocks, so a chatty container cannot grow memory without limit.
MIN_KEPT_LINES = 10_000
# Lines may be up to a million characters each, so the kept text is bounded as well.
MAX_KEPT_CHARACTERS = 50_000_000
TAB_SIZE = 8


class LogScreen(Screen[None]):
    """A container's log: the last `tail` lines, then followed live until the screen closes."""

    CSS_PATH = REMEDIATION_CSS

    BINDINGS = [
        Binding("escape", "close", "Back", id="logs.close"),
        Binding("q", "close", "Back", show=False, id="logs.quit"),
        Binding("slash", "search", "Search", id="logs.search"),
        Binding("n", "next_match", "Next", id="logs.next"),
        Binding("N", "previous_match", "Previous", id="logs.previous"),
        Binding("t", "toggle_timestamps", "Timestamps", id="logs.timestamps"),
        Binding("w", "toggle_wrap", "Wrap", id="logs.wrap"),
        Binding("G", "scroll_to_end", "End", show=False, id="logs.end"),
    ]

    def __init__(self, api: Any, inspect: dict[str, Any], *, tail: int = 1000, follow: bool = True) -> None:
        super().__init__(classes="log-screen")
        self.api = api
        self.inspect = inspect
        self.tail = tail
        self.follow = follow
        self.container_id = str(inspect.get("Id") or "")
        self.container_name = str(inspect.get("Name") or "").lstrip("/")
        self.max_lines = max(tail, MIN_KEPT_LINES)
        self.lines: list[LogLine] = []
        self.kept_characters = 0
        self.row_starts: list[int] = []
        self.show_timestamps = False
        self.wrap = False
        self.pattern: re.Pattern[str] | None = None
        self.search_term = ""
        self.current_match: int | None = None
        self.stream_state = "loading"
        self._stop = threading.Event()
        self._response: requests.Response | None = None
        self._wrap_width = 0

    def compose(self) -> ComposeResult:
        yield Label(Text(self._title()), id="log-title")
        yield LogView(id="log-view")
        yield Input(placeholder="search (enter: find, esc: close)", id="log-search", classes="hidden")
        yield Label(Text(""), id="log-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LogView).focus()
        self._read_logs()

    def on_unmount(self) -> None:
        self._stop_stream()

    # -- reading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="logs", exit_on_error=False)
    def _read_logs(self) -> None:
        try:
            for batch in stream_log_lines(
                self.api, self.inspect, tail=self.tail, follow=self.follow, stop=self._stop,
                on_open=self._remember_response,
            ):
                if self._stop.is_set():
                    return
                self.app.call_from_thread(self.add_lines, batch)
        except ActionError as error:
            if not self._stop.is_set():
                log.warning("log stream of container %s failed: %s", self.container_id, error)
                self.app.call_from_thread(self._set_stream_state, f"error: {error}")
            return
        except Exception as error:  # noqa: BLE001 - the status line must leave "loading" whatever happens
            if not self._stop.is_set():
                log.exception("log stream of container %s failed", self.container_id)
                self.app.call_from_thread(self._set_stream_state, f"error: {error}")
            return
        if not self._stop.is_set():
            self.app.call_from_thread(self._set_stream_state, "ended")

    def _remember_response(self, response: requests.Response) -> None:
        self._response = response
        if self._stop.is_set():
            close_log_stream(response)
        else:
            self.app.call_from_thread(self._set_stream_state, "following" if self.follow else "loaded")

    def _stop_stream(self) -> None:
        self._stop.set()
        if self._response is not None:
            close_log_stream(self._response)

    def _set_stream_state(self, state: str) -> None:
        self.stream_state = state
        if not self.is_mounted:
            return
        self._update_status()

    # -- lines and rows -----------------------------------------------------------------------

    def add_lines(self, batch: list[LogLine]) -> None:
        """Append lines from the stream, keeping the view at the end if it was there."""
        if not self.is_mounted:
            # The reading thread may deliver one last batch after the screen closed.
            return
        view = self.query_one(LogView)
        self.lines.extend(batch)
        self.kept_characters += sum(len(line.text) for line in batch)
        if len(self.lines) > self.max_lines + self.max_lines // 10 or self.kept_characters > MAX_KEPT_CHARACTERS:
            self._drop_oldest_lines()
            self.current_match = None
            self._rebuild_rows()
        else:
            rows: list[str] = []
            next_row = len(view.rows)
            for line in batch:
                self.row_starts.append(next_row)
                line_rows = self._rows_of(line)
                rows.extend(line_rows)
                next_row += len(line_rows)
            view.append_rows(rows)
        self._update_status()

    def _drop_oldest_lines(self) -> None:
        drop = max(len(self.lines) - self.max_lines, 0)
        self.kept_characters -= sum(len(line.text) for line in self.lines[:drop])
        while drop < len(self.lines) - 1 and self.kept_characters > MAX_KEPT_CHARACTERS * 0.9:
            self.kept_characters -= len(self.lines[drop].text)
            drop += 1
        del self.lines[:drop]

    def display_text(self, line: LogLine) -> str:
        """Return the line as shown: with its timestamp when timestamps are on, tabs expanded."""
        text = line.text.expandtabs(TAB_SIZE)
        if self.show_timestamps and line.timestamp:
            return f"{line.timestamp} {text}"
        return text

    def _rows_of(self, line: LogLine) -> list[str]:
        text = self.display_text(line)
        if not self.wrap or not text:
            return [text]
        return chop_cells(text, max(self._wrap_width, 1))

    def _rebuild_rows(self) -> None:
        view = self.query_one(LogView)
        # Reserve the vertical scrollbar's columns: wrapping usually adds enough rows to show it.
        self._wrap_width = max(view.size.width - view.styles.scrollbar_size_vertical, 1) if view.size.width else 80
        rows: list[str] = []
        self.row_starts = []
        for line in self.lines:
            self.row_starts.append(len(rows))
            rows.extend(self._rows_of(line))
        view.set_rows(rows)
        self._apply_highlight()

    def rendered_rows(self) -> list[str]:
        """Return every row the view holds, as shown (for tests and copying)."""
        return list(self.query_one(LogView).rows)

    def on_resize(self) -> None:
        if self.wrap:
            self._rebuild_rows()

    # -- keys -----------------------------------------------------------------------------------

    def action_close(self) -> None:
        """Stop following and return to the previous screen."""
        search = self.query_one("#log-search", Input)
        if not search.has_class("hidden"):
            self._hide_search()
            return
        self._stop_stream()
        self.dismiss()

    def action_toggle_timestamps(self) -> None:
        """Show or hide the engine's timestamp before each line."""
        self.show_timestamps = not self.show_timestamps
        self._rebuild_rows()
        self._update_status()

    def action_toggle_wrap(self) -> None:
        """Wrap long lines at the screen width, or scroll them horizontally."""
        self.wrap = not self.wrap
        self._rebuild_rows()
        self._update_status()

    def action_scroll_to_end(self) -> None:
        """Jump to the newest line and keep following."""
        self.current_match = None
        self._apply_highlight()
        self.query_one(LogView).set_following(True)
        self._update_status()

    def on_log_view_follow_changed(self, event: LogView.FollowChanged) -> None:
        event.stop()
        if event.following and self.current_match is not None:
            # End resumes following, so the match no longer holds the view.
            self.current_match = None
            self._apply_highlight()
        self._update_status()

    def action_search(self) -> None:
        """Open the search box."""
        search = self.query_one("#log-search", Input)
        search.remove_class("hidden")
        search.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Search for the typed text (case-insensitive) from the top of the view."""
        event.stop()
        term = event.value
        self._hide_search()
        if not term:
            self.pattern = None
            self.current_match = None
            self._apply_highlight()
            self._update_status()
            return
        self.search_term = term
        self.pattern = re.compile(re.escape(term), re.IGNORECASE)
        self.current_match = None
        self._find(forward=True, start=self._top_line() - 1)

    def _hide_search(self) -> None:
        search = self.query_one("#log-search", Input)
        search.add_class("hidden")
        self.query_one(LogView).focus()

    def action_next_match(self) -> None:
        """Go to the next line matching the search."""
        self._find(forward=True)

    def action_previous_match(self) -> None:
        """Go to the previous line matching the search."""
        self._find(forward=False)

    def _top_line(self) -> int:
        top_row = self.query_one(LogView).scroll_offset.y
        line = 0
        for index, start in enumerate(self.row_starts):
            if start > top_row:
                break
            line = index
        return line

    def _find(self, *, forward: bool, start: int | None = None) -> None:
        if self.pattern is None:
            self.notify("Press / to search first.", severity="warning", markup=False)
            return
        count = len(self.lines)
        if count == 0:
            return
        origin = self.current_match if start is None else start
        if origin is None:
            origin = self._top_line() - 1 if forward else self._top_line()
        step = 1 if forward else -1
        for offset in range(1, count + 1):
            index = (origin + step * offset) % count
            if self.pattern.search(self.display_text(self.lines[index])):
                self.current_match = index
                self._apply_highlight()
                self._scroll_to_line(index)
                self._update_status()
                return
        self.current_match = None
        self._apply_highlight()
        self._update_status(f"not found: {self.search_term}")

    def _scroll_to_line(self, index: int) -> None:
        view = self.query_one(LogView)
        # A match stays in view: following would scroll it away with the next line.
        view.set_following(False)
        row = self.row_starts[index]
        view.scroll_to(y=max(row - view.size.height // 2, 0), animate=False)
        if not self.wrap:
            match = self.pattern.search(self.display_text(self.lines[index])) if self.pattern else None
            if match is not None and match.start() >= view.size.width:
                view.scroll_to(x=max(match.start() - view.size.width // 2, 0), animate=False)
            else:
                view.scroll_to(x=0, animate=False)

    def _apply_highlight(self) -> None:
        current = range(0)
        if self.current_match is not None and self.current_match < len(self.row_starts):
            start = self.row_starts[self.current_match]
            end = self.row_starts[self.current_match + 1] if self.current_match + 1 < len(self.row_starts) else start + 1
            current = range(start, end)
        self.query_one(LogView).set_highlight(self.pattern, current)

    # -- title and status ---------------------------------------------------------------------

    def _title(self) -> str:
        return f"Logs of {self.container_name} ({self.container_id[:12]})"

    def _update_status(self, note: str | None = None) -> None:
        state = self.stream_state
        if state == "following" and self.is_mounted and not self.query_one(LogView).following:
            state = "paused (End or G follows)"
        parts = [f"{len(self.lines)} lines", state]
        parts.append("timestamps on" if self.show_timestamps else "timestamps off")
        parts.append("wrap on" if self.wrap else "wrap off")
        if self.current_match is not None:
            parts.append(f"match at line {self.current_match + 1}")
        if note:
            parts.append(note)
        self.query_one("#log-status", Label).update(Text("  |  ".join(parts)))
