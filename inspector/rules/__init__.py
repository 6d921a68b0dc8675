"""The checklist: rules evaluated on a HostSnapshot, pure functions with no I/O.

The catalogue, the registry and the rule modules load on first use, so `inspector.rules.secrets`
(which the engine's endpoint code needs before anything else) imports without pydantic.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any

from inspector.lazy import lazy_attributes

if TYPE_CHECKING:
    from inspector.model.findings import Finding, ObjectKind
    from inspector.model.objects import HostSnapshot
    from inspector.rules.catalogue import RULES, Rule, all_rules

# Importing these registers their checks.
_RULE_MODULES = ("container", "container_config", "container_network", "host", "image", "image_history",
                 "network", "secret")


def load_checks() -> dict[str, Any]:
    """Import every rule module, which registers its checks, and return the registry by rule id."""
    for module in _RULE_MODULES:
        importlib.import_module(f"{__name__}.{module}")
    from inspector.rules.registry import CHECKS

    return CHECKS


def evaluate_rules(
    snapshot: HostSnapshot,
    now: datetime | None = None,
    *,
    containers: Collection[str] | None = None,
    kinds: Collection[ObjectKind] | None = None,
) -> list[Finding]:
    """Return every finding on the snapshot, worst first; `now` defaults to the snapshot's collection time.

    With `containers`, container rules judge only the containers with those ids. With `kinds`,
    only rules about those kinds of object run (see `evaluate_registered`).
    """
    load_checks()
    from inspector.rules.registry import evaluate_registered

    return evaluate_registered(snapshot, now, containers=containers, kinds=kinds)


__getattr__ = lazy_attributes(__name__, {"RULES": "catalogue", "Rule": "catalogue", "all_rules": "catalogue"})

__all__ = ["RULES", "Rule", "all_rules", "evaluate_rules", "load_checks"]
