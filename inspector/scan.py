"""The `dsc-tui scan` and `dsc-tui rules` commands."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from inspector.capture import load_capture, write_private_file
from inspector.config import Config, apply_config, load_config
from inspector.errors import EXIT_FINDINGS, EXIT_OK, UsageError
from inspector.model import Finding, HostSnapshot, Severity
from inspector.report import build_report, build_sarif, render_json, render_markdown, render_sarif
from inspector.rules import all_rules, evaluate_rules

log = logging.getLogger(__name__)


def _read_snapshot(args: argparse.Namespace) -> HostSnapshot:
    snapshot_path: Path | None = getattr(args, "snapshot", None)
    if snapshot_path is not None:
        return load_capture(snapshot_path)

    # Imported here so that a scan of a capture file does not load the Docker SDK.
    from inspector.engine import collect_snapshot, open_engine
    from inspector.engine.endpoint import tls_options

    engine = open_engine(
        host=getattr(args, "host", None),
        context=getattr(args, "context", None),
        timeout=getattr(args, "timeout", 5.0),
        tls=tls_options(args),
    )
    with engine:
        return collect_snapshot(engine)


def _read_and_judge(args: argparse.Namespace, prefetch: Any) -> tuple[HostSnapshot, list[Finding]]:
    """Read the snapshot and return it with its findings, worst first."""
    if prefetch is not None and getattr(args, "snapshot", None) is None:
        from inspector.early import evaluate_with_judged, judge_containers_while_reading

        judged = judge_containers_while_reading(prefetch)
        early = prefetch.snapshot()
        if early is not None:
            return early, evaluate_with_judged(early, judged)
        # The early read failed: the SDK reads again and reports the error.
    snapshot = _read_snapshot(args)
    return snapshot, evaluate_rules(snapshot)


def _warn_expired_waivers(config: Config, today: date) -> None:
    for waiver in config.expired_waivers(today):
        log.warning(
            "waiver for %s on %r in %s expired on %s, so its findings are reported again",
            waiver.rule, waiver.target, config.path, waiver.expires,
        )


def _render(report_format: str, snapshot: HostSnapshot, findings: list[Finding], now: datetime, config: Config) -> str:
    if report_format == "sarif":
        sarif = build_sarif(snapshot, findings, now, all_rules(), config.severity)
        return render_sarif(sarif)
    report = build_report(snapshot, findings, now)
    if report_format == "json":
        return render_json(report)
    if report_format == "markdown":
        return render_markdown(report)
    from inspector.report import render_table

    return render_table(report)


def _write_report(path: Path, text: str) -> None:
    # The same atomic write as a capture: a half-written report never replaces a complete one.
    try:
        write_private_file(path, text)
    except OSError as error:
        raise UsageError(f"cannot write report to {path}: {error.strerror or error}") from None


def fails(findings: list[Finding], threshold: Severity) -> bool:
    """Return whether an unwaived finding is at or above `threshold`."""
    return any(not f.waived and f.severity.rank >= threshold.rank for f in findings)


def _report_output(args: argparse.Namespace) -> Path | None:
    output: Path | None = getattr(args, "output", None)
    if output is not None and str(output) == "-":
        return None
    if output is not None and output.is_dir():
        raise UsageError(f"cannot write report to {output}: it is a directory")
    return output


def _exit_code(args: argparse.Namespace, findings: list[Finding]) -> int:
    fail_on = getattr(args, "fail_on", None)
    if fail_on and fails(findings, Severity.parse(fail_on)):
        return EXIT_FINDINGS
    return EXIT_OK


def run_scan(args: argparse.Namespace, prefetch: Any = None) -> int:
    """Scan the engine or a capture, print or write the report, and return the exit code.

    `prefetch` is what `inspector.engine.raw.prefetch_for_args` started, if anything: its host is
    used when the read succeeded, else the engine is read again through the SDK.
    """
    config = load_config(getattr(args, "config", None))
    output = _report_output(args)
    contexts = list(dict.fromkeys(getattr(args, "contexts", None) or []))
    if len(contexts) > 1:
        if getattr(args, "snapshot", None) is not None:
            raise UsageError("--snapshot scans one capture file: drop the --context options")
        if any(getattr(args, option, None) for option in ("tlsverify", "tlscacert", "tlscert", "tlskey")):
            raise UsageError("TLS options apply to --host or DOCKER_HOST; each context brings its own TLS files")
        from inspector.multiscan import run_multi_scan

        return _exit_code(args, run_multi_scan(args, contexts, config, output))

    # Rules judge ages (stale images, old secrets) at collection time, so a capture scanned later gives
    # the same findings as the live scan it came from. Waivers expire by today's date.
    snapshot, findings = _read_and_judge(args, prefetch)
    now = datetime.now(UTC)
    _warn_expired_waivers(config, now.date())
    findings = apply_config(findings, config, snapshot, now.date())
    log.info(
        "scanned %s: %d findings, %d waived, config %s",
        snapshot.host.endpoint, len(findings), sum(1 for f in findings if f.waived), config.path or "none",
    )

    report_format = getattr(args, "format", "table")
    if output is not None:
        _write_report(output, _render(report_format, snapshot, findings, now, config))
    elif report_format == "table":
        from rich.console import Console

        from inspector.report import print_table

        # Rich leaves out colour when stdout is not a terminal or NO_COLOR is set.
        print_table(build_report(snapshot, findings, now), Console(highlight=False))
    else:
        sys.stdout.write(_render(report_format, snapshot, findings, now, config))
        sys.stdout.flush()

    return _exit_code(args, findings)


def run_rules(args: argparse.Namespace) -> int:
    """Print the rule catalogue with the severities and disabled rules of the config, if any."""
    from rich.console import Console

    from inspector.report import build_rules_table

    config = load_config(getattr(args, "config", None))
    Console(highlight=False).print(build_rules_table(all_rules(), config.severity, config.disabled))
    return EXIT_OK
