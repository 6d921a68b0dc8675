"""Engine strings made safe for the screen: no markup, no escape or control sequences."""

from __future__ import annotations

import re
from typing import Any

from rich.style import Style
from rich.text import Text

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte ESC sequences, C1 CSI (0x9b).
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
# Every C0 and C1 control character except tab, which becomes a space.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def clean(value: Any) -> str:
    """Return `value` as a single-line string with escape sequences and control characters removed."""
    text = "" if value is None else str(value)
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = text.replace("\t", " ")
    return _CONTROL.sub("", text)


def literal(value: Any, style: Style | str = "") -> Text:
    """Return `value` as a `Text` shown literally, never parsed as markup."""
    return Text(clean(value), style=style, no_wrap=True, overflow="ellipsis")


class SortableText(Text):
    """A table cell that sorts by `sort_value` rather than by its text."""

    def __init__(self, text: str, sort_value: Any, style: Style | str = "") -> None:
        super().__init__(clean(text), style=style, no_wrap=True, overflow="ellipsis")
        self.sort_value = sort_value
