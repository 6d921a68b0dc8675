"""The Markdown report, for a pull-request comment: a summary table and findings by severity."""

from __future__ import annotations

import html
import re
from typing import Any

from inspector.model.findings import SEVERITIES_WORST_FIRST
from inspector.report.text import clean

# Inline Markdown syntax characters, each made literal by a backslash. `-`, `+` and `.` are left alone:
# they only start a list at the beginning of a line, and engine text never starts one here.
# NOTE: `@` is left alone, so GitHub may turn engine text such as `@team` into a mention.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#!|~])")
# Severities whose findings stay expanded. The others fold into <details> to keep comments short.
_EXPANDED = ("critical", "high")


def escape_markdown(value: Any) -> str:
    """Return engine text safe inside a Markdown table cell: one line, no HTML, no Markdown syntax."""
    text = clean(value)
    # GitHub renders HTML tags and entities in comments, so `<`, `>` and `&` become entities.
    text = html.escape(text, quote=False)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def _findings_table(findings: list[dict[str, Any]], waived: bool) -> list[str]:
    header = "| Rule | Object | Message |" if not waived else "| Rule | Object | Message | Waiver |"
    lines = [header, "|---|---|---|" + ("---|" if waived else "")]
    for finding in findings:
        cells = [
            f"`{finding['rule']}`",
            f"{finding['kind']} {escape_markdown(finding['object_name'])}"
            + (f"<br>on {escape_markdown(finding['endpoint'])}" if finding.get("endpoint") else ""),
            escape_markdown(finding["message"]),
        ]
        if finding["evidence"]:
            # A table cell is one line, so the evidence goes below the message after a <br>.
            cells[2] += f"<br>{escape_markdown(finding['evidence'])}"
        if waived:
            cells.append(escape_markdown(finding["waiver_reason"] or ""))
        elif finding["waiver_reason"]:
            # An expired waiver: say so next to the message, since it no longer hides the finding.
            cells[2] += f" (waiver {escape_markdown(finding['waiver_reason'])})"
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _hosts_header(report: dict[str, Any]) -> list[str]:
    """Return the heading and one bullet per endpoint of a report of several engines."""
    lines = [f"## dsc-tui scan of {len(report['hosts'])} Docker engines", "", f"Scanned {report['generated_at']}:", ""]
    for host in report["hosts"]:
        where = escape_markdown(host["endpoint"])
        label = escape_markdown(host["context"] or host["endpoint"])
        if host["error"] is not None:
            at = f" at {where}" if host["endpoint"] else ""
            lines.append(f"- {label}{at}: not scanned, {escape_markdown(host['error'])}")
            continue
        counts = host["counts"]
        lines.append(
            f"- {label}: {escape_markdown(host['name'])}, Docker {escape_markdown(host['server_version'])} "
            f"at {where}: {counts['containers']} containers, {counts['images']} images, "
            f"{counts['networks']} networks, {counts['secrets']} secrets"
        )
    return lines


def _host_header(report: dict[str, Any]) -> list[str]:
    host = report["host"]
    counts = report["counts"]
    return [
        f"## dsc-tui scan of {escape_markdown(host['name'] or host['endpoint'])}",
        "",
        f"Docker {escape_markdown(host['server_version'])} (API {escape_markdown(host['api_version'])}) "
        f"at {escape_markdown(host['endpoint'])}, scanned {report['generated_at']}: "
        f"{counts['containers']} containers, {counts['images']} images, "
        f"{counts['networks']} networks, {counts['secrets']} secrets.",
    ]


def render_markdown(report: dict[str, Any]) -> str:
    """Render a report built by `build_report` or `build_multi_report` as GitHub-flavoured Markdown."""
    summary = report["summary"]
    findings = report["findings"]
    waived = [finding for finding in findings if finding["waived"]]
    open_findings = [finding for finding in findings if not finding["waived"]]

    lines = [
        *(_hosts_header(report) if "hosts" in report else _host_header(report)),
        "",
        "| Severity | Findings |",
        "|---|---:|",
    ]
    lines += [f"| {severity.value.capitalize()} | {summary[severity.value]} |" for severity in SEVERITIES_WORST_FIRST]
    lines.append(f"| Waived | {len(waived)} |")

    if not findings:
        lines += ["", "No findings."]
    for severity in SEVERITIES_WORST_FIRST:
        group = [finding for finding in open_findings if finding["severity"] == severity.value]
        if not group:
            continue
        title = f"{severity.value.capitalize()} ({len(group)})"
        if severity.value in _EXPANDED:
            lines += ["", f"### {title}", "", *_findings_table(group, waived=False)]
        else:
            lines += ["", f"<details><summary>{title}</summary>", "", *_findings_table(group, waived=False), "", "</details>"]
    if waived:
        lines += ["", f"<details><summary>Waived ({len(waived)})</summary>", "", *_findings_table(waived, waived=True), "", "</details>"]
    return "\n".join(lines) + "\n"
