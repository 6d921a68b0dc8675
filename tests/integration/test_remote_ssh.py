"""ssh:// to the real test engine through an sshd on loopback, run with generated keys and config.

The client side uses a generated ssh_config through DSC_SSH_COMMAND, so the user's ~/.ssh is
neither read nor changed. The remote side runs `docker system dial-stdio` with the local docker CLI.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
import requests.exceptions
from remote_servers import SSHD, SilentListener, SSHServer, start_sshd, stop_sshd

from inspector.cli import main
from inspector.engine import Endpoint, collect_snapshot, connect
from inspector.engine.connection import classify_error
from inspector.engine.ssh import MAX_SSH_CONNECTIONS, SSH_COMMAND_ENV
from inspector.errors import EXIT_ENGINE, EXIT_OK, EngineError


def _require_sshd() -> None:
    if SSHD.exists():
        return
    message = f"{SSHD} is missing: install openssh-server (scripts/test does)"
    if os.environ.get("DSC_REQUIRE_DOCKER") == "1":
        pytest.fail(message + " (DSC_REQUIRE_DOCKER=1)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def sshd(docker_client: docker.DockerClient, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SSHServer]:
    _require_sshd()
    server = start_sshd(tmp_path_factory.mktemp("sshd"))
    try:
        yield server
    finally:
        stop_sshd(server)


@pytest.fixture
def good_client(sshd: SSHServer, monkeypatch: pytest.MonkeyPatch) -> SSHServer:
    """Point dsc-tui's ssh at a config with the authorized key and the server's known host key."""
    config = sshd.client_config("good", sshd.directory / "user_ed25519")
    monkeypatch.setenv(SSH_COMMAND_ENV, sshd.ssh_command(config))
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    return sshd


def assert_one_line(error: EngineError, endpoint: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert endpoint in message
    assert error.exit_code == EXIT_ENGINE


def test_connect_over_ssh(good_client: SSHServer, docker_client: docker.DockerClient) -> None:
    with connect(Endpoint(url=good_client.url, source="--host"), timeout=15) as engine:
        snapshot = collect_snapshot(engine)

    assert engine.version["ApiVersion"] == docker_client.version()["ApiVersion"]
    assert snapshot.host.endpoint == good_client.url
    assert snapshot.host.engine_id == docker_client.info()["ID"]
    assert len(snapshot.images) > 0


def test_event_stream_over_ssh(good_client: SSHServer) -> None:
    # A stream with `until` in the past ends by itself, so this reads a finished chunked response.
    with connect(Endpoint(url=good_client.url), timeout=15) as engine:
        events = list(engine.api.events(since=1, until=2, decode=True))

    assert events == []


def test_scan_over_ssh_cli(good_client: SSHServer, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["scan", "--format", "json", "--timeout", "15", "--host", good_client.url])

    captured = capsys.readouterr()
    assert status == EXIT_OK, captured.err
    report = json.loads(captured.out)
    assert report["host"]["endpoint"] == good_client.url
    assert report["counts"]["images"] > 0


def test_ssh_from_docker_host(good_client: SSHServer, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DOCKER_HOST", good_client.url)

    status = main(["scan", "--format", "json", "--timeout", "15"])

    captured = capsys.readouterr()
    assert status == EXIT_OK, captured.err
    assert json.loads(captured.out)["host"]["endpoint"] == good_client.url


def test_wrong_key_fails_authentication(sshd: SSHServer, monkeypatch: pytest.MonkeyPatch) -> None:
    config = sshd.client_config("stranger", sshd.directory / "stranger_ed25519")
    monkeypatch.setenv(SSH_COMMAND_ENV, sshd.ssh_command(config))

    with pytest.raises(EngineError) as raised:
        connect(Endpoint(url=sshd.url), timeout=15)

    assert_one_line(raised.value, sshd.url)
    assert str(raised.value).startswith(f"SSH authentication to {sshd.url} failed")
    assert "Permission denied (publickey)" in str(raised.value)
    assert "never asks for a password" in str(raised.value)


def test_changed_host_key_fails(sshd: SSHServer, monkeypatch: pytest.MonkeyPatch) -> None:
    stranger = (sshd.directory / "stranger_ed25519.pub").read_text().split()
    known_hosts = sshd.directory / "wrong_known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{sshd.port} {stranger[0]} {stranger[1]}\n")
    config = sshd.client_config("wrong-host-key", sshd.directory / "user_ed25519", known_hosts)
    monkeypatch.setenv(SSH_COMMAND_ENV, sshd.ssh_command(config))

    with pytest.raises(EngineError) as raised:
        connect(Endpoint(url=sshd.url), timeout=15)

    assert_one_line(raised.value, sshd.url)
    assert str(raised.value).startswith(f"SSH host key check for {sshd.url} failed")
    assert "known_hosts" in str(raised.value)


def test_missing_remote_docker_cli(docker_client: docker.DockerClient, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _require_sshd()
    # The session's PATH contains no docker CLI, as on a host where it is not installed.
    server = start_sshd(tmp_path / "sshd", "SetEnv PATH=/var/empty\n")
    try:
        monkeypatch.setenv(SSH_COMMAND_ENV, server.ssh_command(server.client_config("good", server.directory / "user_ed25519")))
        with pytest.raises(EngineError) as raised:
            connect(Endpoint(url=server.url), timeout=15)
    finally:
        stop_sshd(server)

    assert_one_line(raised.value, server.url)
    assert str(raised.value).startswith(f"the docker CLI was not found on {server.url}")
    assert "docker: command not found" in str(raised.value) or "docker: not found" in str(raised.value)


def test_silent_listener_times_out(good_client: SSHServer) -> None:
    with SilentListener() as silent:
        url = f"ssh://{good_client.user}@127.0.0.1:{silent.port}"
        with pytest.raises(EngineError) as raised:
            connect(Endpoint(url=url), timeout=1)

    assert_one_line(raised.value, url)
    assert "timed out" in str(raised.value)


def test_closed_port_unreachable(good_client: SSHServer) -> None:
    with SilentListener() as closed:
        port = closed.port
    url = f"ssh://{good_client.user}@127.0.0.1:{port}"

    with pytest.raises(EngineError) as raised:
        connect(Endpoint(url=url), timeout=5)

    assert_one_line(raised.value, url)
    assert str(raised.value).startswith(f"cannot reach {url} over SSH")
    assert "Connection refused" in str(raised.value)


def test_no_ssh_process_left(good_client: SSHServer) -> None:
    with connect(Endpoint(url=good_client.url), timeout=15) as engine:
        engine.api.ping()
        adapter = engine.api.get_adapter("http+docker://localhost")
        processes = [conn._process for conn in list(adapter.pool.pool.queue) if conn is not None and conn._process]

    assert processes
    assert all(process.poll() is not None for process in processes)


def test_pool_exhaustion_times_out(good_client: SSHServer) -> None:
    # Streams that are never closed hold every connection; the next request times out instead of hanging.
    with connect(Endpoint(url=good_client.url), timeout=3) as engine:
        streams = [engine.api.events(decode=True) for _ in range(MAX_SSH_CONNECTIONS)]
        try:
            with pytest.raises(requests.exceptions.ConnectionError) as raised:
                engine.api.ping()
        finally:
            for stream in streams:
                stream.close()

    error = classify_error(raised.value, engine.endpoint, 3)
    assert str(error).startswith(f"SSH connection to {good_client.url} timed out after 3 s")
