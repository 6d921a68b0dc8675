"""TLS to the real test engine through a TLS-terminating proxy on loopback, with generated certificates."""

from __future__ import annotations

import json
from pathlib import Path

import docker
import pytest
from remote_servers import EngineProxy, server_context, tls_material, tls_proxy  # noqa: F401 - fixtures

from inspector.cli import main
from inspector.errors import EXIT_ENGINE, EXIT_OK, EXIT_USAGE


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No endpoint or TLS settings from the environment, and an empty docker CLI config."""
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "docker-config"
    config.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    return config


def client_options(material: Path, cert: str = "client", ca: str = "ca") -> list[str]:
    return [
        "--tlscacert", str(material / f"{ca}.pem"),
        "--tlscert", str(material / f"{cert}.pem"),
        "--tlskey", str(material / f"{cert}-key.pem"),
    ]


def scan_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict | None, str]:
    status = main(argv)
    captured = capsys.readouterr()
    report = json.loads(captured.out) if status == EXIT_OK else None
    return status, report, captured.err


def assert_one_error_line(err: str, endpoint: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("dsc-tui: error: ")
    assert endpoint in lines[0]
    assert "Traceback" not in err


def test_scan_with_tls_options(
    tls_proxy: EngineProxy, tls_material: Path, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["scan", "--format", "json", "--host", tls_proxy.url, "--tlsverify", *client_options(tls_material)]

    status, report, err = scan_json(capsys, argv)

    assert status == EXIT_OK, err
    assert report is not None
    assert report["host"]["endpoint"] == tls_proxy.url
    assert report["host"]["api_version"] == "1.41"
    assert report["counts"]["images"] > 0


def test_tls_options_before_subcommand(
    tls_proxy: EngineProxy, tls_material: Path, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--host", tls_proxy.url, *client_options(tls_material), "scan", "--format", "json"]

    status, report, err = scan_json(capsys, argv)

    assert status == EXIT_OK, err
    assert report is not None
    assert report["host"]["endpoint"] == tls_proxy.url


def test_tls_from_environment(
    tls_proxy: EngineProxy, tls_material: Path, clean_env: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DOCKER_HOST", tls_proxy.url)
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tls_material))

    status, report, err = scan_json(capsys, ["scan", "--format", "json"])

    assert status == EXIT_OK, err
    assert report is not None
    assert report["host"]["endpoint"] == tls_proxy.url


def test_wrong_ca_fails(
    tls_proxy: EngineProxy, tls_material: Path, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["scan", "--host", tls_proxy.url, *client_options(tls_material, ca="other-ca")]

    status, _report, err = scan_json(capsys, argv)

    assert status == EXIT_ENGINE
    assert_one_error_line(err, tls_proxy.url)
    assert "TLS handshake" in err
    assert "certificate verify failed" in err


def test_expired_client_certificate_fails(
    docker_client: docker.DockerClient, tls_material: Path, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with EngineProxy(server_context(tls_material, tls12_only=True)) as proxy:
        argv = ["scan", "--host", proxy.url, *client_options(tls_material, cert="expired-client")]
        status, _report, err = scan_json(capsys, argv)

    assert status == EXIT_ENGINE
    assert_one_error_line(err, proxy.url)
    assert "rejected the client certificate as expired" in err


def test_expired_server_certificate_fails(
    docker_client: docker.DockerClient, tls_material: Path, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with EngineProxy(server_context(tls_material, "expired-server")) as proxy:
        status, _report, err = scan_json(capsys, ["scan", "--host", proxy.url, *client_options(tls_material)])

    assert status == EXIT_ENGINE
    assert_one_error_line(err, proxy.url)
    assert "certificate has expired" in err
    assert "renew it on the engine" in err


def test_plain_http_engine_fails(
    docker_client: docker.DockerClient, tls_material: Path, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with EngineProxy() as plain:
        status, _report, err = scan_json(capsys, ["scan", "--host", plain.url, *client_options(tls_material)])

    assert status == EXIT_ENGINE
    assert_one_error_line(err, plain.url)
    assert "does not speak TLS" in err


def test_plain_http_engine_without_tls(
    docker_client: docker.DockerClient, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same plain listener works once no TLS is asked for, so the failure above is about TLS.
    with EngineProxy() as plain:
        status, report, err = scan_json(capsys, ["scan", "--format", "json", "--host", plain.url])

    assert status == EXIT_OK, err
    assert report is not None
    assert report["host"]["endpoint"] == plain.url


def test_tlsverify_without_certificates(
    tls_proxy: EngineProxy, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _report, err = scan_json(capsys, ["scan", "--host", tls_proxy.url, "--tlsverify"])

    assert status == EXIT_USAGE
    assert_one_error_line(err, tls_proxy.url)
    assert f"{clean_env / 'ca.pem'} does not exist" in err
