"""Helpers for TUI tests: the fixed capture, apps on it, and sources that fail or emit events."""

from __future__ import annotations

import copy
import json
import queue
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inspector.capture import capture_to_snapshot
from inspector.engine.events import EngineChange, EventWatcher
from inspector.engine.listing import ObjectStates, snapshot_object_states
from inspector.errors import EngineError
from inspector.model import Container, HostSnapshot, ObjectKind
from inspector.tui.app import InspectorApp
from inspector.tui.source import CaptureSource
from inspector.tui.state import Resource, find_in_snapshot

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tui-capture.json"
FROZEN_NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


def frozen_clock() -> datetime:
    """The fixed "now" of every TUI test, the capture's own time."""
    return FROZEN_NOW


def capture_data() -> dict[str, Any]:
    """Return a fresh copy of the fixture capture's JSON."""
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def write_capture(tmp_path: Path, data: dict[str, Any], name: str = "capture.json") -> Path:
    """Write capture JSON to a file and return its path."""
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def make_app(path: Path = FIXTURE, source: Any = None, **kwargs: Any) -> InspectorApp:
    """Return the app on a capture file (or `source`) with the frozen clock and no animations."""
    app = InspectorApp(source or CaptureSource(path), clock=frozen_clock, **kwargs)
    # Tab underline animations make every pane switch wait; tests need none of them.
    app.animation_level = "none"
    return app


def container_named(data: dict[str, Any], name: str) -> dict[str, Any]:
    """Return the inspect JSON of the container called `name` in capture JSON."""
    return next(c for c in data["containers"] if c["Name"].lstrip("/") == name)


async def wait_for(pilot: Any, condition: Callable[[], bool], attempts: int = 500) -> None:
    """Let the app run until `condition()` holds; fail after `attempts` pauses."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


class FakeStream:
    """An event stream fed from a queue; `close()` ends iteration like the SDK's stream."""

    def __init__(self) -> None:
        self.events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.closed = threading.Event()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        while True:
            event = self.events.get()
            if event is None or self.closed.is_set():
                return
            yield event

    def close(self) -> None:
        self.closed.set()
        self.events.put(None)


class FakeLiveSource:
    """A live source on capture data: objects can be added, the engine can go away, events can be sent."""

    live = True
    read_only = False
    engine = None
    endpoint_label = "unix:///fake.sock"
    context_label = None

    def __init__(self, data: dict[str, Any]) -> None:
        self.snapshot: HostSnapshot = capture_to_snapshot(data)
        self.unreachable = False
        self.stream = FakeStream()
        self.refreshed: list[tuple[ObjectKind, str]] = []

    def take_judged_containers(self) -> None:
        return None

    def load_snapshot(self, previous: HostSnapshot | None = None) -> HostSnapshot:
        if self.unreachable:
            raise EngineError("cannot connect to unix:///fake.sock: connection refused")
        return self.snapshot

    def refresh_object(self, kind: ObjectKind, object_id: str) -> Resource | None:
        if self.unreachable:
            raise EngineError("cannot connect to unix:///fake.sock: connection refused")
        self.refreshed.append((ObjectKind(kind), object_id))
        return find_in_snapshot(self.snapshot, kind, object_id)

    def list_states(self) -> ObjectStates:
        if self.unreachable:
            raise EngineError("cannot connect to unix:///fake.sock: connection refused")
        return snapshot_object_states(self.snapshot)

    def event_watcher(self, on_change: Callable[[EngineChange], None],
                      on_connection: Callable[[bool, str | None], None]) -> EventWatcher:
        return EventWatcher(lambda since: self.stream, on_change, on_connection, backoff_seconds=(0.05,))

    def add_container(self, inspect: dict[str, Any]) -> Container:
        container = Container.from_inspect(inspect)
        self.snapshot = self.snapshot.model_copy(update={"containers": [*self.snapshot.containers, container]})
        return container

    def replace_container(self, inspect: dict[str, Any]) -> None:
        container = Container.from_inspect(inspect)
        others = [c for c in self.snapshot.containers if c.id != container.id]
        self.snapshot = self.snapshot.model_copy(update={"containers": [*others, container]})

    def close(self) -> None:
        self.stream.close()


def copy_inspect(data: dict[str, Any]) -> dict[str, Any]:
    """Return a deep copy of inspect JSON for editing."""
    return copy.deepcopy(data)
