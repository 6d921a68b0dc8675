"""A small Textual app hosting `Remediation` on the real engine, and helpers for its tests."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import docker
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from inspector.engine import open_engine
from inspector.model import Container
from inspector.tui.remediation import Remediation

STYLES = Path(__file__).resolve().parents[2] / "styles"
TEST_LABELS = {"dsc-tui.test": "true"}

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

# A shell that exits on SIGTERM within a second, so stop and restart need no SIGKILL wait.
SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; echo started; while true; do sleep 1; done"]


def unique_name(prefix: str) -> str:
    """Return a container or network name no other test uses."""
    return f"dsc-test-{prefix}-{uuid.uuid4().hex[:8]}"


def live_source(read_only: bool = False) -> SimpleNamespace:
    """Return a source on the local engine, as the app's live source exposes it."""
    return SimpleNamespace(live=True, read_only=read_only, engine=open_engine(timeout=30))


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


def container_model(client: docker.DockerClient, container_id: str) -> Container:
    """Return the model of a container as the app's snapshot contains it."""
    return Container.from_inspect(client.api.inspect_container(container_id))


def audit_entries(path: Path) -> list[dict[str, Any]]:
    """Return the audit log's entries, or none when it was never written."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


async def settle(app: App[Any], pilot: Any) -> None:
    """Wait until every worker finished and the screen processed what they posted."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
