"""A full-screen view of one object's inspect JSON (already redacted), scrollable and searchable."""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TextArea
from textual.widgets.text_area import Selection

from inspector.tui.text import clean, literal

# json.dumps escapes C0 controls but leaves DEL and C1 controls, which a terminal may act on.
_UNESCAPED_CONTROL = re.compile(r"[\x7f-\x9f]")


def inspect_json_text(data: Any) -> str:
    """Return `data` as indented JSON in which every control character is a \\u escape."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    return _UNESCAPED_CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


class InspectScreen(Screen):
    """The inspect JSON of one object; `/` searches, `n` finds the next match, `esc` goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="inspect.back"),
        Binding("q", "back", "Back", show=False, id="inspect.quit"),
        Binding("slash", "search", "Search", id="inspect.search"),
        Binding("n", "next_match", "Next match", id="inspect.next"),
    ]

    def __init__(self, title: str, data: Any) -> None:
        super().__init__()
        self.object_title = clean(title)
        self.json_text = inspect_json_text(data)
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Static(literal(f"inspect: {self.object_title}"), id="inspect-title")
        yield Input(placeholder="search the JSON, enter to find", id="inspect-search")
        yield TextArea(self.json_text, read_only=True, show_line_numbers=True, id="inspect-json",
                       soft_wrap=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#inspect-search", Input).display = False
        self.query_one("#inspect-json", TextArea).focus()

    def action_back(self) -> None:
        """Close the inspect view, or the search box when it has focus."""
        search = self.query_one("#inspect-search", Input)
        if search.has_focus:
            search.display = False
            self.query_one("#inspect-json", TextArea).focus()
            return
        self.dismiss()

    def action_search(self) -> None:
        """Open the search box."""
        search = self.query_one("#inspect-search", Input)
        search.display = True
        search.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_text = event.value
        self.query_one("#inspect-json", TextArea).focus()
        self.action_next_match()

    def action_next_match(self) -> None:
        """Select the next occurrence of the search text after the cursor, wrapping at the end."""
        if not self.query_text:
            return
        area = self.query_one("#inspect-json", TextArea)
        lines = self.json_text.splitlines()
        needle = self.query_text.casefold()
        row, column = area.selection.end
        order = list(range(row, len(lines))) + list(range(0, row + 1))
        for index, line_number in enumerate(order):
            start_column = column if index == 0 else 0
            found = lines[line_number].casefold().find(needle, start_column)
            if found >= 0:
                area.selection = Selection((line_number, found), (line_number, found + len(needle)))
                area.scroll_cursor_visible(center=True)
                return
        self.notify(f"no match for {clean(self.query_text)!r}", severity="warning", markup=False)
