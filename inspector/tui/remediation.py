"""Remediation from the keyboard: confirm, run a container action in a thread, audit, report.

The app creates one `Remediation` and calls its verbs from its key actions:
`stop`, `toggle_pause` (alias `pause`), `restart`, `disconnect`, `isolate`, `commit`,
`export_logs` and `show_logs` (alias `logs`), each taking the selected `Container` (or None). The app's own
`check_action` returns `check_action(verb)`, so the footer dims the keys of verbs that cannot run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


from inspector.audit import AuditLog, current_user
from inspector.engine import actions
from inspector.engine.actions import ActionError
from inspector.model import Container
from inspector.tui.screens.confirm import ConfirmScreen
from inspector.tui.screens.network_picker import NetworkPickerScreen
from inspector.tui.text import container_label

log = logging.getLogger(__name__)

STATE_CHANGING_VERBS = ("stop", "toggle_pause", "restart", "disconnect", "isolate", "commit")
READING_VERBS = ("export_logs", "show_logs")
VERBS = STATE_CHANGING_VERBS + READING_VERBS
# Other names the app's key actions use for the same verbs.
VERB_ALIASES = {"pause": "toggle_pause", "logs": "show_logs"}

DEFAULT_LOG_TAIL = 1000



class Remediation:
    """Container actions for the TUI, each confirmed, run in a thread worker and audited."""

    def __init__(
        self,
        app: Any,
        source: Any,
        audit_log_path: Path | None = None,
        read_only: bool = False,
        export_dir: Path | None = None,
        log_tail: int | None = None,
    ) -> None:
        self.app = app
        self.source = source
        self.audit_log = AuditLog(audit_log_path)
        self.read_only = read_only
        self.export_dir = Path(export_dir) if export_dir is not None else Path.cwd()
        # `[logs] tail` from the app's config when the caller does not pass it.
        config_tail = getattr(getattr(app, "config", None), "log_tail", None)
        self.log_tail = log_tail or config_tail or DEFAULT_LOG_TAIL

    # -- availability ---------------------------------------------------------------------

    def unavailable_reason(self, verb: str) -> str | None:
        """Return why `verb` cannot run now, or None when it can."""
        verb = VERB_ALIASES.get(verb, verb)
        if getattr(self.source, "live", True) is False:
            return "Actions are disabled: this view shows a capture file, not a live engine."
        if verb in STATE_CHANGING_VERBS and (self.read_only or getattr(self.source, "read_only", False)):
            return "Actions are disabled: dsc-tui runs with --read-only."
        if self._engine() is None:
            return "Actions are unavailable: the engine is not connected."
        return None

    def check_action(self, verb: str) -> bool | None:
        """Return True when `verb` can run, None (shown dimmed in the footer) when it cannot."""
        return True if self.unavailable_reason(verb) is None else None

    def notify_unavailable(self, verb: str) -> bool:
        """Notify the user why `verb` cannot run now and return True, or return False when it can.

        The app calls this from its key handler, because Textual does not run the action of a
        binding that `check_action` disabled.
        """
        reason = self.unavailable_reason(verb)
        if reason is None:
            return False
        self.notify(reason, severity="warning")
        return True

    def _engine(self) -> Any:
        return getattr(self.source, "engine", None)

    def _ready(self, verb: str, container: Container | None) -> Any:
        """Return the engine if `verb` may run on `container`; otherwise notify why and return None."""
        reason = self.unavailable_reason(verb)
        if reason is not None:
            self.notify(reason, severity="warning")
            return None
        if container is None:
            self.notify("Select a container first.", severity="warning")
            return None
        return self._engine()

    # -- verbs ------------------------------------------------------------------------------

    def stop(self, container: Container | None) -> None:
        """Ask to stop the container, then stop it (SIGTERM, then SIGKILL after its stop timeout)."""
        engine = self._ready("stop", container)
        if engine is None or container is None:
            return
        timeout = actions.stop_timeout(container.inspect)
        self._confirm_and_run(
            "stop", container, "Stop container", f"Sends SIGTERM, then SIGKILL after {timeout} s.",
            {"timeout": timeout}, lambda: actions.stop_container(engine.api, container.id, timeout),
            success=f"Stopped {container_label(container)}.",
        )

    def toggle_pause(self, container: Container | None) -> None:
        """Ask to pause the container (or unpause it when it is paused), then do it."""
        engine = self._ready("toggle_pause", container)
        if engine is None or container is None:
            return
        if container.state == "paused":
            self._confirm_and_run(
                "unpause", container, "Unpause container", "Resumes every process of the container.",
                {}, lambda: actions.unpause_container(engine.api, container.id),
                success=f"Unpaused {container_label(container)}.",
            )
            return
        self._confirm_and_run(
            "pause", container, "Pause container",
            "Freezes every process of the container until it is unpaused; connections stay open.",
            {}, lambda: actions.pause_container(engine.api, container.id),
            success=f"Paused {container_label(container)}.",
        )

    def restart(self, container: Container | None) -> None:
        """Ask to restart the container, then restart it."""
        engine = self._ready("restart", container)
        if engine is None or container is None:
            return
        timeout = actions.stop_timeout(container.inspect)
        self._confirm_and_run(
            "restart", container, "Restart container",
            f"Sends SIGTERM, then SIGKILL after {timeout} s, then starts it again.",
            {"timeout": timeout}, lambda: actions.restart_container(engine.api, container.id, timeout),
            success=f"Restarted {container_label(container)}.",
        )

    def disconnect(self, container: Container | None) -> None:
        """Ask which network to leave, confirm, then disconnect the container from it."""
        engine = self._ready("disconnect", container)
        if engine is None or container is None:
            return
        networks = actions.connected_networks(container.inspect)
        if not networks:
            self.notify(f"{container_label(container)} is not connected to any network.", severity="warning")
            return

        def picked(network: str | None) -> None:
            if network is None:
                return
            self._confirm_and_run(
                "disconnect", container, "Disconnect container",
                f"The container loses its interface and address on {network}; it keeps running.",
                {"network": network}, lambda: actions.disconnect_network(engine.api, container.id, network),
                success=f"Disconnected {container_label(container)} from {network}.",
                question=f"Disconnect container {container_label(container)} from network {network}?",
            )

        self.app.push_screen(NetworkPickerScreen(container_label(container), networks), picked)

    def isolate(self, container: Container | None) -> None:
        """Ask to disconnect the container from every network, then do it."""
        engine = self._ready("isolate", container)
        if engine is None or container is None:
            return
        networks = actions.connected_networks(container.inspect)
        if not networks:
            self.notify(f"{container_label(container)} is not connected to any network.", severity="warning")
            return

        def work() -> str:
            left = actions.isolate_container(engine.api, container.id)
            return f"Isolated {container_label(container)}: disconnected from {', '.join(left) or 'no network'}."

        self._confirm_and_run(
            "isolate", container, "Isolate container",
            f"Disconnects it from every network: {', '.join(networks)}. It keeps running with no network.",
            {"networks": networks}, work,
        )

    def commit(self, container: Container | None) -> None:
        """Ask to commit the container to a labelled forensic image, then commit it."""
        engine = self._ready("commit", container)
        if engine is None or container is None:
            return
        moment = datetime.now(UTC)
        reference = f"{actions.forensic_repository(container.name)}:{actions.forensic_tag(moment)}"
        paused_note = "It stays paused." if container.state == "paused" else "It is paused while the commit runs."

        def work() -> str:
            image = actions.commit_forensic_image(engine.api, container.id, container.name, current_user(), moment)
            return f"Committed {container_label(container)} to {image.reference}."

        self._confirm_and_run(
            "commit", container, "Forensic commit",
            f"Saves its filesystem changes as a labelled image. {paused_note}",
            {"image": reference}, work,
            question=f"Commit container {container_label(container)} to image {reference}?",
        )

    def show_logs(self, container: Container | None) -> None:
        """Open the log viewer on the container: the last lines, then new ones as they come."""
        engine = self._ready("show_logs", container)
        if engine is None or container is None:
            return
        # The log modules load the docker SDK, so they are imported on first use, not at start-up.
        from inspector.tui.screens.logs import LogScreen

        self.app.push_screen(LogScreen(engine.api, container.inspect, tail=self.log_tail))

    def export_logs(self, container: Container | None) -> None:
        """Export the container's whole log to a file in the export directory, with a sidecar."""
        engine = self._ready("export_logs", container)
        if engine is None or container is None:
            return
        from inspector.tui.log_export_job import LogExportJob

        LogExportJob(self, engine, container).start()

    # The app's key actions use these names for the same verbs.
    pause = toggle_pause
    logs = show_logs

    # -- running and reporting ------------------------------------------------------------

    def _confirm_and_run(
        self,
        action: str,
        container: Container,
        title: str,
        effect: str,
        params: dict[str, Any],
        work: Callable[[], object],
        *,
        success: str | None = None,
        question: str | None = None,
    ) -> None:
        """Open the confirmation dialog; on yes, run `work` as `_run` does."""

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._run(action, container, params, work, success)

        dialog = ConfirmScreen(title, question or f"{title} {container_label(container)}?", effect)
        self.app.push_screen(dialog, answered)

    def _run(
        self,
        action: str,
        container: Container,
        params: dict[str, Any],
        work: Callable[[], object],
        success: str | None,
    ) -> None:
        """Run `work` in a thread worker, audit the attempt, notify and refresh the row."""

        def in_thread() -> None:
            error: str | None = None
            message = success
            try:
                result = work()
                if isinstance(result, str):
                    message = result
            except ActionError as failure:
                error = str(failure)
            except Exception as failure:  # noqa: BLE001 - any failure is reported, never crashes the UI
                log.exception("%s on container %s failed", action, container.id)
                error = f"{action} failed: {failure}"
            self.record(action, container, params, error)
            self.app.call_from_thread(self._finish, container, message, error)

        self.app.run_worker(in_thread, name=f"remediation:{action}", group="remediation", thread=True,
                            exit_on_error=False)

    def record(self, action: str, container: Container, params: dict[str, Any], error: str | None) -> None:
        """Append the attempt to the audit log; tell the user when the log cannot be written."""
        engine = self._engine()
        endpoint = str(engine.endpoint.display) if engine is not None else ""
        try:
            self.audit_log.record(
                action=action,
                target={"kind": "container", "id": container.id, "name": container.name},
                endpoint=endpoint,
                params=params,
                error=error,
            )
        except OSError as failure:
            log.error("cannot write the audit log %s: %s", self.audit_log.path, failure)
            self.app.call_from_thread(
                self.notify, f"The audit log {self.audit_log.path} could not be written: {failure}", "error"
            )

    def _finish(self, container: Container, message: str | None, error: str | None) -> None:
        if error:
            self.notify(error, severity="error")
        elif message:
            self.notify(message)
        refresh = getattr(self.app, "refresh_object", None)
        if callable(refresh):
            refresh("container", container.id)

    def notify(self, message: str, severity: str = "information") -> None:
        """Show a notification as plain text, because messages quote engine names and errors."""
        self.app.notify(message, severity=severity, markup=False)


__all__ = ["Remediation", "VERBS"]
