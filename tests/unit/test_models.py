"""Models built from real inspect JSON of the local engine, and from Podman-style nulls."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from inspector.model import Container, Host, HostSnapshot, Image, Network, Secret, Service
from inspector.model.fields import as_dict, as_list, dig

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inspect"
CONTAINER_ID = "3671cf606f595462837b39fd212dad6a8a5f89659603b58c6dc37902bcc42acf"
IMAGE_ID = "sha256:443b8adfb91e40fe89a16901ac89429028fc32e802d6d0e93e985fa9f04bf782"
NETWORK_ID = "d590cfe350c63fb35120057c09c2c013de6023fa20dc1de3da8d1f67a87ea1d8"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# --- real engine output (Docker 20.10, API 1.41) ---------------------------------------------


def test_container_from_real_inspect() -> None:
    container = Container.from_inspect(load("container-exited-env-secrets.json"))

    assert container.id == CONTAINER_ID
    assert container.short_id == CONTAINER_ID[:12]
    assert container.name == "dsc-engine-fixture-app"
    assert container.image == "dsc-engine-fixture:1"
    assert container.image_id == IMAGE_ID
    assert container.state == "exited"
    assert container.labels == {"com.example.owner": "team-a", "dsc-tui.test": "true"}


def test_container_keeps_inspect_json() -> None:
    data = load("container-exited-env-secrets.json")

    container = Container.from_inspect(data)

    assert container.inspect == data
    assert dig(container.inspect, "HostConfig", "ReadonlyRootfs") is True
    assert dig(container.inspect, "State", "Health", "Status") == "unhealthy"


def test_image_from_real_inspect_and_history() -> None:
    image = Image.from_inspect(load("image-history-secrets.json"), load("image-history-secrets-history.json"))

    assert image.id == IMAGE_ID
    assert image.short_id == IMAGE_ID.removeprefix("sha256:")[:12]
    assert image.tags == ["dsc-engine-fixture:1"]
    assert image.name == "dsc-engine-fixture:1"
    assert image.digests == []
    assert image.created == "2026-12-04T19:38:50.529811731Z"
    assert image.size == 1984266
    assert image.labels == {"dsc-tui.test": "true"}
    assert len(image.history) == 7
    assert image.history[0]["CreatedBy"] == "/bin/sh -c #(nop)  USER 1000"


def test_network_from_real_inspect() -> None:
    network = Network.from_inspect(load("network-internal-attached.json"))

    assert network.id == NETWORK_ID
    assert network.name == "dsc-engine-fixture-net"
    assert network.driver == "bridge"
    assert network.scope == "local"
    assert network.internal is True
    assert network.labels == {"dsc-tui.test": "true"}
    assert network.options == {}
    assert list(network.containers) == [CONTAINER_ID]
    assert network.containers[CONTAINER_ID]["Name"] == "dsc-engine-fixture-app"


def test_host_from_real_info_and_version() -> None:
    host = Host.from_engine(
        load("engine-info-swarm-manager.json"),
        load("engine-version.json"),
        endpoint="unix:///var/run/docker.sock",
    )

    assert host.name == "vm"
    assert host.endpoint == "unix:///var/run/docker.sock"
    assert host.context is None
    assert host.server_version == "20.10.24+dfsg1"
    assert host.api_version == "1.41"
    assert host.os_type == "linux"
    assert host.swarm_state == "active"
    assert host.swarm_manager is True
    assert host.engine_id.count(":") == 11


def test_secret_from_real_inspect() -> None:
    secret = Secret.from_inspect(load("swarm-secret.json"))

    assert secret.id == "bwahepw5jiosez9kt76ncx1ny"
    assert secret.name == "dsc-lab-db-password"
    assert secret.created_at == "2026-12-04T19:40:06.399327028Z"
    assert secret.updated_at == "2026-12-04T19:40:06.399327028Z"
    assert secret.labels == {"dsc-tui.lab": "true"}


def test_service_from_real_inspect() -> None:
    service = Service.from_inspect(load("swarm-service.json"))

    assert service.id == "fab3nkhnoj325x31ialdsur2h"
    assert service.name == "dsc-lab-reporter"
    assert service.secret_ids == ["bwahepw5jiosez9kt76ncx1ny"]


def test_snapshot_lookups_by_id() -> None:
    container = Container.from_inspect(load("container-exited-env-secrets.json"))
    image = Image.from_inspect(load("image-history-secrets.json"))
    network = Network.from_inspect(load("network-internal-attached.json"))
    host = Host.from_engine(load("engine-info-swarm-manager.json"), load("engine-version.json"), endpoint="x")
    snapshot = HostSnapshot(
        host=host,
        collected_at=datetime(2026, 12, 4, 19, 40, tzinfo=UTC),
        containers=[container],
        images=[image],
        networks=[network],
    )

    assert snapshot.container(CONTAINER_ID) is container
    assert snapshot.image(IMAGE_ID) is image
    assert snapshot.network(NETWORK_ID) is network
    assert snapshot.container("missing") is None
    assert snapshot.image("missing") is None
    assert snapshot.network("missing") is None


# --- Podman and old engines: nulls and missing keys -----------------------------------------


def podman_container() -> dict[str, Any]:
    """The real container JSON edited the way Podman and old engines send it."""
    data = copy.deepcopy(load("container-exited-env-secrets.json"))
    data["HostConfig"] = None
    data["NetworkSettings"]["Networks"] = None
    data["Config"]["Labels"] = None
    del data["State"]["Health"]
    return data


def test_container_tolerates_podman_nulls() -> None:
    container = Container.from_inspect(podman_container())

    assert container.id == CONTAINER_ID
    assert container.state == "exited"
    assert container.labels == {}
    assert dig(container.inspect, "HostConfig", "Privileged") is None
    assert as_dict(dig(container.inspect, "NetworkSettings", "Networks")) == {}
    assert dig(container.inspect, "State", "Health", "Status") is None


def test_container_with_missing_sections() -> None:
    data = {"Id": CONTAINER_ID, "Name": "/bare", "Config": None, "State": None, "ImageName": "quay.io/app:1"}

    container = Container.from_inspect(data)

    assert container.name == "bare"
    assert container.state == "unknown"
    assert container.image == "quay.io/app:1"
    assert container.image_id == ""
    assert container.labels == {}


def test_image_tolerates_nulls() -> None:
    data = copy.deepcopy(load("image-history-secrets.json"))
    data["RepoTags"] = None
    data["RepoDigests"] = None
    data["Config"] = None
    data["Size"] = None

    image = Image.from_inspect(data, None)

    assert image.tags == []
    assert image.digests == []
    assert image.labels == {}
    assert image.size == 0
    assert image.history == []
    assert image.name == image.short_id


def test_image_drops_none_tag() -> None:
    data = copy.deepcopy(load("image-history-secrets.json"))
    data["RepoTags"] = ["<none>:<none>"]
    data["RepoDigests"] = ["registry.example/app@sha256:" + "a" * 64]

    image = Image.from_inspect(data)

    assert image.tags == []
    assert image.name == "registry.example/app@sha256:" + "a" * 64


def test_network_tolerates_nulls() -> None:
    data = copy.deepcopy(load("network-internal-attached.json"))
    data["Containers"] = None
    data["Labels"] = None
    data["Options"] = None
    del data["Internal"]

    network = Network.from_inspect(data)

    assert network.containers == {}
    assert network.labels == {}
    assert network.options == {}
    assert network.internal is False


def test_host_without_swarm_section() -> None:
    info = copy.deepcopy(load("engine-info-swarm-manager.json"))
    info["Swarm"] = None
    version = {"Version": "4.9.3", "ApiVersion": "1.41", "Os": "linux"}
    del info["OSType"]

    host = Host.from_engine(info, version, endpoint="unix:///run/podman/podman.sock")

    assert host.swarm_state == "inactive"
    assert host.swarm_manager is False
    assert host.os_type == "linux"
    assert host.server_version == "4.9.3"


def test_service_without_secrets() -> None:
    data = copy.deepcopy(load("swarm-service.json"))
    data["Spec"]["TaskTemplate"]["ContainerSpec"]["Secrets"] = None

    assert Service.from_inspect(data).secret_ids == []


# --- dig and friends -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "path", "expected"),
    [
        ({"a": {"b": 1}}, ("a", "b"), 1),
        ({"a": None}, ("a", "b"), None),
        ({"a": {"b": None}}, ("a", "b"), None),
        ({"a": [10, 20]}, ("a", 1), 20),
        ({"a": [10, 20]}, ("a", 2), None),
        ({"a": [10, 20]}, ("a", -1), 20),
        ({"a": "text"}, ("a", "b"), None),
        ([{"a": 1}], (0, "a"), 1),
    ],
)
def test_dig_paths(data: Any, path: tuple[str | int, ...], expected: Any) -> None:
    assert dig(data, *path) == expected


def test_dig_default_for_missing_and_null() -> None:
    assert dig({"a": None}, "a", default="fallback") == "fallback"
    assert dig({}, "a", default=0) == 0
    assert dig({"a": False}, "a", default=True) is False


def test_as_dict_and_as_list_on_null() -> None:
    assert as_dict(None) == {}
    assert as_list(None) == []
    assert as_dict({"k": "v"}) == {"k": "v"}
    assert as_list([1]) == [1]
