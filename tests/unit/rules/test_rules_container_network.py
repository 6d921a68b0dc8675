"""Container rules on ports, networks and databases, on captured inspect JSON."""

from __future__ import annotations

from typing import Any

import pytest
from rulefixtures import findings_for, load, make_snapshot


def redis() -> dict[str, Any]:
    return load("container-redis.json")


def hardened() -> dict[str, Any]:
    return load("container-hardened.json")


def test_port_all_interfaces_running_container(container_rule) -> None:
    [finding] = container_rule("CTR-PORT-ALL-INTERFACES", redis())
    assert finding.evidence == "NetworkSettings.Ports: 6379/tcp -> 0.0.0.0:6379, 6379/tcp -> [::]:6379"


def test_port_loopback_only_passes(container_rule) -> None:
    data = redis()
    del data["NetworkSettings"]["Ports"]["6379/tcp"]
    assert data["NetworkSettings"]["Ports"]["80/tcp"][0]["HostIp"] == "127.0.0.1"
    assert not container_rule("CTR-PORT-ALL-INTERFACES", data)


@pytest.mark.parametrize("host_ip", ["0.0.0.0", "::", ""])
def test_port_all_interfaces_spellings(container_rule, host_ip: str) -> None:
    data = redis()
    data["NetworkSettings"]["Ports"] = {"6379/tcp": [{"HostIp": host_ip, "HostPort": "6379"}]}
    assert container_rule("CTR-PORT-ALL-INTERFACES", data)


def test_port_stopped_container_falls_back_to_port_bindings(container_rule) -> None:
    data = load("container-risky.json")
    assert data["NetworkSettings"]["Ports"] == {}
    [finding] = container_rule("CTR-PORT-ALL-INTERFACES", data)
    assert finding.evidence == "HostConfig.PortBindings: 80/tcp -> *:80"


def test_port_exposed_but_unpublished_passes(container_rule) -> None:
    data = redis()
    data["NetworkSettings"]["Ports"] = {"6379/tcp": None}
    data["HostConfig"]["PortBindings"] = {}
    assert not container_rule("CTR-PORT-ALL-INTERFACES", data)


def test_privileged_port(container_rule) -> None:
    [finding] = container_rule("CTR-PRIVILEGED-PORT", load("container-risky.json"))
    assert finding.evidence == "HostConfig.PortBindings: 80/tcp -> *:80"
    assert not container_rule("CTR-PRIVILEGED-PORT", redis())


def test_privileged_port_ephemeral_host_port_passes(container_rule) -> None:
    data = hardened()
    data["HostConfig"]["PortBindings"] = {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}
    assert not container_rule("CTR-PRIVILEGED-PORT", data)


def test_privileged_port_loopback_still_fires(container_rule) -> None:
    data = hardened()
    data["HostConfig"]["PortBindings"] = {"443/tcp": [{"HostIp": "127.0.0.1", "HostPort": "443"}]}
    assert container_rule("CTR-PRIVILEGED-PORT", data)


def test_default_bridge(container_rule) -> None:
    assert container_rule("CTR-DEFAULT-BRIDGE", load("container-default.json"))
    assert not container_rule("CTR-DEFAULT-BRIDGE", hardened())


def test_host_network(container_rule) -> None:
    data = hardened()
    data["HostConfig"]["NetworkMode"] = "host"
    assert container_rule("CTR-HOST-NETWORK", data)
    assert not container_rule("CTR-HOST-NETWORK", load("container-default.json"))


def test_database_publishing_on_all_interfaces_fires(container_rule) -> None:
    [finding] = container_rule("CTR-DATABASE-EXPOSED", redis())
    assert finding.message == "redis publishes a port on all host interfaces"


def test_database_on_internal_network_without_public_port_passes(container_rule) -> None:
    data = redis()
    data["NetworkSettings"]["Ports"] = {"6379/tcp": None}
    data["HostConfig"]["PortBindings"] = {}
    assert "dsc-rules-internal" in data["NetworkSettings"]["Networks"]
    assert not container_rule("CTR-DATABASE-EXPOSED", data)


def test_database_on_no_internal_network_fires() -> None:
    data = redis()
    data["NetworkSettings"]["Ports"] = {}
    data["HostConfig"]["PortBindings"] = {}
    del data["NetworkSettings"]["Networks"]["dsc-rules-internal"]
    internal = load("network-dsc-rules-internal.json")
    internal["Containers"] = {}
    snapshot = make_snapshot(containers=[data], networks=[load("network-bridge.json"), internal])
    [finding] = findings_for("CTR-DATABASE-EXPOSED", snapshot)
    assert finding.evidence == "NetworkSettings.Networks: bridge (none Internal)"


def test_database_internal_membership_from_network_side() -> None:
    data = redis()
    data["NetworkSettings"]["Ports"] = {}
    data["HostConfig"]["PortBindings"] = {}
    del data["NetworkSettings"]["Networks"]["dsc-rules-internal"]
    assert data["Id"] in load("network-dsc-rules-internal.json")["Containers"]
    snapshot = make_snapshot(containers=[data], networks=[load("network-bridge.json"), load("network-dsc-rules-internal.json")])
    assert not findings_for("CTR-DATABASE-EXPOSED", snapshot)


def test_database_with_network_none_passes() -> None:
    data = redis()
    data["NetworkSettings"]["Ports"] = {}
    data["HostConfig"]["PortBindings"] = {}
    data["NetworkSettings"]["Networks"] = {"none": {"NetworkID": ""}}
    assert not findings_for("CTR-DATABASE-EXPOSED", make_snapshot(containers=[data]))


@pytest.mark.parametrize("image", ["postgres:16", "docker.io/library/mysql:8", "bitnami/mongodb:7", "clickhouse/clickhouse-server:24"])
def test_database_named_by_image(container_rule, image: str) -> None:
    data = load("container-default.json")
    data["Config"]["Image"] = image
    assert container_rule("CTR-DATABASE-EXPOSED", data)


def test_database_not_named_passes(container_rule) -> None:
    assert not container_rule("CTR-DATABASE-EXPOSED", load("container-default.json"))


def test_database_registry_host_is_not_the_name(container_rule) -> None:
    data = load("container-default.json")
    data["Config"]["Image"] = "redis.example.com:5000/web:1.0"
    assert not container_rule("CTR-DATABASE-EXPOSED", data)


def test_mixed_exposure_fires_on_internal_network() -> None:
    snapshot = make_snapshot(containers=[redis()], networks=[load("network-dsc-rules-internal.json")])
    [finding] = findings_for("NET-MIXED-EXPOSURE", snapshot)
    assert finding.object_name == "dsc-rules-internal"
    assert "dsc-rules-redis (6379/tcp -> 0.0.0.0:6379" in finding.evidence


def test_mixed_exposure_passes_without_public_port() -> None:
    data = redis()
    del data["NetworkSettings"]["Ports"]["6379/tcp"]
    snapshot = make_snapshot(containers=[data], networks=[load("network-dsc-rules-internal.json")])
    assert not findings_for("NET-MIXED-EXPOSURE", snapshot)


def test_mixed_exposure_ignores_non_internal_network() -> None:
    snapshot = make_snapshot(containers=[redis()], networks=[load("network-bridge.json")])
    assert not findings_for("NET-MIXED-EXPOSURE", snapshot)
