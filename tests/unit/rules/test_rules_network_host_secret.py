"""Network, host and swarm secret rules on the captured `/info` and network JSON."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rulefixtures import CAPTURED_AT, findings_for, load, make_snapshot


def host_rule(rule: str, info: dict[str, Any]) -> list:
    return findings_for(rule, make_snapshot(info=info))


def network_rule(rule: str, network: dict[str, Any]) -> list:
    return findings_for(rule, make_snapshot(networks=[network]))


def overlay(name: str = "app", options: dict[str, str] | None = None) -> dict[str, Any]:
    data = load("network-dsc-rules-icc-off.json")
    data.update(Name=name, Driver="overlay", Scope="swarm", Options=options or {})
    return data


def swarm_info(autolock: bool | None) -> dict[str, Any]:
    info = load("info.json")
    info["Swarm"].update(LocalNodeState="active", ControlAvailable=True)
    if autolock is not None:
        info["Swarm"]["Cluster"] = {"Spec": {"EncryptionConfig": {"AutoLockManagers": autolock}}}
    return info


def test_icc_enabled_on_default_bridge() -> None:
    [finding] = network_rule("NET-ICC-ENABLED", load("network-bridge.json"))
    assert finding.object_name == "bridge"
    assert finding.evidence == "Options: com.docker.network.bridge.enable_icc=true"


def test_icc_disabled_default_bridge_passes() -> None:
    data = load("network-bridge.json")
    data["Options"]["com.docker.network.bridge.enable_icc"] = "false"
    assert not network_rule("NET-ICC-ENABLED", data)


def test_icc_user_network_passes() -> None:
    assert load("network-dsc-rules-icc-off.json")["Options"]["com.docker.network.bridge.enable_icc"] == "false"
    assert not network_rule("NET-ICC-ENABLED", load("network-dsc-rules-icc-off.json"))
    assert not network_rule("NET-ICC-ENABLED", load("network-dsc-rules-internal.json"))


def test_overlay_unencrypted() -> None:
    assert network_rule("NET-OVERLAY-UNENCRYPTED", overlay())
    assert not network_rule("NET-OVERLAY-UNENCRYPTED", overlay(options={"encrypted": ""}))
    assert not network_rule("NET-OVERLAY-UNENCRYPTED", overlay(name="ingress"))
    assert not network_rule("NET-OVERLAY-UNENCRYPTED", load("network-bridge.json"))


def test_insecure_registry_loopback_passes() -> None:
    info = load("info.json")
    assert info["RegistryConfig"]["InsecureRegistryCIDRs"] == ["127.0.0.0/8"]
    assert not host_rule("HOST-INSECURE-REGISTRY", info)


def test_insecure_registry_cidr_fires() -> None:
    info = load("info.json")
    info["RegistryConfig"]["InsecureRegistryCIDRs"] += ["::1/128", "10.0.0.0/8"]
    [finding] = host_rule("HOST-INSECURE-REGISTRY", info)
    assert finding.evidence == "RegistryConfig.InsecureRegistryCIDRs: 10.0.0.0/8"
    assert finding.object_id == info["ID"]
    assert finding.kind.value == "host"


def test_insecure_registry_index_fires() -> None:
    info = load("info.json")
    info["RegistryConfig"]["IndexConfigs"]["registry.lan:5000"] = {"Name": "registry.lan:5000", "Secure": False}
    [finding] = host_rule("HOST-INSECURE-REGISTRY", info)
    assert finding.evidence == "RegistryConfig.IndexConfigs Secure=false: registry.lan:5000"


@pytest.mark.parametrize(("options", "fires"), [(["name=seccomp,profile=default"], True), (["name=userns"], False), (["name=rootless"], False)])
def test_userns_off(options: list[str], fires: bool) -> None:
    info = load("info.json")
    info["SecurityOptions"] = options
    assert bool(host_rule("HOST-USERNS-OFF", info)) is fires


def test_live_restore_off() -> None:
    assert host_rule("HOST-LIVE-RESTORE-OFF", load("info.json"))
    info = load("info.json")
    info["LiveRestoreEnabled"] = True
    assert not host_rule("HOST-LIVE-RESTORE-OFF", info)
    assert not host_rule("HOST-LIVE-RESTORE-OFF", swarm_info(True))


def test_no_authz_plugin() -> None:
    assert load("info.json")["Plugins"]["Authorization"] is None
    assert host_rule("HOST-NO-AUTHZ-PLUGIN", load("info.json"))
    info = load("info.json")
    info["Plugins"]["Authorization"] = ["opa-docker-authz"]
    assert not host_rule("HOST-NO-AUTHZ-PLUGIN", info)


def test_seccomp_off() -> None:
    assert not host_rule("HOST-SECCOMP-OFF", load("info.json"))
    info = load("info.json")
    info["SecurityOptions"] = ["name=apparmor"]
    assert host_rule("HOST-SECCOMP-OFF", info)


def test_experimental() -> None:
    assert not host_rule("HOST-EXPERIMENTAL", load("info.json"))
    info = load("info.json")
    info["ExperimentalBuild"] = True
    assert host_rule("HOST-EXPERIMENTAL", info)


def test_swarm_autolock_off() -> None:
    assert host_rule("HOST-SWARM-AUTOLOCK-OFF", swarm_info(False))
    assert not host_rule("HOST-SWARM-AUTOLOCK-OFF", swarm_info(True))
    assert not host_rule("HOST-SWARM-AUTOLOCK-OFF", swarm_info(None))
    assert not host_rule("HOST-SWARM-AUTOLOCK-OFF", load("info.json"))


def test_swarm_autolock_worker_passes() -> None:
    info = swarm_info(False)
    info["Swarm"]["ControlAvailable"] = False
    assert not host_rule("HOST-SWARM-AUTOLOCK-OFF", info)


def secret(updated_days_ago: int) -> dict[str, Any]:
    updated = (CAPTURED_AT - timedelta(days=updated_days_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "ID": "ktnbjxoalbkvbvedmg1urrz8h",
        "Version": {"Index": 11},
        "CreatedAt": updated,
        "UpdatedAt": updated,
        "Spec": {"Name": "db_password", "Labels": {}},
    }


def service(*secret_ids: str) -> dict[str, Any]:
    references = [{"SecretID": sid, "SecretName": "db_password", "File": {"Name": "db_password"}} for sid in secret_ids]
    return {"ID": "9mnpnzenvg8p8tdbtq4wvbkcz", "Spec": {"Name": "api", "TaskTemplate": {"ContainerSpec": {"Image": "api:1", "Secrets": references}}}}


def test_secret_unused() -> None:
    [finding] = findings_for("SEC-UNUSED", make_snapshot(secrets=[secret(1)]))
    assert finding.object_name == "db_password"
    assert not findings_for("SEC-UNUSED", make_snapshot(secrets=[secret(1)], services=[service("ktnbjxoalbkvbvedmg1urrz8h")]))


@pytest.mark.parametrize(("days", "fires"), [(91, True), (90, False), (3, False)])
def test_secret_not_rotated(days: int, fires: bool) -> None:
    assert bool(findings_for("SEC-NOT-ROTATED", make_snapshot(secrets=[secret(days)]))) is fires
