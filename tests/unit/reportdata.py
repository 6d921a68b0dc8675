"""Snapshots and findings for report, config and scan tests, built from real engine JSON.

The JSON in tests/fixtures/report/ was saved from a Docker 20.10 engine: `/info`, `/version`, a
running busybox container labelled `team=payments` on a user network, the busybox image and
its history, and that network.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inspector.model import Container, Finding, Host, HostSnapshot, Image, Network, ObjectKind, Severity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPORT_FIXTURES = FIXTURES / "report"
SARIF_SCHEMA = FIXTURES / "sarif-schema-2.1.0.json"
SCANNED_AT = datetime(2026, 12, 4, 19, 40, 5, 250000, tzinfo=UTC)


def load_json(name: str) -> Any:
    """Return a fresh copy of a fixture from tests/fixtures/report/."""
    return json.loads((REPORT_FIXTURES / name).read_text(encoding="utf-8"))


def container_inspect(name: str = "web", labels: dict[str, str] | None = None, container_id: str | None = None) -> dict[str, Any]:
    """Return the fixture container's inspect JSON renamed, relabelled and re-identified."""
    data = copy.deepcopy(load_json("container.json"))
    data["Name"] = f"/{name}"
    if labels is not None:
        data["Config"]["Labels"] = labels
    if container_id is not None:
        data["Id"] = container_id
    return data


def build_host() -> Host:
    """Return the host built from the saved `/info` and `/version`."""
    return Host.from_engine(load_json("info.json"), load_json("version.json"), "unix:///var/run/docker.sock")


def build_snapshot(containers: list[dict[str, Any]] | None = None) -> HostSnapshot:
    """Return a snapshot of the fixture host with the given container inspect JSON."""
    inspects = containers if containers is not None else [container_inspect()]
    return HostSnapshot(
        host=build_host(),
        collected_at=SCANNED_AT,
        containers=[Container.from_inspect(data) for data in inspects],
        images=[Image.from_inspect(load_json("image.json"), load_json("image-history.json"))],
        networks=[Network.from_inspect(load_json("network.json"))],
    )


def make_finding(
    rule: str,
    severity: Severity,
    target: Container | Image | Network | Host,
    message: str = "",
    **fields: Any,
) -> Finding:
    """Return a finding about `target`, filled in the way a rule fills one in."""
    if isinstance(target, Container):
        kind, object_id, name, state = ObjectKind.CONTAINER, target.id, target.name, target.state
    elif isinstance(target, Image):
        kind, object_id, name, state = ObjectKind.IMAGE, target.id, target.name, None
    elif isinstance(target, Network):
        kind, object_id, name, state = ObjectKind.NETWORK, target.id, target.name, None
    else:
        kind, object_id, name, state = ObjectKind.HOST, target.engine_id, target.name, None
    values: dict[str, Any] = {
        "rule": rule,
        "severity": severity,
        "title": f"title of {rule}",
        "kind": kind,
        "object_id": object_id,
        "object_name": name,
        "state": state,
        "message": message or f"{kind.value} {name} violates {rule}",
        "evidence": f"evidence for {rule}",
        "cis": "5.5",
        "remediation": f"fix {rule}",
    }
    values.update(fields)
    return Finding(**values)
