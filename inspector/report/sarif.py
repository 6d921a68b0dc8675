"""The SARIF 2.1.0 report, shaped for GitHub code scanning and other SARIF viewers.

Locations: a finding is about a Docker object, not a file. GitHub code scanning rejects an
upload whose `artifactLocation.uri` has a scheme other than the checkout's `file` (error
`SARIF URI scheme "docker" did not match the checkout URI scheme "file"`) or is not a valid URI
reference (`first path segment in URL cannot contain colon`). So the artifact uri is the relative
path `dsc-tui/<kind>/<percent-encoded name>`, with a `region` on line 1 because GitHub places a
result by `region.startLine`. The object itself is named by a logical location
(`dsc-tui://<kind>/<name>`), which SARIF viewers show as text without resolving it.

Fingerprints: `partialFingerprints["dscTuiFinding/v1"]` is a SHA-256 of rule id, object kind and
object name, followed by `:<n>` to tell apart findings that share all three. The object id is left
out on purpose: recreating a container (`docker compose up`) or rebuilding an image changes the id,
and GitHub would close the alert and open a new one for what an operator sees as the same problem.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

from inspector import __version__
from inspector.model import Finding, HostSnapshot, ObjectKind, Severity
from inspector.report.model import format_timestamp, host_to_dict
from inspector.report.multi import host_entry

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "dscTuiFinding/v1"

_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub ranks security alerts by the rule's `security-severity` score, from 0.1 to 10.0.
# NOTE: the values aim at the middle of GitHub's critical (9.0+), high (7.0-8.9), medium (4.0-6.9) and
# low (0.1-3.9) bands as commonly documented; no upload has checked them. Info rules get no score.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "2.0",
}


class CatalogueRule(Protocol):
    """The fields of a catalogue rule that SARIF needs."""

    id: str
    kind: Any
    severity: Severity
    title: str
    cis: str | None
    section: str | None
    rationale: str
    remediation: str


def sarif_level(severity: Severity) -> str:
    """Return the SARIF level (`error`, `warning`, `note`) for a severity."""
    return _LEVELS[severity]


def artifact_uri(kind: ObjectKind, name: str) -> str:
    """Return the relative artifact uri of an object: `dsc-tui/<kind>/<percent-encoded name>`."""
    return f"dsc-tui/{kind.value}/{quote(name, safe='')}"


def fingerprint(finding: Finding, endpoint: str | None = None) -> str:
    """Return the stable part of a finding's fingerprint: SHA-256 of rule, kind, object name and any endpoint."""
    parts = (finding.rule, finding.kind.value, finding.object_name)
    # Only a scan of several engines passes the endpoint, so single-host fingerprints stay as they were.
    material = "\0".join((*parts, endpoint) if endpoint else parts)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def _rule_name(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _rule_descriptor(rule: CatalogueRule, severity: Severity) -> dict[str, Any]:
    kind = getattr(rule.kind, "value", rule.kind)
    help_markdown = f"**Remediation:** {rule.remediation}"
    if rule.cis:
        help_markdown += f"\n\nCIS Docker Benchmark {rule.cis}."
    properties: dict[str, Any] = {
        "severity": severity.value,
        "cis": rule.cis,
        "section": rule.section,
        "tags": ["security", "docker", str(kind)],
    }
    if severity in _SECURITY_SEVERITY:
        properties["security-severity"] = _SECURITY_SEVERITY[severity]
    return {
        "id": rule.id,
        "name": _rule_name(rule.id),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale or rule.title},
        "help": {"text": f"Remediation: {rule.remediation}", "markdown": help_markdown},
        "defaultConfiguration": {"level": sarif_level(severity)},
        "properties": properties,
    }


def _result(finding: Finding, rule_index: int | None, occurrence: int, endpoint: str | None = None) -> dict[str, Any]:
    text = finding.message
    if finding.evidence:
        text += f"\nEvidence: {finding.evidence}"
    if endpoint:
        text += f"\nEndpoint: {endpoint}"
    result: dict[str, Any] = {"ruleId": finding.rule}
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    result.update(
        {
            "level": sarif_level(finding.severity),
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(finding.kind, finding.object_name)},
                        "region": {"startLine": 1},
                    },
                    "logicalLocations": [
                        {
                            "name": finding.object_name,
                            "fullyQualifiedName": f"dsc-tui://{finding.kind.value}/{finding.object_name}",
                            "kind": "resource",
                        }
                    ],
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: f"{fingerprint(finding, endpoint)}:{occurrence}"},
            # An empty list states "not suppressed", while a missing one would mean "unknown".
            "suppressions": [],
            "properties": {
                "severity": finding.severity.value,
                "kind": finding.kind.value,
                "object_id": finding.object_id,
                "state": finding.state,
                "evidence": finding.evidence,
                "cis": finding.cis,
                "remediation": finding.remediation,
            },
        }
    )
    if endpoint:
        result["properties"]["endpoint"] = endpoint
    if finding.waived:
        # `external`: the waiver lives in dsc-tui.toml, outside the SARIF file.
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": finding.waiver_reason or ""}
        ]
    elif finding.waiver_reason:
        result["properties"]["waiver"] = finding.waiver_reason
    return result


def build_sarif(
    snapshot: HostSnapshot,
    findings: Iterable[Finding],
    generated_at: datetime,
    rules: Iterable[CatalogueRule],
    severity_overrides: Mapping[str, Severity] | None = None,
) -> dict[str, Any]:
    """Build a SARIF 2.1.0 log: one rule per catalogue entry and one result per finding."""
    host = snapshot.host
    tagged = [(finding, None) for finding in findings]
    # One category per host, so scans of two hosts uploaded to one repository do not close each
    # other's alerts.
    return _sarif_log(tagged, f"dsc-tui/{host.name or 'host'}/", {"host": host_to_dict(host)},
                      generated_at, rules, severity_overrides)


def build_multi_sarif(
    scans: Iterable[Any],
    generated_at: datetime,
    rules: Iterable[CatalogueRule],
    severity_overrides: Mapping[str, Severity] | None = None,
) -> dict[str, Any]:
    """Build one SARIF run for a scan of several engines (`HostScan`s); each result names its endpoint."""
    scans = list(scans)
    tagged = [(finding, scan.endpoint) for scan in scans for finding in scan.findings]
    names = sorted({scan.context or scan.endpoint or "host" for scan in scans})
    category = f"dsc-tui/{'+'.join(names)}/"
    return _sarif_log(tagged, category, {"hosts": [host_entry(scan) for scan in scans]},
                      generated_at, rules, severity_overrides)


def _sarif_log(
    tagged: list[tuple[Finding, str | None]],
    category: str,
    run_properties: dict[str, Any],
    generated_at: datetime,
    rules: Iterable[CatalogueRule],
    severity_overrides: Mapping[str, Severity] | None,
) -> dict[str, Any]:
    overrides = severity_overrides or {}
    catalogue = list(rules)
    rule_indexes = {rule.id: index for index, rule in enumerate(catalogue)}

    # Findings sharing rule, kind and name are numbered in an order that does not depend on object ids.
    ordered = sorted(
        tagged, key=lambda pair: (*pair[0].sort_key()[:3], pair[1] or "", pair[0].kind.value, pair[0].message, pair[0].evidence)
    )
    occurrences: Counter[str] = Counter()
    results = []
    for finding, endpoint in ordered:
        stable = fingerprint(finding, endpoint)
        occurrences[stable] += 1
        results.append(_result(finding, rule_indexes.get(finding.rule), occurrences[stable], endpoint))

    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dsc-tui",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [
                            _rule_descriptor(rule, overrides.get(rule.id, rule.severity)) for rule in catalogue
                        ],
                    }
                },
                "automationDetails": {"id": category},
                "invocations": [{"executionSuccessful": True, "endTimeUtc": format_timestamp(generated_at)}],
                "results": results,
                "properties": run_properties,
            }
        ],
    }


def render_sarif(sarif: dict[str, Any]) -> str:
    """Serialize a SARIF log built by `build_sarif`."""
    return json.dumps(sarif, indent=2, ensure_ascii=True) + "\n"
