"""The Markdown report: summary table, grouping, and engine text that cannot break the Markdown."""

from __future__ import annotations

from reportdata import SCANNED_AT, build_snapshot, container_inspect, make_finding

from inspector.model import Severity
from inspector.report import build_report, render_markdown
from inspector.report.markdown import escape_markdown


def _markdown(findings, snapshot) -> str:
    return render_markdown(build_report(snapshot, findings, SCANNED_AT))


def _rows(markdown: str, rule: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith(f"| `{rule}`")]


def test_summary_table_counts() -> None:
    snapshot = build_snapshot()
    container = snapshot.containers[0]
    findings = [
        make_finding("CTR-PRIVILEGED", Severity.CRITICAL, container),
        make_finding("CTR-CAP-DROP", Severity.MEDIUM, container),
        make_finding("CTR-ROOT-USER", Severity.HIGH, container, waived=True, waiver_reason="ok"),
    ]
    markdown = _markdown(findings, snapshot)
    assert "| Critical | 1 |" in markdown
    assert "| High | 0 |" in markdown
    assert "| Medium | 1 |" in markdown
    assert "| Waived | 1 |" in markdown


def test_groups_by_severity() -> None:
    snapshot = build_snapshot()
    container = snapshot.containers[0]
    findings = [
        make_finding("CTR-CAP-DROP", Severity.MEDIUM, container),
        make_finding("CTR-PRIVILEGED", Severity.CRITICAL, container),
    ]
    markdown = _markdown(findings, snapshot)
    assert "### Critical (1)" in markdown
    assert "<details><summary>Medium (1)</summary>" in markdown
    assert markdown.index("### Critical (1)") < markdown.index("Medium (1)")


def test_waived_findings_in_own_section() -> None:
    snapshot = build_snapshot()
    finding = make_finding("CTR-ROOT-USER", Severity.HIGH, snapshot.containers[0], waived=True, waiver_reason="vendor")
    markdown = _markdown([finding], snapshot)
    assert "<details><summary>Waived (1)</summary>" in markdown
    assert "### High" not in markdown
    assert _rows(markdown, "CTR-ROOT-USER")[0].endswith("| vendor |")


def test_expired_waiver_shown_with_finding() -> None:
    snapshot = build_snapshot()
    finding = make_finding("CTR-ROOT-USER", Severity.HIGH, snapshot.containers[0], waiver_reason="expired 2026-01-31: old")
    row = _rows(_markdown([finding], snapshot), "CTR-ROOT-USER")[0]
    assert "(waiver expired 2026-01-31: old)" in row


def test_pipe_and_backticks_in_name_escaped() -> None:
    snapshot = build_snapshot([container_inspect("a|b`c`")])
    finding = make_finding("CTR-CAP-DROP", Severity.MEDIUM, snapshot.containers[0], message="uses `rm -rf` | more")
    row = _rows(_markdown([finding], snapshot), "CTR-CAP-DROP")[0]
    assert "container a\\|b\\`c\\`" in row
    assert "\\`rm -rf\\` \\| more" in row
    # Only the table's own pipes remain unescaped: four cell borders.
    assert row.replace("\\|", "").count("|") == 4


def test_html_escaped() -> None:
    snapshot = build_snapshot()
    finding = make_finding("CTR-CAP-DROP", Severity.MEDIUM, snapshot.containers[0], message="<img src=x onerror=alert(1)> & co")
    row = _rows(_markdown([finding], snapshot), "CTR-CAP-DROP")[0]
    assert "<img" not in row
    assert "&lt;img src=x onerror=alert\\(1\\)&gt; &amp; co" in row


def test_newline_and_escape_removed() -> None:
    snapshot = build_snapshot()
    finding = make_finding("CTR-CAP-DROP", Severity.MEDIUM, snapshot.containers[0], message="one\ntwo \x1b[2Jthree")
    markdown = _markdown([finding], snapshot)
    assert "\x1b" not in markdown
    assert len(_rows(markdown, "CTR-CAP-DROP")) == 1
    assert "one two three" in _rows(markdown, "CTR-CAP-DROP")[0]


def test_markdown_link_syntax_escaped() -> None:
    assert escape_markdown("[click](http://x)") == "\\[click\\]\\(http://x\\)"


def test_no_findings() -> None:
    markdown = _markdown([], build_snapshot())
    assert "No findings." in markdown
    assert "| Critical | 0 |" in markdown


def test_evidence_below_message() -> None:
    snapshot = build_snapshot()
    finding = make_finding("CTR-CAP-DROP", Severity.MEDIUM, snapshot.containers[0], message="m", evidence="<b>|e")
    row = _rows(_markdown([finding], snapshot), "CTR-CAP-DROP")[0]
    assert "| m<br>&lt;b&gt;\\|e |" in row
