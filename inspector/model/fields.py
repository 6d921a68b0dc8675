"""Tolerant access to engine JSON, where Podman and old engines omit keys or send null."""

from __future__ import annotations

from typing import Any

_MISSING: Any = object()


def dig(data: Any, *path: str | int, default: Any = None) -> Any:
    """Return the value at `path` inside nested dicts and lists, or `default` if any step is missing or null."""
    current = data
    for step in path:
        if isinstance(step, int):
            if not isinstance(current, list) or not -len(current) <= step < len(current):
                return default
            current = current[step]
        else:
            if not isinstance(current, dict):
                return default
            current = current.get(step, _MISSING)
            if current is _MISSING:
                return default
        if current is None:
            return default
    return current


def as_dict(value: Any) -> dict[str, Any]:
    """Return `value` if it is a dict, else an empty dict (for null labels, options and maps)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """Return `value` if it is a list, else an empty list (for null arrays)."""
    return value if isinstance(value, list) else []
