"""A modal list of a container's networks, to choose the one to disconnect from."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from inspector.tui.screens.confirm import REMEDIATION_CSS


class NetworkPickerScreen(ModalScreen[str | None]):
    """Pick one network; dismisses with its name on `enter`, or None on `esc`."""

    CSS_PATH = REMEDIATION_CSS

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="network_picker.cancel")]

    def __init__(self, container_label: str, networks: list[str]) -> None:
        super().__init__(classes="remediation-modal")
        self.container_label = container_label
        self.networks = networks

    def compose(self) -> ComposeResult:
        with Vertical(id="network-picker-dialog", classes="remediation-dialog"):
            yield Label(Text(f"Disconnect {self.container_label} from which network?"), classes="remediation-title")
            # Option prompts are Text so a network name is never read as markup.
            yield OptionList(*[Option(Text(name), id=name) for name in self.networks], id="network-picker-list")
            yield Label(Text("enter: choose    esc: cancel"), classes="remediation-keys")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Close the picker with the chosen network's name."""
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close the picker without choosing."""
        self.dismiss(None)
