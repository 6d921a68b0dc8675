"""The registry of rule checks and the loop that turns a snapshot into findings.

A check is a function of one object (container, image, network, host or secret) and the
evaluation context. It returns a `Violation` or None, so each rule reports at most one finding
per object; the evidence lists every offending value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from inspector.model.fields import as_list
from inspector.model.findings import Finding, ObjectKind, Severity
from inspector.model.objects import Host, HostSnapshot, Network
from inspector.rules.catalogue import RULES, Rule

logger = logging.getLogger(__name__)

ABSENT: Any = object()
"""Returned by `lookup` when a key is missing, so a rule can tell "absent" from an explicit null."""


def lookup(data: Any, *path: str) -> Any:
    """Return the value at `path` in nested dicts (None for an explicit null), or ABSENT if a step is missing."""
    current = data
    # Rules call this about 30 times per container, so the usual case (every step present) runs
    # without a type check per step.
    try:
        for step in path:
            current = current[step]
    except (KeyError, TypeError, IndexError):
        return ABSENT
    return current


@dataclass(frozen=True)
class Violation:
    """A check's result: a one-line message, the offending field and value, and an optional severity override."""

    message: str
    evidence: str
    severity: Severity | None = None


@dataclass(frozen=True)
class EvaluationContext:
    """Facts about the whole host that checks of single objects need."""

    snapshot: HostSnapshot
    now: datetime
    linux: bool
    security_modules: frozenset[str]
    used_image_ids: frozenset[str]
    networks_by_key: dict[str, Network]

    @classmethod
    def build(cls, snapshot: HostSnapshot, now: datetime) -> EvaluationContext:
        """Derive the context from a snapshot; a naive `now` is taken as UTC."""
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        networks_by_key: dict[str, Network] = {}
        for network in snapshot.networks:
            networks_by_key[network.name] = network
            networks_by_key[network.id] = network
        linux, modules = host_facts(snapshot.host)
        return cls(
            snapshot=snapshot,
            now=now,
            linux=linux,
            security_modules=modules,
            used_image_ids=frozenset(c.image_id for c in snapshot.containers if c.image_id),
            networks_by_key=networks_by_key,
        )


def host_facts(host: Host) -> tuple[bool, frozenset[str]]:
    """Return what decides which rules apply on `host`: whether it runs Linux, and its security modules."""
    # NOTE: an engine that reports no OSType at all is treated as not Linux, so the Linux-only
    # rules report nothing rather than guess.
    return host.os_type.lower() == "linux", security_modules(host.info)


def security_modules(info: dict[str, Any]) -> frozenset[str]:
    """Return the module names in `/info` SecurityOptions (`name=seccomp,profile=default` gives `seccomp`)."""
    names: set[str] = set()
    for entry in as_list(info.get("SecurityOptions")):
        if not isinstance(entry, str):
            continue
        for option in entry.split(","):
            key, _, value = option.partition("=")
            if key.strip() == "name":
                names.add(value.strip().lower())
    return frozenset(names)


Check = Callable[[Any, EvaluationContext], Violation | None]


@dataclass(frozen=True)
class RegisteredCheck:
    """A rule's check and the host conditions under which it applies."""

    rule: Rule
    check: Check
    linux_only: bool
    security_module: str | None

    def applies(self, context: EvaluationContext) -> bool:
        """Return whether the host supports what this rule checks."""
        if self.linux_only and not context.linux:
            return False
        return self.security_module is None or self.security_module in context.security_modules


CHECKS: dict[str, RegisteredCheck] = {}


def check(rule_id: str, *, linux_only: bool = False, security_module: str | None = None) -> Callable[[Check], Check]:
    """Register the decorated function as the check of catalogue rule `rule_id`."""
    rule = RULES[rule_id]

    def register(function: Check) -> Check:
        if rule_id in CHECKS:
            raise ValueError(f"rule {rule_id} has two checks: {CHECKS[rule_id].check.__name__} and {function.__name__}")
        CHECKS[rule_id] = RegisteredCheck(rule, function, linux_only, security_module)
        return function

    return register


@dataclass(frozen=True)
class _Subject:
    """An object a rule is evaluated on, with the identity a finding reports."""

    item: Any
    object_id: str
    object_name: str
    state: str | None


def _subjects(kind: ObjectKind, snapshot: HostSnapshot, containers: Collection[str] | None) -> Iterable[_Subject]:
    if kind is ObjectKind.CONTAINER:
        return [_Subject(c, c.id, c.name, c.state) for c in snapshot.containers
                if containers is None or c.id in containers]
    if kind is ObjectKind.IMAGE:
        return [_Subject(i, i.id, i.name, None) for i in snapshot.images]
    if kind is ObjectKind.NETWORK:
        return [_Subject(n, n.id, n.name, None) for n in snapshot.networks]
    if kind is ObjectKind.SECRET:
        return [_Subject(s, s.id, s.name, None) for s in snapshot.secrets]
    host = snapshot.host
    return [_Subject(host, host.engine_id, host.name, None)]


def evaluate_registered(
    snapshot: HostSnapshot,
    now: datetime | None = None,
    *,
    containers: Collection[str] | None = None,
    kinds: Collection[ObjectKind] | None = None,
) -> list[Finding]:
    """Run every registered check that applies to this host and return the findings, sorted.

    With `containers`, container rules run only on the containers with those ids; the rules of
    every other kind still run on the whole snapshot. With `kinds`, only rules about objects of
    those kinds run.
    """
    context = EvaluationContext.build(snapshot, now or snapshot.collected_at)
    findings: list[Finding] = []
    # Built once per kind rather than once per rule: 30-odd rules judge each container.
    subjects_by_kind: dict[ObjectKind, Iterable[_Subject]] = {}
    for rule_id, rule in RULES.items():
        if kinds is not None and rule.kind not in kinds:
            continue
        registered = CHECKS.get(rule_id)
        if registered is None or not registered.applies(context):
            continue
        if rule.kind not in subjects_by_kind:
            subjects_by_kind[rule.kind] = _subjects(rule.kind, snapshot, containers)
        for subject in subjects_by_kind[rule.kind]:
            violation = registered.check(subject.item, context)
            if violation is None:
                continue
            findings.append(
                Finding(
                    rule=rule.id,
                    severity=violation.severity or rule.severity,
                    title=rule.title,
                    kind=rule.kind,
                    object_id=subject.object_id,
                    object_name=subject.object_name,
                    state=subject.state,
                    message=violation.message,
                    evidence=violation.evidence,
                    cis=rule.cis,
                    remediation=rule.remediation,
                )
            )
    findings.sort(key=Finding.sort_key)
    logger.debug("evaluated %d rules on %s: %d findings", len(CHECKS), snapshot.host.name, len(findings))
    return findings
