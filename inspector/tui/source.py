"""Where the TUI's data comes from: a live engine or a capture file, behind one small interface.

The app never calls the Docker SDK. It requests a snapshot, one object or an event watcher from
a source. Every method that may block is called from a thread worker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from inspector.engine.events import EngineChange, EventWatcher
from inspector.model import Finding, HostSnapshot, ObjectKind
from inspector.tui.state import Resource

if TYPE_CHECKING:
    from inspector.engine.listing import ObjectStates

log = logging.getLogger(__name__)


class Source(Protocol):
    """A data source for the app; `engine` is None offline, and `read_only` disables actions."""

    read_only: bool
    live: bool

    @property
    def engine(self) -> Any: ...

    @property
    def endpoint_label(self) -> str: ...

    @property
    def context_label(self) -> str | None: ...

    def load_snapshot(self, previous: HostSnapshot | None = None) -> HostSnapshot:
        """Return a full snapshot; raise `EngineError` when the engine is unreachable.

        `previous` is the snapshot shown now. A source may keep its unchanged objects as they are.
        """
        ...

    def take_judged_containers(self) -> list[Finding] | None:
        """Return, once, the container rules' findings on the last snapshot if the source already ran them."""
        ...

    def refresh_object(self, kind: ObjectKind, object_id: str) -> Resource | None:
        """Return one object as it is now, or None when it no longer exists."""
        ...

    def list_states(self) -> ObjectStates | None:
        """Return the listed state of every container, image and network, or None without an engine."""
        ...

    def event_watcher(
        self,
        on_change: Callable[[EngineChange], None],
        on_connection: Callable[[bool, str | None], None],
    ) -> EventWatcher | None:
        """Return a watcher for the engine's events (run it in a thread), or None offline."""
        ...

    def close(self) -> None:
        """Release the connection, if any."""
        ...


class CaptureSource:
    """A capture file, read once; read-only, with no events."""

    live = False
    read_only = True

    def __init__(self, path: Path, label: str | None = None) -> None:
        self.path = path
        self._label = label or path.name
        self._snapshot: HostSnapshot | None = None

    @property
    def engine(self) -> None:
        """No engine: a capture is offline."""
        return None

    @property
    def endpoint_label(self) -> str:
        """The capture's file name (or the label given for the bundled demo)."""
        return self._label

    @property
    def context_label(self) -> str | None:
        """The context recorded in the capture, if any."""
        return self._snapshot.host.context if self._snapshot else None

    def take_judged_containers(self) -> None:
        """Return None: the rules run on a capture after it is loaded."""
        return None

    def load_snapshot(self, previous: HostSnapshot | None = None) -> HostSnapshot:
        """Load the capture (once); raise `CaptureError` for a missing or invalid file."""
        if self._snapshot is None:
            from inspector.capture import load_capture

            self._snapshot = load_capture(self.path)
        return self._snapshot

    def refresh_object(self, kind: ObjectKind, object_id: str) -> Resource | None:
        """Return the object from the capture; a capture never changes."""
        from inspector.tui.state import find_in_snapshot

        return find_in_snapshot(self.load_snapshot(), kind, object_id)

    def list_states(self) -> None:
        """Return None: a capture never changes."""
        return None

    def event_watcher(self, on_change: Callable[[EngineChange], None],
                      on_connection: Callable[[bool, str | None], None]) -> None:
        """Return None: a capture has no events."""
        return None

    def close(self) -> None:
        """Nothing to release."""


class LiveSource:
    """A Docker engine reached through `open_engine`; connects lazily so the app starts without one."""

    live = True

    def __init__(self, host: str | None = None, context: str | None = None, timeout: float = 5.0,
                 read_only: bool = False, tls: Any = None, prefetch: Any = None) -> None:
        self.host = host
        self.context = context
        self.timeout = timeout
        self.read_only = read_only
        self.tls = tls
        self._engine: Any = None
        self._lock = threading.Lock()
        # A read started at launch serves the first snapshot. The event stream replays events from
        # a second before that read began, so nothing that changed since then is missed.
        self._prefetch = prefetch
        self._events_since = int(prefetch.started_at) - 1 if prefetch is not None else None
        self._judged: list[Finding] | None = None
        # The endpoint the early read resolved: the header names it before the SDK connects.
        self._resolved = prefetch.endpoint if prefetch is not None else None

    @property
    def engine(self) -> Any:
        """The connected `Engine`, or None before the first successful connect."""
        return self._engine

    @property
    def endpoint_label(self) -> str:
        """The endpoint URL with passwords masked, or what was asked for before connecting."""
        if self._engine is not None:
            return str(self._engine.endpoint.display)
        if self._resolved is not None:
            return str(self._resolved.display)
        return self.host or "default endpoint"

    @property
    def context_label(self) -> str | None:
        """The docker context in use, if one was chosen."""
        if self._engine is not None and self._engine.endpoint.context:
            return str(self._engine.endpoint.context)
        if self._resolved is not None and self._resolved.context:
            return str(self._resolved.context)
        return self.context

    def _connected(self) -> Any:
        # The refresh and event workers connect from their own threads; one connection serves both.
        with self._lock:
            if self._engine is None:
                from inspector.engine import open_engine

                self._engine = open_engine(host=self.host, context=self.context, timeout=self.timeout, tls=self.tls)
                log.info("connected to %s", self._engine.endpoint.display)
            return self._engine

    def _forget_engine(self) -> None:
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            try:
                engine.close()
            except Exception:  # noqa: BLE001 - the connection is being dropped anyway
                log.debug("closing the engine client failed", exc_info=True)

    def load_snapshot(self, previous: HostSnapshot | None = None) -> HostSnapshot:
        """Collect a full snapshot, keeping `previous`'s unchanged containers as they are.

        Drop the connection on failure so the next call reconnects.
        """
        from inspector.engine.collect import collect_snapshot
        from inspector.errors import EngineError

        prefetch, self._prefetch = self._prefetch, None
        if prefetch is not None:
            from inspector.early import judge_containers_while_reading

            # The container rules run on the first snapshot while the early read goes on.
            judged = judge_containers_while_reading(prefetch)
            early = prefetch.snapshot()
            if early is not None:
                self._judged = judged
                return early
        if self._events_since is None:
            # The event stream starts after the first snapshot is shown and replays from here.
            self._events_since = int(time.time()) - 1

        try:
            return collect_snapshot(self._connected(), previous=previous)
        except EngineError:
            self._forget_engine()
            raise

    def take_judged_containers(self) -> list[Finding] | None:
        """Return, once, the container findings judged during the early read of the last snapshot."""
        judged, self._judged = self._judged, None
        return judged

    def refresh_object(self, kind: ObjectKind, object_id: str) -> Resource | None:
        """Inspect one container, image or network again; None when it is gone."""
        from inspector.engine import collect

        engine = self._connected()
        kind = ObjectKind(kind)
        if kind is ObjectKind.CONTAINER:
            return collect.collect_container(engine, object_id)
        if kind is ObjectKind.IMAGE:
            return collect.collect_image(engine, object_id)
        if kind is ObjectKind.NETWORK:
            return collect.collect_network(engine, object_id)
        raise ValueError(f"no single-object refresh for {kind.value} objects")

    def list_states(self) -> ObjectStates:
        """List containers, images and networks cheaply; drop the connection on failure."""
        from inspector.engine.listing import list_object_states
        from inspector.errors import EngineError

        try:
            return list_object_states(self._connected())
        except EngineError:
            self._forget_engine()
            raise

    def event_watcher(self, on_change: Callable[[EngineChange], None],
                      on_connection: Callable[[bool, str | None], None]) -> EventWatcher:
        """Return a watcher that (re)connects through this source, so it heals with the engine."""
        from inspector.engine.events import stream_opener

        def open_stream(since: int | None) -> Any:
            try:
                return stream_opener(self._connected().api)(since)
            except Exception:
                self._forget_engine()
                raise

        return EventWatcher(open_stream, on_change, on_connection, since=self._events_since)

    def close(self) -> None:
        """Close the engine client."""
        self._forget_engine()
