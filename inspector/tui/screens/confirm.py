"""Modal screens for remediation: confirm an action, and show a cancellable export's progress."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from inspector.tui.paths import styles_dir

# Each remediation screen loads its stylesheet itself, so it looks the same in any app.
REMEDIATION_CSS = styles_dir() / "remediation.tcss"


class ConfirmScreen(ModalScreen[bool]):
    """Ask whether to run an action; dismisses with True on `y`/`enter`, False on `n`/`esc`."""

    CSS_PATH = REMEDIATION_CSS

    BINDINGS = [
        Binding("y", "confirm", "Yes", id="confirm.yes"),
        Binding("enter", "confirm", "Yes", show=False, id="confirm.enter"),
        Binding("n", "cancel", "No", id="confirm.no"),
        Binding("escape", "cancel", "No", show=False, id="confirm.escape"),
    ]

    def __init__(self, title: str, question: str, effect: str) -> None:
        super().__init__(classes="remediation-modal")
        self.title_text = title
        self.question = question
        self.effect = effect

    def compose(self) -> ComposeResult:
        # Names in the question come from the engine, so they are passed as Text, never markup.
        with Vertical(id="confirm-dialog", classes="remediation-dialog"):
            yield Label(Text(self.title_text), id="confirm-title", classes="remediation-title")
            yield Static(Text(self.question), id="confirm-question")
            yield Static(Text(self.effect), id="confirm-effect")
            yield Label(Text("y / enter: confirm    n / esc: cancel"), classes="remediation-keys")

    def action_confirm(self) -> None:
        """Close the dialog, confirming the action."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close the dialog without running the action."""
        self.dismiss(False)


class ExportProgressScreen(ModalScreen[None]):
    """The progress of a running log export; `esc` or `c` cancels it."""

    CSS_PATH = REMEDIATION_CSS

    BINDINGS = [
        Binding("escape", "cancel_export", "Cancel export", id="export.cancel"),
        Binding("c", "cancel_export", "Cancel export", show=False, id="export.cancel_c"),
    ]

    def __init__(self, container_label: str, on_cancel: object) -> None:
        super().__init__(classes="remediation-modal")
        self.container_label = container_label
        self._on_cancel = on_cancel

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="remediation-dialog"):
            yield Label(Text(f"Exporting the logs of {self.container_label}"), classes="remediation-title")
            yield Static(Text("Starting…"), id="export-progress")
            yield Label(Text("esc: cancel (removes the partial file)"), classes="remediation-keys")

    def show_progress(self, byte_count: int) -> None:
        """Show how many bytes were written so far."""
        self.query_one("#export-progress", Static).update(Text(f"{format_bytes(byte_count)} written"))

    def action_cancel_export(self) -> None:
        """Ask the export to stop; the worker removes the temporary file and closes this screen."""
        self.query_one("#export-progress", Static).update(Text("Cancelling…"))
        if callable(self._on_cancel):
            self._on_cancel()


def format_bytes(count: int) -> str:
    """Return a byte count in B, KiB, MiB or GiB with one decimal."""
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} B"
