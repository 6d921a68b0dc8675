"""Engine strings made safe for the screen: no markup, no escape or control sequences."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text

from inspector.text import clean

__all__ = ["SortableText", "clean", "container_label", "literal"]


def container_label(container: Any) -> str:
    """Return `name (short id)`, how every message names a container."""
    return f"{container.name} ({container.short_id})"


def literal(value: Any, style: Style | str = "") -> Text:
    """Return `value` as a `Text` shown literally, never parsed as markup."""
    return Text(clean(value), style=style, no_wrap=True, overflow="ellipsis")


class SortableText(Text):
    """A table cell that sorts by `sort_value` rather than by its text."""

    def __init__(self, text: str, sort_value: Any, style: Style | str = "") -> None:
        super().__init__(clean(text), style=style, no_wrap=True, overflow="ellipsis")
        self.sort_value = sort_value
