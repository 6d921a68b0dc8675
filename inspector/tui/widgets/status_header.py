"""The header line: endpoint, context, engine version, connection state and finding counts."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widgets import Static

from inspector.model import Severity
from inspector.model.findings import SEVERITIES_WORST_FIRST
from inspector.tui.text import clean
from inspector.tui.widgets.severity_styles import SEVERITY_CLASSES

CONNECTION_LABELS = {
    "connecting": "connecting",
    "connected": "live",
    "disconnected": "disconnected (stale)",
    "offline": "offline capture",
    "no-engine": "no engine",
}

SHORT_NAMES = {
    Severity.CRITICAL: "crit",
    Severity.HIGH: "high",
    Severity.MEDIUM: "med",
    Severity.LOW: "low",
    Severity.INFO: "info",
}


class StatusHeader(Static):
    """One or two lines at the top; wraps on narrow terminals instead of cutting the counts."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "header--title",
        "header--label",
        "header--state-ok",
        "header--state-bad",
        *SEVERITY_CLASSES,
    }

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.endpoint = ""
        self.context: str | None = None
        self.engine_version = ""
        self.connection = "connecting"
        self.counts: dict[Severity, int] = {}
        self._shown_text: Text | None = None

    def show(self, *, endpoint: str | None = None, context: str | None = None, engine_version: str | None = None,
             connection: str | None = None, counts: dict[Severity, int] | None = None) -> None:
        """Change any of the shown values and redraw."""
        if endpoint is not None:
            self.endpoint = endpoint
        if context is not None:
            self.context = context
        if engine_version is not None:
            self.engine_version = engine_version
        if connection is not None:
            self.connection = connection
        if counts is not None:
            self.counts = counts
        text = self._render_text()
        # Each update lays out the whole screen again, and most results change nothing here.
        if text == self._shown_text:
            return
        self._shown_text = text
        self.update(text)

    def _style(self, name: str) -> object:
        return self.get_component_rich_style(name, partial=True)

    def _render_text(self) -> Text:
        text = Text(no_wrap=False)
        text.append("dsc-tui ", style=self._style("header--title"))
        text.append(clean(self.endpoint))
        if self.context:
            text.append("  context ", style=self._style("header--label"))
            text.append(clean(self.context))
        if self.engine_version:
            text.append("  engine ", style=self._style("header--label"))
            text.append(clean(self.engine_version))
        healthy = self.connection in ("connected", "offline")
        text.append("  ")
        text.append(CONNECTION_LABELS.get(self.connection, self.connection),
                    style=self._style("header--state-ok" if healthy else "header--state-bad"))
        text.append("  ")
        for severity in SEVERITIES_WORST_FIRST:
            count = self.counts.get(severity, 0)
            text.append(f" {SHORT_NAMES[severity]} {count} ", style=self._style(f"severity--{severity.value}"))
        return text
