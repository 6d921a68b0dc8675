"""General semantics: missing fields, host gating, ordering, scan time and secret values."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rulefixtures import CAPTURED_AT, load, make_snapshot

from inspector.model import Container, HostSnapshot, Image
from inspector.redaction import redact_container_inspect, redact_image_history, redact_image_inspect
from inspector.rules import RULES, evaluate_rules

# Raw values the captured fixtures carry; none may appear in any finding.
SECRET_VALUES = [
    "fixture-db-password",
    "fixture-url-password",
    "fixture-env-password",
    "fixture-npm-token-value",
    "fixture-aws-secret-value",
]


def full_snapshot() -> HostSnapshot:
    containers = [load(f"container-{name}.json") for name in ("default", "hardened", "risky", "redis", "unhealthy")]
    images = [(load("image-classic.json"), load("image-classic-history.json")), (load("image-busybox.json"), [])]
    networks = [load(f"network-{name}.json") for name in ("bridge", "dsc-rules-internal", "dsc-rules-icc-off")]
    return make_snapshot(containers=containers, images=images, networks=networks)


def podman_container() -> dict[str, Any]:
    data = load("container-default.json")
    for key in ("HostConfig", "NetworkSettings", "Mounts", "Config", "AppArmorProfile"):
        data[key] = None
    data["State"] = {"Status": "running", "Health": None}
    return data


def test_podman_nulls_give_no_container_findings() -> None:
    findings = evaluate_rules(make_snapshot(containers=[podman_container()]))
    assert [f for f in findings if f.kind.value == "container"] == []


def test_absent_sections_give_no_container_findings() -> None:
    data = load("container-default.json")
    for key in ("HostConfig", "NetworkSettings", "Mounts", "Config"):
        del data[key]
    findings = evaluate_rules(make_snapshot(containers=[data]))
    assert [f for f in findings if f.kind.value == "container"] == []


def test_null_optional_host_config_fields_do_not_crash() -> None:
    data = load("container-hardened.json")
    for key in ("Tmpfs", "Devices", "PortBindings", "LogConfig", "RestartPolicy", "Mounts", "SecurityOpt", "CapDrop"):
        data["HostConfig"][key] = None
    data["NetworkSettings"]["Networks"] = None
    data["NetworkSettings"]["Ports"] = None
    fired = {f.rule for f in evaluate_rules(make_snapshot(containers=[data])) if f.kind.value == "container"}
    # A null CapDrop or SecurityOpt is how Docker writes "none"; every other null is unknown.
    assert fired == {"CTR-CAP-DROP", "CTR-NO-NEW-PRIVS"}


def test_podman_nulls_on_image_network_and_host() -> None:
    image = load("image-busybox.json")
    image["Config"] = None
    network = load("network-bridge.json")
    network.update(Options=None, Containers=None, Labels=None)
    info = load("info.json")
    for key in ("SecurityOptions", "Plugins", "RegistryConfig", "LiveRestoreEnabled", "Swarm", "ExperimentalBuild"):
        info[key] = None
    findings = evaluate_rules(make_snapshot(images=[(image, [{"CreatedBy": None}])], networks=[network], info=info))
    assert [f.rule for f in findings] == ["NET-ICC-ENABLED"]


def test_non_linux_host_skips_linux_only_rules() -> None:
    info = load("info.json")
    info["OSType"] = "windows"
    fired = {f.rule for f in evaluate_rules(make_snapshot(containers=[load("container-risky.json")], info=info))}
    assert "CTR-PRIVILEGED" not in fired
    assert "CTR-CAP-DROP" not in fired
    assert "CTR-SECCOMP-UNCONFINED" not in fired
    assert "HOST-SECCOMP-OFF" not in fired
    assert "CTR-MEMORY-LIMIT" in fired
    assert "CTR-ENV-SECRET" in fired


def test_every_container_state_is_evaluated() -> None:
    states = {f.state for f in evaluate_rules(full_snapshot()) if f.rule == "CTR-ROOT-USER"}
    assert states == {"created", "running"}


def test_findings_sorted_worst_first() -> None:
    findings = evaluate_rules(full_snapshot())
    assert findings == sorted(findings, key=lambda f: f.sort_key())
    assert findings[0].severity.value == "critical"
    assert findings[-1].severity.value == "info"


def test_findings_carry_catalogue_text() -> None:
    for finding in evaluate_rules(full_snapshot()):
        rule = RULES[finding.rule]
        assert finding.title == rule.title
        assert finding.remediation == rule.remediation
        assert finding.cis == rule.cis
        assert finding.kind is rule.kind


def test_now_defaults_to_collection_time() -> None:
    image = load("image-busybox.json")
    image["Created"] = (CAPTURED_AT - timedelta(days=80)).isoformat()
    snapshot = make_snapshot(images=[(image, [])])
    assert not [f for f in evaluate_rules(snapshot) if f.rule == "IMG-STALE"]
    later = CAPTURED_AT + timedelta(days=30)
    assert [f for f in evaluate_rules(snapshot, now=later) if f.rule == "IMG-STALE"]


def test_naive_now_is_utc() -> None:
    image = load("image-busybox.json")
    image["Created"] = (CAPTURED_AT - timedelta(days=100)).isoformat()
    naive = CAPTURED_AT.replace(tzinfo=None)
    assert [f for f in evaluate_rules(make_snapshot(images=[(image, [])]), now=naive) if f.rule == "IMG-STALE"]


def test_fixtures_really_contain_the_secret_values() -> None:
    raw = str(load("container-risky.json")) + str(load("image-classic.json")) + str(load("image-classic-history.json"))
    for value in SECRET_VALUES:
        assert value in raw, value


def test_no_finding_shows_a_secret_value_unredacted_input() -> None:
    for finding in evaluate_rules(full_snapshot()):
        shown = " ".join([finding.message, finding.evidence, finding.title, finding.remediation])
        for value in SECRET_VALUES:
            assert value not in shown, (finding.rule, value)


def test_redacted_snapshot_gives_the_same_findings() -> None:
    raw = full_snapshot()
    redacted = raw.model_copy(
        update={
            "containers": [Container.from_inspect(redact_container_inspect(c.inspect)) for c in raw.containers],
            "images": [Image.from_inspect(redact_image_inspect(i.inspect), redact_image_history(i.history)) for i in raw.images],
        }
    )
    assert "fixture-db-password" not in str(redacted.containers[2].inspect)
    raw_keys = [(f.rule, f.object_id, f.evidence) for f in evaluate_rules(raw)]
    redacted_keys = [(f.rule, f.object_id, f.evidence) for f in evaluate_rules(redacted)]
    assert redacted_keys == raw_keys
