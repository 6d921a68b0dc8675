"""Messages that workers post to the app; the app touches widgets only when handling them.

Each carries the source it came from, so the app can drop late messages from a source it has
since replaced (an unreachable engine swapped for the demo capture).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from inspector.engine.events import EngineChange
from inspector.tui.state import ScanResult


@dataclass
class ResultReady(Message):
    """A new scan result, from a full refresh (`full`) or from refreshing single objects."""

    result: ScanResult
    full: bool
    source: Any = None


@dataclass
class EngineUnreachable(Message):
    """A full refresh or an object refresh failed because the engine is away."""

    error: str
    source: Any = None


@dataclass
class EngineChanged(Message):
    """The event stream named a changed object."""

    change: EngineChange
    source: Any = None


@dataclass
class EventStreamState(Message):
    """The event stream connected (`connected`) or lost its connection (with `error`)."""

    connected: bool
    error: str | None
    source: Any = None
