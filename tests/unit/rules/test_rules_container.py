"""Container rules on captured inspect JSON: each rule fires on a violation and passes otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from rulefixtures import load

from inspector.model.findings import Severity
from inspector.rules import RULES


def hardened() -> dict[str, Any]:
    return load("container-hardened.json")


def risky() -> dict[str, Any]:
    return load("container-risky.json")


def test_hardened_container_has_no_findings(container_rule) -> None:
    fired = [rule for rule in RULES if rule.startswith("CTR-") and container_rule(rule, hardened())]
    assert fired == []


def test_finding_carries_identity_and_state(container_rule) -> None:
    data = risky()
    [finding] = container_rule("CTR-PRIVILEGED", data)
    assert finding.object_id == data["Id"]
    assert finding.object_name == "dsc-rules-risky"
    assert finding.state == "created"
    assert finding.kind.value == "container"
    assert finding.cis == "5.5"
    assert finding.evidence == "HostConfig.Privileged=true"
    assert finding.severity is Severity.CRITICAL


def test_privileged(container_rule) -> None:
    assert container_rule("CTR-PRIVILEGED", risky())
    assert not container_rule("CTR-PRIVILEGED", hardened())


def test_docker_socket_var_run_mount_fires(container_rule) -> None:
    [finding] = container_rule("CTR-DOCKER-SOCKET", risky())
    assert "/var/run -> /host-run" in finding.evidence


@pytest.mark.parametrize(
    ("source", "destination"),
    [
        ("/var/run/docker.sock", "/var/run/docker.sock"),
        ("/run/user/1000/docker.sock", "/tmp/engine"),
        ("/srv/socket", "/var/run/docker.sock"),
        ("/run", "/host-run"),
        ("/var/run/", "/host-run"),
        ("/", "/host"),
    ],
)
def test_docker_socket_mount_variants_fire(container_rule, source: str, destination: str) -> None:
    data = hardened()
    data["Mounts"][0].update(Source=source, Destination=destination)
    assert container_rule("CTR-DOCKER-SOCKET", data)


def test_docker_socket_other_mounts_pass(container_rule) -> None:
    data = hardened()
    data["Mounts"][0].update(Source="/var/run/app", Destination="/data")
    assert not container_rule("CTR-DOCKER-SOCKET", data)


def test_sensitive_mount_writable_etc_fires(container_rule) -> None:
    data = hardened()
    data["Mounts"][0]["RW"] = True
    [finding] = container_rule("CTR-SENSITIVE-MOUNT", data)
    assert finding.severity is Severity.HIGH
    assert "/etc -> /host-etc (RW=true)" in finding.evidence


def test_sensitive_mount_readonly_etc_passes(container_rule) -> None:
    assert hardened()["Mounts"][0]["Source"] == "/etc"
    assert not container_rule("CTR-SENSITIVE-MOUNT", hardened())


def test_sensitive_mount_root_is_critical(container_rule) -> None:
    [finding] = container_rule("CTR-SENSITIVE-MOUNT", risky())
    assert finding.severity is Severity.CRITICAL


def test_sensitive_mount_subdirectory_passes(container_rule) -> None:
    data = hardened()
    data["Mounts"][0].update(Source="/etc/ssl/certs", RW=True)
    assert not container_rule("CTR-SENSITIVE-MOUNT", data)


def test_sensitive_mount_volume_type_passes(container_rule) -> None:
    data = hardened()
    data["Mounts"][0].update(Type="volume", RW=True)
    assert not container_rule("CTR-SENSITIVE-MOUNT", data)


@pytest.mark.parametrize("user", ["", "root", "0", "0:0", "root:root", "root:1000"])
def test_root_user_spellings_fire(container_rule, user: str) -> None:
    data = hardened()
    data["Config"]["User"] = user
    assert container_rule("CTR-ROOT-USER", data)


@pytest.mark.parametrize("user", ["app", "1000", "1000:1000", "10001:0", "rootless"])
def test_non_root_users_pass(container_rule, user: str) -> None:
    data = hardened()
    data["Config"]["User"] = user
    assert not container_rule("CTR-ROOT-USER", data)


def test_cap_drop_missing_fires(container_rule) -> None:
    [finding] = container_rule("CTR-CAP-DROP", risky())
    assert finding.evidence == "HostConfig.CapDrop=none (no ALL)"


def test_cap_drop_partial_fires(container_rule) -> None:
    data = hardened()
    data["HostConfig"]["CapDrop"] = ["NET_RAW", "MKNOD"]
    assert container_rule("CTR-CAP-DROP", data)


@pytest.mark.parametrize("spelling", ["ALL", "all", "CAP_ALL"])
def test_cap_drop_all_spellings_pass(container_rule, spelling: str) -> None:
    data = hardened()
    data["HostConfig"]["CapDrop"] = [spelling]
    assert not container_rule("CTR-CAP-DROP", data)


def test_cap_add_outside_default_fires(container_rule) -> None:
    [finding] = container_rule("CTR-CAP-ADD", risky())
    assert finding.evidence == "HostConfig.CapAdd includes NET_ADMIN,SYS_ADMIN"


def test_cap_add_default_capability_passes(container_rule) -> None:
    data = hardened()
    data["HostConfig"]["CapAdd"] = ["CAP_CHOWN", "net_bind_service", "KILL"]
    assert not container_rule("CTR-CAP-ADD", data)
    assert not container_rule("CTR-CAP-DANGEROUS", data)


@pytest.mark.parametrize("capability", ["CAP_SYS_ADMIN", "sys_module", "SYS_PTRACE", "CAP_DAC_READ_SEARCH", "NET_ADMIN", "SYS_RAWIO", "BPF", "ALL"])
def test_cap_dangerous_fires_with_any_spelling(container_rule, capability: str) -> None:
    data = hardened()
    data["HostConfig"]["CapAdd"] = [capability]
    assert container_rule("CTR-CAP-DANGEROUS", data)
    assert container_rule("CTR-CAP-ADD", data)


def test_cap_outside_default_but_not_dangerous(container_rule) -> None:
    data = hardened()
    data["HostConfig"]["CapAdd"] = ["SYS_TIME"]
    assert container_rule("CTR-CAP-ADD", data)
    assert not container_rule("CTR-CAP-DANGEROUS", data)


def test_no_new_privileges_missing_fires(container_rule) -> None:
    assert container_rule("CTR-NO-NEW-PRIVS", risky())


@pytest.mark.parametrize("option", ["no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"])
def test_no_new_privileges_spellings_pass(container_rule, option: str) -> None:
    data = hardened()
    data["HostConfig"]["SecurityOpt"] = [option]
    assert not container_rule("CTR-NO-NEW-PRIVS", data)


def test_no_new_privileges_false_fires(container_rule) -> None:
    data = hardened()
    data["HostConfig"]["SecurityOpt"] = ["no-new-privileges:false"]
    assert container_rule("CTR-NO-NEW-PRIVS", data)


@pytest.mark.parametrize("option", ["seccomp=unconfined", "seccomp:unconfined"])
def test_seccomp_unconfined_spellings_fire(container_rule, option: str) -> None:
    data = hardened()
    data["HostConfig"]["SecurityOpt"] = ["no-new-privileges", option]
    assert container_rule("CTR-SECCOMP-UNCONFINED", data)


def test_seccomp_custom_profile_passes(container_rule) -> None:
    data = hardened()
    data["HostConfig"]["SecurityOpt"] = ["seccomp=/etc/docker/seccomp.json"]
    assert not container_rule("CTR-SECCOMP-UNCONFINED", data)


def _apparmor_info() -> dict[str, Any]:
    info = load("info.json")
    info["SecurityOptions"] = ["name=apparmor", "name=seccomp,profile=default"]
    return info


def test_apparmor_skipped_without_apparmor_on_host(container_rule) -> None:
    assert "name=apparmor" not in load("info.json")["SecurityOptions"]
    assert not container_rule("CTR-APPARMOR-UNCONFINED", risky())


def test_apparmor_security_opt_fires_on_apparmor_host(container_rule) -> None:
    [finding] = container_rule("CTR-APPARMOR-UNCONFINED", risky(), _apparmor_info())
    assert finding.evidence == "HostConfig.SecurityOpt includes apparmor=unconfined"


def test_apparmor_empty_profile_fires_on_apparmor_host(container_rule) -> None:
    data = hardened()
    assert data["AppArmorProfile"] == ""
    [finding] = container_rule("CTR-APPARMOR-UNCONFINED", data, _apparmor_info())
    assert finding.evidence == "AppArmorProfile is empty"


def test_apparmor_colon_spelling_fires(container_rule) -> None:
    data = hardened()
    data["AppArmorProfile"] = "docker-default"
    data["HostConfig"]["SecurityOpt"] = ["apparmor:unconfined"]
    assert container_rule("CTR-APPARMOR-UNCONFINED", data, _apparmor_info())


def test_apparmor_default_profile_passes(container_rule) -> None:
    data = hardened()
    data["AppArmorProfile"] = "docker-default"
    assert not container_rule("CTR-APPARMOR-UNCONFINED", data, _apparmor_info())


def test_readonly_rootfs(container_rule) -> None:
    assert container_rule("CTR-READONLY-ROOTFS", risky())
    assert not container_rule("CTR-READONLY-ROOTFS", hardened())


def test_tmpfs_exec_fires_for_tmpfs_and_mount(container_rule) -> None:
    [finding] = container_rule("CTR-TMPFS-EXEC", risky())
    assert "HostConfig.Tmpfs /run lacks noexec,nosuid" in finding.evidence
    assert "HostConfig.Mounts tmpfs /scratch lacks noexec,nosuid" in finding.evidence


def test_tmpfs_missing_nosuid_only_fires(container_rule) -> None:
    data = hardened()
    data["HostConfig"]["Tmpfs"] = {"/tmp": "rw,noexec"}
    [finding] = container_rule("CTR-TMPFS-EXEC", data)
    assert finding.evidence == "HostConfig.Tmpfs /tmp lacks nosuid"


def test_tmpfs_mount_with_options_passes(container_rule) -> None:
    data = hardened()
    data["HostConfig"]["Mounts"] = [{"Type": "tmpfs", "Target": "/x", "TmpfsOptions": {"Options": [["noexec"], ["nosuid"]]}}]
    assert not container_rule("CTR-TMPFS-EXEC", data)


def test_memory_limit(container_rule) -> None:
    assert container_rule("CTR-MEMORY-LIMIT", risky())
    assert not container_rule("CTR-MEMORY-LIMIT", hardened())


@pytest.mark.parametrize("field", ["NanoCpus", "CpuQuota", "CpuShares"])
def test_cpu_limit_any_setting_passes(container_rule, field: str) -> None:
    data = risky()
    data["HostConfig"][field] = 512
    assert not container_rule("CTR-CPU-LIMIT", data)


def test_cpu_limit_none_fires(container_rule) -> None:
    assert container_rule("CTR-CPU-LIMIT", risky())


@pytest.mark.parametrize("limit", [None, 0, -1])
def test_pids_limit_unlimited_fires(container_rule, limit: int | None) -> None:
    data = hardened()
    data["HostConfig"]["PidsLimit"] = limit
    assert container_rule("CTR-PIDS-LIMIT", data)


def test_pids_limit_set_passes(container_rule) -> None:
    assert not container_rule("CTR-PIDS-LIMIT", hardened())


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ("CTR-HOST-NETWORK", "NetworkMode"),
        ("CTR-HOST-PID", "PidMode"),
        ("CTR-HOST-IPC", "IpcMode"),
        ("CTR-HOST-UTS", "UTSMode"),
        ("CTR-HOST-USERNS", "UsernsMode"),
    ],
)
def test_host_namespaces(container_rule, rule: str, field: str) -> None:
    data = hardened()
    assert not container_rule(rule, data)
    data["HostConfig"][field] = "host"
    [finding] = container_rule(rule, data)
    assert finding.evidence == f"HostConfig.{field}=host"


def test_host_namespaces_captured(container_rule) -> None:
    for rule in ("CTR-HOST-PID", "CTR-HOST-IPC", "CTR-HOST-UTS", "CTR-HOST-USERNS"):
        assert container_rule(rule, risky()), rule


def test_devices(container_rule) -> None:
    [finding] = container_rule("CTR-DEVICES", risky())
    assert finding.evidence == "HostConfig.Devices: /dev/null"
    assert not container_rule("CTR-DEVICES", hardened())


def test_mount_propagation(container_rule) -> None:
    [finding] = container_rule("CTR-MOUNT-PROPAGATION", risky())
    assert finding.evidence == "Mounts: /shared Propagation=rshared"
    data = hardened()
    data["Mounts"][0]["Propagation"] = "shared"
    assert container_rule("CTR-MOUNT-PROPAGATION", data)
    data["Mounts"][0]["Propagation"] = "rslave"
    assert not container_rule("CTR-MOUNT-PROPAGATION", data)


@pytest.mark.parametrize(("retries", "fires"), [(0, True), (1, False), (5, False), (6, True)])
def test_restart_policy_retry_counts(container_rule, retries: int, fires: bool) -> None:
    data = hardened()
    data["HostConfig"]["RestartPolicy"] = {"Name": "on-failure", "MaximumRetryCount": retries}
    assert bool(container_rule("CTR-RESTART-POLICY", data)) is fires


@pytest.mark.parametrize("policy", ["always", "unless-stopped", "no", ""])
def test_restart_policy_other_names_pass(container_rule, policy: str) -> None:
    data = hardened()
    data["HostConfig"]["RestartPolicy"] = {"Name": policy, "MaximumRetryCount": 0}
    assert not container_rule("CTR-RESTART-POLICY", data)


def test_restart_policy_captured(container_rule) -> None:
    assert container_rule("CTR-RESTART-POLICY", risky())
    assert not container_rule("CTR-RESTART-POLICY", hardened())
