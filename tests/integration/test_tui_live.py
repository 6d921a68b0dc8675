"""The TUI on the real engine: a new container's row appears from events, a stop changes its state."""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import docker
import pytest

from inspector.engine.raw import prefetch_for_args
from inspector.tui.app import InspectorApp
from inspector.tui.source import LiveSource
from inspector.tui.widgets.resource_pane import ResourcePane

pytestmark = pytest.mark.integration

TEST_LABELS = {"dsc-tui.test": "true"}


@pytest.fixture
def started_containers(docker_client: docker.DockerClient) -> Iterator[list[Any]]:
    """Containers a test starts; removed afterwards."""
    created: list[Any] = []
    yield created
    for container in created:
        try:
            container.remove(force=True)
        except docker.errors.NotFound:
            pass


async def wait_for(pilot: Any, condition: Callable[[], bool], attempts: int = 500) -> None:
    """Let the app run until `condition()` holds; fail after `attempts` pauses of 20 ms."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


def run_container(docker_client: docker.DockerClient, base_image: str, created: list[Any]) -> Any:
    container = docker_client.containers.run(
        base_image, ["sleep", "300"], name=f"dsc-tui-test-tui-{uuid.uuid4().hex[:8]}",
        labels=TEST_LABELS, detach=True, stop_signal="SIGKILL",
    )
    created.append(container)
    return container


def containers_pane(app: InspectorApp) -> ResourcePane:
    return app.query_one("#containers-pane", ResourcePane)


def state_of(app: InspectorApp, container_id: str) -> str | None:
    row = containers_pane(app).table.shown_rows.get(container_id)
    return row.cells[3].plain if row else None


async def test_new_container_row_appears_from_event(
    docker_client: docker.DockerClient, base_image: str, started_containers: list[Any]
) -> None:
    # A refresh interval far beyond the test's length proves the row comes from the event.
    app = InspectorApp(LiveSource(timeout=10), full_refresh_seconds=3600)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None and app.connection == "connected")
        await pilot.press("2")
        full_snapshot_time = app.result.snapshot.collected_at

        container = run_container(docker_client, base_image, started_containers)
        await wait_for(pilot, lambda: state_of(app, container.id) == "running")

        assert state_of(app, container.id) == "running"
        assert app.result.snapshot.collected_at == full_snapshot_time
        app.source.close()


async def test_stopped_container_changes_state(
    docker_client: docker.DockerClient, base_image: str, started_containers: list[Any]
) -> None:
    container = run_container(docker_client, base_image, started_containers)
    app = InspectorApp(LiveSource(timeout=10), full_refresh_seconds=3600)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("2")
        await wait_for(pilot, lambda: state_of(app, container.id) == "running")
        container.stop(timeout=0)
        await wait_for(pilot, lambda: state_of(app, container.id) == "exited")
        assert state_of(app, container.id) == "exited"
        app.source.close()


async def test_early_read_replays_later_events(
    docker_client: docker.DockerClient, base_image: str, started_containers: list[Any]
) -> None:
    prefetch = prefetch_for_args(argparse.Namespace(timeout=10))
    assert prefetch is not None
    early = prefetch.result()
    assert early is not None
    # Started after the early read and before the app watches events: only the replay shows it.
    container = run_container(docker_client, base_image, started_containers)
    app = InspectorApp(LiveSource(timeout=10, prefetch=prefetch), full_refresh_seconds=3600,
                       reconcile_seconds=3600)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None)
        first_snapshot_time = app.result.snapshot.collected_at
        await pilot.press("2")
        await wait_for(pilot, lambda: state_of(app, container.id) == "running")

        assert first_snapshot_time == early.collected_at
        assert container.id not in {c.id for c in early.containers}
        assert state_of(app, container.id) == "running"
        app.source.close()
