"""`dsc-tui lab up|down|status` on the real engine: the objects it creates, idempotence, removal."""

from __future__ import annotations

import subprocess
import sys
import uuid
from typing import Any

import docker
import pytest

from inspector.engine import collect_snapshot, open_engine, provision
from inspector.engine.provision import ConflictError, ContainerSpec
from inspector.lab import LAB_LABEL_KEY, LAB_SECRET_VALUES, LabFleet
from inspector.model import Finding
from inspector.rules import evaluate_rules

pytestmark = pytest.mark.integration


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run dsc-tui in a subprocess, as a user would, capturing stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "inspector.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def container(client: docker.DockerClient, name: str) -> dict[str, Any]:
    return client.api.inspect_container(name)


def env_keys(data: dict[str, Any]) -> set[str]:
    return {entry.split("=", 1)[0] for entry in data["Config"]["Env"] or []}


def published_host_ips(data: dict[str, Any]) -> set[str]:
    bindings = data["NetworkSettings"]["Ports"] or {}
    return {binding["HostIp"] for entries in bindings.values() for binding in entries or []}


def assert_no_secret_value(text: str) -> None:
    for value in LAB_SECRET_VALUES:
        assert value not in text


def lab_container_ids(client: docker.DockerClient) -> dict[str, str]:
    return {
        item.name: item.id for item in client.containers.list(all=True, filters={"label": f"{LAB_LABEL_KEY}=true"})
    }


def test_networks_frontend_and_internal_backend(docker_client: docker.DockerClient, lab_fleet: LabFleet) -> None:
    frontend = docker_client.networks.get(lab_fleet.networks["frontend"]).attrs
    backend = docker_client.networks.get(lab_fleet.networks["backend"]).attrs
    assert frontend["Internal"] is False
    assert backend["Internal"] is True
    assert frontend["Labels"][LAB_LABEL_KEY] == "true"
    assert backend["Labels"][LAB_LABEL_KEY] == "true"


def test_web_container_is_insecure(docker_client: docker.DockerClient, lab_fleet: LabFleet) -> None:
    web = container(docker_client, lab_fleet.containers["web"])
    assert web["State"]["Running"] is True
    assert web["Config"]["User"] == ""
    assert web["Config"]["Image"] == "dsc-lab/web"
    assert "0.0.0.0" in published_host_ips(web)
    assert web["HostConfig"]["Memory"] == 0
    assert web["HostConfig"]["NanoCpus"] == 0
    assert "Healthcheck" not in web["Config"]
    assert set(web["NetworkSettings"]["Networks"]) == {"bridge"}
    assert web["Config"]["Labels"][LAB_LABEL_KEY] == "true"


def test_postgres_container_is_exposed(docker_client: docker.DockerClient, lab_fleet: LabFleet) -> None:
    postgres = container(docker_client, lab_fleet.containers["postgres"])
    assert postgres["State"]["Running"] is True
    assert "POSTGRES_PASSWORD" in env_keys(postgres)
    assert postgres["HostConfig"]["PortBindings"]["5432/tcp"][0]["HostIp"] == ""
    assert "0.0.0.0" in published_host_ips(postgres)
    assert set(postgres["NetworkSettings"]["Networks"]) == {"bridge", lab_fleet.networks["backend"]}
    volumes = [mount["Name"] for mount in postgres["Mounts"] if mount["Type"] == "volume"]
    assert volumes == list(lab_fleet.volumes)


def test_admin_container_is_privileged(docker_client: docker.DockerClient, lab_fleet: LabFleet) -> None:
    admin = container(docker_client, lab_fleet.containers["admin"])
    assert admin["HostConfig"]["Privileged"] is True
    assert admin["HostConfig"]["CapAdd"] == ["SYS_ADMIN"]
    sources = {mount["Source"] for mount in admin["Mounts"]}
    assert "/var/run/docker.sock" in sources
    # Engines that lack capabilities themselves cannot start it; either state is a lab container.
    assert admin["State"]["Status"] in {"running", "created"}


def test_api_container_is_hardened(docker_client: docker.DockerClient, lab_fleet: LabFleet) -> None:
    api = container(docker_client, lab_fleet.containers["api"])
    host_config = api["HostConfig"]
    assert api["State"]["Running"] is True
    assert api["State"]["Health"]["Status"] == "healthy"
    assert api["Config"]["User"] == "10001:10001"
    assert api["Config"]["Image"] == lab_fleet.images["api"]
    assert host_config["CapDrop"] == ["ALL"]
    assert not host_config["CapAdd"]
    assert host_config["Privileged"] is False
    assert host_config["ReadonlyRootfs"] is True
    assert host_config["Tmpfs"] == {"/tmp": "rw,noexec,nosuid,size=16m"}
    assert host_config["SecurityOpt"] == ["no-new-privileges:true"]
    assert host_config["Memory"] > 0
    assert host_config["NanoCpus"] > 0
    assert host_config["PidsLimit"] > 0
    assert host_config["LogConfig"]["Type"] == "json-file"
    assert "max-size" in host_config["LogConfig"]["Config"]
    assert host_config["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3}
    assert published_host_ips(api) == {"127.0.0.1"}
    host_ports = [int(b["HostPort"]) for entries in api["NetworkSettings"]["Ports"].values() for b in entries or []]
    assert host_ports
    assert min(host_ports) >= 1024
    assert set(api["NetworkSettings"]["Networks"]) == set(lab_fleet.networks.values())
    assert api["Config"]["Healthcheck"]["Test"][0] == "CMD"
    assert "DB_PASSWORD_FILE" in env_keys(api)
    assert not api["Mounts"]


def test_api_image_numeric_user_healthcheck(docker_client: docker.DockerClient, lab_fleet: LabFleet) -> None:
    image = docker_client.api.inspect_image(lab_fleet.images["api"])
    assert image["Config"]["User"] == "10001:10001"
    assert image["Config"]["Healthcheck"]["Test"][0] == "CMD"
    assert image["Config"]["Labels"][LAB_LABEL_KEY] == "true"


def test_worker_container_exited(docker_client: docker.DockerClient, lab_fleet: LabFleet) -> None:
    worker = container(docker_client, lab_fleet.containers["exited"])
    assert worker["State"]["Status"] == "exited"
    assert worker["State"]["ExitCode"] == 1


def test_worker_image_history_sets_token(docker_client: docker.DockerClient, lab_fleet: LabFleet) -> None:
    history = docker_client.api.history(lab_fleet.images["worker"])
    steps = [entry["CreatedBy"] for entry in history]
    assert any("ENV API_TOKEN=" in step for step in steps)


def test_every_lab_image_is_labelled(docker_client: docker.DockerClient, lab_fleet: LabFleet) -> None:
    for ref in lab_fleet.images.values():
        image = docker_client.api.inspect_image(ref)
        assert image["Config"]["Labels"][LAB_LABEL_KEY] == "true", ref


def test_swarm_secret_and_service(docker_client: docker.DockerClient, lab_fleet: LabFleet) -> None:
    secrets = {secret.name: secret.attrs for secret in docker_client.secrets.list()}
    for name in lab_fleet.secrets:
        assert secrets[name]["Spec"]["Labels"][LAB_LABEL_KEY] == "true"

    service = docker_client.services.get(lab_fleet.services[0]).attrs
    assert service["Spec"]["Labels"][LAB_LABEL_KEY] == "true"
    mounted = [ref["SecretName"] for ref in service["Spec"]["TaskTemplate"]["ContainerSpec"]["Secrets"]]
    assert mounted == [lab_fleet.secrets[0]]


@pytest.fixture(scope="module")
def lab_findings(lab_fleet: LabFleet) -> list[Finding]:
    """Every finding of a scan of the engine with the lab fleet up."""
    with open_engine(timeout=30) as engine:
        snapshot = collect_snapshot(engine)
    return evaluate_rules(snapshot)


def rules_on(findings: list[Finding], kind: str, name: str) -> set[str]:
    return {finding.rule for finding in findings if finding.kind == kind and finding.object_name == name}


def test_api_container_passes_every_rule(lab_findings: list[Finding], lab_fleet: LabFleet) -> None:
    assert rules_on(lab_findings, "container", lab_fleet.containers["api"]) == set()
    assert rules_on(lab_findings, "image", lab_fleet.images["api"]) == set()


@pytest.mark.parametrize(
    ("kind", "role", "expected"),
    [
        ("container", "web", {"CTR-ROOT-USER", "CTR-IMAGE-LATEST", "CTR-PORT-ALL-INTERFACES", "CTR-DEFAULT-BRIDGE"}),
        ("container", "web", {"CTR-HEALTHCHECK-MISSING", "CTR-MEMORY-LIMIT", "CTR-ENV-TLS-DISABLED"}),
        ("container", "postgres", {"CTR-DATABASE-EXPOSED", "CTR-ENV-SECRET", "CTR-PORT-ALL-INTERFACES"}),
        ("container", "admin", {"CTR-PRIVILEGED", "CTR-DOCKER-SOCKET", "CTR-CAP-DANGEROUS", "CTR-CAP-ADD"}),
        ("image", "worker", {"IMG-HISTORY-SECRET"}),
        ("image", "web", {"IMG-LATEST-TAG", "IMG-ROOT-USER"}),
        ("network", "backend", {"NET-MIXED-EXPOSURE"}),
    ],
)
def test_insecure_objects_break_rules(
    lab_findings: list[Finding], lab_fleet: LabFleet, kind: str, role: str, expected: set[str]
) -> None:
    names = {"container": lab_fleet.containers, "image": lab_fleet.images, "network": lab_fleet.networks}[kind]
    assert expected <= rules_on(lab_findings, kind, names[role])


def test_unused_swarm_secret_is_reported(lab_findings: list[Finding], lab_fleet: LabFleet) -> None:
    assert rules_on(lab_findings, "secret", lab_fleet.secrets[1]) == {"SEC-UNUSED"}
    assert rules_on(lab_findings, "secret", lab_fleet.secrets[0]) == set()


def test_findings_show_no_secret_value(lab_findings: list[Finding]) -> None:
    for finding in lab_findings:
        assert_no_secret_value(finding.model_dump_json())


def test_up_twice_is_idempotent(docker_client: docker.DockerClient, lab_fleet: LabFleet, base_image: str) -> None:
    before = lab_container_ids(docker_client)
    result = run_cli("lab", "up", "--swarm", "--base-image", base_image)
    after = lab_container_ids(docker_client)

    assert result.returncode == 0, result.stderr
    assert after == before
    verbs = {line.split()[0] for line in result.stdout.splitlines()}
    assert verbs == {"exists"}
    listed = {line.split()[2] for line in result.stdout.splitlines()}
    assert set(lab_fleet.containers.values()) <= listed
    assert_no_secret_value(result.stdout + result.stderr)


def test_status_lists_every_object(lab_fleet: LabFleet) -> None:
    result = run_cli("lab", "status")
    assert result.returncode == 0, result.stderr
    rows = {tuple(line.split()[:2]): line.split(maxsplit=2)[2] for line in result.stdout.splitlines()}

    for name in lab_fleet.containers.values():
        assert ("container", name) in rows
    assert rows[("container", lab_fleet.containers["exited"])] == "exited (1)"
    assert rows[("container", lab_fleet.containers["api"])] == "running (healthy)"
    assert rows[("network", lab_fleet.networks["backend"])] == "bridge, internal"
    for ref in lab_fleet.images.values():
        assert ("image", ref) in rows
    for name in lab_fleet.secrets:
        assert ("secret", name) in rows
    assert rows[("service", lab_fleet.services[0])] == "1/1 running"
    assert_no_secret_value(result.stdout + result.stderr)


def test_missing_base_image_exits_2() -> None:
    result = run_cli("lab", "up", "--base-image", "dsc-tui-test/no-such-base:1")
    assert result.returncode == 2
    assert result.stdout == ""
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("dsc-tui: error: base image dsc-tui-test/no-such-base:1 is missing")
    assert "scripts/import-base-image dsc-tui-test/no-such-base:1" in error
    assert "--base-image REF" in error


def test_unreachable_engine_exits_3(tmp_path: Any) -> None:
    result = run_cli("lab", "status", "--host", f"unix://{tmp_path}/no-engine.sock")
    assert result.returncode == 3
    assert result.stdout == ""


def test_second_create_raises_conflict(docker_client: docker.DockerClient, base_image: str) -> None:
    # Two concurrent `lab up` runs both find a name free; the loser must see a ConflictError,
    # which `lab up` reports as an existing object, rather than create a duplicate network.
    name = f"dsc-tui-test-conflict-{uuid.uuid4().hex[:8]}"
    labels = {"dsc-tui.test": "true"}
    spec = ContainerSpec(name=name, image=base_image, labels=labels, command=["true"], networks=(name,))
    with open_engine(timeout=30) as engine:
        try:
            provision.create_network(engine.api, name, labels, internal=False)
            with pytest.raises(ConflictError):
                provision.create_network(engine.api, name, labels, internal=False)

            provision.create_container(engine.api, spec)
            with pytest.raises(ConflictError):
                provision.create_container(engine.api, spec)
        finally:
            for item in docker_client.containers.list(all=True, filters={"name": name}):
                item.remove(force=True)
            for network in docker_client.networks.list(names=[name]):
                network.remove()
    assert docker_client.networks.list(names=[name]) == []


def test_down_removes_only_lab_objects(docker_client: docker.DockerClient, lab_fleet: LabFleet, base_image: str) -> None:
    # Runs last in this module and brings the fleet back, because other tests share it.
    own_name = f"dsc-tui-test-keep-{uuid.uuid4().hex[:8]}"
    own = docker_client.containers.create(base_image, ["true"], name=own_name, labels={"dsc-tui.test": "true"})
    try:
        result = run_cli("lab", "down")
        assert result.returncode == 0, result.stderr
        removed = {tuple(line.split()[1:3]) for line in result.stdout.splitlines()}
        for name in lab_fleet.containers.values():
            assert ("container", name) in removed
        assert ("service", lab_fleet.services[0]) in removed
        assert ("network", lab_fleet.networks["backend"]) in removed
        assert ("image", lab_fleet.images["web"]) in removed

        assert lab_container_ids(docker_client) == {}
        assert docker_client.networks.list(names=list(lab_fleet.networks.values())) == []
        assert docker_client.images.list(filters={"label": f"{LAB_LABEL_KEY}=true"}) == []
        assert docker_client.containers.get(own.id).name == own_name
        assert docker_client.images.get(base_image) is not None

        status = run_cli("lab", "status")
        assert status.returncode == 0
        assert status.stdout == ""
    finally:
        restored = run_cli("lab", "up", "--swarm", "--base-image", base_image)
        own.remove(force=True)
    assert restored.returncode == 0, restored.stderr
    assert set(lab_container_ids(docker_client)) >= set(lab_fleet.containers.values())
