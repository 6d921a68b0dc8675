"""Helpers for rule tests: inspect JSON captured from Docker 20.10 (API 1.41), edited per test.

The JSON under tests/fixtures/inspect/ was captured by tests/fixtures/inspect/capture-rules.sh
from real containers, images and networks; tests copy it and change the fields a case needs.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from inspector.model import Container, Finding, Host, HostSnapshot, Image, Network, Secret, Service
from inspector.rules import evaluate_rules

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "inspect"
# The fixtures were captured shortly after this time; rules that compare ages use it as "now".
CAPTURED_AT = datetime(2026, 12, 4, 19, 40, tzinfo=timezone.utc)


def load(name: str) -> Any:
    """Return a fresh copy of a fixture's JSON, safe to edit."""
    return copy.deepcopy(_cached(name))


_CACHE: dict[str, Any] = {}


def _cached(name: str) -> Any:
    if name not in _CACHE:
        _CACHE[name] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return _CACHE[name]


def make_snapshot(
    containers: list[dict[str, Any]] = (),
    images: list[tuple[dict[str, Any], list[dict[str, Any]]]] = (),
    networks: list[dict[str, Any]] = (),
    secrets: list[dict[str, Any]] = (),
    services: list[dict[str, Any]] = (),
    info: dict[str, Any] | None = None,
) -> HostSnapshot:
    """Build a snapshot from inspect JSON; `info` defaults to the captured `/info`."""
    host = Host.from_engine(info if info is not None else load("info.json"), load("version.json"), "unix:///var/run/docker.sock")
    return HostSnapshot(
        host=host,
        collected_at=CAPTURED_AT,
        containers=[Container.from_inspect(c) for c in containers],
        images=[Image.from_inspect(data, history) for data, history in images],
        networks=[Network.from_inspect(n) for n in networks],
        secrets=[Secret.from_inspect(s) for s in secrets],
        services=[Service.from_inspect(s) for s in services],
    )


def findings_for(rule: str, snapshot: HostSnapshot) -> list[Finding]:
    """Return the snapshot's findings of one rule."""
    return [finding for finding in evaluate_rules(snapshot) if finding.rule == rule]
