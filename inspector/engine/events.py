"""The engine's event stream as typed changes, with reconnect and backoff.

`EventWatcher.run()` blocks, so callers run it in a thread; `stop()` from any other thread closes
the stream and ends `run()`. After a reconnect the stream resumes from the last event seen, so
changes that happened while the connection was down are still delivered.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

OBJECT_TYPES = frozenset({"container", "image", "network", "secret", "service"})

# Container actions that change nothing the scanner reads.
IGNORED_ACTIONS = frozenset(
    {"attach", "detach", "resize", "top", "export", "archive-path", "extract-to-dir", "copy"}
)
IGNORED_ACTION_PREFIXES = ("exec_",)

DEFAULT_BACKOFF_SECONDS: tuple[float, ...] = (1, 2, 4, 8, 15, 30)


@dataclass(frozen=True)
class EngineChange:
    """One object the engine reports as changed: its type, id, the action, and its name if known."""

    kind: str
    object_id: str
    action: str
    name: str | None = None


class EventStream(Protocol):
    """What `docker.APIClient.events(decode=True)` returns: an iterable that `close()` ends."""

    def __iter__(self) -> Any: ...

    def close(self) -> None: ...


def parse_event(event: dict[str, Any]) -> list[EngineChange]:
    """Return the changes one decoded engine event names (none for noise or other object types).

    A network connect or disconnect also changes the container it names, so it yields two changes.
    """
    kind = str(event.get("Type") or "")
    action = str(event.get("Action") or event.get("status") or "")
    actor = event.get("Actor") if isinstance(event.get("Actor"), dict) else {}
    attributes = actor.get("Attributes") if isinstance(actor.get("Attributes"), dict) else {}
    object_id = str(actor.get("ID") or event.get("id") or "")
    if kind not in OBJECT_TYPES or not object_id:
        return []
    verb = action.split(":", 1)[0].strip()
    if verb in IGNORED_ACTIONS or verb.startswith(IGNORED_ACTION_PREFIXES):
        return []

    changes = [EngineChange(kind=kind, object_id=object_id, action=verb, name=attributes.get("name"))]
    if kind == "network" and verb in ("connect", "disconnect") and attributes.get("container"):
        changes.append(EngineChange(kind="container", object_id=str(attributes["container"]), action=f"network {verb}"))
    return changes


class EventWatcher:
    """Reads the event stream, calls `on_change` per change, reconnects with backoff until stopped.

    `open_stream(since)` opens a stream from a Unix time in seconds (None for now) and may raise
    any error when the engine is away. `on_connection(connected, error_text)` reports state changes.
    `since` makes the first stream start in the past, at the time a snapshot was read.
    """

    def __init__(
        self,
        open_stream: Callable[[int | None], EventStream],
        on_change: Callable[[EngineChange], None],
        on_connection: Callable[[bool, str | None], None] | None = None,
        backoff_seconds: Sequence[float] = DEFAULT_BACKOFF_SECONDS,
        since: int | None = None,
    ) -> None:
        self._open_stream = open_stream
        self._on_change = on_change
        self._on_connection = on_connection or (lambda connected, error: None)
        self._backoff = tuple(backoff_seconds) or (1.0,)
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._stream: EventStream | None = None
        # The first stream replays events from `since` (a Unix time), later ones from the last event seen.
        self._last_event_time: int | None = since

    @property
    def stopped(self) -> bool:
        """Whether `stop()` was called."""
        return self._stopped.is_set()

    def stop(self) -> None:
        """End `run()`: close the open stream and cancel any backoff wait."""
        self._stopped.set()
        with self._lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()
            except Exception:  # noqa: BLE001 - the stream is being abandoned either way
                log.debug("closing the event stream failed", exc_info=True)

    def run(self) -> None:
        """Watch events until `stop()`; reconnect after errors, waiting longer after each failure."""
        failures = 0
        while not self._stopped.is_set():
            try:
                stream = self._open_stream(self._last_event_time)
            except Exception as error:  # noqa: BLE001 - any failure means the engine is away
                failures = self._wait_after_failure(failures, error)
                continue
            with self._lock:
                if self._stopped.is_set():
                    stream.close()
                    return
                self._stream = stream
            if failures:
                log.info("event stream reconnected after %d failed attempts", failures)
            failures = 0
            self._on_connection(True, None)
            try:
                self._consume(stream)
            except Exception as error:  # noqa: BLE001 - a broken stream is retried like a failed connect
                if self._stopped.is_set():
                    return
                failures = self._wait_after_failure(failures, error)
                continue
            if not self._stopped.is_set():
                # The engine closed the stream cleanly (it is shutting down); reconnect after a pause.
                failures = self._wait_after_failure(failures, ConnectionError("the engine closed the event stream"))

    def _consume(self, stream: Iterable[Any]) -> None:
        for event in stream:
            if self._stopped.is_set():
                return
            if not isinstance(event, dict):
                continue
            event_time = event.get("time")
            if isinstance(event_time, int):
                self._last_event_time = event_time
            for change in parse_event(event):
                self._on_change(change)

    def _wait_after_failure(self, failures: int, error: BaseException) -> int:
        delay = self._backoff[min(failures, len(self._backoff) - 1)]
        log.warning("event stream failed (%s); retrying in %gs", error, delay)
        self._on_connection(False, str(error))
        self._stopped.wait(delay)
        return failures + 1


def stream_opener(api: Any) -> Callable[[int | None], EventStream]:
    """Return an `open_stream` for `EventWatcher` on a `docker.APIClient`."""

    def open_stream(since: int | None) -> EventStream:
        if since is None:
            return api.events(decode=True)
        return api.events(decode=True, since=since)

    return open_stream
