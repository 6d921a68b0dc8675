"""The terminal report (`scan --format table`) and the rule list (`dsc-tui rules`), drawn with Rich.

Colour follows Rich's detection: none when stdout is not a terminal or `NO_COLOR` is set. Engine
text (names, messages, evidence) goes into `Text` objects after `clean`, so it is never parsed as
markup and no escape sequence reaches the terminal.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from inspector.model import Severity
from inspector.model.findings import SEVERITIES_WORST_FIRST
from inspector.report.text import clean

SEVERITY_STYLES = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
# Width of a report written to a file, where no terminal sets one.
FILE_WIDTH = 120


def _object_cell(finding: Mapping[str, Any]) -> Text:
    cell = Text(f"{finding['kind']} ")
    cell.append(clean(finding["object_name"]), style="bold")
    if finding["state"]:
        cell.append(f" ({clean(finding['state'])})", style="dim")
    if finding.get("endpoint"):
        # Only a report of several engines names each finding's endpoint.
        cell.append(f"\non {clean(finding['endpoint'])}", style="dim")
    return cell


def _message_cell(finding: Mapping[str, Any]) -> Text:
    cell = Text(clean(finding["message"]))
    if finding["evidence"]:
        cell.append(f"\n{clean(finding['evidence'])}", style="dim")
    if finding["waived"]:
        cell.append(f"\nwaived: {clean(finding['waiver_reason'])}", style="green")
    elif finding["waiver_reason"]:
        cell.append(f"\nwaiver {clean(finding['waiver_reason'])}", style="magenta")
    return cell


def _findings_table(title: Text, findings: Iterable[Mapping[str, Any]], rule_width: int, rule_style: str = "") -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=False)
    # One rule column width across the severity tables keeps their columns aligned.
    table.add_column("Rule", no_wrap=True, min_width=rule_width)
    table.add_column("Object", overflow="fold")
    table.add_column("Message", overflow="fold")
    for finding in findings:
        table.add_row(Text(finding["rule"], style=rule_style), _object_cell(finding), _message_cell(finding))
    return table


def _hosts_lines(report: Mapping[str, Any]) -> list[Text]:
    """Return one line per endpoint of a report of several engines."""
    lines = []
    for host in report["hosts"]:
        line = Text("Host ")
        if host["error"] is not None:
            line.append(clean(host["context"] or host["endpoint"]), style="bold")
            where = f" at {clean(host['endpoint'])}" if host["endpoint"] else ""
            line.append(f"{where} was not scanned: {clean(host['error'])}", style="red")
        else:
            counts = host["counts"]
            line.append(clean(host["name"] or "?"), style="bold")
            context = f" (context {clean(host['context'])})" if host["context"] else ""
            line.append(
                f" at {clean(host['endpoint'])}{context}, Docker {clean(host['server_version'])} "
                f"(API {clean(host['api_version'])}): {counts['containers']} containers, "
                f"{counts['images']} images, {counts['networks']} networks, {counts['secrets']} secrets"
            )
        lines.append(line)
    lines.append(Text(f"Scanned {report['generated_at']}"))
    return lines


def _host_line(report: Mapping[str, Any]) -> Text:
    host = report["host"]
    counts = report["counts"]
    line = Text("Host ")
    line.append(clean(host["name"] or "?"), style="bold")
    line.append(
        f" at {clean(host['endpoint'])}, Docker {clean(host['server_version'])} "
        f"(API {clean(host['api_version'])}), scanned {report['generated_at']}: "
        f"{counts['containers']} containers, {counts['images']} images, "
        f"{counts['networks']} networks, {counts['secrets']} secrets"
    )
    return line


def _summary_line(report: Mapping[str, Any]) -> Text:
    summary = report["summary"]
    waived = sum(1 for finding in report["findings"] if finding["waived"])
    line = Text(f"{sum(summary.values())} findings: ", style="bold")
    parts = []
    for severity in SEVERITIES_WORST_FIRST:
        count = summary[severity.value]
        parts.append(Text(f"{count} {severity.value}", style=SEVERITY_STYLES[severity] if count else ""))
    line.append(Text(", ").join(parts))
    line.append(f"; {waived} waived")
    return line


def build_table(report: Mapping[str, Any]) -> Group:
    """Build the renderable report: host line, one table per severity, waived findings, summary."""
    header = _hosts_lines(report) if "hosts" in report else [_host_line(report)]
    parts: list[Any] = [*header, Text()]
    findings = report["findings"]
    rule_width = max((len(f["rule"]) for f in findings), default=0)
    for severity in SEVERITIES_WORST_FIRST:
        group = [f for f in findings if not f["waived"] and f["severity"] == severity.value]
        if group:
            title = Text(f"{severity.value.upper()} ({len(group)})", style=SEVERITY_STYLES[severity])
            parts.append(_findings_table(title, group, rule_width, rule_style=SEVERITY_STYLES[severity]))
    waived = [f for f in findings if f["waived"]]
    if waived:
        parts.append(_findings_table(Text(f"WAIVED ({len(waived)})", style="green"), waived, rule_width))
    if not findings:
        parts.append(Text("No findings."))
    parts.append(_summary_line(report))
    return Group(*parts)


def print_table(report: Mapping[str, Any], console: Console) -> None:
    """Print the report to a Rich console."""
    console.print(build_table(report))


def render_table(report: Mapping[str, Any], width: int = FILE_WIDTH) -> str:
    """Return the report as plain text without colour, for writing to a file."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, force_terminal=False, highlight=False)
    print_table(report, console)
    return buffer.getvalue()


def build_rules_table(rules: Iterable[Any], severity: Mapping[str, Severity], disabled: Iterable[str]) -> Table:
    """Build the rule catalogue as a table: id, severity (after config overrides), CIS id, title."""
    disabled = set(disabled)
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("CIS", no_wrap=True)
    table.add_column("Title")
    for rule in rules:
        effective = severity.get(rule.id, rule.severity)
        severity_cell = Text(effective.value, style=SEVERITY_STYLES[effective])
        if effective is not rule.severity:
            severity_cell.append(f" (default {rule.severity.value})", style="dim")
        title = Text(rule.title)
        if rule.id in disabled:
            title.append(" (disabled in config)", style="dim")
        table.add_row(Text(rule.id), severity_cell, Text(rule.cis or "-"), title)
    return table
