"""TLS options, ssh:// parsing and diagnosis, and the command-line options for remote engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.cli import build_parser, main
from inspector.engine import TLSOptions, TLSSettings, resolve_endpoint
from inspector.engine.endpoint import InvalidEndpointError, tls_options
from inspector.engine.ssh import SSHTarget, diagnose, parse_ssh_url, ssh_command
from inspector.errors import EXIT_USAGE


@pytest.fixture
def cert_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "certs"
    directory.mkdir()
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (directory / name).write_text("pem")
    return directory


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    config = tmp_path / "docker-config"
    config.mkdir(exist_ok=True)
    return {"DOCKER_CONFIG": str(config), "HOME": str(tmp_path), **values}


# --- TLS options -----------------------------------------------------------------------------


def test_tlsverify_reads_cert_path(tmp_path: Path, cert_dir: Path) -> None:
    environ = env(tmp_path, DOCKER_CERT_PATH=str(cert_dir))

    endpoint = resolve_endpoint(host="tcp://192.0.2.1:2376", environ=environ, tls=TLSOptions(verify=True))

    assert endpoint.tls == TLSSettings(
        ca=cert_dir / "ca.pem", cert=cert_dir / "cert.pem", key=cert_dir / "key.pem", verify=True
    )


def test_tls_files_override_cert_path(tmp_path: Path, cert_dir: Path) -> None:
    own_ca = tmp_path / "own-ca.pem"
    own_ca.write_text("pem")
    environ = env(tmp_path, DOCKER_CERT_PATH=str(cert_dir))

    endpoint = resolve_endpoint(host="tcp://192.0.2.1:2376", environ=environ, tls=TLSOptions(ca=own_ca))

    assert endpoint.tls is not None
    assert endpoint.tls.ca == own_ca
    assert endpoint.tls.cert == cert_dir / "cert.pem"
    assert endpoint.tls.verify is True


def test_tls_options_beat_environment(tmp_path: Path, cert_dir: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (other / name).write_text("pem")
    environ = env(tmp_path, DOCKER_HOST="tcp://192.0.2.2:2376", DOCKER_CERT_PATH=str(cert_dir))
    options = TLSOptions(ca=other / "ca.pem", cert=other / "cert.pem", key=other / "key.pem")

    endpoint = resolve_endpoint(environ=environ, tls=options)

    assert endpoint.source == "DOCKER_HOST"
    assert endpoint.tls == TLSSettings(ca=other / "ca.pem", cert=other / "cert.pem", key=other / "key.pem")


def test_tlsverify_without_ca_fails(tmp_path: Path) -> None:
    with pytest.raises(InvalidEndpointError) as raised:
        resolve_endpoint(host="tcp://192.0.2.1:2376", environ=env(tmp_path), tls=TLSOptions(verify=True))

    message = str(raised.value)
    assert "tcp://192.0.2.1:2376 needs a CA certificate" in message
    assert str(tmp_path / "docker-config" / "ca.pem") in message
    assert "--tlscacert" in message
    assert raised.value.exit_code == EXIT_USAGE


def test_tls_verify_env_without_ca_fails(tmp_path: Path) -> None:
    environ = env(tmp_path, DOCKER_HOST="tcp://192.0.2.1:2376", DOCKER_TLS_VERIFY="1")

    with pytest.raises(InvalidEndpointError) as raised:
        resolve_endpoint(environ=environ)

    assert "DOCKER_TLS_VERIFY is set for tcp://192.0.2.1:2376" in str(raised.value)
    assert "DOCKER_CERT_PATH" in str(raised.value)


def test_missing_tlscert_file_fails(tmp_path: Path, cert_dir: Path) -> None:
    options = TLSOptions(ca=cert_dir / "ca.pem", cert=tmp_path / "absent.pem", key=cert_dir / "key.pem")

    with pytest.raises(InvalidEndpointError) as raised:
        resolve_endpoint(host="tcp://192.0.2.1:2376", environ=env(tmp_path), tls=options)

    assert f"--tlscert file {tmp_path / 'absent.pem'}" in str(raised.value)
    assert "not found" in str(raised.value)


def test_tlscert_without_key_fails(tmp_path: Path, cert_dir: Path) -> None:
    options = TLSOptions(ca=cert_dir / "ca.pem", cert=cert_dir / "cert.pem")

    with pytest.raises(InvalidEndpointError, match="needs both --tlscert and --tlskey"):
        resolve_endpoint(host="tcp://192.0.2.1:2376", environ=env(tmp_path), tls=options)


def test_client_certificate_is_optional(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("pem")

    endpoint = resolve_endpoint(host="tcp://192.0.2.1:2376", environ=env(tmp_path), tls=TLSOptions(ca=ca))

    assert endpoint.tls == TLSSettings(ca=ca, cert=None, key=None, verify=True)


def test_tls_options_with_context_fail(tmp_path: Path, cert_dir: Path) -> None:
    with pytest.raises(InvalidEndpointError, match="not to context 'remote'"):
        resolve_endpoint(context="remote", environ=env(tmp_path), tls=TLSOptions(ca=cert_dir / "ca.pem"))


def test_tls_options_ignored_for_unix(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    endpoint = resolve_endpoint(host="unix:///tmp/docker.sock", environ=env(tmp_path), tls=TLSOptions(verify=True))

    assert endpoint.tls is None
    assert "apply only to tcp://" in caplog.text


# --- command line ----------------------------------------------------------------------------


def test_tls_options_before_subcommand_kept(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"

    args = build_parser().parse_args(["--tlsverify", "--tlscacert", str(ca), "scan"])

    assert tls_options(args) == TLSOptions(verify=True, ca=ca)


def test_tls_options_after_subcommand(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"

    args = build_parser().parse_args(["capture", "--tlscert", str(cert), "--tlskey", str(key)])

    assert tls_options(args) == TLSOptions(verify=False, cert=cert, key=key)
    assert tls_options(args).requested


def test_no_tls_options_not_requested() -> None:
    args = build_parser().parse_args(["scan"])

    assert not tls_options(args).requested


def test_repeated_context_collected() -> None:
    args = build_parser().parse_args(["scan", "--context", "a", "--context", "b"])

    assert args.contexts == ["a", "b"]
    assert args.context == "b"


def test_single_context_unchanged() -> None:
    args = build_parser().parse_args(["--context", "a", "scan"])

    assert args.context == "a"
    assert args.contexts == ["a"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--context", "a", "--context", "b"], "only `scan` takes --context more than once"),
        (["capture", "--context", "a", "--context", "b"], "only `scan` takes --context more than once"),
        (["scan", "--host", "tcp://192.0.2.1:2375", "--context", "a", "--context", "b"], "--host cannot be combined"),
    ],
    ids=["tui", "capture", "scan-with-host"],
)
def test_several_contexts_rejected(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(argv)

    assert raised.value.code == EXIT_USAGE
    assert expected in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--snapshot", "capture.json"], "--snapshot scans one capture file"),
        (["--tlsverify"], "TLS options apply to --host or DOCKER_HOST"),
    ],
    ids=["snapshot", "tls"],
)
def test_several_contexts_reject_option(
    options: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["scan", *options, "--context", "a", "--context", "b"])

    err = capsys.readouterr().err
    assert status == EXIT_USAGE
    assert expected in err
    assert err.count("\n") == 1


# --- ssh:// ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("ssh://deploy@build-host", SSHTarget(host="build-host", user="deploy")),
        ("ssh://deploy@build-host:2222", SSHTarget(host="build-host", user="deploy", port=2222)),
        ("ssh://build-host", SSHTarget(host="build-host")),
        ("ssh://root@[::1]:22", SSHTarget(host="::1", user="root", port=22)),
    ],
)
def test_parse_ssh_url(url: str, target: SSHTarget) -> None:
    assert parse_ssh_url(url) == target


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ssh://deploy:hunter2@build-host", "password in an ssh:// URL is not supported"),
        ("ssh://deploy@build-host/var/run/docker.sock", "takes no path"),
        ("ssh://deploy@build-host:notaport", "invalid port"),
        ("ssh://", "no host"),
    ],
    ids=["password", "path", "port", "no-host"],
)
def test_parse_ssh_url_rejects(url: str, expected: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_ssh_url(url)

    assert expected in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_ssh_command_batch_mode_and_timeout() -> None:
    command = ssh_command(SSHTarget(host="build-host", user="deploy", port=2222), 4.2, environ={})

    assert command[0] == "ssh"
    assert "BatchMode=yes" in command
    assert "ConnectTimeout=5" in command
    assert command[command.index("-l") + 1] == "deploy"
    assert command[command.index("-p") + 1] == "2222"
    assert command[-5:] == ["--", "build-host", "docker", "system", "dial-stdio"]


def test_ssh_command_from_environment() -> None:
    command = ssh_command(SSHTarget(host="h"), 5, environ={"DSC_SSH_COMMAND": "/opt/ssh -F '/tmp/my config'"})

    assert command[:3] == ["/opt/ssh", "-F", "/tmp/my config"]
    assert "BatchMode=yes" in command


@pytest.mark.parametrize(
    ("status", "stderr", "problem", "detail"),
    [
        (255, "deploy@h: Permission denied (publickey).\n", "authentication", "deploy@h: Permission denied (publickey)."),
        (255, "@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.\n",
         "host-key", "Host key verification failed."),
        (127, "bash: line 1: docker: command not found\n", "no-docker", "bash: line 1: docker: command not found"),
        (127, "sh: 1: docker: not found\n", "no-docker", "sh: 1: docker: not found"),
        (255, "ssh: connect to host h port 22: Connection timed out\n", "timeout",
         "ssh: connect to host h port 22: Connection timed out"),
        (255, "ssh: Could not resolve hostname h: Name or service not known\n", "unreachable",
         "ssh: Could not resolve hostname h: Name or service not known"),
        (1, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
         "remote", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"),
        (255, "", "unreachable", "ssh exited with status 255"),
    ],
    ids=["auth", "host-key", "bash-no-docker", "sh-no-docker", "timeout", "dns", "remote-daemon", "silent"],
)
def test_diagnose_ssh_failure(status: int, stderr: str, problem: str, detail: str) -> None:
    failure = diagnose(status, stderr)

    assert failure.problem == problem
    assert failure.detail == detail


def test_diagnose_skips_known_hosts_warning() -> None:
    stderr = "Warning: Permanently added '[h]:22' (ED25519) to the list of known hosts.\n"

    failure = diagnose(1, stderr + "permission denied while trying to connect to the Docker daemon socket\n")

    assert failure.problem == "remote"
    assert failure.detail == "permission denied while trying to connect to the Docker daemon socket"
