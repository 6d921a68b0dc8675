"""Fixtures for rule tests; the helpers they use live in rulefixtures.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rulefixtures import findings_for, load, make_snapshot

from inspector.model import Finding


@pytest.fixture
def container_rule() -> Callable[[str, dict[str, Any]], list[Finding]]:
    """Evaluate one rule on one container inspect JSON, with the captured networks present."""

    def evaluate(rule: str, container: dict[str, Any], info: dict[str, Any] | None = None) -> list[Finding]:
        networks = [load("network-bridge.json"), load("network-dsc-rules-internal.json")]
        return findings_for(rule, make_snapshot(containers=[container], networks=networks, info=info))

    return evaluate
