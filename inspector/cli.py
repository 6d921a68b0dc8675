"""Command-line parsing and dispatch: the TUI by default, or scan, capture, lab and rules."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from inspector import __version__
from inspector.errors import DscError, UsageError

log = logging.getLogger("inspector")

SEVERITY_CHOICES = ("critical", "high", "medium", "low", "info")


class _AppendContext(argparse.Action):
    """Store `--context` in `context` (the last one given) and every one given in `contexts`."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        namespace.contexts = [*getattr(namespace, "contexts", []), values]
        setattr(namespace, self.dest, values)


def _add_endpoint_options(parser: argparse.ArgumentParser, top_level: bool) -> None:
    # A subcommand repeats the options so they may follow it (`dsc-tui scan --host URL`); its
    # defaults are suppressed so they never reset a value given before the subcommand.
    default = {} if top_level else {"default": argparse.SUPPRESS}
    group = parser.add_argument_group("engine endpoint")
    group.add_argument(
        "-H", "--host", metavar="URL", **default,
        help="Docker engine URL (unix://, tcp://, ssh://); overrides --context and DOCKER_HOST",
    )
    group.add_argument(
        "--context", metavar="NAME", action=_AppendContext, **default,
        help="docker CLI context to use; `scan --context A --context B` scans several engines into one report",
    )
    group.add_argument(
        "--tlsverify", action="store_true", **default,
        help="use TLS and verify the engine's certificate; files not given below are read from "
        "$DOCKER_CERT_PATH or ~/.docker (ca.pem, cert.pem, key.pem)",
    )
    group.add_argument("--tlscacert", type=Path, metavar="FILE", **default,
                       help="CA certificate that signed the engine's certificate (implies --tlsverify)")
    group.add_argument("--tlscert", type=Path, metavar="FILE", **default,
                       help="client certificate for TLS (implies --tlsverify)")
    group.add_argument("--tlskey", type=Path, metavar="FILE", **default,
                       help="private key of the client certificate (implies --tlsverify)")
    group.add_argument(
        "--timeout", type=float, metavar="SECONDS", **(default or {"default": 5.0}),
        help="seconds to wait for the engine to respond (default: 5)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", **default, help="log debug detail")


def _add_config_option(parser: argparse.ArgumentParser, top_level: bool) -> None:
    default = {} if top_level else {"default": argparse.SUPPRESS}
    parser.add_argument(
        "--config", type=Path, metavar="FILE", **default,
        help="dsc-tui.toml to use (default: ./dsc-tui.toml, else $XDG_CONFIG_HOME/dsc-tui/config.toml)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the parser for `dsc-tui` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="dsc-tui",
        description="Inspect a Docker host against a container-security checklist.",
    )
    parser.add_argument("--version", action="version", version=f"dsc-tui {__version__}")
    _add_endpoint_options(parser, top_level=True)
    _add_config_option(parser, top_level=True)
    parser.add_argument("--snapshot", type=Path, metavar="FILE", help="open a capture file read-only instead of an engine")
    parser.add_argument("--demo", action="store_true", help="open the demo capture bundled with dsc-tui")
    parser.add_argument(
        "--read-only", action="store_true",
        help="disable the container actions that change the host (log viewing and export stay)",
    )
    parser.add_argument(
        "--audit-log", type=Path, metavar="FILE",
        help="append remediation actions here (default: $XDG_STATE_HOME/dsc-tui/audit.jsonl)",
    )
    parser.add_argument(
        "--log-file", type=Path, metavar="FILE",
        help="write the TUI's log here (default: $XDG_STATE_HOME/dsc-tui/dsc-tui.log)",
    )

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser("scan", help="scan the engine or a capture and report findings")
    _add_endpoint_options(scan, top_level=False)
    _add_config_option(scan, top_level=False)
    scan.add_argument(
        "--format", choices=("table", "json", "sarif", "markdown"), default="table",
        help="report format (default: table)",
    )
    scan.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the report to FILE instead of stdout")
    scan.add_argument(
        "--fail-on", choices=SEVERITY_CHOICES, metavar="SEVERITY",
        help="exit 1 when an unwaived finding at or above SEVERITY exists "
        "(critical, high, medium, low, info)",
    )
    scan.add_argument(
        "--snapshot", type=Path, metavar="FILE", default=argparse.SUPPRESS,
        help="scan a capture file instead of an engine",
    )

    capture = commands.add_parser("capture", help="save the engine's state as a capture file")
    _add_endpoint_options(capture, top_level=False)
    capture.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the capture to FILE instead of stdout")

    lab = commands.add_parser("lab", help="build or remove the demo fleet of insecure and hardened containers")
    _add_endpoint_options(lab, top_level=False)
    lab.add_argument("action", choices=("up", "down", "status"), help="create, remove or list the lab objects")
    lab.add_argument(
        "--base-image", default="busybox:1.36", metavar="REF",
        help="image the lab images are built on (default: busybox:1.36)",
    )
    lab.add_argument("--swarm", action="store_true", help="also create a swarm secret and a service that uses it")

    rules = commands.add_parser("rules", help="list the checklist rules")
    _add_config_option(rules, top_level=False)

    return parser


def _configure_stderr_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("dsc-tui: %(levelname)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose else logging.WARNING)


def default_state_dir() -> Path:
    """Return `$XDG_STATE_HOME/dsc-tui`, else `~/.local/state/dsc-tui`."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "dsc-tui"


def _configure_file_logging(log_file: Path | None, verbose: bool) -> None:
    """Log to a file while the TUI runs, because the terminal belongs to the TUI."""
    path = log_file or default_state_dir() / "dsc-tui.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose else logging.INFO)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "scan":
        # A local engine is read in a thread from here on, while the rules and reports load.
        from inspector.engine.raw import prefetch_for_args

        prefetch = prefetch_for_args(args)
        from inspector.scan import run_scan

        # A scan builds each object once and keeps it to the end, so the cyclic collector finds
        # nothing to free, yet it walked the live objects about 230 times: 0.06 s of a 1 s scan of
        # 1000 containers. It is off for the scan and on again for anything after it.
        gc.disable()
        try:
            return run_scan(args, prefetch)
        finally:
            gc.enable()
    if args.command == "capture":
        from inspector.capture import run_capture

        return run_capture(args)
    if args.command == "lab":
        from inspector.lab import run_lab

        return run_lab(args)
    if args.command == "rules":
        from inspector.scan import run_rules

        return run_rules(args)

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the TUI needs a terminal: run dsc-tui in one, or use `dsc-tui scan` for a report")
    limit_malloc_arenas()
    # As for a scan, a local engine is read while Textual loads.
    from inspector.engine.raw import prefetch_for_args

    prefetch = prefetch_for_args(args)
    return import_tui()(args, prefetch)


# glibc's `mallopt` parameter for the most malloc arenas (M_ARENA_MAX in malloc.h).
_M_ARENA_MAX = -8


def limit_malloc_arenas() -> bool:
    """Let glibc's malloc keep two arenas at most, and return whether it took the setting.

    Call it before any thread starts. Every full refresh reads the engine on a new pool of
    threads, and glibc gives each thread its own arena, which keeps what the thread freed. In a
    10-minute run on 1000 containers the TUI grew by 10.6 MiB at its two full refreshes. With two
    arenas, the first two of eight refreshes in a row grew it by 3.6 MiB and the next six by 1.4 MiB.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import ctypes.util

    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        # NOTE: another C library (musl) may lack mallopt, and memory then grows as described above.
        log.debug("mallopt not found in the C library, so malloc arenas are not limited")
        return False
    return bool(mallopt(_M_ARENA_MAX, 2))


def import_tui() -> Callable[[argparse.Namespace, Any], int]:
    """Import the TUI and return its `run_tui`, with the cyclic collector off until its first frame.

    Start-up builds Textual, the models and the first snapshot, and the collector walked them all
    in four full passes: 0.2-0.3 s of a 2 s first render of 1000 containers. The app turns the
    collector on once its first result is painted or its first read failed. What the imports
    built stays for the whole run, so it is frozen out of later passes too.
    """
    gc.disable()
    from inspector.tui.app import run_tui

    gc.freeze()
    return run_tui


def main(argv: Sequence[str] | None = None) -> int:
    """Run dsc-tui and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    contexts = getattr(args, "contexts", [])
    if len(contexts) > 1 and args.command != "scan":
        parser.error("only `scan` takes --context more than once")
    if len(contexts) > 1 and getattr(args, "host", None):
        parser.error("--host cannot be combined with several --context options")
    if args.command is None:
        _configure_file_logging(args.log_file, args.verbose)
    else:
        _configure_stderr_logging(args.verbose)
    try:
        return _dispatch(args)
    except DscError as error:
        log.debug("command failed", exc_info=True)
        print(f"dsc-tui: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("dsc-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of stdout went away (`dsc-tui scan | head`); nothing is left to tell.
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
