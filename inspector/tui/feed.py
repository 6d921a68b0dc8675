"""The workers that read from the source: full refreshes, single-object refreshes and the event stream.

`SourceFeed` is an invisible widget so its thread workers belong to the DOM; it never touches
other widgets and reports only through messages to the app.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from inspector.engine.events import EngineChange, EventWatcher
from inspector.errors import DscError
from inspector.model import ObjectKind
from inspector.tui.messages import EngineChanged, EngineUnreachable, EventStreamState, ResultReady
from inspector.tui.source import Source
from inspector.tui.state import (
    ScanResult,
    containers_to_evaluate,
    evaluate,
    evaluate_containers,
    evaluate_refresh,
    replace_object,
)

log = logging.getLogger(__name__)

# A drain waits this long first, so a burst of events joins one batch.
BATCH_WAIT_SECONDS = 0.02
# Object kinds a change can refresh on its own. The collector has no single-object read for
# secrets and services, so a change to one of them reloads everything.
SINGLE_REFRESH_KINDS = {"container": ObjectKind.CONTAINER, "image": ObjectKind.IMAGE, "network": ObjectKind.NETWORK}


class SourceFeed(Widget):
    """Owns the thread workers that read the source and posts `ResultReady` and friends to the app."""

    DEFAULT_CSS = "SourceFeed { display: none; }"

    class DrainRequested(Message):
        """A worker thread queued objects for refresh; start draining on the app's thread."""

    class FullRefreshRequested(Message):
        """A worker thread wants a full refresh; start it on the app's thread."""

    def __init__(self, source: Source, clock: Callable[[], datetime], config: Any = None) -> None:
        super().__init__()
        self.source = source
        self.clock = clock
        self.config = config
        # The newest result, owned by the workers; the app shows what `ResultReady` carries.
        self.result: ScanResult | None = None
        self._pending: dict[tuple[ObjectKind, str], None] = {}
        self._pending_lock = threading.Lock()
        # Guards `result`, which the full-refresh and object-refresh workers both replace.
        self._result_lock = threading.Lock()
        self._refreshed_during_full: set[tuple[ObjectKind, str]] | None = None
        self._draining = False
        self._watcher: EventWatcher | None = None
        # Whether `start_events` ran since the last `stop_events`.
        self.events_started = False

    # --- full refresh ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="full-refresh")
    def refresh_all(self) -> None:
        """Collect a full snapshot and evaluate it; report failure as `EngineUnreachable`."""
        source = self.source
        with self._result_lock:
            self._refreshed_during_full = set()
            previous = self.result
        try:
            snapshot = source.load_snapshot(previous.snapshot if previous is not None else None)
        except DscError as error:
            log.warning("full refresh failed: %s", error)
            self.app.post_message(EngineUnreachable(str(error), source))
            return
        # A capture is judged as of its own collection time, so ages in it never change.
        now = self.clock() if source.live else snapshot.collected_at
        judged = source.take_judged_containers()
        with self._result_lock:
            # An object refresh may have replaced the result meanwhile, and its findings are the newest.
            previous = self.result
        if judged is not None:
            result = evaluate(snapshot, now, self.config, container_findings=judged)
        else:
            result = evaluate_refresh(previous, snapshot, now, self.config)
        with self._result_lock:
            self.result = result
            # Posting under the lock keeps results in the order they replaced each other.
            self.app.post_message(ResultReady(result, full=True, source=source))
            # Objects refreshed while the snapshot was collected may be newer than it.
            refreshed, self._refreshed_during_full = self._refreshed_during_full, None
        if refreshed:
            self._requeue(list(refreshed))
        if refreshed or self._pending:
            self.post_message(self.DrainRequested())

    # --- single-object refresh ------------------------------------------------------------

    def queue_refresh(self, kind: ObjectKind | str, object_id: str) -> None:
        """Queue one object for refresh; a single worker drains the queue and re-evaluates once per batch."""
        with self._pending_lock:
            self._pending[(ObjectKind(kind), object_id)] = None
        self._start_draining()

    def _start_draining(self) -> None:
        if not self._draining:
            self._draining = True
            self.drain_refreshes()

    def _requeue(self, batch: list[tuple[ObjectKind, str]]) -> None:
        with self._pending_lock:
            for key in batch:
                self._pending[key] = None

    def _take_pending(self) -> list[tuple[ObjectKind, str]]:
        with self._pending_lock:
            batch = list(self._pending)
            self._pending.clear()
        # Containers are read last. Docker 20.10 delays a network inspect sent during `docker run`
        # until the start is done (seen with benchmarks/run.py), so a container read after it
        # already shows `running`.
        batch.sort(key=lambda key: key[0] is ObjectKind.CONTAINER)
        return batch

    @work(thread=True, exclusive=True, exit_on_error=False, group="object-refresh")
    def drain_refreshes(self) -> None:
        """Refresh queued objects until the queue is empty, posting one result per batch."""
        # A short wait lets a burst of events (a compose up, a mass stop) join one batch, so the
        # rules run once for the burst instead of once per container.
        time.sleep(BATCH_WAIT_SECONDS)
        source = self.source
        while True:
            with self._result_lock:
                base = self.result
            if base is None:
                # Changes before the first result stay queued; that result's refresh drains them.
                return
            batch = self._take_pending()
            if not batch:
                return
            snapshot = base.snapshot
            replaced: list[tuple[ObjectKind, str]] = []
            for kind, object_id in batch:
                try:
                    item = source.refresh_object(kind, object_id)
                except DscError as error:
                    # The batch is dropped; a full refresh either heals the view or confirms the loss.
                    log.warning("refreshing %s %s failed: %s", kind.value, object_id[:12], error)
                    self.app.post_message(EngineUnreachable(str(error), source))
                    self.post_message(self.FullRefreshRequested())
                    return
                # An image event may name a reference (`busybox:1.36`); the snapshot is keyed by the id.
                key = item.id if item is not None else object_id
                snapshot = replace_object(snapshot, kind, key, item)
                replaced.append((kind, key))
            affected = containers_to_evaluate(base.snapshot, snapshot, replaced)
            if affected is not None:
                # The rules of the affected containers and the cross-object ones run again; a
                # network connect, which every `docker run` sends, no longer judges every container.
                result = evaluate_containers(base, snapshot, affected, self.clock(), self.config)
            else:
                result = evaluate(snapshot, self.clock(), self.config)
            with self._result_lock:
                if self.result is not base:
                    # A full refresh landed meanwhile and may predate these objects: apply them again on it.
                    self._requeue(batch)
                    continue
                self.result = result
                self.app.post_message(ResultReady(result, full=False, source=source))
                if self._refreshed_during_full is not None:
                    self._refreshed_during_full.update(batch)

    # --- periodic reconcile -----------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile")
    def reconcile(self) -> None:
        """Compare the engine's object lists with the shown snapshot and refresh what differs.

        This heals events the stream missed for the cost of three list calls, where a full
        refresh would inspect every object again.
        """
        from inspector.engine.listing import changed_objects, snapshot_object_states

        source = self.source
        with self._result_lock:
            base = self.result
        if base is None or not source.live:
            return
        try:
            states = source.list_states()
        except DscError as error:
            log.warning("listing objects failed: %s", error)
            self.app.post_message(EngineUnreachable(str(error), source))
            self.post_message(self.FullRefreshRequested())
            return
        if states is None:
            return
        changed = changed_objects(snapshot_object_states(base.snapshot), states)
        if changed:
            log.info("reconcile found %d objects the event stream missed", len(changed))
            self._requeue(changed)
            self.post_message(self.DrainRequested())

    def on_source_feed_drain_requested(self, message: DrainRequested) -> None:
        self._start_draining()

    def on_source_feed_full_refresh_requested(self, message: FullRefreshRequested) -> None:
        self.refresh_all()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "object-refresh" and event.state in (
            WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED
        ):
            self._draining = False
            if event.state is WorkerState.ERROR:
                log.error("object refresh failed", exc_info=worker.error)
            if self._pending and self.result is not None:
                self._draining = True
                self.drain_refreshes()
        elif event.state is WorkerState.ERROR:
            log.error("%s worker failed", worker.group, exc_info=worker.error)
            self.app.post_message(EngineUnreachable(f"{worker.group} failed: {worker.error}", self.source))

    # --- events ---------------------------------------------------------------------------

    def start_events(self) -> None:
        """Start watching the source's events, if it has any."""
        self.events_started = True
        if self.source.live:
            self.watch_events()

    @work(thread=True, exclusive=True, exit_on_error=False, group="events")
    def watch_events(self) -> None:
        """Run the event watcher until `stop_events()`."""
        source = self.source

        def on_change(change: EngineChange) -> None:
            self.app.post_message(EngineChanged(change, source))

        def on_connection(connected: bool, error: str | None) -> None:
            self.app.post_message(EventStreamState(connected, error, source))

        watcher = source.event_watcher(on_change, on_connection)
        if watcher is None:
            return
        self._watcher = watcher
        watcher.run()

    def stop_events(self) -> None:
        """Stop the event watcher; its thread ends when the stream closes."""
        self.events_started = False
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    def handle_change(self, change: EngineChange) -> None:
        """Refresh the object a change names, or everything for secrets and services."""
        kind = SINGLE_REFRESH_KINDS.get(change.kind)
        if kind is None:
            self.refresh_all()
        else:
            self.queue_refresh(kind, change.object_id)

    def on_unmount(self) -> None:
        self.stop_events()
