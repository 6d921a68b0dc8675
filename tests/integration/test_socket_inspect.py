"""Container inspects over plain unix socket connections give what the SDK gives."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import docker
import docker.errors
import pytest

from inspector.engine import Engine, collect_snapshot

pytestmark = pytest.mark.integration


@pytest.fixture
def container(docker_client: docker.DockerClient, base_image: str) -> Iterator[Any]:
    created = docker_client.containers.create(
        base_image, ["sleep", "300"], name=f"dsc-socket-inspect-{uuid.uuid4().hex[:10]}",
        labels={"dsc-tui.test": "true"}, environment={"API_TOKEN": "socket-test-value"},
    )
    try:
        yield created
    finally:
        created.remove(force=True)


@pytest.fixture
def engine(socket_engine: Engine) -> Engine:
    return socket_engine


def test_inspect_equals_sdk_result(engine: Engine, docker_client: docker.DockerClient, container: Any) -> None:
    ours = engine.api.inspect_container(container.id)

    assert ours == docker_client.api.inspect_container(container.id)
    assert ours["Id"] == container.id


def test_inspect_bypasses_requests(engine: Engine, container: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_requests(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the inspect went through requests")

    monkeypatch.setattr(engine.api, "get", no_requests)

    assert engine.api.inspect_container(container.name)["Id"] == container.id


def test_missing_container_is_not_found(engine: Engine) -> None:
    with pytest.raises(docker.errors.NotFound) as raised:
        engine.api.inspect_container(f"dsc-no-such-container-{uuid.uuid4().hex[:10]}")

    assert raised.value.status_code == 404
    assert "No such container" in str(raised.value.explanation)


def test_inspect_from_many_threads(engine: Engine, container: Any) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: engine.api.inspect_container(container.id)["Id"], range(64)))

    assert results == [container.id] * 64


def test_inspect_after_close_reconnects(engine: Engine, container: Any) -> None:
    engine.api.inspect_container(container.id)
    engine.api._socket_getter.close()  # as if the engine had dropped the idle connection

    assert engine.api.inspect_container(container.id)["Id"] == container.id


def test_collection_redacts_socket_inspects(engine: Engine, container: Any) -> None:
    snapshot = collect_snapshot(engine)

    collected = next(c for c in snapshot.containers if c.id == container.id)
    assert "socket-test-value" not in str(collected.inspect)
    assert "API_TOKEN=<redacted>" in collected.inspect["Config"]["Env"]
