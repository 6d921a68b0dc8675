"""Container rules on a subset of containers: the rest of the evaluation is unchanged."""

from __future__ import annotations

from pathlib import Path

from inspector.capture import load_capture
from inspector.model import ObjectKind
from inspector.rules import evaluate_rules
from inspector.rules.checklist import evaluate_checklist

CAPTURE = Path(__file__).resolve().parents[2] / "fixtures" / "tui-capture.json"


def test_subset_judges_only_those_containers() -> None:
    snapshot = load_capture(CAPTURE)
    chosen = {snapshot.containers[0].id, snapshot.containers[2].id}

    subset = evaluate_rules(snapshot, containers=chosen)

    container_ids = {f.object_id for f in subset if f.kind is ObjectKind.CONTAINER}
    assert container_ids
    assert container_ids <= chosen


def test_subset_equals_the_full_evaluation_restricted() -> None:
    snapshot = load_capture(CAPTURE)
    full = evaluate_rules(snapshot)
    chosen = {snapshot.containers[1].id}

    subset = evaluate_rules(snapshot, containers=chosen)

    expected = [f for f in full if f.kind is not ObjectKind.CONTAINER or f.object_id in chosen]
    assert subset == expected


def test_empty_subset_keeps_every_other_kind() -> None:
    snapshot = load_capture(CAPTURE)
    full = evaluate_rules(snapshot)

    subset = evaluate_rules(snapshot, containers=set())

    assert all(f.kind is not ObjectKind.CONTAINER for f in subset)
    assert subset == [f for f in full if f.kind is not ObjectKind.CONTAINER]


def test_checklist_counts_each_finding_once() -> None:
    snapshot = load_capture(CAPTURE)
    findings = evaluate_rules(snapshot)

    results = evaluate_checklist(findings)

    for result in results:
        rule_ids = set(result.item.rule_ids)
        matching = [f for f in findings if not f.waived and f.rule in rule_ids]
        assert result.finding_count == len(matching), result.item.title
        assert result.affected_objects == len({(f.kind, f.object_id) for f in matching}), result.item.title


def test_kinds_split_the_full_evaluation() -> None:
    snapshot = load_capture(CAPTURE)
    full = evaluate_rules(snapshot)

    containers = evaluate_rules(snapshot, kinds={ObjectKind.CONTAINER})
    others = evaluate_rules(snapshot, kinds=set(ObjectKind) - {ObjectKind.CONTAINER})

    assert containers
    assert {f.kind for f in containers} == {ObjectKind.CONTAINER}
    assert ObjectKind.CONTAINER not in {f.kind for f in others}
    assert sorted(containers + others, key=lambda f: f.sort_key()) == full
