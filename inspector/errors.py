"""Errors that end a command with a one-line message and a documented exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_ENGINE = 3


class DscError(Exception):
    """An error shown to the user in one line; `exit_code` is what the command exits with."""

    exit_code = EXIT_USAGE


class UsageError(DscError):
    """Invalid usage, config or capture file (exit code 2)."""

    exit_code = EXIT_USAGE


class CaptureError(UsageError):
    """A capture file that is missing, not JSON, or of another schema (exit code 2)."""


class ConfigError(UsageError):
    """An invalid dsc-tui.toml (exit code 2)."""


class EngineError(DscError):
    """The Docker engine is unreachable or refused access (exit code 3)."""

    exit_code = EXIT_ENGINE

    def __init__(self, message: str, endpoint: str | None = None) -> None:
        super().__init__(message)
        self.endpoint = endpoint
