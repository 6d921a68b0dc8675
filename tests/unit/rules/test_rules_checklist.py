"""The checklist view: items, their rules and their status from findings."""

from __future__ import annotations

from rulefixtures import load, make_snapshot

from inspector.rules import RULES, evaluate_rules
from inspector.rules.checklist import CHECKLIST, evaluate_checklist


def results_by_title(findings) -> dict:
    return {result.item.title: result for result in evaluate_checklist(findings)}


def test_checklist_rule_ids_exist() -> None:
    for item in CHECKLIST:
        for rule_id in item.rule_ids:
            assert rule_id in RULES, (item.title, rule_id)


def test_checklist_covers_prefixed_groups() -> None:
    by_title = {item.title: item for item in CHECKLIST}
    assert set(by_title["Host configuration"].rule_ids) == {r for r in RULES if r.startswith("HOST-")}
    assert {"CTR-CAP-DROP", "CTR-CAP-ADD", "CTR-CAP-DANGEROUS", "CTR-PRIVILEGED"} == set(by_title["Capabilities dropped"].rule_ids)
    assert {"NET-ICC-ENABLED", "NET-OVERLAY-UNENCRYPTED", "NET-MIXED-EXPOSURE"} <= set(by_title["Network segmentation"].rule_ids)


def test_checklist_phases_and_manual_items() -> None:
    phases = {item.phase for item in CHECKLIST}
    assert phases == {"Pre-deployment", "Runtime"}
    manual = {item.title for item in CHECKLIST if item.manual}
    assert manual == {"Security training", "Documentation", "Incident response plan"}


def test_checklist_on_hardened_container() -> None:
    results = results_by_title(evaluate_rules(make_snapshot(containers=[load("container-hardened.json")])))
    assert results["Non-root user"].status == "pass"
    assert results["Resource limits"].status == "pass"
    assert results["Base image vulnerability scan"].status == "not checkable"
    assert results["Security training"].status == "manual"
    assert results["Host configuration"].status == "fail"


def test_checklist_counts_findings_and_objects() -> None:
    containers = [load("container-default.json"), load("container-risky.json")]
    results = results_by_title(evaluate_rules(make_snapshot(containers=containers)))
    limits = results["Resource limits"]
    assert limits.status == "fail"
    assert limits.finding_count == 6
    assert limits.affected_objects == 2


def test_checklist_ignores_waived_findings() -> None:
    findings = evaluate_rules(make_snapshot(containers=[load("container-default.json")]))
    waived = [f.model_copy(update={"waived": True}) if f.rule == "CTR-ROOT-USER" else f for f in findings]
    assert results_by_title(findings)["Non-root user"].status == "fail"
    result = results_by_title(waived)["Non-root user"]
    assert result.status == "pass"
    assert result.finding_count == 0


def test_checklist_proxy_item_fails_when_proxy_fires() -> None:
    image = load("image-busybox.json")
    image["Created"] = "2020-01-01T00:00:00Z"
    results = results_by_title(evaluate_rules(make_snapshot(images=[(image, [])])))
    assert results["Base image vulnerability scan"].status == "fail"
