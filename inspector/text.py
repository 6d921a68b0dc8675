"""Engine text made safe for a terminal or a document: no escape sequences, no control characters.

Names, labels, env, messages and logs come from the engine and may hold terminal escape
sequences (colour, cursor movement, clear screen, OSC titles, OSC 52 clipboard writes). The
TUI, the reports and the log viewer all pass such text through here, so one pattern decides
what reaches a terminal. Nothing here imports `docker` or `textual`.
"""

from __future__ import annotations

import re
from typing import Any

# Escape and control sequences a terminal would act on. Sequences whose terminator is missing
# run to the end of the text, so a truncated OSC payload cannot leak through.
_ESCAPE_SEQUENCE = re.compile(
    r"""
      \x1b\[ [0-?]* [\x20-/]* (?:[@-~]|$)          # CSI: colours, cursor movement, clear screen
    | \x1b[\]PX^_] .*? (?:\x07|\x1b\\|$)           # OSC (titles, OSC 52 clipboard), DCS, SOS, PM, APC
    | \x9b [0-?]* [\x20-/]* (?:[@-~]|$)            # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f] .*? (?:\x07|\x9c|\x1b\\|$)  # 8-bit DCS, SOS, OSC, PM, APC
    | \x1b [\x20-/]* [0-~]?                        # any other escape sequence, or a lone ESC
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 controls except tab and newline, DEL, C1 controls, and the Unicode line and paragraph
# separators (which would split one line into several screen lines).
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


def sanitize_text(text: str) -> str:
    """Remove every terminal escape sequence and control character except tab and newline."""
    if text.isprintable():
        return text
    return _CONTROL_CHARACTER.sub("", _ESCAPE_SEQUENCE.sub("", text))


def clean(value: Any) -> str:
    """Return `value` as one line of text with escape sequences and control characters removed."""
    text = "" if value is None else str(value)
    if text.isprintable():
        return text
    return sanitize_text(text.translate(_LINE_BREAKS))
