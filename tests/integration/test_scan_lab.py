"""The rule engine on the live lab fleet: every lab object reports exactly the rules it breaks."""

from __future__ import annotations

import docker
import pytest

from inspector.engine import collect_snapshot, open_engine
from inspector.lab import LAB_SECRET_VALUES, LabFleet
from inspector.model import Finding
from inspector.rules import evaluate_rules
from inspector.rules.checklist import evaluate_checklist

pytestmark = pytest.mark.integration

# Rules every lab container breaks unless it was hardened: the engine's defaults.
DEFAULTS = {
    "CTR-ROOT-USER",
    "CTR-CAP-DROP",
    "CTR-NO-NEW-PRIVS",
    "CTR-READONLY-ROOTFS",
    "CTR-MEMORY-LIMIT",
    "CTR-CPU-LIMIT",
    "CTR-PIDS-LIMIT",
    "CTR-HEALTHCHECK-MISSING",
    "CTR-LOG-ROTATION",
}

# The web container publishes port 80 on an ephemeral host port, so CTR-PRIVILEGED-PORT stays quiet.
EXPECTED_CONTAINER_RULES = {
    "web": DEFAULTS
    | {
        "CTR-PORT-ALL-INTERFACES",
        "CTR-DEFAULT-BRIDGE",
        "CTR-IMAGE-LATEST",
        "CTR-ENV-SECRET",
        "CTR-ENV-TLS-DISABLED",
    },
    "postgres": DEFAULTS | {"CTR-PORT-ALL-INTERFACES", "CTR-DEFAULT-BRIDGE", "CTR-DATABASE-EXPOSED", "CTR-ENV-SECRET"},
    "admin": DEFAULTS | {"CTR-PRIVILEGED", "CTR-DOCKER-SOCKET", "CTR-CAP-ADD", "CTR-CAP-DANGEROUS"},
    "api": set(),
    "exited": DEFAULTS | {"CTR-ENV-SECRET"},
}
EXPECTED_IMAGE_RULES = {
    "web": {"IMG-ROOT-USER", "IMG-HEALTHCHECK-MISSING", "IMG-LATEST-TAG"},
    "api": set(),
    "worker": {"IMG-ROOT-USER", "IMG-HEALTHCHECK-MISSING", "IMG-HISTORY-SECRET"},
}
EXPECTED_NETWORK_RULES = {"frontend": set(), "backend": {"NET-MIXED-EXPOSURE"}}


@pytest.fixture(scope="module")
def lab_scan(lab_fleet: LabFleet) -> list[Finding]:
    """Every finding of a live scan with the lab fleet up."""
    with open_engine(timeout=30) as engine:
        snapshot = collect_snapshot(engine)
    return evaluate_rules(snapshot)


def rules_on(findings: list[Finding], kind: str, name: str) -> set[str]:
    return {finding.rule for finding in findings if finding.kind.value == kind and finding.object_name == name}


@pytest.mark.parametrize("role", sorted(EXPECTED_CONTAINER_RULES))
def test_lab_container_rules(lab_scan: list[Finding], lab_fleet: LabFleet, role: str) -> None:
    assert rules_on(lab_scan, "container", lab_fleet.containers[role]) == EXPECTED_CONTAINER_RULES[role]


@pytest.mark.parametrize("role", sorted(EXPECTED_IMAGE_RULES))
def test_lab_image_rules(lab_scan: list[Finding], lab_fleet: LabFleet, role: str) -> None:
    assert rules_on(lab_scan, "image", lab_fleet.images[role]) == EXPECTED_IMAGE_RULES[role]


@pytest.mark.parametrize("role", sorted(EXPECTED_NETWORK_RULES))
def test_lab_network_rules(lab_scan: list[Finding], lab_fleet: LabFleet, role: str) -> None:
    assert rules_on(lab_scan, "network", lab_fleet.networks[role]) == EXPECTED_NETWORK_RULES[role]


def test_lab_secret_rules(lab_scan: list[Finding], lab_fleet: LabFleet) -> None:
    used, unused = lab_fleet.secrets
    assert rules_on(lab_scan, "secret", used) == set()
    assert rules_on(lab_scan, "secret", unused) == {"SEC-UNUSED"}


def test_lab_exited_container_state(lab_scan: list[Finding], lab_fleet: LabFleet) -> None:
    states = {f.state for f in lab_scan if f.object_name == lab_fleet.containers["exited"]}
    assert states == {"exited"}


def test_lab_host_rules_follow_engine_info(lab_scan: list[Finding], docker_client: docker.DockerClient) -> None:
    info = docker_client.info()
    host_rules = {f.rule for f in lab_scan if f.kind.value == "host"}
    security = " ".join(info.get("SecurityOptions") or [])
    assert ("HOST-USERNS-OFF" in host_rules) is ("name=userns" not in security and "name=rootless" not in security)
    assert ("HOST-SECCOMP-OFF" in host_rules) is ("name=seccomp" not in security)
    assert ("HOST-NO-AUTHZ-PLUGIN" in host_rules) is (not (info.get("Plugins") or {}).get("Authorization"))
    assert ("HOST-EXPERIMENTAL" in host_rules) is bool(info.get("ExperimentalBuild"))


def test_lab_scan_shows_no_secret_value(lab_scan: list[Finding]) -> None:
    for finding in lab_scan:
        shown = f"{finding.message} {finding.evidence}"
        for value in LAB_SECRET_VALUES:
            assert value not in shown, finding.rule


def test_lab_checklist_fails_where_lab_is_insecure(lab_scan: list[Finding]) -> None:
    results = {result.item.title: result for result in evaluate_checklist(lab_scan)}
    assert results["Capabilities dropped"].status == "fail"
    assert results["Secrets not in environment variables"].status == "fail"
    assert results["Network segmentation"].status == "fail"
    assert results["Incident response plan"].status == "manual"
