"""Reports of a scan across several engines: JSON `hosts` and `endpoint`, table, Markdown and SARIF."""

from __future__ import annotations

import json

import jsonschema
import pytest
from reportdata import SARIF_SCHEMA, SCANNED_AT, build_snapshot, make_finding

from inspector.model import HostSnapshot, Severity
from inspector.report import HostScan, build_multi_report, build_multi_sarif, build_report, render_markdown, render_table
from inspector.report.model import FINDING_KEYS
from inspector.report.sarif import FINGERPRINT_KEY
from inspector.rules import all_rules

LOCAL = "unix:///var/run/docker.sock"
REMOTE = "tcp://192.0.2.7:2376"


def _scan(context: str, endpoint: str) -> HostScan:
    snapshot = build_snapshot()
    snapshot = HostSnapshot(**{**dict(snapshot), "host": snapshot.host.model_copy(update={"endpoint": endpoint})})
    container = snapshot.containers[0]
    findings = [
        make_finding("CTR-PRIVILEGED", Severity.CRITICAL, container),
        make_finding("IMG-STALE", Severity.LOW, snapshot.images[0]),
        make_finding("CTR-ROOT-USER", Severity.HIGH, container, waived=True, waiver_reason="vendor image"),
    ]
    return HostScan(context=context, endpoint=endpoint, snapshot=snapshot, findings=findings)


@pytest.fixture
def scans() -> list[HostScan]:
    failed = HostScan(context="gone", endpoint="ssh://ops@192.0.2.9", error="cannot reach ssh://ops@192.0.2.9 over SSH")
    return [_scan("local", LOCAL), _scan("remote", REMOTE), failed]


def test_multi_report_top_level_keys(scans: list[HostScan]) -> None:
    report = build_multi_report(scans, SCANNED_AT)

    assert list(report) == ["schema", "generated_at", "hosts", "counts", "findings", "summary"]
    assert report["schema"] == "dsc-tui/report/v1"


def test_multi_report_hosts(scans: list[HostScan]) -> None:
    hosts = build_multi_report(scans, SCANNED_AT)["hosts"]

    assert [host["context"] for host in hosts] == ["local", "remote", "gone"]
    assert [host["endpoint"] for host in hosts] == [LOCAL, REMOTE, "ssh://ops@192.0.2.9"]
    assert hosts[0]["name"] == "vm"
    assert hosts[0]["api_version"] == "1.41"
    assert hosts[0]["counts"] == {"containers": 1, "images": 1, "networks": 1, "secrets": 0}
    assert hosts[0]["error"] is None


def test_multi_report_failed_host(scans: list[HostScan]) -> None:
    failed = build_multi_report(scans, SCANNED_AT)["hosts"][2]

    assert failed["error"] == "cannot reach ssh://ops@192.0.2.9 over SSH"
    assert failed["counts"] is None
    assert failed["name"] is None


def test_multi_report_findings_name_endpoint(scans: list[HostScan]) -> None:
    findings = build_multi_report(scans, SCANNED_AT)["findings"]

    assert len(findings) == 6
    assert all(list(finding) == [*FINDING_KEYS, "endpoint"] for finding in findings)
    assert [(f["rule"], f["endpoint"]) for f in findings[:2]] == [("CTR-PRIVILEGED", LOCAL), ("CTR-PRIVILEGED", REMOTE)]


def test_multi_report_totals(scans: list[HostScan]) -> None:
    report = build_multi_report(scans, SCANNED_AT)

    assert report["counts"] == {"containers": 2, "images": 2, "networks": 2, "secrets": 0}
    assert report["summary"] == {"critical": 2, "high": 0, "medium": 0, "low": 2, "info": 0}


def test_single_host_report_unchanged(scans: list[HostScan]) -> None:
    single = scans[0]
    report = build_report(single.snapshot, single.findings, SCANNED_AT)

    assert "hosts" not in report
    assert "endpoint" not in report["findings"][0]
    assert report["host"]["endpoint"] == LOCAL


def test_table_names_endpoints(scans: list[HostScan]) -> None:
    text = render_table(build_multi_report(scans, SCANNED_AT), width=200)

    assert f"at {LOCAL} (context local)" in text
    assert f"at {REMOTE} (context remote)" in text
    assert "gone at ssh://ops@192.0.2.9 was not scanned: cannot reach" in text
    assert f"on {REMOTE}" in text


def test_markdown_names_endpoints(scans: list[HostScan]) -> None:
    text = render_markdown(build_multi_report(scans, SCANNED_AT))

    assert text.startswith("## dsc-tui scan of 3 Docker engines")
    assert "- gone at ssh://ops@192.0.2.9: not scanned, cannot reach" in text
    assert f"<br>on {LOCAL}" in text
    assert f"<br>on {REMOTE}" in text


def test_multi_sarif_valid_and_names_endpoints(scans: list[HostScan]) -> None:
    sarif = build_multi_sarif(scans, SCANNED_AT, all_rules())
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(sarif)
    run = sarif["runs"][0]
    results = run["results"]

    assert len(sarif["runs"]) == 1
    assert len(results) == 6
    assert {result["properties"]["endpoint"] for result in results} == {LOCAL, REMOTE}
    assert all(result["message"]["text"].endswith(f"Endpoint: {result['properties']['endpoint']}") for result in results)
    assert [host["context"] for host in run["properties"]["hosts"]] == ["local", "remote", "gone"]
    assert run["automationDetails"]["id"] == "dsc-tui/gone+local+remote/"


def test_multi_sarif_fingerprints_differ_by_endpoint(scans: list[HostScan]) -> None:
    results = build_multi_sarif(scans, SCANNED_AT, all_rules())["runs"][0]["results"]
    privileged = [r for r in results if r["ruleId"] == "CTR-PRIVILEGED"]

    fingerprints = {r["partialFingerprints"][FINGERPRINT_KEY] for r in privileged}
    assert len(privileged) == 2
    assert len(fingerprints) == 2
    assert all(fingerprint.endswith(":1") for fingerprint in fingerprints)
