"""The component classes that carry severity colours, shared by every widget that shows a severity."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget

from inspector.model import Severity

# `severity--none` styles an object with no unwaived finding.
SEVERITY_CLASSES: frozenset[str] = frozenset(
    {f"severity--{severity.value}" for severity in Severity} | {"severity--none"}
)


def severity_style(widget: Widget, severity: Severity | None) -> Style:
    """Return the style the stylesheet gives `severity` (None for no finding) on `widget`."""
    name = severity.value if severity else "none"
    return widget.get_component_rich_style(f"severity--{name}", partial=True)
