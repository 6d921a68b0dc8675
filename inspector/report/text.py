"""Engine text made safe for a terminal or a document: one line, no escape sequences, no control characters."""

from __future__ import annotations

import re
from typing import Any

# Terminal escape sequences: CSI (`ESC [` ... final byte), OSC (`ESC ]` ... BEL or ST), DCS, SOS, PM and
# APC strings (`ESC P`, `ESC X`, `ESC ^`, `ESC _` ... ST), other two-byte `ESC` sequences, and the
# 8-bit CSI (0x9b). Removing a whole sequence keeps its parameters from showing up as stray text.
_ESCAPE_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
# C0 and C1 control characters and DEL. Tab, newline and carriage return become spaces first.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WHITESPACE_CONTROLS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


def clean(value: Any) -> str:
    """Return `value` as one line of text with escape sequences and control characters removed."""
    text = "" if value is None else str(value)
    text = _ESCAPE_SEQUENCES.sub("", text)
    text = text.translate(_WHITESPACE_CONTROLS)
    return _CONTROL_CHARACTERS.sub("", text)
