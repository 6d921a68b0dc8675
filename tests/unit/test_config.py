"""dsc-tui.toml: search order, validation errors, and how disable, severity and waivers apply."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from reportdata import build_snapshot, container_inspect, make_finding

from inspector.config import Config, Waiver, apply_config, find_config_file, load_config, parse_config
from inspector.errors import ConfigError
from inspector.model import Severity

RULE_IDS = frozenset({"CTR-CAP-DROP", "CTR-ROOT-USER", "CTR-PRIVILEGED", "IMG-STALE", "HOST-USERNS-OFF"})
TODAY = date(2026, 12, 4)
CONFIG = Path("dsc-tui.toml")


def parse(text: str) -> Config:
    return parse_config(text, CONFIG, RULE_IDS)


def config_error(text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        parse(text)
    return str(raised.value)


# --- parsing ----------------------------------------------------------------------------------


def test_full_config_parses(tmp_path: Path) -> None:
    config = parse(
        f"""
        [rules]
        disable = ["IMG-STALE"]
        [rules.severity]
        CTR-CAP-DROP = "High"
        [[waivers]]
        rule = "CTR-ROOT-USER"
        target = "legacy-*"
        reason = "vendor image"
        expires = 2027-01-31
        [[waivers]]
        rule = "CTR-PRIVILEGED"
        target = "team=infra"
        reason = "node agent"
        expires = "2027-02-01"
        [export]
        dir = "{tmp_path}"
        [logs]
        tail = 250
        """
    )
    assert config.disabled == {"IMG-STALE"}
    assert config.severity == {"CTR-CAP-DROP": Severity.HIGH}
    assert config.waivers[0] == Waiver("CTR-ROOT-USER", "legacy-*", "vendor image", date(2027, 1, 31))
    assert config.waivers[1].expires == date(2027, 2, 1)
    assert config.waivers[1].label_target == ("team", "infra")
    assert config.waivers[0].label_target is None
    assert config.export_dir == tmp_path
    assert config.log_tail == 250


def test_empty_config_has_defaults() -> None:
    config = parse("")
    assert config.disabled == frozenset()
    assert config.severity == {}
    assert config.waivers == ()
    assert config.export_dir == Path(".")
    assert config.log_tail == 1000


def test_export_dir_expands_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert parse('[export]\ndir = "~/logs"').export_dir == tmp_path / "logs"


def test_invalid_toml_names_file_and_line() -> None:
    message = config_error("[rules\ndisable = []")
    assert message.startswith("dsc-tui.toml: invalid TOML:")
    assert "line 1" in message


def test_unknown_top_level_key() -> None:
    message = config_error('[output]\nformat = "json"')
    assert message == "dsc-tui.toml: output: unknown key, expected one of rules, waivers, export, logs"


def test_unknown_rules_key() -> None:
    assert config_error("[rules]\nenable = []").startswith("dsc-tui.toml: rules.enable: unknown key")


def test_unknown_waiver_key() -> None:
    message = config_error('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "x"\nreason = "r"\nowner = "me"')
    assert message.startswith("dsc-tui.toml: waivers[0].owner: unknown key")


def test_unknown_rule_in_disable() -> None:
    message = config_error('[rules]\ndisable = ["CTR-ROOT-USER", "CTR-NOPE"]')
    assert message == "dsc-tui.toml: rules.disable[1]: unknown rule id 'CTR-NOPE' (`dsc-tui rules` lists the ids)"


def test_unknown_rule_in_severity() -> None:
    message = config_error('[rules.severity]\nCTR-NOPE = "high"')
    assert message.startswith("dsc-tui.toml: rules.severity.CTR-NOPE: unknown rule id 'CTR-NOPE'")


def test_unknown_rule_in_waiver() -> None:
    message = config_error('[[waivers]]\nrule = "ctr-root-user"\ntarget = "x"\nreason = "r"')
    assert message.startswith("dsc-tui.toml: waivers[0].rule: unknown rule id 'ctr-root-user'")


def test_bad_severity() -> None:
    message = config_error('[rules.severity]\nCTR-CAP-DROP = "urgent"')
    assert message.startswith("dsc-tui.toml: rules.severity.CTR-CAP-DROP: invalid severity 'urgent'")
    assert "critical, high, medium, low, info" in message


def test_severity_not_a_string() -> None:
    message = config_error("[rules.severity]\nCTR-CAP-DROP = 3")
    assert message == "dsc-tui.toml: rules.severity.CTR-CAP-DROP: expected a severity string, got int 3"


def test_disable_not_a_list() -> None:
    message = config_error('[rules]\ndisable = "IMG-STALE"')
    assert message == "dsc-tui.toml: rules.disable: expected a list of rule ids, got str 'IMG-STALE'"


def test_waiver_missing_reason() -> None:
    message = config_error('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "web"')
    assert message == "dsc-tui.toml: waivers[0].reason: missing (every waiver needs rule, target and reason)"


def test_waiver_empty_reason() -> None:
    message = config_error('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "web"\nreason = "  "')
    assert message == "dsc-tui.toml: waivers[0].reason: must not be empty"


def test_waiver_missing_target() -> None:
    message = config_error('[[waivers]]\nrule = "CTR-ROOT-USER"\nreason = "r"')
    assert message.startswith("dsc-tui.toml: waivers[0].target: missing")


def test_waiver_label_target_without_key() -> None:
    message = config_error('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "=x"\nreason = "r"')
    assert message == "dsc-tui.toml: waivers[0].target: invalid label target '=x', expected label=value"


def test_waiver_bad_date_string() -> None:
    message = config_error('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "web"\nreason = "r"\nexpires = "31/01/2027"')
    assert message == "dsc-tui.toml: waivers[0].expires: invalid date '31/01/2027', expected YYYY-MM-DD"


def test_waiver_impossible_date() -> None:
    message = config_error('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "web"\nreason = "r"\nexpires = "2027-02-30"')
    assert message.startswith("dsc-tui.toml: waivers[0].expires: invalid date '2027-02-30'")


def test_waiver_datetime_rejected() -> None:
    message = config_error(
        '[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "web"\nreason = "r"\nexpires = 2027-01-31T10:00:00'
    )
    assert message.startswith("dsc-tui.toml: waivers[0].expires: invalid date")


def test_waivers_not_an_array_of_tables() -> None:
    message = config_error('[waivers]\nrule = "CTR-ROOT-USER"')
    assert message.startswith("dsc-tui.toml: waivers: expected an array of tables")


def test_export_dir_is_a_file(tmp_path: Path) -> None:
    existing = tmp_path / "file.txt"
    existing.write_text("x")
    message = config_error(f'[export]\ndir = "{existing}"')
    assert message == f"dsc-tui.toml: export.dir: '{existing}' exists and is not a directory"


@pytest.mark.parametrize("value", ["0", "-5", "true", '"100"'])
def test_logs_tail_invalid(value: str) -> None:
    message = config_error(f"[logs]\ntail = {value}")
    assert message.startswith("dsc-tui.toml: logs.tail: expected a positive number of lines")




# --- search order -----------------------------------------------------------------------------


def test_explicit_config_wins(tmp_path: Path) -> None:
    explicit = tmp_path / "mine.toml"
    explicit.write_text("")
    (tmp_path / "dsc-tui.toml").write_text("")
    assert find_config_file(explicit, cwd=tmp_path, environ={}) == explicit


def test_explicit_config_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        find_config_file(tmp_path / "missing.toml", cwd=tmp_path, environ={})
    assert str(raised.value) == f"{tmp_path / 'missing.toml'}: config file not found"


def test_local_config_before_user_config(tmp_path: Path) -> None:
    user = tmp_path / "xdg" / "dsc-tui" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text("")
    (tmp_path / "dsc-tui.toml").write_text("")
    found = find_config_file(None, cwd=tmp_path, environ={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert found == tmp_path / "dsc-tui.toml"


def test_user_config_from_xdg(tmp_path: Path) -> None:
    user = tmp_path / "xdg" / "dsc-tui" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text("")
    cwd = tmp_path / "project"
    cwd.mkdir()
    assert find_config_file(None, cwd=cwd, environ={"XDG_CONFIG_HOME": str(tmp_path / "xdg")}) == user


def test_user_config_defaults_to_dot_config(tmp_path: Path) -> None:
    user = tmp_path / ".config" / "dsc-tui" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text("")
    cwd = tmp_path / "project"
    cwd.mkdir()
    assert find_config_file(None, cwd=cwd, environ={"HOME": str(tmp_path)}) == user


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    config = load_config(None, cwd=tmp_path, environ={"XDG_CONFIG_HOME": str(tmp_path / "none")}, rule_ids=RULE_IDS)
    assert config == Config()


def test_load_config_error_names_found_file(tmp_path: Path) -> None:
    (tmp_path / "dsc-tui.toml").write_text("[logs]\ntail = 0\n")
    with pytest.raises(ConfigError) as raised:
        load_config(None, cwd=tmp_path, environ={}, rule_ids=RULE_IDS)
    assert str(raised.value).startswith(f"{tmp_path / 'dsc-tui.toml'}: logs.tail:")


# --- applying ---------------------------------------------------------------------------------


def _snapshot_and_findings():
    snapshot = build_snapshot(
        [
            container_inspect("legacy-api", labels={"team": "payments"}, container_id="a" * 64),
            container_inspect("web", labels={"team": "frontend"}, container_id="b" * 64),
        ]
    )
    legacy, web = snapshot.containers
    findings = [
        make_finding("CTR-ROOT-USER", Severity.HIGH, legacy),
        make_finding("CTR-ROOT-USER", Severity.HIGH, web),
        make_finding("CTR-CAP-DROP", Severity.MEDIUM, web),
        make_finding("IMG-STALE", Severity.LOW, snapshot.images[0]),
    ]
    return snapshot, findings


def test_disabled_rule_dropped() -> None:
    snapshot, findings = _snapshot_and_findings()
    result = apply_config(findings, parse('[rules]\ndisable = ["IMG-STALE"]'), snapshot, TODAY)
    assert [f.rule for f in result] == ["CTR-ROOT-USER", "CTR-ROOT-USER", "CTR-CAP-DROP"]


def test_severity_override_resorts() -> None:
    snapshot, findings = _snapshot_and_findings()
    result = apply_config(findings, parse('[rules.severity]\nCTR-CAP-DROP = "critical"'), snapshot, TODAY)
    assert result[0].rule == "CTR-CAP-DROP"
    assert result[0].severity is Severity.CRITICAL


def test_waiver_name_glob() -> None:
    snapshot, findings = _snapshot_and_findings()
    config = parse('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "legacy-*"\nreason = "vendor image"')
    result = {(f.rule, f.object_name): f for f in apply_config(findings, config, snapshot, TODAY)}
    assert result[("CTR-ROOT-USER", "legacy-api")].waived is True
    assert result[("CTR-ROOT-USER", "legacy-api")].waiver_reason == "vendor image"
    assert result[("CTR-ROOT-USER", "web")].waived is False
    assert result[("CTR-ROOT-USER", "web")].waiver_reason is None


def test_waiver_only_for_its_rule() -> None:
    snapshot, findings = _snapshot_and_findings()
    config = parse('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "*"\nreason = "r"')
    result = {(f.rule, f.object_name): f for f in apply_config(findings, config, snapshot, TODAY)}
    assert result[("CTR-CAP-DROP", "web")].waived is False


def test_waiver_label_target() -> None:
    snapshot, findings = _snapshot_and_findings()
    config = parse('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "team=frontend"\nreason = "owned by web team"')
    result = {(f.rule, f.object_name): f for f in apply_config(findings, config, snapshot, TODAY)}
    assert result[("CTR-ROOT-USER", "web")].waived is True
    assert result[("CTR-ROOT-USER", "legacy-api")].waived is False


def test_waiver_label_value_glob() -> None:
    snapshot, findings = _snapshot_and_findings()
    config = parse('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "team=pay*"\nreason = "r"')
    result = {(f.rule, f.object_name): f for f in apply_config(findings, config, snapshot, TODAY)}
    assert result[("CTR-ROOT-USER", "legacy-api")].waived is True
    assert result[("CTR-ROOT-USER", "web")].waived is False


def test_waiver_label_missing_key() -> None:
    snapshot, findings = _snapshot_and_findings()
    config = parse('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "owner=*"\nreason = "r"')
    assert not any(f.waived for f in apply_config(findings, config, snapshot, TODAY))


def test_waiver_matches_any_image_tag() -> None:
    snapshot, findings = _snapshot_and_findings()
    image = snapshot.images[0]
    assert image.name == "busybox:1.36"
    tagged = image.model_copy(update={"tags": ["busybox:1.36", "registry.local/base:stable"]})
    snapshot = snapshot.model_copy(update={"images": [tagged]})
    config = parse('[[waivers]]\nrule = "IMG-STALE"\ntarget = "registry.local/*"\nreason = "r"')
    result = [f for f in apply_config(findings, config, snapshot, TODAY) if f.rule == "IMG-STALE"]
    assert result[0].waived is True


def test_waiver_host_label() -> None:
    snapshot, _ = _snapshot_and_findings()
    info = {**snapshot.host.info, "Labels": ["env=ci", "zone=b"]}
    snapshot = snapshot.model_copy(update={"host": snapshot.host.model_copy(update={"info": info})})
    finding = make_finding("HOST-USERNS-OFF", Severity.LOW, snapshot.host)
    config = parse('[[waivers]]\nrule = "HOST-USERNS-OFF"\ntarget = "env=ci"\nreason = "CI runner"')
    assert apply_config([finding], config, snapshot, TODAY)[0].waived is True


def test_waiver_applies_on_expiry_day() -> None:
    snapshot, findings = _snapshot_and_findings()
    config = parse('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "web"\nreason = "r"\nexpires = 2026-12-04')
    result = [f for f in apply_config(findings, config, snapshot, TODAY) if f.object_name == "web"]
    assert result[0].waived is True


def test_expired_waiver_reported() -> None:
    snapshot, findings = _snapshot_and_findings()
    config = parse('[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "web"\nreason = "migration"\nexpires = 2026-12-03')
    web = [f for f in apply_config(findings, config, snapshot, TODAY) if f.rule == "CTR-ROOT-USER" and f.object_name == "web"]
    assert web[0].waived is False
    assert web[0].waiver_reason == "expired 2026-12-03: migration"
    assert config.expired_waivers(TODAY) == [config.waivers[0]]


def test_active_waiver_beats_expired() -> None:
    snapshot, findings = _snapshot_and_findings()
    config = parse(
        '[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "web"\nreason = "old"\nexpires = 2026-01-31\n'
        '[[waivers]]\nrule = "CTR-ROOT-USER"\ntarget = "w*"\nreason = "renewed"\nexpires = 2027-01-31\n'
    )
    web = [f for f in apply_config(findings, config, snapshot, TODAY) if f.rule == "CTR-ROOT-USER" and f.object_name == "web"]
    assert web[0].waived is True
    assert web[0].waiver_reason == "renewed"


def test_apply_sorts_by_severity() -> None:
    snapshot, findings = _snapshot_and_findings()
    result = apply_config(list(reversed(findings)), Config(), snapshot, TODAY)
    assert [f.severity for f in result] == [Severity.HIGH, Severity.HIGH, Severity.MEDIUM, Severity.LOW]
    assert [f.object_name for f in result[:2]] == ["legacy-api", "web"]
