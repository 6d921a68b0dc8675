"""Change detection from the engine's list endpoints against a snapshot."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import docker
import pytest

from inspector.engine import Engine, collect_snapshot, open_engine
from inspector.engine.listing import changed_objects, list_object_states, snapshot_object_states
from inspector.model import ObjectKind

pytestmark = pytest.mark.integration

LABELS = {"dsc-tui.test": "true"}


@pytest.fixture()
def engine() -> Iterator[Engine]:
    with open_engine(timeout=30) as connected:
        yield connected


@pytest.fixture()
def created(docker_client: docker.DockerClient) -> Iterator[list[Any]]:
    objects: list[Any] = []
    yield objects
    for item in objects:
        try:
            if isinstance(item, docker.models.containers.Container):
                item.remove(force=True)
            else:
                item.remove()
        except docker.errors.NotFound:
            pass


def _ours(changes: list[tuple[ObjectKind, str]], ids: set[str]) -> set[tuple[ObjectKind, str]]:
    # Other tests may change the shared engine meanwhile, so only this test's objects count.
    return {change for change in changes if change[1] in ids}


def test_listing_matches_fresh_snapshot(engine: Engine, created: list[Any], docker_client: Any, base_image: str) -> None:
    suffix = uuid.uuid4().hex[:8]
    container = docker_client.containers.create(base_image, "sleep 60", name=f"dsc-list-{suffix}", labels=LABELS)
    created.append(container)
    snapshot = collect_snapshot(engine)

    changes = changed_objects(snapshot_object_states(snapshot), list_object_states(engine))

    assert _ours(changes, {container.id}) == set()


def test_listing_finds_created_changed_removed(
    engine: Engine, created: list[Any], docker_client: Any, base_image: str
) -> None:
    suffix = uuid.uuid4().hex[:8]
    started = docker_client.containers.create(base_image, "sleep 60", name=f"dsc-list-start-{suffix}", labels=LABELS)
    removed = docker_client.containers.create(base_image, "sleep 60", name=f"dsc-list-gone-{suffix}", labels=LABELS)
    network = docker_client.networks.create(f"dsc-list-net-{suffix}", labels=LABELS)
    joined = docker_client.containers.create(base_image, "sleep 60", name=f"dsc-list-join-{suffix}", labels=LABELS)
    created.extend([started, removed, joined])
    snapshot = collect_snapshot(engine)

    started.start()
    removed.remove(force=True)
    network.connect(joined)
    created.append(network)
    new = docker_client.containers.create(base_image, "sleep 60", name=f"dsc-list-new-{suffix}", labels=LABELS)
    created.insert(0, new)
    changes = changed_objects(snapshot_object_states(snapshot), list_object_states(engine))
    ours = _ours(changes, {started.id, removed.id, joined.id, new.id})

    assert (ObjectKind.CONTAINER, started.id) in ours
    assert (ObjectKind.CONTAINER, removed.id) in ours
    assert (ObjectKind.CONTAINER, joined.id) in ours
    assert (ObjectKind.CONTAINER, new.id) in ours
