"""The dsc-tui application: wires the source, the panes, the bindings and the remediation hooks."""

from __future__ import annotations

import argparse
import gc
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent, TabPane

from inspector.engine.endpoint import tls_options
from inspector.model import Container, ObjectKind
from inspector.tui import navigation
from inspector.tui.commands import InspectorCommands
from inspector.tui.feed import SourceFeed
from inspector.tui.messages import EngineChanged, EngineUnreachable, EventStreamState, ResultReady
from inspector.tui.paths import demo_capture_path, stylesheet_paths
from inspector.tui.screens.contexts import open_context_picker
from inspector.tui.source import CaptureSource, LiveSource, Source
from inspector.tui.state import ScanResult
from inspector.tui.widgets.banner import ConnectionBanner
from inspector.tui.widgets.overview import OverviewPane
from inspector.tui.widgets.panes import Panes
from inspector.tui.widgets.resource_pane import ResourcePane
from inspector.tui.widgets.secrets_pane import SecretsPane
from inspector.tui.widgets.status_header import StatusHeader

log = logging.getLogger(__name__)

PANES = ("overview", "containers", "images", "networks", "secrets", "findings")
PANE_TITLES = {
    "overview": "1 Overview",
    "containers": "2 Containers",
    "images": "3 Images",
    "networks": "4 Networks",
    "secrets": "5 Secrets",
    "findings": "6 Findings",
}
# Events keep the view current; the periodic full refresh only heals what the stream missed. Every
# 30 s it cost 2% of a core and 300 inspects in dockerd on an idle host with 300 containers.
FULL_REFRESH_SECONDS = 300.0
# After the first result is shown, the table settles (column widths, a second frame) before the
# event watcher loads the docker SDK beside it.
EVENTS_START_DELAY_SECONDS = 0.5
# Every 30 s, list calls find objects whose events were missed and refresh only those.
RECONCILE_SECONDS = 30.0
# After showing a result took d seconds, the next one waits APPLY_GAP_FACTOR * d (at most
# MAX_APPLY_GAP_SECONDS), so a burst of results leaves the app thread free for keys most of the time.
APPLY_GAP_FACTOR = 2.0
MAX_APPLY_GAP_SECONDS = 0.25

# Remediation hooks: binding key, action (`action_container_<name>` calls `Remediation.<name>`), description.
# (key, action, footer label, full description for help and the command palette)
CONTAINER_ACTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("s", "stop", "Stop", "Stop container"),
    ("p", "pause", "Pause", "Pause/unpause container"),
    ("r", "restart", "Restart", "Restart container"),
    ("l", "logs", "Logs", "Container logs"),
    ("d", "disconnect", "Disconnect", "Disconnect from a network"),
    ("i", "isolate", "Isolate", "Isolate from all networks"),
    ("e", "export_logs", "Export", "Export logs"),
    ("c", "commit", "Commit", "Forensic commit"),
)


class InspectorApp(App[int]):
    """Panes for the checklist, containers, images, networks, secrets and findings of one host."""

    TITLE = "dsc-tui"
    # The visible pane's table takes the focus in `on_mount`; never the hidden filter box.
    AUTO_FOCUS = None
    CSS_PATH: ClassVar[list[str | Path]] = stylesheet_paths()  # type: ignore[assignment]
    COMMANDS = App.COMMANDS | {InspectorCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("slash", "filter", "Filter", id="app.filter"),
        Binding("escape", "back", "Back", show=False, id="app.back"),
        Binding("o", "cycle_sort", "Sort", id="app.sort"),
        Binding("ctrl+r", "refresh", "Refresh", show=False, id="app.refresh"),
        Binding("m", "open_demo", "Open demo", id="app.demo"),
        Binding("x", "switch_context", "Switch context", show=False, id="app.context"),
        *(Binding(str(number), f"show_pane('{pane}')", PANE_TITLES[pane][2:], show=False, id=f"app.pane.{pane}")
          for number, pane in enumerate(PANES, start=1)),
        # The footer shows the container keys, dimmed where `check_action` disables them.
        *(Binding(key, f"container_{action}", label, tooltip=description, id=f"container.{action}")
          for key, action, label, description in CONTAINER_ACTIONS),
    ]

    def __init__(
        self,
        source: Source,
        *,
        config: Any = None,
        audit_log: Path | None = None,
        read_only: bool = False,
        clock: Callable[[], datetime] | None = None,
        full_refresh_seconds: float = FULL_REFRESH_SECONDS,
        reconcile_seconds: float = RECONCILE_SECONDS,
    ) -> None:
        super().__init__()
        self.source = source
        self.config = config
        self.audit_log = audit_log
        self.read_only = read_only or source.read_only
        self.clock = clock or (lambda: datetime.now(UTC))
        self.full_refresh_seconds = full_refresh_seconds
        self.reconcile_seconds = reconcile_seconds
        self._binding_states: tuple[bool | None, ...] | None = None
        self.result: ScanResult | None = None
        self.connection = "connecting" if source.live else "offline"
        self.last_success: datetime | None = None
        self.feed = SourceFeed(source, self.clock, config)
        self.remediation: Any = None
        self._pane_results: dict[str, ScanResult] = {}
        self._apply_timer: Timer | None = None
        self._last_apply = 0.0
        self._apply_gap = 0.0
        self._panes: Any = None
        # Set when `/` on the overview switches to the findings pane with the filter box open.
        self.filter_after_switch = False

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status-header")
        yield ConnectionBanner(id="banner")
        with Panes(initial="overview", id="panes"):
            with TabPane(PANE_TITLES["overview"], id="overview"):
                yield OverviewPane(id="overview-pane")
            for pane in ("containers", "images", "networks"):
                with TabPane(PANE_TITLES[pane], id=pane):
                    yield ResourcePane(pane, id=f"{pane}-pane")
            with TabPane(PANE_TITLES["secrets"], id="secrets"):
                yield SecretsPane(id="secrets-view")
            with TabPane(PANE_TITLES["findings"], id="findings"):
                yield ResourcePane("findings", id="findings-pane")
        yield Input(placeholder="filter: name, image, rule id or severity; enter keeps it, esc clears",
                    id="filter")
        yield Static("", id="filter-status")
        yield Footer(compact=True, show_command_palette=False)
        yield self.feed

    def on_mount(self) -> None:
        self._show_header()
        self.remediation = navigation.create_remediation(self)
        self.feed.refresh_all()
        self.set_interval(self.full_refresh_seconds, self.feed.refresh_all, name="full-refresh")
        self.set_interval(self.reconcile_seconds, self.feed.reconcile, name="reconcile")
        self.call_after_refresh(self._focus_active_table)

    # --- data -----------------------------------------------------------------------------

    def _is_current(self, message: ResultReady | EngineUnreachable | EventStreamState | EngineChanged) -> bool:
        # Late messages from a replaced source, or any arriving while the app shuts down, are dropped.
        # A message without a source (posted by code that already switched sources) counts as current.
        from_current = message.source is None or message.source is self.source
        return from_current and self._panes_shown()

    def _panes_shown(self) -> bool:
        # A busy engine sends hundreds of events, and a DOM query per message cost more than
        # handling it. So the panes widget is looked up once.
        if self._panes is None:
            found = self.query("#panes")
            self._panes = found.first() if found else None
        return self._panes is not None and self._panes.is_attached

    def on_result_ready(self, message: ResultReady) -> None:
        if not self._is_current(message):
            return
        self.result = message.result
        self.last_success = message.result.snapshot.collected_at
        if self.source.live:
            self.connection = "connected"
        self.query_one(ConnectionBanner).clear()
        self.query_one("#panes").remove_class("-stale")
        self._schedule_apply()

    def _schedule_apply(self) -> None:
        # A burst of events yields a burst of results, and showing each would starve key handling.
        # So a result waits for the gap the last one earned, and only the newest is shown.
        if self._apply_timer is not None:
            return
        wait = self._last_apply + self._apply_gap - time.monotonic()
        if wait <= 0:
            self._apply_result()
        else:
            self._apply_timer = self.set_timer(wait, self._apply_result, name="apply-result")

    def _apply_result(self) -> None:
        self._apply_timer = None
        started = self._last_apply = time.monotonic()
        if not self._panes_shown():
            return
        # Hidden panes catch up when shown; forgetting what they showed lets old snapshots go.
        active = self.active_pane
        self._pane_results = {pane: shown for pane, shown in self._pane_results.items() if pane == active}
        self.sync_pane(active)
        self._show_header()
        if self.focused is None and self.screen is self.screen_stack[0]:
            self._focus_active_table()
        self._apply_gap = min(MAX_APPLY_GAP_SECONDS, APPLY_GAP_FACTOR * (time.monotonic() - started))
        if not self.feed.events_started:
            self.set_timer(EVENTS_START_DELAY_SECONDS, self._start_events, name="start-events")

    def _start_events(self) -> None:
        # The event watcher connects through the docker SDK, whose import would delay the first
        # frames, so it starts a little after the first result is shown, or when the engine
        # failed. It replays events from the start-up read on, so none are missed.
        if not self.feed.events_started:
            self.feed.start_events()
        # Start-up is over: `inspector.cli.import_tui` turned the cyclic collector off for it.
        gc.enable()

    def sync_pane(self, pane: str) -> None:
        """Show the current result on one pane; hidden panes catch up when they are shown."""
        if self.result is None or self._pane_results.get(pane) is self.result:
            return
        self._pane_results[pane] = self.result
        if pane == "overview":
            self.query_one(OverviewPane).show_result(self.result)
        elif pane == "secrets":
            self.query_one(SecretsPane).show_result(self.result)
        else:
            self.query_one(f"#{pane}-pane", ResourcePane).show_result(self.result)

    def on_engine_unreachable(self, message: EngineUnreachable) -> None:
        if not self._is_current(message):
            return
        self.connection = "disconnected" if self.result is not None else "no-engine"
        self._show_connection_problem(message.error)
        # The event stream reports when the engine is back.
        self._start_events()

    def on_event_stream_state(self, message: EventStreamState) -> None:
        if not self._is_current(message):
            return
        if message.connected:
            if self.connection in ("disconnected", "no-engine"):
                # The engine is back (or responds for the first time), so a full refresh heals the view.
                self.feed.refresh_all()
            return
        self.connection = "disconnected" if self.result is not None else "no-engine"
        self._show_connection_problem(message.error or "the event stream closed")

    def on_engine_changed(self, message: EngineChanged) -> None:
        # Changes before the first result are queued too: the event stream may replay changes made
        # after the snapshot being built was read.
        if self._is_current(message):
            self.feed.handle_change(message.change)

    def _show_connection_problem(self, error: str) -> None:
        banner = self.query_one(ConnectionBanner)
        if self.result is None:
            banner.show_no_engine(self.source.endpoint_label, error, demo_available=demo_capture_path().is_file())
        else:
            banner.show_disconnected(self.source.endpoint_label, error, self.last_success)
            self.query_one("#panes").add_class("-stale")
        self._show_header()

    def _show_header(self) -> None:
        self._refresh_bindings_if_changed()
        host = self.result.snapshot.host if self.result else None
        engine_version = f"{host.server_version} (API {host.api_version})" if host and host.server_version else ""
        self.query_one(StatusHeader).show(
            endpoint=self.source.endpoint_label,
            context=self.source.context_label or "",
            engine_version=engine_version,
            connection=self.connection,
            counts=self.result.counts_by_severity() if self.result else {},
        )

    def refresh_object(self, kind: ObjectKind | str, object_id: str) -> None:
        """Read one object again through the source and update the panes (used after an action)."""
        self.feed.queue_refresh(kind, object_id)

    # --- panes and selection --------------------------------------------------------------

    @property
    def active_pane(self) -> str:
        """The id of the visible pane."""
        return self.query_one("#panes", TabbedContent).active or "overview"

    def active_resource_pane(self) -> ResourcePane | None:
        """Return the visible pane's `ResourcePane`, or None on the overview."""
        return navigation.resource_pane_for(self, self.active_pane)

    def selected_container(self) -> Container | None:
        """Return the highlighted container, from the containers pane or a finding about a container."""
        pane = self.active_resource_pane()
        row = pane.table.highlighted_row() if pane else None
        if row is None or row.kind is not ObjectKind.CONTAINER or self.result is None:
            return None
        item = self.result.find_object(ObjectKind.CONTAINER, row.object_id)
        return item if isinstance(item, Container) else None

    def _focus_active_table(self) -> None:
        navigation.focus_active_table(self)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.sync_pane(self.active_pane)
        if self.filter_after_switch:
            # `/` on the overview opened the filter box on this pane already.
            self.filter_after_switch = False
            navigation.show_filter_status(self)
            return
        self.query_one("#filter", Input).display = False
        navigation.show_filter_status(self)
        self.call_after_refresh(self._focus_active_table)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        navigation.open_selected_row(self, event)

    # --- actions --------------------------------------------------------------------------

    def action_show_pane(self, pane: str) -> None:
        """Switch to a pane by id."""
        if pane in PANES:
            self.sync_pane(pane)
            self.query_one("#panes", TabbedContent).active = pane

    def action_help(self) -> None:
        """Show every key binding."""
        navigation.show_help(self)

    def action_filter(self) -> None:
        """Open the filter box for the visible pane."""
        navigation.open_filter(self)

    def action_back(self) -> None:
        """Clear the filter if one is set, else return to the overview."""
        navigation.go_back(self)

    def action_cycle_sort(self) -> None:
        """Sort the visible table by the next order: severity, name, finding count."""
        navigation.cycle_sort(self)

    def action_refresh(self) -> None:
        """Reload everything from the source now."""
        self.feed.refresh_all()

    def action_open_demo(self) -> None:
        """Replace an unreachable engine with the bundled demo capture."""
        if self.connection == "connected" or not self.source.live:
            self.notify("The demo capture opens only when no engine answers.", markup=False)
            return
        self.feed.stop_events()
        self.source.close()
        self.source = CaptureSource(demo_capture_path(), label="demo capture")
        self.read_only = True
        self.connection = "offline"
        self.feed.source = self.source
        self.remediation = navigation.create_remediation(self)
        self.feed.refresh_all()

    def action_switch_context(self) -> None:
        """Pick a docker context and switch to its engine."""
        open_context_picker(self)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            navigation.apply_filter(self, event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            navigation.keep_filter(self)

    def _refresh_bindings_if_changed(self) -> None:
        # Refreshing bindings rebuilds the footer's widgets, so it happens only when a key's
        # availability changed, not on every result a busy engine produces.
        states = tuple(
            self.check_action(binding.action, ())
            for binding in self.BINDINGS
            if isinstance(binding, Binding)
        )
        if states != self._binding_states:
            self._binding_states = states
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the demo key while an engine is connected; dim container keys remediation cannot run now."""
        if action == "open_demo":
            return self.source.live and self.connection in ("no-engine", "disconnected")
        if action.startswith("container_") and self.remediation is not None:
            return self.remediation.check_action(action.removeprefix("container_"))
        return True

    def on_key(self, event: events.Key) -> None:
        # Textual skips the action of a key that check_action disabled, so this handler explains why.
        if len(self.screen_stack) > 1:
            return
        for key, action, _label, _description in CONTAINER_ACTIONS:
            if event.key == key and self.remediation is not None and self.remediation.notify_unavailable(action):
                event.stop()
                return

    def run_container_action(self, method: str) -> None:
        """Call `self.remediation.<method>(container)` on the selected container."""
        navigation.run_container_action(self, method)

    def action_container_stop(self) -> None:
        """Stop the selected container."""
        self.run_container_action("stop")

    def action_container_pause(self) -> None:
        """Pause the selected container, or unpause it when it is paused."""
        self.run_container_action("pause")

    def action_container_restart(self) -> None:
        """Restart the selected container."""
        self.run_container_action("restart")

    def action_container_logs(self) -> None:
        """Show the selected container's logs."""
        self.run_container_action("logs")

    def action_container_disconnect(self) -> None:
        """Disconnect the selected container from a network."""
        self.run_container_action("disconnect")

    def action_container_isolate(self) -> None:
        """Disconnect the selected container from every network."""
        self.run_container_action("isolate")

    def action_container_export_logs(self) -> None:
        """Export the selected container's logs to a file."""
        self.run_container_action("export_logs")

    def action_container_commit(self) -> None:
        """Commit a forensic image of the selected container."""
        self.run_container_action("commit")


def build_source(args: argparse.Namespace, prefetch: Any = None) -> Source:
    """Return the source `args` ask for: the demo capture, a capture file, or the live engine.

    `prefetch` is a read of the live engine started at launch (`engine.raw.prefetch_for_args`).
    """
    if getattr(args, "demo", False):
        return CaptureSource(demo_capture_path(), label="demo capture")
    snapshot = getattr(args, "snapshot", None)
    if snapshot is not None:
        return CaptureSource(Path(snapshot))
    return LiveSource(
        host=getattr(args, "host", None),
        context=getattr(args, "context", None),
        timeout=getattr(args, "timeout", 5.0) or 5.0,
        read_only=bool(getattr(args, "read_only", False)),
        tls=tls_options(args),
        prefetch=prefetch,
    )


def run_tui(args: argparse.Namespace, prefetch: Any = None) -> int:
    """Run the TUI as `args` ask and return its exit code; a bad capture or config is a one-line error."""
    from inspector.config import load_config

    config = load_config(getattr(args, "config", None))
    source = build_source(args, prefetch)
    if isinstance(source, CaptureSource):
        source.load_snapshot()  # a missing or invalid capture file ends here with exit code 2
    app = InspectorApp(
        source,
        config=config,
        audit_log=getattr(args, "audit_log", None),
        read_only=bool(getattr(args, "read_only", False)),
    )
    try:
        app.run()
    finally:
        source.close()
    return app.return_code or 0
