"""The rule list and config validation against the real rule catalogue."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from inspector.config import parse_config
from inspector.model import Severity
from inspector.report import build_rules_table
from inspector.rules import RULES, all_rules


def test_rules_table_lists_catalogue() -> None:
    rules = all_rules()
    buffer = io.StringIO()
    Console(file=buffer, width=200).print(build_rules_table(rules, {}, []))
    text = buffer.getvalue()
    for rule in rules:
        assert rule.id in text


def test_rules_table_shows_overrides() -> None:
    rule = RULES["CTR-CAP-DROP"]
    buffer = io.StringIO()
    Console(file=buffer, width=200).print(build_rules_table([rule], {"CTR-CAP-DROP": Severity.CRITICAL}, ["CTR-CAP-DROP"]))
    text = buffer.getvalue()
    assert f"critical (default {rule.severity.value})" in text
    assert "(disabled in config)" in text


def test_rules_default_to_catalogue() -> None:
    rule_id = next(iter(RULES))
    config = parse_config(f'[rules]\ndisable = ["{rule_id}"]', Path("dsc-tui.toml"))
    assert config.disabled == {rule_id}
