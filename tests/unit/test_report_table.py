"""The Rich table report and rule list: literal engine text, no ANSI unless on a colour terminal."""

from __future__ import annotations

import io
import subprocess
import sys

from reportdata import SCANNED_AT, build_snapshot, container_inspect, make_finding
from rich.console import Console

from inspector.model import Severity
from inspector.report import build_report, build_rules_table, print_table, render_table
from inspector.report.text import clean


def _report(findings=None, snapshot=None):
    snapshot = snapshot or build_snapshot()
    container = snapshot.containers[0]
    if findings is None:
        findings = [
            make_finding("CTR-PRIVILEGED", Severity.CRITICAL, container),
            make_finding("CTR-CAP-DROP", Severity.MEDIUM, container),
            make_finding("CTR-ROOT-USER", Severity.HIGH, container, waived=True, waiver_reason="vendor image"),
        ]
    return build_report(snapshot, findings, SCANNED_AT)


def _print(report, **console_options) -> str:
    buffer = io.StringIO()
    options = {"width": 160, "highlight": False, **console_options}
    print_table(report, Console(file=buffer, **options))
    return buffer.getvalue()


def test_markup_like_name_printed_literally() -> None:
    snapshot = build_snapshot([container_inspect("[bold]x[/bold")])
    finding = make_finding("CTR-CAP-DROP", Severity.MEDIUM, snapshot.containers[0], message="[red]not red[/red]")
    text = render_table(_report([finding], snapshot))
    assert "[bold]x[/bold" in text
    assert "[red]not red[/red]" in text


def test_escape_sequence_stripped() -> None:
    snapshot = build_snapshot([container_inspect("evil\x1b]0;owned\x07name")])
    finding = make_finding(
        "CTR-CAP-DROP", Severity.MEDIUM, snapshot.containers[0], message="clear\x1b[2J\x1b[31mred", evidence="bell\x07"
    )
    text = _print(_report([finding], snapshot), force_terminal=True, color_system="truecolor")
    assert "\x1b[2J" not in text
    assert "\x1b]0;" not in text
    assert "\x07" not in text
    assert "evilname" in text
    assert "clearred" in text


def test_no_ansi_when_not_a_terminal() -> None:
    text = _print(_report(), force_terminal=False)
    assert "\x1b" not in text
    assert "CRITICAL (1)" in text


def test_colour_on_a_terminal() -> None:
    text = _print(_report(), force_terminal=True, color_system="truecolor")
    assert "\x1b[" in text


def test_no_colour_with_no_color(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    text = _print(_report(), force_terminal=True, color_system="truecolor")
    # NO_COLOR removes colour; Rich may still emit bold or dim, which are not colours.
    assert "\x1b[31m" not in text
    assert "\x1b[1;31m" not in text
    assert "38;" not in text
    assert "41m" not in text


def test_grouped_by_severity_in_order() -> None:
    text = render_table(_report())
    assert text.index("CRITICAL (1)") < text.index("MEDIUM (1)") < text.index("WAIVED (1)")
    assert "HIGH (" not in text


def test_waiver_reason_shown() -> None:
    assert "waived: vendor image" in render_table(_report())


def test_summary_line() -> None:
    text = render_table(_report())
    assert "2 findings: 1 critical, 0 high, 1 medium, 0 low, 0 info; 1 waived" in text


def test_host_line() -> None:
    text = render_table(_report())
    assert "Host vm at unix:///var/run/docker.sock, Docker 20.10" in text


def test_no_findings() -> None:
    text = render_table(_report(findings=[]))
    assert "No findings." in text
    assert "0 findings:" in text






def test_clean_removes_sequences() -> None:
    assert clean("a\x1b[1;31mb\x1b[0m") == "ab"
    assert clean("t\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") == "tlink"
    assert clean("c1\x9b31mx") == "c1x"
    assert clean("tab\tnew\nline\r") == "tab new line "
    assert clean("nul\x00del\x7f") == "nuldel"
    assert clean(None) == ""


def test_report_does_not_load_textual() -> None:
    code = "import sys, inspector.report; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
