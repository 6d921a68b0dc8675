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

    def action_close(self) -> None:
        """Close the help screen."""
        self.dismiss()
