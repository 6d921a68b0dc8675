"""The help screen: every key binding and what it does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """Lists key bindings as `key  description`; any of `esc`, `q` or `?` closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("q", "close", "Close", show=False, id="help.quit"),
        Binding("question_mark", "close", "Close", show=False, id="help.toggle"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help.up"),
        Binding("pagedown,space", "scroll('page_down')", "Page down", show=False, id="help.page_down"),
        Binding("pageup", "scroll('page_up')", "Page up", show=False, id="help.page_up"),
        Binding("home,g", "scroll('home')", "Top", show=False, id="help.home"),
        Binding("end,G", "scroll('end')", "Bottom", show=False, id="help.end"),
    ]

    def __init__(self, sections: Iterable[tuple[str, Iterable[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = [(title, list(entries)) for title, entries in sections]

    def compose(self) -> ComposeResult:
        text = Text()
        for title, entries in self.sections:
            if text:
                text.append("\n")
            text.append(f"{title}\n", style="bold")
            for key, description in entries:
                text.append(f"  {key:<12}", style="bold")
                text.append(f"{description}\n")
        with VerticalScroll(id="help-body"):
            yield Static(text, id="help-text")

    def action_scroll(self, direction: str) -> None:
        """Scroll the list of bindings, which is longer than a small terminal."""
        body = self.query_one("#help-body", VerticalScroll)
        getattr(body, f"scroll_{direction}")(animate=False)

    def action_close(self) -> None:
        """Close the help screen."""
        self.dismiss()
