"""The report of a scan across several engines: the single-host document with a `hosts` list.

Its top-level keys are `schema`, `generated_at`, `hosts`, `counts`, `findings` and `summary`.
Each `hosts` entry is one scanned endpoint: `context`, `endpoint`, the engine fields of the
single-host `host` object, its own `counts`, and `error` (null, or why that endpoint could not be
scanned). `endpoint` is null only when the context itself could not be read. Each finding carries
an `endpoint` key naming the `hosts` entry it came from. `counts` and `summary` add up every
endpoint that was scanned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from inspector.model import Finding, HostSnapshot
from inspector.report.model import REPORT_SCHEMA, finding_to_dict, format_timestamp, host_to_dict, summarize

HOST_KEYS = ("name", "server_version", "api_version", "os_type", "swarm")


@dataclass
class HostScan:
    """One endpoint of a scan across engines: its snapshot and findings, or the error that stopped it."""

    context: str | None
    endpoint: str | None
    snapshot: HostSnapshot | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None


def _counts(snapshot: HostSnapshot) -> dict[str, int]:
    return {
        "containers": len(snapshot.containers),
        "images": len(snapshot.images),
        "networks": len(snapshot.networks),
        "secrets": len(snapshot.secrets),
    }


def host_entry(scan: HostScan) -> dict[str, Any]:
    """Return the `hosts` entry of one endpoint; engine fields are null when it could not be scanned."""
    entry: dict[str, Any] = {"context": scan.context, "endpoint": scan.endpoint}
    if scan.snapshot is None:
        entry.update({key: None for key in HOST_KEYS})
        entry["counts"] = None
    else:
        host = host_to_dict(scan.snapshot.host)
        entry.update({key: host[key] for key in HOST_KEYS})
        entry["counts"] = _counts(scan.snapshot)
    entry["error"] = scan.error
    return entry


def _total_counts(scans: Iterable[HostScan]) -> dict[str, int]:
    totals = {"containers": 0, "images": 0, "networks": 0, "secrets": 0}
    for scan in scans:
        if scan.snapshot is not None:
            for key, value in _counts(scan.snapshot).items():
                totals[key] += value
    return totals


def build_multi_report(scans: list[HostScan], generated_at: datetime) -> dict[str, Any]:
    """Build the report of several endpoints; findings sort by severity, rule, object name, then scan order."""
    tagged = [(finding, index, scan.endpoint) for index, scan in enumerate(scans) for finding in scan.findings]
    tagged.sort(key=lambda entry: (*entry[0].sort_key()[:3], entry[1], entry[0].object_id))
    findings = []
    for finding, _index, endpoint in tagged:
        data = finding_to_dict(finding)
        data["endpoint"] = endpoint
        findings.append(data)
    return {
        "schema": REPORT_SCHEMA,
        "generated_at": format_timestamp(generated_at),
        "hosts": [host_entry(scan) for scan in scans],
        "counts": _total_counts(scans),
        "findings": findings,
        "summary": summarize(finding for finding, _index, _endpoint in tagged),
    }
