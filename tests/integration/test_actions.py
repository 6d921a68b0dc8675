"""Container actions on the real engine, driven through the remediation keys with Pilot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docker
import pytest
from remediation_app import (
    SLEEPER,
    TEST_LABELS,
    RemediationApp,
    audit_entries,
    container_model,
    live_source,
    settle,
    unique_name,
)

from inspector.engine import actions
from inspector.engine.actions import ActionError
from inspector.tui.screens.confirm import ConfirmScreen
from inspector.tui.screens.network_picker import NetworkPickerScreen

pytestmark = pytest.mark.integration


@pytest.fixture
def networks(docker_client: docker.DockerClient) -> Iterator[list[str]]:
    """Two labelled user-defined networks, removed afterwards."""
    created = [
        docker_client.networks.create(unique_name(suffix), labels=TEST_LABELS) for suffix in ("neta", "netb")
    ]
    yield sorted(network.name for network in created)
    for network in created:
        try:
            network.remove()
        except docker.errors.APIError:
            pass


@pytest.fixture
def target(docker_client: docker.DockerClient, base_image: str, networks: list[str]) -> Iterator[Any]:
    """A running labelled container attached to both test networks."""
    container = docker_client.containers.run(
        base_image, SLEEPER, name=unique_name("act"), labels=TEST_LABELS, detach=True,
        network=networks[0], stop_signal="SIGTERM",
    )
    docker_client.networks.get(networks[1]).connect(container)
    yield container
    try:
        container.remove(force=True)
    except docker.errors.NotFound:
        pass


@pytest.fixture
def source() -> Iterator[Any]:
    """A live source on the local engine."""
    live = live_source()
    yield live
    live.engine.close()


def make_app(source: Any, container: Any, client: docker.DockerClient, tmp_path: Path) -> RemediationApp:
    return RemediationApp(
        source, container_model(client, container.id),
        audit_log_path=tmp_path / "state" / "audit.jsonl", export_dir=tmp_path / "exports",
    )


def state_of(container: Any) -> dict[str, Any]:
    container.reload()
    return container.attrs["State"]


def attached_networks(container: Any) -> list[str]:
    container.reload()
    return sorted(container.attrs["NetworkSettings"]["Networks"] or {})


async def test_stop_confirmed(docker_client, target, source, tmp_path: Path) -> None:
    app = make_app(source, target, docker_client, tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert dialog.question == f"Stop container {target.name} ({target.id[:12]})?"
        assert dialog.effect == "Sends SIGTERM, then SIGKILL after 10 s."
        await pilot.press("y")
        await settle(app, pilot)
    assert state_of(target)["Running"] is False
    assert app.refreshed == [("container", target.id)]
    [entry] = audit_entries(tmp_path / "state" / "audit.jsonl")
    assert entry["action"] == "stop"
    assert entry["result"] == "ok"
    assert entry["target"] == {"kind": "container", "id": target.id, "name": target.name}
    assert entry["endpoint"].startswith("unix://")


async def test_stop_cancelled(docker_client, target, source, tmp_path: Path) -> None:
    app = make_app(source, target, docker_client, tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("n")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
    assert state_of(target)["Running"] is True
    assert audit_entries(tmp_path / "state" / "audit.jsonl") == []


async def test_escape_cancels(docker_client, target, source, tmp_path: Path) -> None:
    app = make_app(source, target, docker_client, tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
    assert state_of(target)["Running"] is True
    assert audit_entries(tmp_path / "state" / "audit.jsonl") == []


async def test_pause_and_unpause(docker_client, target, source, tmp_path: Path) -> None:
    app = make_app(source, target, docker_client, tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert state_of(target)["Paused"] is True
        app.container = container_model(docker_client, target.id)
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.question.startswith("Unpause container")
        await pilot.press("y")
        await settle(app, pilot)
    assert state_of(target)["Paused"] is False
    entries = audit_entries(tmp_path / "state" / "audit.jsonl")
    assert [(e["action"], e["result"]) for e in entries] == [("pause", "ok"), ("unpause", "ok")]


async def test_restart(docker_client, target, source, tmp_path: Path) -> None:
    started_before = state_of(target)["StartedAt"]
    app = make_app(source, target, docker_client, tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
    state = state_of(target)
    assert state["Running"] is True
    assert state["StartedAt"] != started_before
    assert audit_entries(tmp_path / "state" / "audit.jsonl")[0]["action"] == "restart"


async def test_disconnect_one_network(docker_client, target, source, networks, tmp_path: Path) -> None:
    app = make_app(source, target, docker_client, tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, NetworkPickerScreen)
        assert app.screen.networks == networks
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen.question == (
            f"Disconnect container {target.name} ({target.id[:12]}) from network {networks[1]}?"
        )
        await pilot.press("y")
        await settle(app, pilot)
    assert attached_networks(target) == [networks[0]]
    [entry] = audit_entries(tmp_path / "state" / "audit.jsonl")
    assert entry["params"] == {"network": networks[1]}


async def test_isolate_every_network(docker_client, target, source, networks, tmp_path: Path) -> None:
    app = make_app(source, target, docker_client, tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert all(name in app.screen.effect for name in networks)
        await pilot.press("y")
        await settle(app, pilot)
    assert attached_networks(target) == []
    assert state_of(target)["Running"] is True
    [entry] = audit_entries(tmp_path / "state" / "audit.jsonl")
    assert entry["params"] == {"networks": networks}
    assert entry["result"] == "ok"


async def test_forensic_commit(docker_client, target, source, tmp_path: Path) -> None:
    app = make_app(source, target, docker_client, tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
    [entry] = audit_entries(tmp_path / "state" / "audit.jsonl")
    reference = entry["params"]["image"]
    image = docker_client.images.get(reference)
    try:
        assert reference.startswith(f"dsc-forensic/{target.name}:")
        assert image.labels["dsc-tui.forensic.source-id"] == target.id
        assert image.labels["dsc-tui.forensic.operator"] == entry["user"]
        assert image.labels["dsc-tui.forensic.time"].endswith("Z")
        assert state_of(target)["Paused"] is False
        assert state_of(target)["Running"] is True
    finally:
        docker_client.images.remove(image.id, force=True)


async def test_removed_container_fails_cleanly(docker_client, target, source, tmp_path: Path) -> None:
    app = make_app(source, target, docker_client, tmp_path)
    target.remove(force=True)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
    [entry] = audit_entries(tmp_path / "state" / "audit.jsonl")
    assert entry["result"] == "error"
    assert "no longer exists" in entry["error"]
    assert ("error", entry["error"]) in app.notifications_seen


def test_stop_already_stopped(docker_client, target, source) -> None:
    target.stop(timeout=5)
    with pytest.raises(ActionError) as raised:
        actions.stop_container(source.engine.api, target.id, 5)
    assert raised.value.reason == "already_stopped"
    assert "already stopped" in str(raised.value)


def test_pause_not_running(docker_client, target, source) -> None:
    target.stop(timeout=5)
    with pytest.raises(ActionError) as raised:
        actions.pause_container(source.engine.api, target.id)
    assert raised.value.reason == "not_running"


def test_disconnect_already_disconnected(docker_client, target, source, networks) -> None:
    actions.disconnect_network(source.engine.api, target.id, networks[0])
    with pytest.raises(ActionError) as raised:
        actions.disconnect_network(source.engine.api, target.id, networks[0])
    assert raised.value.reason == "not_connected"
    assert "already disconnected" in str(raised.value)


def test_actions_on_missing_container(source) -> None:
    missing = "0" * 64
    for call in (
        lambda: actions.stop_container(source.engine.api, missing, 1),
        lambda: actions.pause_container(source.engine.api, missing),
        lambda: actions.restart_container(source.engine.api, missing, 1),
        lambda: actions.isolate_container(source.engine.api, missing),
    ):
        with pytest.raises(ActionError) as raised:
            call()
        assert raised.value.reason == "not_found"


def test_commit_keeps_paused_container_paused(docker_client, target, source) -> None:
    target.pause()
    moment = datetime(2026, 12, 4, 19, 30, tzinfo=UTC)
    image = actions.commit_forensic_image(source.engine.api, target.id, target.name, "tester", moment)
    try:
        assert image.reference == f"dsc-forensic/{target.name}:20261204T193000Z"
        assert state_of(target)["Paused"] is True
    finally:
        docker_client.images.remove(image.image_id, force=True)
        target.unpause()


def test_forensic_repository_names() -> None:
    assert actions.forensic_repository("Web_App..1-") == "dsc-forensic/web_app.1"
    assert actions.forensic_repository("/dsc-lab-web") == "dsc-forensic/dsc-lab-web"
