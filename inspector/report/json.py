"""The JSON report (`scan --format json`)."""

from __future__ import annotations

import json
from typing import Any

INDENT = "  "


def render_json(report: dict[str, Any]) -> str:
    """Serialize a report built by `build_report`, keeping its key order.

    Objects and arrays that contain other objects or arrays are indented. One whose values are all
    plain (a finding, the host, the summary) is written on one line, which keeps one finding per
    line for grep and diff. It also lets the C encoder write each finding, because `json.dumps`
    with `indent` runs in pure Python: that took 0.16 s of a 1.8 s scan of 1000 containers.
    """
    return _encode(report, 0) + "\n"


_NESTING = frozenset({dict, list})


def _encode(value: Any, level: int) -> str:
    # ensure_ascii escapes control characters and non-ASCII, so engine text never reaches a terminal raw.
    if type(value) not in _NESTING or not value:
        return json.dumps(value, ensure_ascii=True)
    values = value.values() if isinstance(value, dict) else value
    if _NESTING.isdisjoint(map(type, values)):
        return json.dumps(value, ensure_ascii=True)
    inner = INDENT * (level + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(str(key), ensure_ascii=True)}: {_encode(item, level + 1)}"
                 for key, item in value.items()]
        opening, closing = "{", "}"
    else:
        items = [inner + _encode(item, level + 1) for item in value]
        opening, closing = "[", "]"
    return opening + "\n" + ",\n".join(items) + "\n" + INDENT * level + closing
