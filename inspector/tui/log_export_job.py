"""A log export run from the TUI: a thread worker, a delayed progress dialog and cancelling."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from inspector.engine import actions
from inspector.engine.actions import ActionError
from inspector.engine.logs import ExportCancelled, LogExport, export_logs
from inspector.model import Container
from inspector.tui.screens.confirm import ExportProgressScreen, format_bytes
from inspector.tui.text import container_label

if TYPE_CHECKING:
    from inspector.tui.remediation import Remediation

log = logging.getLogger(__name__)

# An export shorter than this shows no progress dialog, only the final notification.
PROGRESS_DELAY_SECONDS = 0.5
PROGRESS_INTERVAL_SECONDS = 0.25


class LogExportJob:
    """One running log export: a thread worker, a delayed progress dialog and a cancel flag."""

    def __init__(self, remediation: Remediation, engine: Any, container: Container) -> None:
        self.remediation = remediation
        self.app = remediation.app
        self.engine = engine
        self.container = container
        self.cancel = threading.Event()
        self.progress_screen: ExportProgressScreen | None = None
        self.done = False
        self._last_progress = 0.0

    def start(self) -> None:
        """Start the export and schedule the progress dialog for a long one."""
        self.app.set_timer(PROGRESS_DELAY_SECONDS, self._show_progress)
        self.app.run_worker(self._export, name="remediation:export_logs", group="remediation", thread=True,
                            exit_on_error=False)

    def _show_progress(self) -> None:
        if self.done:
            return
        self.progress_screen = ExportProgressScreen(container_label(self.container), self.cancel.set)
        self.app.push_screen(self.progress_screen)

    def _progress(self, byte_count: int) -> None:
        now = time.monotonic()
        if now - self._last_progress < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_progress = now
        self.app.call_from_thread(self._update_progress, byte_count)

    def _update_progress(self, byte_count: int) -> None:
        if self.progress_screen is not None and self.progress_screen.is_mounted:
            self.progress_screen.show_progress(byte_count)

    def _export(self) -> None:
        directory = self.remediation.export_dir
        params: dict[str, Any] = {"directory": str(directory)}
        error: str | None = None
        result: LogExport | None = None
        try:
            inspect = actions.inspect_container(self.engine.api, self.container.id)
            result = export_logs(self.engine.api, inspect, directory, cancel=self.cancel, progress=self._progress)
            params.update({"file": result.path.name, "bytes": result.byte_count, "sha256": result.sha256})
        except ExportCancelled:
            error = "cancelled by the user; no file was written"
        except ActionError as failure:
            error = str(failure)
        except OSError as failure:
            error = f"Cannot write the log export in {directory}: {failure.strerror or failure}"
        except Exception as failure:  # noqa: BLE001 - the progress dialog must close whatever happens
            log.exception("log export of container %s failed", self.container.id)
            error = f"export failed: {failure}"
        self.remediation.record("export_logs", self.container, params, error)
        self.app.call_from_thread(self._finish, result, error)

    def _finish(self, result: LogExport | None, error: str | None) -> None:
        self.done = True
        if self.progress_screen is not None and self.progress_screen.is_mounted:
            self.progress_screen.dismiss()
        if error:
            severity = "warning" if self.cancel.is_set() else "error"
            self.remediation.notify(f"Log export of {container_label(self.container)}: {error}", severity)
            return
        assert result is not None
        self.remediation.notify(
            f"Exported {format_bytes(result.byte_count)} of logs of {container_label(self.container)} to {result.path.resolve()}"
        )
