"""The JSON report (`scan --format json`)."""

from __future__ import annotations

import json
from typing import Any


def render_json(report: dict[str, Any]) -> str:
    """Serialize a report built by `build_report`, keeping its key order."""
    # ensure_ascii escapes control characters and non-ASCII, so engine text never reaches a terminal raw.
    return json.dumps(report, indent=2, ensure_ascii=True) + "\n"
