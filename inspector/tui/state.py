"""What the panes show: one snapshot, its findings, and lookups from an object to its findings."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from inspector.model import (
    Container,
    Finding,
    Host,
    HostSnapshot,
    Image,
    Network,
    ObjectKind,
    Secret,
    Severity,
)

Resource = Container | Image | Network | Secret | Host


@dataclass(frozen=True)
class ScanResult:
    """A snapshot with its findings after config (waivers, overrides, disabled rules) is applied."""

    snapshot: HostSnapshot
    findings: tuple[Finding, ...]
    by_object: dict[tuple[str, str], tuple[Finding, ...]] = field(default_factory=dict)
    # The day the oldest of these findings had config applied on: a waiver expires by date.
    judged_on: date | None = None

    def findings_for(self, kind: ObjectKind | str, object_id: str) -> tuple[Finding, ...]:
        """Return the findings about one object, worst first."""
        kind_name = kind.value if isinstance(kind, ObjectKind) else ObjectKind(kind).value
        return self.by_object.get((kind_name, object_id), ())

    @cached_property
    def _counts(self) -> dict[Severity, int]:
        counts = {severity: 0 for severity in Severity}
        for finding in self.findings:
            if not finding.waived:
                counts[finding.severity] += 1
        return counts

    def counts_by_severity(self) -> dict[Severity, int]:
        """Count unwaived findings per severity (counted once per result)."""
        return dict(self._counts)

    def find_object(self, kind: ObjectKind | str, object_id: str) -> Resource | None:
        """Return the container, image, network, secret or host with this id, or None."""
        return find_in_snapshot(self.snapshot, kind, object_id)


_ATTRIBUTE_OF_KIND = {
    ObjectKind.CONTAINER: "containers",
    ObjectKind.IMAGE: "images",
    ObjectKind.NETWORK: "networks",
    ObjectKind.SECRET: "secrets",
}


def find_in_snapshot(snapshot: HostSnapshot, kind: ObjectKind | str, object_id: str) -> Resource | None:
    """Return the object of `kind` with this id (the host for `host`), or None."""
    kind = ObjectKind(kind)
    if kind is ObjectKind.HOST:
        return snapshot.host
    items: list[Any] = getattr(snapshot, _ATTRIBUTE_OF_KIND[kind])
    return next((item for item in items if item.id == object_id), None)


def object_id_of(item: Resource) -> str:
    """Return the id findings use for `item` (the engine id for the host)."""
    return item.engine_id if isinstance(item, Host) else item.id


def worst_severity(findings: tuple[Finding, ...] | list[Finding]) -> Severity | None:
    """Return the worst severity among unwaived findings, or None."""
    active = [f.severity for f in findings if not f.waived]
    return max(active, key=lambda s: s.rank) if active else None


def evaluate(
    snapshot: HostSnapshot, now: datetime, config: Any = None, container_findings: list[Finding] | None = None
) -> ScanResult:
    """Run the rules on `snapshot` and apply `config`; pure, so it runs in a worker thread.

    `container_findings` are those of the container rules when they already ran on the
    snapshot's containers during the early read. Then only the other rules run.
    """
    from inspector.early import evaluate_with_judged

    findings = _configured(evaluate_with_judged(snapshot, container_findings, now), snapshot, now, config)
    findings.sort(key=Finding.sort_key)
    return ScanResult(snapshot=snapshot, findings=tuple(findings), by_object=_grouped(findings), judged_on=now.date())


# Above this many fresh findings, sorting everything costs less than inserting each one.
_INSERT_LIMIT = 64


def evaluate_containers(
    previous: ScanResult, snapshot: HostSnapshot, changed: set[str], now: datetime, config: Any = None
) -> ScanResult:
    """Evaluate `snapshot`, in which only the containers with ids in `changed` differ from `previous`.

    A container rule reads its container, the networks and host facts, so the findings of the
    other containers are kept; the rules of every other kind read across containers and run again.
    On a later day than `previous` was judged, everything is judged again, since a waiver may
    have expired.
    """
    if previous.judged_on != now.date():
        return evaluate(snapshot, now, config)
    from inspector.rules import evaluate_rules

    fresh = _configured(evaluate_rules(snapshot, now, containers=changed), snapshot, now, config)
    fresh.sort(key=Finding.sort_key)
    # The kept findings are in order already, so a few fresh ones are inserted rather than sorting
    # the whole list again, and the kept objects keep their grouped tuples (rows reuse them).
    findings = [f for f in previous.findings if f.kind is ObjectKind.CONTAINER and f.object_id not in changed]
    if len(fresh) > _INSERT_LIMIT:
        findings.extend(fresh)
        findings.sort(key=Finding.sort_key)
    else:
        for finding in fresh:
            bisect.insort(findings, finding, key=Finding.sort_key)
    container = ObjectKind.CONTAINER.value
    by_object = {
        key: group for key, group in previous.by_object.items() if key[0] == container and key[1] not in changed
    }
    by_object.update(_grouped(fresh))
    return ScanResult(snapshot=snapshot, findings=tuple(findings), by_object=by_object, judged_on=previous.judged_on)


def evaluate_refresh(
    previous: ScanResult | None, snapshot: HostSnapshot, now: datetime, config: Any = None
) -> ScanResult:
    """Evaluate a full refresh's `snapshot`, keeping `previous`'s findings of the containers it left alone.

    The collector keeps an unchanged container as the very object `previous` contains, so a
    container counts as changed when it is a new object, appeared or disappeared. A periodic
    refresh on a quiet host then builds no new findings for its containers.
    """
    changed = containers_changed(previous.snapshot, snapshot) if previous is not None else None
    if previous is None or changed is None:
        return evaluate(snapshot, now, config)
    return evaluate_containers(previous, snapshot, changed, now, config)


def containers_changed(before: HostSnapshot, after: HostSnapshot) -> set[str] | None:
    """Return the ids of containers whose findings may differ between two full snapshots.

    Return None when every container must be judged again: the host facts that decide which
    rules apply changed, a network appeared or went, or a network changed a field container
    rules read.
    """
    from inspector.rules.registry import host_facts

    if host_facts(before.host) != host_facts(after.host):
        return None
    networks_before = {network.id: network for network in before.networks}
    networks_after = {network.id: network for network in after.networks}
    if networks_before.keys() != networks_after.keys():
        return None
    changed: set[str] = set()
    for network_id, new in networks_after.items():
        members = _membership_change(networks_before[network_id], new)
        if members is None:
            return None
        changed |= members
    old_containers = {container.id: container for container in before.containers}
    for container in after.containers:
        if old_containers.pop(container.id, None) is not container:
            changed.add(container.id)
    changed.update(old_containers)
    return changed


# Network fields that container rules read besides membership. The engine cannot change them on an
# existing network, but a network replaced under the same id would.
_NETWORK_FIELDS_CONTAINER_RULES_READ = ("name", "driver", "internal")


def containers_to_evaluate(
    before: HostSnapshot, after: HostSnapshot, changed: list[tuple[ObjectKind, str]]
) -> set[str] | None:
    """Return the ids of containers whose findings may differ after `changed` objects were replaced.

    A container rule reads its own container and, of the networks, their name, driver, internal
    flag and whether the container is a member. So a changed network adds the containers that
    joined or left it. Return None when every container must be judged again: an image changed,
    or a network changed one of those fields.
    """
    affected: set[str] = set()
    for kind, object_id in changed:
        if kind is ObjectKind.CONTAINER:
            affected.add(object_id)
            continue
        if kind is not ObjectKind.NETWORK:
            return None
        old = find_in_snapshot(before, kind, object_id)
        members = _membership_change(old, find_in_snapshot(after, kind, object_id))
        if members is None:
            return None
        affected |= members
    return affected


def _membership_change(old: Any, new: Any) -> set[str] | None:
    """Return the containers that joined or left a network (either side None when absent).

    Return None when the network changed a field container rules read.
    """
    if old is new:
        return set()
    if isinstance(old, Network) and isinstance(new, Network) and any(
        getattr(old, name) != getattr(new, name) for name in _NETWORK_FIELDS_CONTAINER_RULES_READ
    ):
        return None
    old_members = set(old.containers) if isinstance(old, Network) else set()
    new_members = set(new.containers) if isinstance(new, Network) else set()
    return old_members ^ new_members


def _configured(findings: list[Finding], snapshot: HostSnapshot, now: datetime, config: Any) -> list[Finding]:
    if config is None:
        return findings
    from inspector.config import apply_config

    return list(apply_config(findings, config, snapshot, now.date()))


def _grouped(findings: list[Finding]) -> dict[tuple[str, str], tuple[Finding, ...]]:
    grouped: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[(finding.kind.value, finding.object_id)].append(finding)
    return {key: tuple(value) for key, value in grouped.items()}


def replace_object(snapshot: HostSnapshot, kind: ObjectKind | str, object_id: str, item: Any) -> HostSnapshot:
    """Return a copy of `snapshot` with one object replaced, added (new id) or removed (`item` None)."""
    attribute = _ATTRIBUTE_OF_KIND[ObjectKind(kind)]
    current: list[Any] = list(getattr(snapshot, attribute))
    updated = [existing for existing in current if existing.id != object_id]
    if item is not None:
        position = next((i for i, existing in enumerate(current) if existing.id == object_id), len(updated))
        updated.insert(position, item)
    return snapshot.model_copy(update={attribute: updated})
