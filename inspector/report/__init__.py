"""Reports of a scan: the JSON document every format starts from, and table, SARIF and Markdown renderers.

The table renderers load Rich on first use, so a JSON, SARIF or Markdown report never imports it.
"""

from typing import TYPE_CHECKING

from inspector.lazy import lazy_attributes
from inspector.report.json import render_json
from inspector.report.markdown import render_markdown
from inspector.report.model import REPORT_SCHEMA, build_report, summarize, worst_unwaived
from inspector.report.multi import HostScan, build_multi_report
from inspector.report.sarif import build_multi_sarif, build_sarif, render_sarif

if TYPE_CHECKING:
    from inspector.report.table import build_rules_table, print_table, render_table

__getattr__ = lazy_attributes(__name__, {"build_rules_table": "table", "print_table": "table", "render_table": "table"})

__all__ = [
    "REPORT_SCHEMA",
    "HostScan",
    "build_multi_report",
    "build_multi_sarif",
    "build_report",
    "build_rules_table",
    "build_sarif",
    "print_table",
    "render_json",
    "render_markdown",
    "render_sarif",
    "render_table",
    "summarize",
    "worst_unwaived",
]
