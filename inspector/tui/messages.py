"""Messages that workers post to the app; the app touches widgets only when handling them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from inspector.engine.events import EngineChange
from inspector.tui.state import ScanResult


@dataclass
class ResultReady(Message):
    """A new scan result, from a full refresh (`full`) or from refreshing single objects."""

    result: ScanResult
    full: bool


@dataclass
class EngineUnreachable(Message):
    """A full refresh or an object refresh failed because the engine is away."""

    error: str


@dataclass
class EngineChanged(Message):
    """The event stream named a changed object."""

    change: EngineChange


@dataclass
class EventStreamState(Message):
    """The event stream connected (`connected`) or lost its connection (with `error`)."""

    connected: bool
    error: str | None
