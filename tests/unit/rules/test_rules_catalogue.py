"""The catalogue matches the rule table: every id with its default severity and CIS id."""

from __future__ import annotations

import pytest

from inspector.model.findings import ObjectKind, Severity
from inspector.rules import RULES, all_rules, load_checks

# (id, severity, CIS id) in catalogue order, copied from the rule tables of the specification.
EXPECTED = [
    ("CTR-PRIVILEGED", "critical", "5.5"),
    ("CTR-DOCKER-SOCKET", "critical", "5.32"),
    ("CTR-SENSITIVE-MOUNT", "high", "5.6"),
    ("CTR-ROOT-USER", "high", "4.1"),
    ("CTR-CAP-DROP", "medium", "5.4"),
    ("CTR-CAP-ADD", "medium", "5.4"),
    ("CTR-CAP-DANGEROUS", "high", "5.4"),
    ("CTR-NO-NEW-PRIVS", "medium", "5.26"),
    ("CTR-SECCOMP-UNCONFINED", "high", "5.22"),
    ("CTR-APPARMOR-UNCONFINED", "medium", "5.2"),
    ("CTR-READONLY-ROOTFS", "low", "5.13"),
    ("CTR-TMPFS-EXEC", "low", None),
    ("CTR-MEMORY-LIMIT", "medium", "5.11"),
    ("CTR-CPU-LIMIT", "low", "5.12"),
    ("CTR-PIDS-LIMIT", "medium", "5.29"),
    ("CTR-HOST-NETWORK", "high", "5.10"),
    ("CTR-HOST-PID", "high", "5.16"),
    ("CTR-HOST-IPC", "high", "5.17"),
    ("CTR-HOST-UTS", "medium", "5.21"),
    ("CTR-HOST-USERNS", "medium", "5.31"),
    ("CTR-DEVICES", "medium", "5.18"),
    ("CTR-PORT-ALL-INTERFACES", "medium", "5.14"),
    ("CTR-PRIVILEGED-PORT", "low", "5.8"),
    ("CTR-DEFAULT-BRIDGE", "low", "5.30"),
    ("CTR-DATABASE-EXPOSED", "high", None),
    ("CTR-MOUNT-PROPAGATION", "medium", "5.20"),
    ("CTR-HEALTHCHECK-MISSING", "low", "5.27"),
    ("CTR-UNHEALTHY", "high", None),
    ("CTR-LOG-ROTATION", "low", None),
    ("CTR-RESTART-POLICY", "low", "5.15"),
    ("CTR-IMAGE-LATEST", "low", "5.28"),
    ("CTR-ENV-SECRET", "high", "4.10"),
    ("CTR-ENV-TLS-DISABLED", "medium", None),
    ("IMG-ROOT-USER", "medium", "4.1"),
    ("IMG-NAMED-USER", "info", None),
    ("IMG-HEALTHCHECK-MISSING", "low", "4.6"),
    ("IMG-LATEST-TAG", "low", None),
    ("IMG-HISTORY-SECRET", "high", "4.10"),
    ("IMG-ADD-INSTRUCTION", "low", "4.9"),
    ("IMG-UPDATE-ALONE", "low", "4.7"),
    ("IMG-PACKAGE-CACHE", "info", None),
    ("IMG-UNVERIFIED-PACKAGES", "high", "4.11"),
    ("IMG-SUDO", "medium", None),
    ("IMG-SSH-PORT", "medium", None),
    ("IMG-LARGE", "info", None),
    ("IMG-STALE", "low", "4.4"),
    ("IMG-DANGLING", "info", "6.1"),
    ("NET-ICC-ENABLED", "low", "2.2"),
    ("NET-OVERLAY-UNENCRYPTED", "medium", "7.3"),
    ("NET-MIXED-EXPOSURE", "medium", None),
    ("HOST-INSECURE-REGISTRY", "high", "2.5"),
    ("HOST-USERNS-OFF", "low", "2.9"),
    ("HOST-LIVE-RESTORE-OFF", "low", "2.15"),
    ("HOST-NO-AUTHZ-PLUGIN", "info", "2.12"),
    ("HOST-SECCOMP-OFF", "high", "2.17"),
    ("HOST-EXPERIMENTAL", "low", "2.18"),
    ("HOST-SWARM-AUTOLOCK-OFF", "medium", "7.5"),
    ("SEC-UNUSED", "info", None),
    ("SEC-NOT-ROTATED", "low", None),
]
KIND_BY_PREFIX = {
    "CTR": ObjectKind.CONTAINER,
    "IMG": ObjectKind.IMAGE,
    "NET": ObjectKind.NETWORK,
    "HOST": ObjectKind.HOST,
    "SEC": ObjectKind.SECRET,
}


def test_catalogue_has_exactly_the_specified_ids_in_order() -> None:
    assert list(RULES) == [rule_id for rule_id, _, _ in EXPECTED]


def test_all_rules_follows_catalogue_order() -> None:
    assert [rule.id for rule in all_rules()] == list(RULES)


@pytest.mark.parametrize(("rule_id", "severity", "cis"), EXPECTED, ids=[row[0] for row in EXPECTED])
def test_rule_severity_and_cis(rule_id: str, severity: str, cis: str | None) -> None:
    rule = RULES[rule_id]
    assert rule.severity is Severity(severity)
    assert rule.cis == cis
    assert rule.kind is KIND_BY_PREFIX[rule_id.split("-")[0]]


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_text_is_filled_in(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule.title
    assert rule.section
    assert rule.rationale.endswith(".")
    assert rule.remediation


def test_every_rule_has_a_check() -> None:
    assert sorted(load_checks()) == sorted(RULES)
