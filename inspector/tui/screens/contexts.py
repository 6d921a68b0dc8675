"""Switching the TUI to another docker context: the picker and the live switch.

The picker lists the docker CLI's contexts with their endpoints, plus the endpoint in use when it
is no context (`--host`, `DOCKER_HOST`), and marks the active one. A switch connects and collects
in a thread worker first, so the last good engine stays on screen when the new one fails.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from inspector.engine.endpoint import docker_config_dir, known_contexts, resolve_endpoint
from inspector.errors import DscError
from inspector.tui.messages import ResultReady
from inspector.tui.screens.confirm import REMEDIATION_CSS
from inspector.tui.source import LiveSource
from inspector.tui.state import ScanResult, evaluate
from inspector.tui.text import clean

log = logging.getLogger(__name__)

ACTIVE_MARK = "●"
# The option id of the endpoint in use when it is no context. The docker CLI requires context
# names to start with a letter or digit, so no context has this id.
CURRENT_ENDPOINT_ID = ":current"


@dataclass(frozen=True)
class ContextEntry:
    """One line of the picker: a context (or the endpoint in use) and where it points."""

    name: str | None
    endpoint: str
    active: bool = False
    error: str | None = None


def list_context_entries(source: Any, environ: Mapping[str, str] | None = None) -> list[ContextEntry]:
    """Return the docker CLI's contexts with their endpoints, the one `source` uses marked active."""
    environ = os.environ if environ is None else environ
    active_context = source.context_label if source.live else None
    active_endpoint = source.endpoint_label if source.live and source.engine is not None else None
    entries = []
    for name in known_contexts(docker_config_dir(environ)):
        try:
            endpoint = resolve_endpoint(context=name, environ=environ).display
        except DscError as error:
            entries.append(ContextEntry(name=name, endpoint="", error=str(error)))
            continue
        # The `default` context is whatever DOCKER_HOST or the local socket gives, so the engine in
        # use is `default` when it came from there.
        active = name == active_context or (active_context is None and endpoint == active_endpoint)
        entries.append(ContextEntry(name=name, endpoint=endpoint, active=active))
    if not any(entry.active for entry in entries):
        entries.insert(0, ContextEntry(name=None, endpoint=source.endpoint_label, active=True))
    return entries


def option_prompt(entry: ContextEntry, width: int) -> Text:
    """Return the picker line of one entry: the active mark, the name padded to `width`, the endpoint."""
    mark = ACTIVE_MARK if entry.active else " "
    label = clean(entry.name) if entry.name is not None else "(in use)"
    # Text, not markup, with control characters removed: names and URLs come from context files.
    prompt = Text(f"{mark} {label:<{width}}  ")
    if entry.error is not None:
        prompt.append(clean(entry.error), style="dim")
    else:
        prompt.append(clean(entry.endpoint))
    return prompt


class ContextPickerScreen(ModalScreen[str | None]):
    """Pick a docker context; dismisses with its name on `enter`, or None on `esc` or the active one."""

    CSS_PATH = REMEDIATION_CSS

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="context_picker.cancel")]

    def __init__(self, entries: list[ContextEntry]) -> None:
        super().__init__(classes="remediation-modal")
        self.entries = entries

    def compose(self) -> ComposeResult:
        width = max((len(clean(entry.name or "(in use)")) for entry in self.entries), default=0)
        options = [
            Option(option_prompt(entry, width), id=entry.name or CURRENT_ENDPOINT_ID, disabled=entry.error is not None)
            for entry in self.entries
        ]
        with Vertical(id="context-picker-dialog", classes="remediation-dialog"):
            yield Label(Text("Switch to which docker context?"), classes="remediation-title")
            yield OptionList(*options, id="context-picker-list")
            yield Label(Text(f"enter: switch    esc: cancel    {ACTIVE_MARK} in use"), classes="remediation-keys")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        active = next((index for index, entry in enumerate(self.entries) if entry.active), 0)
        option_list.highlighted = active
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Close the picker with the chosen context, or None when it is the one in use."""
        event.stop()
        chosen = self.entries[event.option_index]
        self.dismiss(None if chosen.active else chosen.name)

    def action_cancel(self) -> None:
        """Close the picker without switching."""
        self.dismiss(None)


def open_context_picker(app: Any) -> None:
    """Show the picker on `app` and switch to the context chosen in it."""
    app.push_screen(ContextPickerScreen(list_context_entries(app.source)), callback=partial(switch_context, app))


def switch_context(app: Any, name: str | None) -> None:
    """Connect to context `name` in a worker; the app moves over only when a snapshot arrives."""
    if not name:
        return
    timeout = app.source.timeout if isinstance(app.source, LiveSource) else 5.0
    source = LiveSource(context=name, timeout=timeout, read_only=app.read_only)
    app.notify(f"Connecting to context {name}…", markup=False)
    app.run_worker(
        partial(_connect, app, source, name),
        thread=True, exclusive=True, exit_on_error=False, group="context-switch", name=f"switch to {name}",
    )


def _connect(app: Any, source: LiveSource, name: str) -> None:
    try:
        snapshot = source.load_snapshot()
        result = evaluate(snapshot, app.clock(), app.config)
    except DscError as error:
        source.close()
        log.warning("switching to context %s failed: %s", name, error)
        app.call_from_thread(_report_failure, app, name, str(error))
        return
    except Exception as error:
        source.close()
        log.exception("switching to context %s failed", name)
        app.call_from_thread(_report_failure, app, name, f"{type(error).__name__}: {error}")
        return
    app.call_from_thread(_apply_switch, app, source, result)


def _report_failure(app: Any, name: str, error: str) -> None:
    app.notify(
        f"Still on {app.source.endpoint_label}: context {name} failed: {error}",
        title="Context not switched", severity="error", timeout=10, markup=False,
    )


def _apply_switch(app: Any, source: LiveSource, result: ScanResult) -> None:
    """Move the app, its feed and its event stream to `source`, then show `result`."""
    from inspector.tui import navigation

    previous = app.source
    app.feed.stop_events()
    app.source = source
    app.feed.source = source
    app.connection = "connected"
    # A refresh queued by the previous engine's events now reads the new source; give it the new
    # snapshot to update rather than the old one.
    app.feed.result = result
    app.remediation = navigation.create_remediation(app)
    previous.close()
    log.info("switched from %s to context %s at %s", previous.endpoint_label, source.context_label, source.endpoint_label)
    app.post_message(ResultReady(result, full=True))
    app.feed.start_events()
    app.notify(f"Switched to context {source.context_label} at {source.endpoint_label}", markup=False)
