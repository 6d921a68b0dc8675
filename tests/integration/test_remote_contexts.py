"""`scan` across docker contexts: two contexts on the test engine (its socket and a TLS proxy) and a dead one."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from remote_servers import ENGINE_SOCKET, EngineProxy, SilentListener, make_tls_material, server_context, write_context

from inspector.cli import main
from inspector.errors import EXIT_ENGINE, EXIT_OK

LOCAL = f"unix://{ENGINE_SOCKET}"


@pytest.fixture(scope="module")
def tls_material(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tls_material(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_proxy(docker_client: docker.DockerClient, tls_material: Path) -> Iterator[EngineProxy]:
    with EngineProxy(server_context(tls_material)) as proxy:
        yield proxy


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
