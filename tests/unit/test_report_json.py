"""The JSON report: exact keys and order, sorting, summary counts and safe serialization."""

from __future__ import annotations

import json

from reportdata import SCANNED_AT, build_snapshot, container_inspect, make_finding

from inspector.model import Severity
from inspector.report import build_report, render_json


def _report(findings=None, snapshot=None):
    snapshot = snapshot or build_snapshot()
    container = snapshot.containers[0]
    if findings is None:
        findings = [
            make_finding("CTR-CAP-DROP", Severity.MEDIUM, container),
            make_finding("CTR-PRIVILEGED", Severity.CRITICAL, container),
            make_finding("HOST-USERNS-OFF", Severity.LOW, snapshot.host),
            make_finding("CTR-ROOT-USER", Severity.HIGH, container, waived=True, waiver_reason="accepted"),
        ]
    return build_report(snapshot, findings, SCANNED_AT)


def test_top_level_keys_in_schema_order() -> None:
    assert list(_report()) == ["schema", "generated_at", "host", "counts", "findings", "summary"]


def test_schema_and_timestamp() -> None:
    report = _report()
    assert report["schema"] == "dsc-tui/report/v1"
    assert report["generated_at"] == "2026-12-04T19:40:05Z"


def test_host_from_engine() -> None:
    host = _report()["host"]
    assert list(host) == ["name", "endpoint", "server_version", "api_version", "os_type", "swarm"]
    assert host["name"] == "vm"
    assert host["endpoint"] == "unix:///var/run/docker.sock"
    assert host["server_version"].startswith("20.10")
    assert host["api_version"] == "1.41"
    assert host["os_type"] == "linux"
    assert host["swarm"] == "inactive"


def test_counts_match_snapshot() -> None:
    snapshot = build_snapshot([container_inspect("a", container_id="a" * 64), container_inspect("b", container_id="b" * 64)])
    counts = _report(findings=[], snapshot=snapshot)["counts"]
    assert list(counts) == ["containers", "images", "networks", "secrets"]
    assert counts == {"containers": 2, "images": 1, "networks": 1, "secrets": 0}


def test_finding_keys_in_schema_order() -> None:
    finding = _report()["findings"][0]
    assert list(finding) == [
        "rule", "severity", "title", "kind", "object_id", "object_name", "state",
        "message", "evidence", "cis", "remediation", "waived", "waiver_reason",
    ]


def test_finding_values_are_plain_json() -> None:
    finding = _report()["findings"][0]
    assert finding["severity"] == "critical"
    assert finding["kind"] == "container"
    assert finding["state"] == "running"
    assert len(finding["object_id"]) == 64
    assert finding["waived"] is False
    assert finding["waiver_reason"] is None


def test_host_finding_has_null_state() -> None:
    host_finding = next(f for f in _report()["findings"] if f["kind"] == "host")
    assert host_finding["state"] is None
    assert host_finding["object_id"] == build_snapshot().host.engine_id


def test_findings_sorted_by_severity_rule_name() -> None:
    snapshot = build_snapshot([container_inspect("b", container_id="b" * 64), container_inspect("a", container_id="a" * 64)])
    b, a = snapshot.containers
    findings = [
        make_finding("CTR-CAP-DROP", Severity.MEDIUM, b),
        make_finding("CTR-CAP-DROP", Severity.MEDIUM, a),
        make_finding("CTR-CAP-ADD", Severity.MEDIUM, b),
        make_finding("HOST-SECCOMP-OFF", Severity.HIGH, snapshot.host),
    ]
    order = [(f["rule"], f["object_name"]) for f in _report(findings, snapshot)["findings"]]
    assert order == [("HOST-SECCOMP-OFF", "vm"), ("CTR-CAP-ADD", "b"), ("CTR-CAP-DROP", "a"), ("CTR-CAP-DROP", "b")]


def test_summary_counts_unwaived_only() -> None:
    summary = _report()["summary"]
    assert list(summary) == ["critical", "high", "medium", "low", "info"]
    assert summary["critical"] == 1
    assert summary["high"] == 0
    assert summary["medium"] == 1
    assert summary["low"] == 1
    assert summary["info"] == 0


def test_waived_finding_still_listed() -> None:
    waived = [f for f in _report()["findings"] if f["waived"]]
    assert [f["rule"] for f in waived] == ["CTR-ROOT-USER"]
    assert waived[0]["waiver_reason"] == "accepted"


def test_render_round_trips() -> None:
    report = _report()
    assert json.loads(render_json(report)) == report


def test_render_escapes_control_characters() -> None:
    snapshot = build_snapshot()
    finding = make_finding("CTR-CAP-DROP", Severity.MEDIUM, snapshot.containers[0], message="bad \x1b[31mred\x1b[0m \x9b2J")
    text = render_json(_report([finding], snapshot))
    assert "\x1b" not in text
    assert "\x9b" not in text
    assert "\\u001b[31mred" in text
