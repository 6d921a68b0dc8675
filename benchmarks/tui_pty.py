"""The real `dsc-tui` process on a pseudo-terminal, for the idle CPU and memory figures.

The TUI runs exactly as a user starts it (`python -m inspector.cli`, no arguments but a log
file) on a 160x48 pty whose output a thread reads and discards, as a terminal would. It counts
as loaded once its log reports the first finished collection, plus a few seconds for the render.
"""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from fleet import CodeTree, wait_until

ROWS, COLUMNS = 48, 160


class PtyTui:
    """A running `dsc-tui` on a pty; use as a context manager so it always ends."""

    def __init__(self, tree: CodeTree, log_file: Path) -> None:
        self.tree = tree
        self.log_file = log_file
        self.process: subprocess.Popen[bytes] | None = None
        self._master = -1
        self._reader: threading.Thread | None = None
        self._tail = b""

    def __enter__(self) -> PtyTui:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        env = {**self.tree.env(), "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "inspector.cli", "--log-file", str(self.log_file)],
            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=self.tree.cwd, start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._master = master
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        return self

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:
                return
            if not data:
                return
            self._tail = (self._tail + data)[-4000:]  # kept for the error message if the TUI exits

    @property
    def pid(self) -> int:
        """The TUI's process id."""
        assert self.process is not None
        return self.process.pid

    def collections(self) -> int:
        """Count the full collections the TUI's log reports so far."""
        if not self.log_file.exists():
            return 0
        text = self.log_file.read_text(encoding="utf-8", errors="replace")
        # The line comes from inspector.engine.snapshot; trees before the early read log it from collect.
        return text.count("inspector.engine.snapshot: collected") + text.count("inspector.engine.collect: collected")

    def wait_loaded(self, timeout: float = 120, settle: float = 5) -> None:
        """Wait for the first collection in the log, then `settle` seconds for the render."""
        if not wait_until(lambda: self.collections() >= 1 or self.process.poll() is not None, timeout):
            raise TimeoutError("the TUI did not finish its first collection in time")
        if self.process.poll() is not None:
            output = self._tail.decode("utf-8", "replace")
            raise RuntimeError(f"the TUI exited with {self.process.returncode}: {output[-1500:]}")
        time.sleep(settle)

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.write(self._master, b"q")
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._master >= 0:
            os.close(self._master)
        if self._reader is not None:
            self._reader.join(timeout=5)
