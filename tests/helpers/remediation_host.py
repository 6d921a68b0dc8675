"""A small Textual app that hosts `Remediation` on one container, as the main app wires it.

Both the Pilot tests (on sources that never reach an engine) and the integration tests (on the
real engine) drive the remediation keys through it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from inspector.model import Container
from inspector.tui.remediation import Remediation

STYLES = Path(__file__).resolve().parents[2] / "styles"

KEYS = {
    "s": "stop",
    "p": "pause",
    "r": "restart",
    "l": "logs",
    "d": "disconnect",
    "i": "isolate",
    "e": "export_logs",
    "c": "commit",
}


class RemediationApp(App[None]):
    """One container and the remediation keys, as the main app wires them."""

    CSS_PATH = [STYLES / "remediation.tcss"]
    BINDINGS = [Binding(key, f"run('{verb}')", verb) for key, verb in KEYS.items()]

    def __init__(
        self,
        source: Any,
        container: Container | None,
        *,
        audit_log_path: Path,
        export_dir: Path,
        read_only: bool = False,
        log_tail: int | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.container = container
        self.refreshed: list[tuple[str, str]] = []
        self.notifications_seen: list[tuple[str, str]] = []
        self.remediation = Remediation(
            app=self, source=source, audit_log_path=audit_log_path, read_only=read_only,
            export_dir=export_dir, log_tail=log_tail,
        )

    def compose(self) -> ComposeResult:
        yield Static("remediation test app")
        yield Footer()

    def selected_container(self) -> Container | None:
        return self.container

    def refresh_object(self, kind: str, object_id: str) -> None:
        self.refreshed.append((kind, object_id))

    def notify(self, message: str, **kwargs: Any) -> None:
        self.notifications_seen.append((kwargs.get("severity", "information"), message))
        super().notify(message, **kwargs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run" and parameters:
            return self.remediation.check_action(str(parameters[0]))
        return True

    def on_key(self, event: Any) -> None:
        verb = KEYS.get(event.key)
        if verb is not None and self.remediation.notify_unavailable(verb):
            event.stop()

    def action_run(self, verb: str) -> None:
        getattr(self.remediation, verb)(self.container)
