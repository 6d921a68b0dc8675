"""The SARIF report: schema-valid, one rule per catalogue entry, stable fingerprints, suppressions."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from reportdata import SARIF_SCHEMA, SCANNED_AT, build_snapshot, container_inspect, make_finding

from inspector.model import Severity
from inspector.report import build_sarif, render_sarif
from inspector.report.sarif import FINGERPRINT_KEY
from inspector.rules import RULES, all_rules


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def _findings(snapshot):
    container = snapshot.containers[0]
    return [
        make_finding("CTR-PRIVILEGED", Severity.CRITICAL, container),
        make_finding("CTR-CAP-DROP", Severity.MEDIUM, container),
        make_finding("IMG-STALE", Severity.LOW, snapshot.images[0]),
        make_finding("HOST-USERNS-OFF", Severity.LOW, snapshot.host),
        make_finding("CTR-ROOT-USER", Severity.HIGH, container, waived=True, waiver_reason="vendor image"),
        make_finding("CTR-MEMORY-LIMIT", Severity.MEDIUM, container, waiver_reason="expired 2026-01-31: old"),
    ]


def _sarif(snapshot=None, findings=None, overrides=None):
    snapshot = snapshot or build_snapshot()
    findings = _findings(snapshot) if findings is None else findings
    return build_sarif(snapshot, findings, SCANNED_AT, all_rules(), overrides)


def _results(sarif):
    return sarif["runs"][0]["results"]


def test_validates_against_schema(validator) -> None:
    sarif = json.loads(render_sarif(_sarif()))
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(sarif)]
    assert errors == []


def test_empty_scan_validates(validator) -> None:
    errors = list(validator.iter_errors(_sarif(findings=[])))
    assert errors == []


def test_schema_check_catches_bad_level(validator) -> None:
    sarif = _sarif()
    _results(sarif)[0]["level"] = "fatal"
    assert list(validator.iter_errors(sarif)) != []


def test_version_and_tool() -> None:
    sarif = _sarif()
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    assert sarif["runs"][0]["tool"]["driver"]["name"] == "dsc-tui"


def test_one_rule_per_catalogue_entry() -> None:
    rules = _sarif()["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [rule.id for rule in all_rules()]
    assert len(rules) == len(RULES)


def test_rule_descriptor_fields() -> None:
    rules = {rule["id"]: rule for rule in _sarif()["runs"][0]["tool"]["driver"]["rules"]}
    catalogue = RULES["CTR-PRIVILEGED"]
    descriptor = rules["CTR-PRIVILEGED"]
    assert descriptor["name"] == "CtrPrivileged"
    assert descriptor["shortDescription"]["text"] == catalogue.title
    assert catalogue.remediation in descriptor["help"]["text"]
    assert descriptor["defaultConfiguration"]["level"] == "error"
    assert descriptor["properties"]["severity"] == "critical"
    assert descriptor["properties"]["cis"] == catalogue.cis
    assert descriptor["properties"]["security-severity"] == "9.5"
    assert "security" in descriptor["properties"]["tags"]


def test_severity_override_in_rule() -> None:
    sarif = _sarif(overrides={"CTR-CAP-DROP": Severity.CRITICAL})
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["CTR-CAP-DROP"]["properties"]["severity"] == "critical"
    assert rules["CTR-CAP-DROP"]["defaultConfiguration"]["level"] == "error"


def test_one_result_per_finding() -> None:
    sarif = _sarif()
    results = _results(sarif)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert len(results) == 6
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_levels_follow_severity() -> None:
    levels = {result["ruleId"]: result["level"] for result in _results(_sarif())}
    assert levels["CTR-PRIVILEGED"] == "error"
    assert levels["CTR-ROOT-USER"] == "error"
    assert levels["CTR-CAP-DROP"] == "warning"
    assert levels["IMG-STALE"] == "note"


def test_location_is_relative_uri_and_logical() -> None:
    results = {result["ruleId"]: result for result in _results(_sarif())}
    location = results["IMG-STALE"]["locations"][0]
    uri = location["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "dsc-tui/image/busybox%3A1.36"
    # GitHub rejects a scheme other than file and a colon in the first path segment.
    assert "://" not in uri
    assert ":" not in uri.split("/")[0]
    assert re.fullmatch(r"[A-Za-z0-9%._~/-]+", uri)
    assert location["physicalLocation"]["region"]["startLine"] == 1
    assert location["logicalLocations"][0]["name"] == "busybox:1.36"
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "dsc-tui://image/busybox:1.36"


def test_fingerprints_stable_across_builds() -> None:
    first = build_snapshot([container_inspect("web", container_id="a" * 64)])
    second = build_snapshot([container_inspect("web", container_id="b" * 64)])
    prints_first = [r["partialFingerprints"][FINGERPRINT_KEY] for r in _results(_sarif(first))]
    prints_second = [r["partialFingerprints"][FINGERPRINT_KEY] for r in _results(_sarif(second))]
    assert prints_first == prints_second


def test_fingerprints_distinct_per_finding() -> None:
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in _results(_sarif())]
    assert len(set(prints)) == len(prints)


def test_fingerprint_changes_with_name() -> None:
    web = _results(_sarif(build_snapshot([container_inspect("web")])))
    api = _results(_sarif(build_snapshot([container_inspect("api")])))
    assert web[0]["ruleId"] == api[0]["ruleId"]
    assert web[0]["partialFingerprints"] != api[0]["partialFingerprints"]


def test_duplicate_findings_numbered() -> None:
    snapshot = build_snapshot()
    container = snapshot.containers[0]
    findings = [
        make_finding("CTR-ENV-SECRET", Severity.HIGH, container, evidence="DB_PASSWORD is set"),
        make_finding("CTR-ENV-SECRET", Severity.HIGH, container, evidence="API_KEY is set"),
    ]
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in _results(_sarif(snapshot, findings))]
    assert prints[0].endswith(":1")
    assert prints[1].endswith(":2")
    assert prints[0].split(":")[0] == prints[1].split(":")[0]


def test_waived_finding_suppressed() -> None:
    results = {result["ruleId"]: result for result in _results(_sarif())}
    assert results["CTR-ROOT-USER"]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "vendor image"}
    ]


def test_unwaived_finding_not_suppressed() -> None:
    results = {result["ruleId"]: result for result in _results(_sarif())}
    assert results["CTR-PRIVILEGED"]["suppressions"] == []


def test_expired_waiver_not_suppressed() -> None:
    results = {result["ruleId"]: result for result in _results(_sarif())}
    assert results["CTR-MEMORY-LIMIT"]["suppressions"] == []
    assert results["CTR-MEMORY-LIMIT"]["properties"]["waiver"] == "expired 2026-01-31: old"


def test_message_carries_evidence() -> None:
    results = {result["ruleId"]: result for result in _results(_sarif())}
    assert results["CTR-PRIVILEGED"]["message"]["text"].endswith("\nEvidence: evidence for CTR-PRIVILEGED")


def test_render_escapes_control_characters() -> None:
    snapshot = build_snapshot([container_inspect("evil\x1b[2J")])
    text = render_sarif(_sarif(snapshot))
    assert "\x1b" not in text
