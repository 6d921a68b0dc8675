"""`dsc-tui scan --context A --context B`: several engines scanned into one report.

An endpoint that cannot be scanned is logged on stderr, listed in the report with its error, and
does not stop the others. Only when every endpoint fails does the scan end with an EngineError.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from rich.console import Console

from inspector.config import Config, apply_config
from inspector.errors import EngineError
from inspector.model import Finding
from inspector.report import (
    HostScan,
    build_multi_report,
    build_multi_sarif,
    print_table,
    render_json,
    render_markdown,
    render_sarif,
    render_table,
)
from inspector.rules import all_rules, evaluate_rules
from inspector.scan import _warn_expired_waivers, _write_report

log = logging.getLogger(__name__)


def scan_context(context: str, timeout: float, config: Config, today: date) -> HostScan:
    """Collect and evaluate one context's engine; an engine error becomes the scan's `error`."""
    # Imported here so that `dsc-tui rules` and scans of capture files do not load the Docker SDK.
    from inspector.engine import Endpoint, collect_snapshot, connect, resolve_endpoint

    endpoint: Endpoint | None = None
    try:
        endpoint = resolve_endpoint(context=context)
        with connect(endpoint, timeout=timeout) as engine:
            snapshot = collect_snapshot(engine)
    except EngineError as error:
        log.warning("context %s not scanned: %s", context, error)
        where = error.endpoint or (endpoint.display if endpoint is not None else None)
        return HostScan(context=context, endpoint=where, error=str(error))
    findings = apply_config(evaluate_rules(snapshot), config, snapshot, today)
    log.info("scanned context %s at %s: %d findings", context, snapshot.host.endpoint, len(findings))
    return HostScan(context=context, endpoint=snapshot.host.endpoint, snapshot=snapshot, findings=findings)


def run_multi_scan(args: argparse.Namespace, contexts: list[str], config: Config, output: Path | None) -> list[Finding]:
    """Scan each context, print or write one report, and return every finding (for `--fail-on`)."""
    now = datetime.now(UTC)
    timeout = getattr(args, "timeout", 5.0)
    scans = [scan_context(context, timeout, config, now.date()) for context in contexts]
    if all(scan.error is not None for scan in scans):
        raise EngineError(f"none of the {len(scans)} contexts could be scanned ({', '.join(contexts)}); see above")
    _warn_expired_waivers(config, now.date())

    report_format = getattr(args, "format", "table")
    if report_format == "sarif":
        text = render_sarif(build_multi_sarif(scans, now, all_rules(), config.severity))
    elif report_format == "json":
        text = render_json(build_multi_report(scans, now))
    elif report_format == "markdown":
        text = render_markdown(build_multi_report(scans, now))
    elif output is None:
        # Rich leaves out colour when stdout is not a terminal or NO_COLOR is set.
        print_table(build_multi_report(scans, now), Console(highlight=False))
        return [finding for scan in scans for finding in scan.findings]
    else:
        text = render_table(build_multi_report(scans, now))

    if output is not None:
        _write_report(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return [finding for scan in scans for finding in scan.findings]
