"""`dsc-tui scan` and `dsc-tui rules` through `main`: formats, output files and exit codes."""

from __future__ import annotations

import gc
import json
import sys
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reportdata import build_snapshot

from inspector.capture import dump_capture
from inspector.cli import main
from inspector.model import Severity
from inspector.rules import RULES


@pytest.fixture(autouse=True)
def _reset_cli_logging() -> Iterator[None]:
    # main() adds a stderr handler on every call. Dropping them keeps later tests off a closed capture.
    yield
    logger = logging.getLogger("inspector")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)


@pytest.fixture
def capture_file(tmp_path: Path) -> Path:
    path = tmp_path / "capture.json"
    path.write_text(dump_capture(build_snapshot()), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Keep a developer's own ./dsc-tui.toml or ~/.config/dsc-tui/config.toml out of these tests.
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def _scan_json(capture_file: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    assert main(["scan", "--snapshot", str(capture_file), "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _worst(report: dict) -> Severity:
    unwaived = [Severity(f["severity"]) for f in report["findings"] if not f["waived"]]
    return max(unwaived, key=lambda severity: severity.rank)


def test_json_scan_of_capture(capture_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = _scan_json(capture_file, capsys)
    assert report["schema"] == "dsc-tui/report/v1"
    assert report["counts"]["containers"] == 1
    assert report["findings"] != []
    assert {f["rule"] for f in report["findings"]} <= set(RULES)


def test_fail_on_at_worst_severity(capture_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    worst = _worst(_scan_json(capture_file, capsys))
    assert main(["scan", "--snapshot", str(capture_file), "--format", "json", "--fail-on", worst.value]) == 1


def test_fail_on_above_worst_severity(capture_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    worst = _worst(_scan_json(capture_file, capsys))
    above = [severity for severity in Severity if severity.rank > worst.rank]
    if not above:
        pytest.fail("the fixture capture has a critical finding; this test needs one below critical")
    code = main(["scan", "--snapshot", str(capture_file), "--format", "json", "--fail-on", above[0].value])
    assert code == 0


def test_fail_on_ignores_waived(capture_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rules = sorted({f["rule"] for f in _scan_json(capture_file, capsys)["findings"]})
    config = tmp_path / "waive-all.toml"
    config.write_text("".join(f'[[waivers]]\nrule = "{rule}"\ntarget = "*"\nreason = "test"\n' for rule in rules))
    code = main(["scan", "--snapshot", str(capture_file), "--config", str(config), "--format", "json", "--fail-on", "info"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert all(f["waived"] for f in report["findings"])
    assert sum(report["summary"].values()) == 0


def test_disabled_rule_left_out(capture_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rule = _scan_json(capture_file, capsys)["findings"][0]["rule"]
    config = tmp_path / "dsc.toml"
    config.write_text(f'[rules]\ndisable = ["{rule}"]\n')
    report = _scan_json(capture_file, capsys, "--config", str(config))
    assert rule not in {f["rule"] for f in report["findings"]}


def test_local_config_found(capture_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rule = _scan_json(capture_file, capsys)["findings"][0]["rule"]
    Path("dsc-tui.toml").write_text(f'[rules.severity]\n{rule} = "info"\n')
    report = _scan_json(capture_file, capsys)
    assert {f["severity"] for f in report["findings"] if f["rule"] == rule} == {"info"}


def test_expired_waiver_warns(capture_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    finding = _scan_json(capture_file, capsys)["findings"][0]
    config = tmp_path / "dsc.toml"
    config.write_text(
        f'[[waivers]]\nrule = "{finding["rule"]}"\ntarget = "*"\nreason = "migration"\nexpires = 2020-01-31\n'
    )
    report = _scan_json(capture_file, capsys, "--config", str(config))
    expired = [f for f in report["findings"] if f["rule"] == finding["rule"]]
    assert expired[0]["waived"] is False
    assert expired[0]["waiver_reason"] == "expired 2020-01-31: migration"
    main(["scan", "--snapshot", str(capture_file), "--config", str(config), "--format", "json"])
    stderr = capsys.readouterr().err
    assert f"waiver for {finding['rule']} on '*'" in stderr
    assert "expired on 2020-01-31" in stderr


def test_bad_config_exits_2(capture_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[rules.severity]\nCTR-CAP-DROP = "urgent"\n')
    assert main(["scan", "--snapshot", str(capture_file), "--config", str(config)]) == 2
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1
    assert f"dsc-tui: error: {config}: rules.severity.CTR-CAP-DROP: invalid severity 'urgent'" in stderr


def test_missing_config_exits_2(capture_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["scan", "--snapshot", str(capture_file), "--config", str(tmp_path / "nope.toml")]) == 2
    assert "config file not found" in capsys.readouterr().err


def test_missing_capture_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["scan", "--snapshot", str(tmp_path / "missing.json")]) == 2
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1
    assert "not found" in stderr


def test_unreachable_engine_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--host", "unix:///nonexistent.sock", "--timeout", "2"]) == 3
    stderr = capsys.readouterr().err
    assert stderr.startswith("dsc-tui: error:")
    assert stderr.count("\n") == 1
    assert "nonexistent.sock" in stderr


def test_output_file_written(capture_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    assert main(["scan", "--snapshot", str(capture_file), "--format", "json", "--output", str(output)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(output.read_text())["schema"] == "dsc-tui/report/v1"
    assert [path.name for path in output.parent.iterdir()] == ["report.json"]


def test_output_replaces_existing(capture_file: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.md"
    output.write_text("old report")
    assert main(["scan", "--snapshot", str(capture_file), "--format", "markdown", "-o", str(output)]) == 0
    assert output.read_text().startswith("## dsc-tui scan of")


def test_output_into_missing_directory(capture_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "missing" / "report.json"
    assert main(["scan", "--snapshot", str(capture_file), "--output", str(output)]) == 2
    assert f"cannot write report to {output}" in capsys.readouterr().err


def test_output_is_directory(capture_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["scan", "--snapshot", str(capture_file), "--output", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_table_piped_has_no_ansi(capture_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--snapshot", str(capture_file)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "findings:" in out


def test_sarif_format(capture_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--snapshot", str(capture_file), "--format", "sarif"]) == 0
    sarif = json.loads(capsys.readouterr().out)
    assert len(sarif["runs"][0]["tool"]["driver"]["rules"]) == len(RULES)


def test_rules_lists_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    for rule_id in RULES:
        assert rule_id in out


def test_rules_with_bad_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[rules]\ndisable = [\n")
    assert main(["rules", "--config", str(config)]) == 2
    assert "invalid TOML" in capsys.readouterr().err


def test_tui_without_terminal_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # pytest replaces stdin and stdout with non-terminals, as a pipe or a cron job would.
    assert main(["--demo"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "the TUI needs a terminal" in error


def test_scan_pauses_cyclic_collector(
    capture_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cyclic collector is off while a scan runs, and a caller of `main` gets it back afterwards.
    import inspector.scan

    enabled_during_scan: list[bool] = []
    run_scan = inspector.scan.run_scan

    def recording_run_scan(*args: Any, **kwargs: Any) -> int:
        enabled_during_scan.append(gc.isenabled())
        return run_scan(*args, **kwargs)

    monkeypatch.setattr(inspector.scan, "run_scan", recording_run_scan)
    assert gc.isenabled()

    main(["scan", "--snapshot", str(capture_file), "--format", "json"])

    assert enabled_during_scan == [False]
    assert gc.isenabled()
    assert json.loads(capsys.readouterr().out)["findings"]


def test_malloc_arenas_limited_on_linux() -> None:
    from inspector.cli import limit_malloc_arenas

    assert limit_malloc_arenas() is sys.platform.startswith("linux")
