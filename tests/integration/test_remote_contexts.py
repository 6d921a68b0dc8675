"""Docker contexts on the test engine (its socket and a TLS proxy) and a dead one: `scan` across them, the TUI picker."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from remote_servers import (  # noqa: F401 - tls_material and tls_proxy are fixtures
    ENGINE_SOCKET,
    EngineProxy,
    SilentListener,
    tls_material,
    tls_proxy,
    write_context,
)

from textual.widgets import OptionList

from inspector.cli import main
from inspector.errors import EXIT_ENGINE, EXIT_OK
from inspector.tui.app import InspectorApp
from inspector.tui.commands import palette_commands
from inspector.tui.screens.contexts import ContextPickerScreen
from inspector.tui.source import LiveSource
from inspector.tui.widgets.status_header import StatusHeader

LOCAL = f"unix://{ENGINE_SOCKET}"


@pytest.fixture
def dead_url() -> str:
    """A loopback port that nothing listens on any more."""
    with SilentListener() as listener:
        port = listener.port
    return f"tcp://127.0.0.1:{port}"


@pytest.fixture
def contexts(
    tls_proxy: EngineProxy, tls_material: Path, dead_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A docker CLI config with contexts `local` (socket), `tls` (TLS proxy) and `dead`."""
    config_dir = tmp_path / "docker-config"
    write_context(config_dir, "local", LOCAL)
    write_context(config_dir, "tls", tls_proxy.url, tls_material)
    write_context(config_dir, "dead", dead_url)
    monkeypatch.setenv("DOCKER_CONFIG", str(config_dir))
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    return config_dir


@pytest.fixture(autouse=True)
def isolated_log_handlers() -> Iterator[None]:
    """Start without the stderr handlers that earlier `main()` calls left on closed captures; drop ours after."""
    logger = logging.getLogger("inspector")
    handlers, level = list(logger.handlers), logger.level
    logger.handlers[:] = []
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_scan_two_contexts_json(contexts: Path, tls_proxy: EngineProxy, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "scan", "--format", "json", "--context", "local", "--context", "tls")

    assert status == EXIT_OK, err
    report = json.loads(out)
    assert "host" not in report
    assert [host["context"] for host in report["hosts"]] == ["local", "tls"]
    assert [host["endpoint"] for host in report["hosts"]] == [LOCAL, tls_proxy.url]
    assert [host["error"] for host in report["hosts"]] == [None, None]
    assert report["hosts"][0]["name"] == report["hosts"][1]["name"]
    assert {finding["endpoint"] for finding in report["findings"]} == {LOCAL, tls_proxy.url}
    assert report["counts"]["images"] == sum(host["counts"]["images"] for host in report["hosts"])


def test_unreachable_context_does_not_stop_others(
    contexts: Path, dead_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "scan", "--format", "json", "--context", "dead", "--context", "local")

    assert status == EXIT_OK
    warnings = err.strip().splitlines()
    assert len(warnings) == 1
    assert warnings[0].startswith("dsc-tui: WARNING: context dead not scanned:")
    assert dead_url in warnings[0]
    report = json.loads(out)
    dead, local = report["hosts"]
    assert dead["endpoint"] == dead_url
    assert "refused the connection" in dead["error"]
    assert dead["counts"] is None
    assert local["error"] is None
    assert {finding["endpoint"] for finding in report["findings"]} == {LOCAL}


def test_all_contexts_failing_exits_3(contexts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "scan", "--context", "dead", "--context", "missing")

    assert status == EXIT_ENGINE
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert "context dead not scanned" in lines[0]
    assert "context missing not scanned" in lines[1]
    assert lines[2] == "dsc-tui: error: none of the 2 contexts could be scanned (dead, missing); see above"


def test_unknown_context_has_no_endpoint(contexts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "scan", "--format", "json", "--context", "local", "--context", "missing")

    assert status == EXIT_OK, err
    missing = json.loads(out)["hosts"][1]
    assert missing["context"] == "missing"
    assert missing["endpoint"] is None
    assert "docker context 'missing' not found" in missing["error"]


def test_scan_two_contexts_table(contexts: Path, tls_proxy: EngineProxy, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "scan", "--context", "local", "--context", "tls")

    assert status == EXIT_OK, err
    assert f"at {LOCAL} (context local)" in out
    assert f"at {tls_proxy.url} (context tls)" in out
    assert f"on {tls_proxy.url}" in out


def test_scan_two_contexts_sarif(contexts: Path, tls_proxy: EngineProxy, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "scan", "--format", "sarif", "--context", "local", "--context", "tls")

    assert status == EXIT_OK, err
    results = json.loads(out)["runs"][0]["results"]
    assert {result["properties"]["endpoint"] for result in results} == {LOCAL, tls_proxy.url}


def test_scan_two_contexts_markdown(contexts: Path, tls_proxy: EngineProxy, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "scan", "--format", "markdown", "--context", "local", "--context", "tls")

    assert status == EXIT_OK, err
    assert out.startswith("## dsc-tui scan of 2 Docker engines")
    assert f"on {tls_proxy.url}" in out


def test_single_context_keeps_schema(contexts: Path, tls_proxy: EngineProxy, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "scan", "--format", "json", "--context", "tls")

    assert status == EXIT_OK, err
    report = json.loads(out)
    assert list(report) == ["schema", "generated_at", "host", "counts", "findings", "summary"]
    assert report["host"]["endpoint"] == tls_proxy.url
    assert all("endpoint" not in finding for finding in report["findings"])


def test_fail_on_counts_every_context(contexts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The lab-free test engine still has host findings of severity info or worse.
    status, _out, err = run(capsys, "scan", "--format", "json", "--fail-on", "info", "--context", "dead", "--context", "local")

    assert status == 1, err


# --- the TUI's context picker ----------------------------------------------------------------


async def wait_for(pilot: Any, condition: Callable[[], bool], attempts: int = 750) -> None:
    """Let the app run until `condition()` holds; fail after `attempts` pauses of 20 ms."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


def picker_lines(app: InspectorApp) -> list[str]:
    options = app.screen.query_one("#context-picker-list", OptionList)
    return [str(options.get_option_at_index(index).prompt) for index in range(options.option_count)]


async def choose(pilot: Any, app: InspectorApp, name: str) -> None:
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(app.screen, ContextPickerScreen))
    options = app.screen.query_one("#context-picker-list", OptionList)
    options.highlighted = next(index for index, line in enumerate(picker_lines(app)) if line[2:].startswith(name + " "))
    await pilot.press("enter")


async def test_picker_switches_context(contexts: Path, tls_proxy: EngineProxy, dead_url: str) -> None:
    app = InspectorApp(LiveSource(context="local", timeout=10), full_refresh_seconds=3600)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None and app.connection == "connected")

        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ContextPickerScreen))
        lines = picker_lines(app)
        assert [line[2:].split()[0] for line in lines] == ["default", "dead", "local", "tls"]
        assert lines[2].startswith("● local")
        assert lines[3].startswith("  tls")
        assert tls_proxy.url in lines[3]
        assert dead_url in lines[1]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ContextPickerScreen))

        await choose(pilot, app, "tls")
        await wait_for(pilot, lambda: app.result.snapshot.host.endpoint == tls_proxy.url)

        assert app.source.context_label == "tls"
        assert app.source.endpoint_label == tls_proxy.url
        assert app.connection == "connected"
        assert app.result.snapshot.host.endpoint == tls_proxy.url
        header = app.query_one(StatusHeader)
        assert header.endpoint == tls_proxy.url
        assert header.context == "tls"
        await wait_for(pilot, lambda: app.feed._watcher is not None)
        assert app.feed.source is app.source
    # Closed after the app stopped, as run_tui does, so no worker reconnects during shutdown.
    app.source.close()


async def test_picker_keeps_engine_on_failure(contexts: Path, dead_url: str) -> None:
    app = InspectorApp(LiveSource(context="local", timeout=10), full_refresh_seconds=3600)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.result is not None and app.connection == "connected")

        notes: list[tuple[str, dict[str, Any]]] = []
        show = app.notify
        app.notify = lambda message, **options: (notes.append((message, options)), show(message, **options))[1]

        await choose(pilot, app, "dead")
        await wait_for(pilot, lambda: any(options.get("title") == "Context not switched" for _m, options in notes))

        message, options = next(note for note in notes if note[1].get("title") == "Context not switched")
        assert message.startswith(f"Still on {LOCAL}: context dead failed")
        assert dead_url in message
        assert options["severity"] == "error"
        assert app.source.context_label == "local"
        assert app.result.snapshot.host.endpoint == LOCAL
        assert app.connection == "connected"
        assert app.query_one(StatusHeader).endpoint == LOCAL
    app.source.close()


def test_palette_offers_context_switch() -> None:
    app = InspectorApp(LiveSource(context="local"))

    assert ("Switch context", "x", "switch_context") in palette_commands(app)
