"""The banner under the header that says when the engine is unreachable and what to do."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from inspector.tui.text import clean


class ConnectionBanner(Static):
    """Hidden while the engine is connected; otherwise explains the problem and the next step."""

    def on_mount(self) -> None:
        self.display = False

    def clear(self) -> None:
        """Hide the banner."""
        self.display = False
        self.remove_class("-no-engine", "-disconnected")

    def show_disconnected(self, endpoint: str, error: str, last_success: datetime | None) -> None:
        """Say the engine went away, that the data shown is stale, and that reconnection is automatic."""
        since = f" from {last_success:%H:%M:%S} UTC" if last_success else ""
        text = Text()
        text.append("Engine unreachable: ", style="bold")
        text.append(f"{clean(endpoint)}: {clean(error)}\n")
        text.append(f"Showing stale data{since}. Reconnecting automatically; press ctrl+r to retry now.")
        self.update(text)
        self.set_class(True, "-disconnected")
        self.set_class(False, "-no-engine")
        self.display = True

    def show_no_engine(self, endpoint: str, error: str, demo_available: bool) -> None:
        """Explain that no engine responded at start, what to do, and how to open the demo capture instead."""
        text = Text()
        text.append("No Docker engine answers: ", style="bold")
        text.append(f"{clean(endpoint)}: {clean(error)}\n")
        text.append("Start dockerd or choose an endpoint with --host or --context; dsc-tui keeps retrying.")
        if demo_available:
            text.append(" Press m to open the bundled demo capture instead.")
        self.update(text)
        self.set_class(True, "-no-engine")
        self.set_class(False, "-disconnected")
        self.display = True
