"""The event watcher: parsing engine events, reconnecting with backoff, resuming, stopping."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from inspector.engine.events import EngineChange, EventWatcher, parse_event

# Shapes as the engine (API 1.41) sends them with decode=True.
CONTAINER_START = {
    "status": "start", "id": "abc", "from": "busybox:1.36", "Type": "container", "Action": "start",
    "Actor": {"ID": "abc", "Attributes": {"image": "busybox:1.36", "name": "web"}},
    "scope": "local", "time": 1700000000, "timeNano": 1700000000000000000,
}
NETWORK_CONNECT = {
    "Type": "network", "Action": "connect",
    "Actor": {"ID": "net1", "Attributes": {"container": "abc", "name": "backend", "type": "bridge"}},
    "scope": "local", "time": 1700000001,
}


def test_parse_container_start() -> None:
    assert parse_event(CONTAINER_START) == [EngineChange("container", "abc", "start", "web")]


def test_parse_network_connect_names_container() -> None:
    changes = parse_event(NETWORK_CONNECT)
    assert changes[0] == EngineChange("network", "net1", "connect", "backend")
    assert changes[1] == EngineChange("container", "abc", "network connect")


def test_parse_health_status_keeps_verb() -> None:
    event = {**CONTAINER_START, "Action": "health_status: unhealthy"}
    assert parse_event(event)[0].action == "health_status"


def test_parse_ignores_noise() -> None:
    assert parse_event({**CONTAINER_START, "Action": "exec_start: sh -c true"}) == []
    assert parse_event({**CONTAINER_START, "Action": "attach"}) == []
    assert parse_event({"Type": "volume", "Action": "mount", "Actor": {"ID": "v"}}) == []
    assert parse_event({"Type": "container", "Action": "start", "Actor": {}}) == []


def test_parse_tolerates_null_actor() -> None:
    assert parse_event({"Type": "container", "Action": "start", "Actor": None, "id": "x"}) == [
        EngineChange("container", "x", "start", None)
    ]


class ListStream:
    """A finite stream that raises `error` after its events, like a dropped connection."""

    def __init__(self, events: list[dict[str, Any]], error: Exception | None = None) -> None:
        self.events = events
        self.error = error
        self.closed = False

    def __iter__(self) -> Iterator[dict[str, Any]]:
        yield from self.events
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.closed = True


def test_watcher_reconnects_and_resumes() -> None:
    opened_since: list[int | None] = []
    changes: list[EngineChange] = []
    states: list[tuple[bool, str | None]] = []
    watcher: EventWatcher

    def open_stream(since: int | None) -> ListStream:
        opened_since.append(since)
        attempt = len(opened_since)
        if attempt == 1:
            return ListStream([CONTAINER_START], ConnectionError("connection reset"))
        if attempt == 2:
            raise ConnectionError("connection refused")
        watcher.stop()
        return ListStream([NETWORK_CONNECT])

    watcher = EventWatcher(open_stream, changes.append, lambda ok, error: states.append((ok, error)),
                           backoff_seconds=(0.01,))
    thread = threading.Thread(target=watcher.run)
    thread.start()
    thread.join(timeout=5)

    assert not thread.is_alive()
    assert opened_since == [None, 1700000000, 1700000000]
    assert changes == [EngineChange("container", "abc", "start", "web")]
    assert states[0] == (True, None)
    assert states[1] == (False, "connection reset")
    assert states[2] == (False, "connection refused")


def test_watcher_first_stream_starts_at_since() -> None:
    opened_since: list[int | None] = []
    watcher: EventWatcher

    def open_stream(since: int | None) -> ListStream:
        opened_since.append(since)
        watcher.stop()
        return ListStream([])

    watcher = EventWatcher(open_stream, lambda change: None, backoff_seconds=(0.01,), since=1699999990)
    thread = threading.Thread(target=watcher.run)
    thread.start()
    thread.join(timeout=5)

    assert not thread.is_alive()
    assert opened_since == [1699999990]


def test_watcher_backoff_grows() -> None:
    delays: list[float] = []
    attempts = 0

    def open_stream(since: int | None) -> ListStream:
        nonlocal attempts
        attempts += 1
        if attempts == 4:
            watcher.stop()
        raise ConnectionError("down")

    watcher = EventWatcher(open_stream, lambda change: None, backoff_seconds=(0.001, 0.002, 0.003))
    original_wait = watcher._stopped.wait

    def recording_wait(timeout: float | None = None) -> bool:
        delays.append(timeout or 0)
        return original_wait(0)

    watcher._stopped.wait = recording_wait  # type: ignore[method-assign]
    watcher.run()
    assert delays == [0.001, 0.002, 0.003, 0.003]


def test_stop_closes_open_stream() -> None:
    started = threading.Event()
    release = threading.Event()

    class BlockingStream(ListStream):
        def __iter__(self) -> Iterator[dict[str, Any]]:
            started.set()
            release.wait(5)
            return iter(())

        def close(self) -> None:
            self.closed = True
            release.set()

    stream = BlockingStream([])
    watcher = EventWatcher(lambda since: stream, lambda change: None, backoff_seconds=(0.01,))
    thread = threading.Thread(target=watcher.run)
    thread.start()
    assert started.wait(5)
    watcher.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert stream.closed
    assert watcher.stopped
