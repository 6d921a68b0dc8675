"""The checklist: rules evaluated on a HostSnapshot, pure functions with no I/O."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from inspector.model.findings import Finding
from inspector.model.objects import HostSnapshot

# Importing the rule modules registers their checks.
from inspector.rules import (  # noqa: F401
    container,
    container_config,
    container_network,
    host,
    image,
    image_history,
    network,
    secret,
)
from inspector.rules.catalogue import RULES, Rule, all_rules
from inspector.rules.registry import evaluate_registered


def evaluate_rules(
    snapshot: HostSnapshot, now: datetime | None = None, *, containers: Collection[str] | None = None
) -> list[Finding]:
    """Return every finding on the snapshot, worst first; `now` defaults to the snapshot's collection time.

    With `containers`, container rules judge only the containers with those ids (see
    `evaluate_registered`).
    """
    return evaluate_registered(snapshot, now, containers=containers)


__all__ = ["RULES", "Rule", "all_rules", "evaluate_rules"]
