"""The audit log of remediation actions: one JSON object per line, one line per attempt.

Each line holds `time`, `user`, `endpoint`, `action`, `target` (`kind`, `id`, `name`), `params`,
`result` (`ok` or `error`) and `error`. The file and its parent directories are created with
owner-only permissions. Callers pass only action parameters (network names, image references,
file paths) in `params`, never environment values or other secrets.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def default_audit_path() -> Path:
    """Return `$XDG_STATE_HOME/dsc-tui/audit.jsonl`, else `~/.local/state/dsc-tui/audit.jsonl`."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "dsc-tui" / "audit.jsonl"


def current_user() -> str:
    """Return the operating-system user running dsc-tui, else the numeric uid."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


class AuditLog:
    """An append-only JSON-lines file of remediation attempts, safe to write from threads."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_audit_path()
        self._lock = threading.Lock()

    def record(
        self,
        *,
        action: str,
        target: dict[str, str],
        endpoint: str,
        params: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> dict[str, Any]:
        """Append one attempt (`result` is `error` when `error` is set) and return the entry written."""
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "user": current_user(),
            "endpoint": endpoint,
            "action": action,
            "target": {"kind": target.get("kind", ""), "id": target.get("id", ""), "name": target.get("name", "")},
            "params": params or {},
            "result": "error" if error else "ok",
            "error": error,
        }
        line = json.dumps(entry, ensure_ascii=False, sort_keys=False) + "\n"
        with self._lock:
            self._append(line.encode("utf-8"))
        return entry

    def _append(self, data: bytes) -> None:
        self.path.parent.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
        # O_APPEND keeps each line whole even when another dsc-tui appends to the same file;
        # the mode applies only when the file is created, so an existing file keeps its own.
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            os.write(descriptor, data)
        finally:
            os.close(descriptor)
