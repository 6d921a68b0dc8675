"""Log export on the real engine: the file equals `docker logs --timestamps`, safely written."""

from __future__ import annotations

import hashlib
import json
import stat
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docker
import pytest
from remediation_app import TEST_LABELS, RemediationApp, audit_entries, container_model, live_source, settle, unique_name

from inspector.engine.logs import CHUNK_SIZE, ExportCancelled, export_logs

pytestmark = pytest.mark.integration

# stdout and stderr interleaved, invalid UTF-8, a long line (split by the engine into 16 KiB
# messages), escape sequences, and a last line without a newline.
SCRIPT = r"""
i=0
while [ $i -lt 200 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done
printf 'bad \377\376 bytes\n'
head -c 40000 /dev/zero | tr '\0' x; echo
printf '\033]0;title\007\033[31mred\033[0m\n'
printf 'last line without newline'
"""

MOMENT = datetime(2026, 12, 4, 19, 30, tzinfo=UTC)


def run_finished(client: docker.DockerClient, image: str, tty: bool, script: str = SCRIPT) -> Any:
    container = client.containers.run(
        image, ["sh", "-c", script], name=unique_name("export"), labels=TEST_LABELS, detach=True, tty=tty,
    )
    container.wait(timeout=60)
    return container


@pytest.fixture(params=[False, True], ids=["no-tty", "tty"])
def finished(request: pytest.FixtureRequest, docker_client: docker.DockerClient, base_image: str) -> Iterator[Any]:
    """An exited labelled container that wrote the test log, with or without a TTY."""
    container = run_finished(docker_client, base_image, tty=request.param)
    yield container
    container.remove(force=True)


@pytest.fixture
def api() -> Iterator[Any]:
    source = live_source()
    yield source.engine.api
    source.engine.close()


def docker_cli_logs(container_id: str, path: Path) -> bytes:
    """Return what `docker logs --timestamps` prints, stdout and stderr to one file in order."""
    with path.open("wb") as output:
        subprocess.run(["docker", "logs", "--timestamps", container_id], stdout=output, stderr=subprocess.STDOUT,
                       check=True)
    return path.read_bytes()


def test_export_equals_docker_logs(finished, api, tmp_path: Path) -> None:
    result = export_logs(api, api.inspect_container(finished.id), tmp_path / "out", moment=MOMENT)
    expected = docker_cli_logs(finished.id, tmp_path / "cli.log")
    assert result.path.read_bytes() == expected
    assert result.path.name == f"{finished.name}-{finished.id[:12]}-20261204T193000Z.log"
    assert result.byte_count == len(expected)


# About 3 MiB with timestamps: many read blocks, so frames and timestamps cross block boundaries.
BIG_SCRIPT = r"""
yes 'a line of about forty bytes of log text' | head -n 40000
echo 'the last line'
"""


def test_big_export_equals_docker_logs(docker_client, base_image, api, tmp_path: Path) -> None:
    container = run_finished(docker_client, base_image, tty=False, script=BIG_SCRIPT)
    try:
        result = export_logs(api, api.inspect_container(container.id), tmp_path / "out", moment=MOMENT)
        expected = docker_cli_logs(container.id, tmp_path / "cli.log")
    finally:
        container.remove(force=True)

    assert result.byte_count > 4 * CHUNK_SIZE
    assert result.path.read_bytes() == expected
    assert result.first_timestamp == expected[:30].decode("ascii")
    last_line = expected.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    assert last_line.endswith(b" the last line")
    assert result.last_timestamp == last_line[:30].decode("ascii")


def test_export_mode_and_sidecar(finished, api, tmp_path: Path) -> None:
    result = export_logs(api, api.inspect_container(finished.id), tmp_path, moment=MOMENT)
    data = result.path.read_bytes()
    sidecar = json.loads(result.sidecar_path.read_text(encoding="utf-8"))
    first_line, *_ = data.split(b"\n")
    last_line = data.rsplit(b"\n", 1)[1]
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(result.sidecar_path.stat().st_mode) == 0o600
    assert result.sidecar_path.name == result.path.name.removesuffix(".log") + ".json"
    assert sidecar["sha256"] == hashlib.sha256(data).hexdigest()
    assert sidecar["byte_count"] == len(data)
    assert sidecar["container_id"] == finished.id
    assert sidecar["container_name"] == finished.name
    assert sidecar["image"] == finished.attrs["Config"]["Image"]
    assert sidecar["time_range"]["first"] == first_line[:30].decode()
    assert sidecar["time_range"]["last"] == last_line[:30].decode()


def test_second_export_does_not_overwrite(finished, api, tmp_path: Path) -> None:
    inspect = api.inspect_container(finished.id)
    first = export_logs(api, inspect, tmp_path, moment=MOMENT)
    first_bytes = first.path.read_bytes()
    second = export_logs(api, inspect, tmp_path, moment=MOMENT)
    assert second.path != first.path
    assert second.path.name.endswith("-1.log")
    assert second.sidecar_path.name.endswith("-1.json")
    assert first.path.read_bytes() == first_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [first.path.name, first.sidecar_path.name, second.path.name, second.sidecar_path.name]
    )


def test_cancel_leaves_nothing(docker_client, base_image, api, tmp_path: Path) -> None:
    container = run_finished(docker_client, base_image, tty=False, script="head -c 3000000 /dev/zero | tr '\\0' y | fold -w 100")
    cancel = threading.Event()
    try:
        with pytest.raises(ExportCancelled):
            export_logs(api, api.inspect_container(container.id), tmp_path, cancel=cancel,
                        progress=lambda _count: cancel.set())
    finally:
        container.remove(force=True)
    assert list(tmp_path.iterdir()) == []


async def test_export_key_writes_file_and_audit(docker_client, finished, tmp_path: Path) -> None:
    source = live_source()
    app = RemediationApp(
        source, container_model(docker_client, finished.id),
        audit_log_path=tmp_path / "audit.jsonl", export_dir=tmp_path / "exports",
    )
    try:
        async with app.run_test() as pilot:
            await pilot.press("e")
            await settle(app, pilot)
    finally:
        source.engine.close()
    [entry] = audit_entries(tmp_path / "audit.jsonl")
    exported = tmp_path / "exports" / entry["params"]["file"]
    assert entry["action"] == "export_logs"
    assert entry["result"] == "ok"
    assert exported.read_bytes() == docker_cli_logs(finished.id, tmp_path / "cli.log")
    assert any(message.startswith("Exported ") for _severity, message in app.notifications_seen)


async def test_progress_dialog_cancels_export(docker_client, finished, tmp_path: Path, monkeypatch) -> None:
    import inspector.tui.log_export_job as job_module
    from inspector.tui.screens.confirm import ExportProgressScreen

    real_export = job_module.export_logs

    def export_after_cancel(*args: Any, cancel: threading.Event, **kwargs: Any) -> Any:
        # Holds the export until the user cancels, so the dialog is surely still open.
        cancel.wait(timeout=30)
        return real_export(*args, cancel=cancel, **kwargs)

    monkeypatch.setattr(job_module, "export_logs", export_after_cancel)
    monkeypatch.setattr(job_module, "PROGRESS_DELAY_SECONDS", 0.01)
    source = live_source()
    app = RemediationApp(
        source, container_model(docker_client, finished.id),
        audit_log_path=tmp_path / "audit.jsonl", export_dir=tmp_path / "exports",
    )
    try:
        async with app.run_test() as pilot:
            await pilot.press("e")
            for _ in range(100):
                if isinstance(app.screen, ExportProgressScreen):
                    break
                await pilot.pause(0.05)
            dialog_opened = isinstance(app.screen, ExportProgressScreen)
            await pilot.press("escape")
            await settle(app, pilot)
            dialog_closed = not isinstance(app.screen, ExportProgressScreen)
    finally:
        source.engine.close()
    [entry] = audit_entries(tmp_path / "audit.jsonl")
    assert dialog_opened
    assert dialog_closed
    assert entry["result"] == "error"
    assert "cancelled" in entry["error"]
    assert list((tmp_path / "exports").iterdir()) == []
