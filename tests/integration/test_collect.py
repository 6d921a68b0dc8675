"""Snapshot collection and capture files on the real engine."""

from __future__ import annotations

import json
import logging
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
import pytest

from inspector.capture import capture_to_snapshot, dump_capture, load_capture
from inspector.cli import main
from inspector.engine import (
    Engine,
    collect_container,
    collect_image,
    collect_network,
    collect_snapshot,
    open_engine,
)
from inspector.model import HostSnapshot
from inspector.rules import evaluate_rules

pytestmark = pytest.mark.integration

SECRET_VALUE = f"collect-test-secret-{uuid.uuid4().hex}"
URL_PASSWORD = f"url-pw-{uuid.uuid4().hex[:12]}"


@dataclass
class Fleet:
    """The objects one test module created, by role."""

    running: Any
    exited: Any
    with_secret: Any
    network: Any
    image_id: str

    @property
    def containers(self) -> list[Any]:
        return [self.running, self.exited, self.with_secret]


@pytest.fixture(scope="module")
def fleet(docker_client: docker.DockerClient, base_image: str) -> Iterator[Fleet]:
    """A labelled network and three containers: running and attached, exited, and one with secrets in env."""
    suffix = uuid.uuid4().hex[:10]
    labels = {"dsc-tui.test": "true"}
    network = docker_client.networks.create(f"dsc-collect-net-{suffix}", labels=labels)
    created: list[Any] = []
    try:
        running = docker_client.containers.run(
            base_image,
            ["sleep", "300"],
            name=f"dsc-collect-running-{suffix}",
            labels={**labels, "role": "running"},
            network=network.name,
            detach=True,
        )
        created.append(running)
        exited = docker_client.containers.run(
            base_image, ["true"], name=f"dsc-collect-exited-{suffix}", labels={**labels, "role": "exited"}, detach=True
        )
        created.append(exited)
        exited.wait(timeout=30)
        with_secret = docker_client.containers.create(
            base_image,
            ["sleep", "300"],
            name=f"dsc-collect-secret-{suffix}",
            labels={**labels, "role": "secret"},
            environment={
                "DB_PASSWORD": SECRET_VALUE,
                "DATABASE_URL": f"postgres://app:{URL_PASSWORD}@db:5432/app",
                "EMPTY_TOKEN": "",
                "LOG_LEVEL": "debug",
            },
        )
        created.append(with_secret)
        image_id = docker_client.images.get(base_image).id
        yield Fleet(running=running, exited=exited, with_secret=with_secret, network=network, image_id=image_id)
    finally:
        for container in created:
            container.remove(force=True)
        network.remove()


@pytest.fixture
def engine() -> Iterator[Engine]:
    with open_engine(timeout=30) as connected:
        yield connected


@pytest.fixture(scope="module")
def snapshot(fleet: Fleet) -> HostSnapshot:
    with open_engine(timeout=30) as connected:
        return collect_snapshot(connected)


# --- connecting ------------------------------------------------------------------------------


def test_engine_negotiates_api_version(engine: Engine) -> None:
    assert engine.version["ApiVersion"]
    assert engine.api_version == engine.version["ApiVersion"]
    assert engine.endpoint.url.startswith(("unix://", "tcp://", "ssh://"))


# --- collection ------------------------------------------------------------------------------


def test_snapshot_has_every_container(snapshot: HostSnapshot, fleet: Fleet) -> None:
    states = {c.id: c.state for c in snapshot.containers}

    assert states.get(fleet.running.id) == "running"
    assert states.get(fleet.exited.id) == "exited"
    assert states.get(fleet.with_secret.id) == "created"


def test_container_fields(snapshot: HostSnapshot, fleet: Fleet, base_image: str) -> None:
    container = snapshot.container(fleet.running.id)

    assert container is not None
    assert container.name == fleet.running.name
    assert container.image == base_image
    assert container.image_id == fleet.image_id
    assert container.labels["role"] == "running"
    assert container.inspect["Config"]["Cmd"] == ["sleep", "300"]
    assert fleet.network.name in container.inspect["NetworkSettings"]["Networks"]


def test_container_secret_env_redacted(snapshot: HostSnapshot, fleet: Fleet) -> None:
    container = snapshot.container(fleet.with_secret.id)

    assert container is not None
    env = container.inspect["Config"]["Env"]
    assert "DB_PASSWORD=<redacted>" in env
    assert "DATABASE_URL=postgres://app:***@db:5432/app" in env
    assert "EMPTY_TOKEN=" in env
    assert "LOG_LEVEL=debug" in env


def test_no_secret_in_snapshot(snapshot: HostSnapshot) -> None:
    text = snapshot.model_dump_json()

    assert SECRET_VALUE not in text
    assert URL_PASSWORD not in text


def test_network_lists_attached_container(snapshot: HostSnapshot, fleet: Fleet) -> None:
    network = snapshot.network(fleet.network.id)

    assert network is not None
    assert network.name == fleet.network.name
    assert network.labels == {"dsc-tui.test": "true"}
    assert fleet.running.id in network.containers
    assert fleet.exited.id not in network.containers


def test_default_networks_present(snapshot: HostSnapshot) -> None:
    names = {network.name for network in snapshot.networks}

    assert {"bridge", "host", "none"} <= names


def test_base_image_with_history(snapshot: HostSnapshot, fleet: Fleet, base_image: str) -> None:
    image = snapshot.image(fleet.image_id)

    assert image is not None
    assert base_image in image.tags
    assert image.size > 0
    assert len(image.history) >= 1
    assert all("CreatedBy" in entry for entry in image.history)


def test_host_fields(snapshot: HostSnapshot, engine: Engine) -> None:
    host = snapshot.host

    assert host.server_version == engine.version["Version"]
    assert host.api_version == engine.version["ApiVersion"]
    assert host.os_type == "linux"
    assert host.endpoint == engine.endpoint.display
    assert host.info["ID"] == host.engine_id


def test_swarm_state_explained(snapshot: HostSnapshot) -> None:
    # Another test (the lab's --swarm) may have made this node a manager, so both cases are checked.
    if snapshot.host.swarm_manager:
        assert snapshot.host.swarm_reason is None
    else:
        assert snapshot.host.swarm_reason
        assert snapshot.secrets == []
        assert snapshot.services == []
    if snapshot.host.swarm_state == "inactive":
        assert "docker swarm init" in (snapshot.host.swarm_reason or "")


def test_collect_never_asks_for_sizes(engine: Engine, fleet: Fleet, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    for name in ("containers", "inspect_container", "images", "inspect_image"):
        original = getattr(engine.api, name)

        def spy(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            calls.append((_name, kwargs))
            return _original(*args, **kwargs)

        monkeypatch.setattr(engine.api, name, spy)

    collect_snapshot(engine)

    assert calls
    assert ("containers", {"all": True}) in calls
    assert not [call for call in calls if call[1].get("size")]


def test_container_removed_mid_collection(
    engine: Engine,
    fleet: Fleet,
    docker_client: docker.DockerClient,
    base_image: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    victim = docker_client.containers.create(
        base_image, ["true"], name=f"dsc-collect-victim-{uuid.uuid4().hex[:10]}", labels={"dsc-tui.test": "true"}
    )
    original_inspect = engine.api.inspect_container

    def remove_then_inspect(container_id: str) -> Any:
        if container_id == victim.id:
            victim.remove(force=True)
        return original_inspect(container_id)

    monkeypatch.setattr(engine.api, "inspect_container", remove_then_inspect)
    caplog.set_level(logging.INFO, logger="inspector.engine")
    try:
        snapshot = collect_snapshot(engine)
    finally:
        try:
            victim.remove(force=True)
        except docker.errors.NotFound:
            pass

    ids = {container.id for container in snapshot.containers}
    assert victim.id not in ids
    assert fleet.running.id in ids
    assert fleet.exited.id in ids
    assert f"container {victim.id} was removed while being read; skipped" in caplog.messages


def test_unreadable_image_skipped(
    engine: Engine, fleet: Fleet, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    original_inspect = engine.api.inspect_image

    def corrupt_size(image_id: str) -> Any:
        data = original_inspect(image_id)
        if data["Id"] == fleet.image_id:
            data["Size"] = "not a number"
        return data

    monkeypatch.setattr(engine.api, "inspect_image", corrupt_size)
    caplog.set_level(logging.WARNING, logger="inspector.engine")

    snapshot = collect_snapshot(engine)

    assert snapshot.image(fleet.image_id) is None
    assert snapshot.container(fleet.running.id) is not None
    assert f"image {fleet.image_id} has inspect JSON that cannot be read (ValueError); skipped" in caplog.messages


# --- single-object refreshers ----------------------------------------------------------------


def test_collect_container_by_id(engine: Engine, fleet: Fleet) -> None:
    container = collect_container(engine, fleet.with_secret.id)

    assert container is not None
    assert container.id == fleet.with_secret.id
    assert "DB_PASSWORD=<redacted>" in container.inspect["Config"]["Env"]


def test_collect_image_and_network(engine: Engine, fleet: Fleet) -> None:
    image = collect_image(engine, fleet.image_id)
    network = collect_network(engine, fleet.network.id)

    assert image is not None
    assert image.id == fleet.image_id
    assert image.history
    assert network is not None
    assert fleet.running.id in network.containers


def test_refreshers_return_none_when_gone(engine: Engine) -> None:
    missing = "0" * 64

    assert collect_container(engine, missing) is None
    assert collect_image(engine, "sha256:" + missing) is None
    assert collect_network(engine, missing) is None


# --- capture ---------------------------------------------------------------------------------


def test_capture_round_trip(snapshot: HostSnapshot) -> None:
    reloaded = capture_to_snapshot(json.loads(dump_capture(snapshot)))

    assert reloaded == snapshot


def test_capture_gives_same_findings(snapshot: HostSnapshot, tmp_path: Path) -> None:
    path = tmp_path / "host.json"
    path.write_text(dump_capture(snapshot), encoding="utf-8")

    live = evaluate_rules(snapshot, now=snapshot.collected_at)
    from_capture = evaluate_rules(load_capture(path), now=snapshot.collected_at)

    assert live
    assert from_capture == live


def test_capture_text_has_no_secret(snapshot: HostSnapshot) -> None:
    text = dump_capture(snapshot)

    assert SECRET_VALUE not in text
    assert URL_PASSWORD not in text
    assert "DB_PASSWORD=<redacted>" in text


def test_capture_command_writes_private_file(tmp_path: Path, fleet: Fleet) -> None:
    path = tmp_path / "host.json"

    status = main(["capture", "--output", str(path), "--timeout", "30"])

    assert status == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SECRET_VALUE not in path.read_text()
    loaded = load_capture(path)
    assert loaded.container(fleet.with_secret.id) is not None
    assert loaded.network(fleet.network.id) is not None


def test_capture_command_to_stdout(capsys: pytest.CaptureFixture[str], fleet: Fleet) -> None:
    status = main(["capture", "--timeout", "30"])

    output = capsys.readouterr().out
    document = json.loads(output)
    assert status == 0
    assert document["schema"] == "dsc-tui/capture/v1"
    assert fleet.running.id in {c["Id"] for c in document["containers"]}
    assert SECRET_VALUE not in output


def test_full_collection_keeps_unchanged_containers(
    engine: Engine, fleet: Fleet, docker_client: docker.DockerClient, base_image: str
) -> None:
    changing = docker_client.containers.create(
        base_image, ["sleep", "300"], name=f"dsc-collect-changing-{uuid.uuid4().hex[:10]}",
        labels={"dsc-tui.test": "true"}, environment={"API_TOKEN": "reuse-test-value"},
    )
    try:
        first = collect_snapshot(engine)
        changing.start()
        second = collect_snapshot(engine, previous=first)
    finally:
        changing.remove(force=True)

    assert second.container(fleet.exited.id) is first.container(fleet.exited.id)
    assert second.container(fleet.with_secret.id) is first.container(fleet.with_secret.id)
    started = second.container(changing.id)
    assert started is not None
    assert started is not first.container(changing.id)
    assert started.state == "running"
    assert "API_TOKEN=<redacted>" in started.inspect["Config"]["Env"]
