"""Rules on malformed engine JSON: any field replaced by a value of another type never raises."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from rulefixtures import load, make_snapshot

from inspector.model import HostSnapshot
from inspector.rules import evaluate_rules

# One value of each JSON type, including the null that Podman and old engines send.
ODD_VALUES = [None, "x", -5, True, [["a"]], {"a": None}]


def field_paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Yield the path of every field, descending into the first two items of each list."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            yield from field_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data[:2]):
            yield (*prefix, index)
            yield from field_paths(value, (*prefix, index))


def replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    copied = copy.deepcopy(data)
    target = copied
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copied


def snapshots(fixture: str) -> Iterator[HostSnapshot]:
    """Yield snapshots with one field of the fixture replaced by each odd value."""
    base = load(fixture)
    networks = [load("network-dsc-rules-internal.json"), load("network-bridge.json")]
    for path in field_paths(base):
        for value in ODD_VALUES:
            data = replaced(base, path, value)
            try:
                if fixture.startswith("container-"):
                    yield make_snapshot(containers=[data], networks=networks)
                elif fixture == "image-classic-history.json":
                    yield make_snapshot(images=[(load("image-classic.json"), data)])
                elif fixture.startswith("image-"):
                    yield make_snapshot(images=[(data, load("image-classic-history.json"))])
                elif fixture.startswith("network-"):
                    yield make_snapshot(networks=[data], containers=[load("container-redis.json")])
                else:
                    yield make_snapshot(info=data)
            except (TypeError, ValueError):
                # The model rejects the object before any rule sees it (pydantic's
                # ValidationError is a ValueError).
                continue


@pytest.mark.parametrize(
    "fixture",
    [
        "container-risky.json",
        "container-redis.json",
        "image-classic.json",
        "image-classic-history.json",
        "network-dsc-rules-internal.json",
        "info.json",
    ],
)
def test_malformed_fields_never_raise(fixture: str) -> None:
    evaluated = 0
    for snapshot in snapshots(fixture):
        evaluate_rules(snapshot)
        evaluated += 1
    assert evaluated > 50
