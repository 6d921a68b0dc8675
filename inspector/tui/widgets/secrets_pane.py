"""The secrets pane: the swarm secrets table, or why there are none when the engine is no manager."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from inspector.tui.state import ScanResult
from inspector.tui.text import clean
from inspector.tui.widgets.resource_pane import ResourcePane

ENABLE_SWARM_HINT = (
    "Swarm secrets exist only on a swarm manager. To use them, run `docker swarm init` on this engine "
    "(or point dsc-tui at a manager with --host/--context), then `docker secret create NAME FILE`."
)


class SecretsPane(Vertical):
    """Holds the secrets `ResourcePane` and an empty state shown instead when swarm is off."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.resources = ResourcePane("secrets", id="secrets-pane")
        self.empty_state = Static(Text(""), id="secrets-empty")

    def compose(self) -> ComposeResult:
        yield self.empty_state
        yield self.resources

    def show_result(self, result: ScanResult) -> None:
        """Show the table on a swarm manager, else the empty state with the engine's reason."""
        host = result.snapshot.host
        manager = host.swarm_manager
        self.empty_state.display = not manager
        self.resources.display = manager
        self.resources.show_result(result)
        if not manager:
            reason = host.swarm_reason or f"swarm is {host.swarm_state} on this engine"
            text = Text()
            text.append("No swarm secrets to show.\n\n", style="bold")
            text.append(f"Why: {clean(reason)}\n\n")
            text.append(ENABLE_SWARM_HINT)
            self.empty_state.update(text)
