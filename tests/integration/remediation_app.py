"""Helpers for the remediation tests on the real engine. The host app comes from `remediation_host`."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import docker
from remediation_host import STYLES, RemediationApp
from textual.app import App

from inspector.engine import open_engine
from inspector.model import Container

TEST_LABELS = {"dsc-tui.test": "true"}
__all__ = ["SLEEPER", "STYLES", "TEST_LABELS", "RemediationApp", "audit_entries", "container_model", "live_source",
           "settle", "unique_name"]

# A shell that exits on SIGTERM within a second, so stop and restart need no SIGKILL wait.
SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; echo started; while true; do sleep 1; done"]


def unique_name(prefix: str) -> str:
    """Return a container or network name no other test uses."""
    return f"dsc-test-{prefix}-{uuid.uuid4().hex[:8]}"


def live_source(read_only: bool = False) -> SimpleNamespace:
    """Return a source on the local engine, as the app's live source exposes it."""
    return SimpleNamespace(live=True, read_only=read_only, engine=open_engine(timeout=30))


def container_model(client: docker.DockerClient, container_id: str) -> Container:
    """Return the model of a container as the app's snapshot contains it."""
    return Container.from_inspect(client.api.inspect_container(container_id))


def audit_entries(path: Path) -> list[dict[str, Any]]:
    """Return the audit log's entries, or none when it was never written."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


async def settle(app: App[Any], pilot: Any) -> None:
    """Wait until every worker finished and the screen processed what they posted."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
