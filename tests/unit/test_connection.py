"""Endpoint resolution from options, environment and the docker CLI's context store, and connect errors."""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import os
import shutil
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import docker.errors
import pytest
import requests

from inspector.cli import main
from inspector.engine import Endpoint, TLSSettings, connect, open_engine, resolve_endpoint
from inspector.engine.connection import classify_error
from inspector.engine.endpoint import known_contexts
from inspector.errors import EXIT_ENGINE, EXIT_USAGE, EngineError

# --- a temporary docker CLI config with contexts ---------------------------------------------


def write_context(
    config_dir: Path,
    name: str,
    host: str,
    *,
    skip_tls_verify: bool = False,
    tls_files: tuple[str, ...] = (),
) -> Path:
    """Store a context the way `docker context create` does; return its TLS directory."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta_dir = config_dir / "contexts" / "meta" / digest
    meta_dir.mkdir(parents=True)
    meta = {
        "Name": name,
        "Metadata": {"Description": f"test context {name}"},
        "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip_tls_verify}},
    }
    (meta_dir / "meta.json").write_text(json.dumps(meta))
    tls_dir = config_dir / "contexts" / "tls" / digest / "docker"
    for part in tls_files:
        tls_dir.mkdir(parents=True, exist_ok=True)
        (tls_dir / f"{part}.pem").write_text(f"-----BEGIN {part}-----\n")
    return tls_dir


def write_current_context(config_dir: Path, name: str) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.json").write_text(json.dumps({"auths": {}, "currentContext": name}))


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "docker-config"
    directory.mkdir()
    return directory


@pytest.fixture
def sockets(tmp_path: Path) -> dict[str, Path]:
    """Paths for a system socket and a rootless runtime directory, neither created yet."""
    runtime_dir = tmp_path / "run-user"
    runtime_dir.mkdir()
    return {"system": tmp_path / "system" / "docker.sock", "runtime_dir": runtime_dir}


def env(config_dir: Path, **values: str) -> dict[str, str]:
    return {"DOCKER_CONFIG": str(config_dir), "HOME": str(config_dir.parent), **values}


# --- resolution order ------------------------------------------------------------------------


def test_host_option_beats_everything(config_dir: Path) -> None:
    write_context(config_dir, "remote", "tcp://10.0.0.5:2376")
    write_current_context(config_dir, "remote")
    environ = env(config_dir, DOCKER_HOST="tcp://127.0.0.1:2375", DOCKER_CONTEXT="remote")

    endpoint = resolve_endpoint(host="unix:///tmp/explicit.sock", context="remote", environ=environ)

    assert endpoint.url == "unix:///tmp/explicit.sock"
    assert endpoint.source == "--host"
    assert endpoint.context is None
    assert endpoint.tls is None


def test_context_option_reads_context_store(config_dir: Path) -> None:
    tls_dir = write_context(config_dir, "remote", "tcp://10.0.0.5:2376", tls_files=("ca", "cert", "key"))
    environ = env(config_dir, DOCKER_HOST="tcp://127.0.0.1:2375")

    endpoint = resolve_endpoint(context="remote", environ=environ)

    assert endpoint.url == "tcp://10.0.0.5:2376"
    assert endpoint.context == "remote"
    assert endpoint.source == "--context"
    assert endpoint.tls == TLSSettings(
        ca=tls_dir / "ca.pem", cert=tls_dir / "cert.pem", key=tls_dir / "key.pem", verify=True
    )


def test_context_skip_tls_verify(config_dir: Path) -> None:
    write_context(config_dir, "insecure", "tcp://10.0.0.6:2376", skip_tls_verify=True)

    endpoint = resolve_endpoint(context="insecure", environ=env(config_dir))

    assert endpoint.tls == TLSSettings(ca=None, cert=None, key=None, verify=False)


def test_context_without_tls_is_plain(config_dir: Path) -> None:
    write_context(config_dir, "ssh-box", "ssh://deploy@build-host")

    endpoint = resolve_endpoint(context="ssh-box", environ=env(config_dir))

    assert endpoint.url == "ssh://deploy@build-host"
    assert endpoint.tls is None


def test_unknown_context_lists_known(config_dir: Path) -> None:
    write_context(config_dir, "remote", "tcp://10.0.0.5:2376")
    write_context(config_dir, "staging", "tcp://10.0.0.7:2376")

    with pytest.raises(EngineError) as raised:
        resolve_endpoint(context="prod", environ=env(config_dir))

    message = str(raised.value)
    assert "'prod'" in message
    assert "default, remote, staging" in message
    assert raised.value.exit_code == EXIT_ENGINE


def test_known_contexts_sorted_after_default(config_dir: Path) -> None:
    write_context(config_dir, "zeta", "tcp://10.0.0.9:2376")
    write_context(config_dir, "alpha", "tcp://10.0.0.8:2376")

    assert known_contexts(config_dir) == ["default", "alpha", "zeta"]


def test_docker_host_with_tls_env(config_dir: Path, tmp_path: Path) -> None:
    cert_dir = tmp_path / "certs"
    cert_dir.mkdir()
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (cert_dir / name).write_text("pem")
    environ = env(
        config_dir,
        DOCKER_HOST="tcp://192.0.2.10:2376",
        DOCKER_TLS_VERIFY="1",
        DOCKER_CERT_PATH=str(cert_dir),
    )

    endpoint = resolve_endpoint(environ=environ)

    assert endpoint.url == "tcp://192.0.2.10:2376"
    assert endpoint.source == "DOCKER_HOST"
    assert endpoint.tls == TLSSettings(
        ca=cert_dir / "ca.pem", cert=cert_dir / "cert.pem", key=cert_dir / "key.pem", verify=True
    )


def test_docker_host_tls_verify_empty_is_off(config_dir: Path, tmp_path: Path) -> None:
    # docker-py and the docker CLI treat an empty DOCKER_TLS_VERIFY as unset.
    environ = env(config_dir, DOCKER_HOST="tcp://192.0.2.10:2375", DOCKER_TLS_VERIFY="")

    assert resolve_endpoint(environ=environ).tls is None


def test_docker_host_cert_path_defaults_to_config(config_dir: Path) -> None:
    (config_dir / "ca.pem").write_text("pem")
    environ = env(config_dir, DOCKER_HOST="tcp://192.0.2.10:2376", DOCKER_TLS_VERIFY="1")

    endpoint = resolve_endpoint(environ=environ)

    assert endpoint.tls == TLSSettings(ca=config_dir / "ca.pem", cert=None, key=None, verify=True)


def test_docker_host_beats_contexts(config_dir: Path) -> None:
    write_context(config_dir, "remote", "tcp://10.0.0.5:2376")
    write_current_context(config_dir, "remote")
    environ = env(config_dir, DOCKER_HOST="unix:///tmp/env.sock", DOCKER_CONTEXT="remote")

    endpoint = resolve_endpoint(environ=environ)

    assert endpoint.url == "unix:///tmp/env.sock"
    assert endpoint.source == "DOCKER_HOST"


def test_docker_context_env_beats_current(config_dir: Path) -> None:
    write_context(config_dir, "from-env", "tcp://10.0.0.1:2375")
    write_context(config_dir, "from-config", "tcp://10.0.0.2:2375")
    write_current_context(config_dir, "from-config")

    endpoint = resolve_endpoint(environ=env(config_dir, DOCKER_CONTEXT="from-env"))

    assert endpoint.url == "tcp://10.0.0.1:2375"
    assert endpoint.context == "from-env"
    assert endpoint.source == "DOCKER_CONTEXT"


def test_current_context_from_config(config_dir: Path) -> None:
    write_context(config_dir, "from-config", "tcp://10.0.0.2:2375")
    write_current_context(config_dir, "from-config")

    endpoint = resolve_endpoint(environ=env(config_dir))

    assert endpoint.url == "tcp://10.0.0.2:2375"
    assert endpoint.context == "from-config"
    assert "currentContext" in endpoint.source


def test_unknown_current_context_fails(config_dir: Path) -> None:
    write_current_context(config_dir, "deleted")

    with pytest.raises(EngineError, match="'deleted'"):
        resolve_endpoint(environ=env(config_dir))


def test_config_dir_defaults_to_home(tmp_path: Path) -> None:
    write_context(tmp_path / ".docker", "home-context", "tcp://10.0.0.3:2375")
    write_current_context(tmp_path / ".docker", "home-context")

    endpoint = resolve_endpoint(environ={"HOME": str(tmp_path)})

    assert endpoint.url == "tcp://10.0.0.3:2375"


@pytest.mark.parametrize(
    ("option", "environment"),
    [
        ("default", {}),
        (None, {"DOCKER_CONTEXT": "default"}),
    ],
    ids=["context-option", "docker-context-env"],
)
def test_default_context_means_no_context(
    config_dir: Path, sockets: dict[str, Path], option: str | None, environment: dict[str, str]
) -> None:
    write_context(config_dir, "remote", "tcp://10.0.0.5:2376")
    write_current_context(config_dir, "remote")
    sockets["system"].parent.mkdir()
    sockets["system"].touch()

    endpoint = resolve_endpoint(context=option, environ=env(config_dir, **environment), system_socket=sockets["system"])

    assert endpoint.url == f"unix://{sockets['system']}"
    assert endpoint.context is None


def test_default_context_option_keeps_docker_host(config_dir: Path) -> None:
    endpoint = resolve_endpoint(context="default", environ=env(config_dir, DOCKER_HOST="tcp://127.0.0.1:2375"))

    assert endpoint.url == "tcp://127.0.0.1:2375"


def test_current_context_default_falls_through(config_dir: Path, sockets: dict[str, Path]) -> None:
    write_current_context(config_dir, "default")
    sockets["system"].parent.mkdir()
    sockets["system"].touch()

    endpoint = resolve_endpoint(environ=env(config_dir), system_socket=sockets["system"])

    assert endpoint.source == "system socket"


def test_system_socket_beats_rootless(config_dir: Path, sockets: dict[str, Path]) -> None:
    sockets["system"].parent.mkdir()
    sockets["system"].touch()
    (sockets["runtime_dir"] / "docker.sock").touch()
    environ = env(config_dir, XDG_RUNTIME_DIR=str(sockets["runtime_dir"]))

    endpoint = resolve_endpoint(environ=environ, system_socket=sockets["system"])

    assert endpoint == Endpoint(url=f"unix://{sockets['system']}", source="system socket")


def test_rootless_socket_fallback(config_dir: Path, sockets: dict[str, Path]) -> None:
    rootless = sockets["runtime_dir"] / "docker.sock"
    rootless.touch()
    environ = env(config_dir, XDG_RUNTIME_DIR=str(sockets["runtime_dir"]))

    endpoint = resolve_endpoint(environ=environ, system_socket=sockets["system"])

    assert endpoint == Endpoint(url=f"unix://{rootless}", source="rootless socket")


def test_no_socket_names_system_socket(config_dir: Path, sockets: dict[str, Path]) -> None:
    environ = env(config_dir, XDG_RUNTIME_DIR=str(sockets["runtime_dir"]))

    endpoint = resolve_endpoint(environ=environ, system_socket=sockets["system"])

    assert endpoint.url == f"unix://{sockets['system']}"
    assert endpoint.source == "default socket"


def test_display_masks_url_password() -> None:
    endpoint = Endpoint(url="tcp://admin:hunter2@192.0.2.1:2375")

    assert endpoint.display == "tcp://admin:***@192.0.2.1:2375"


# --- HTTP servers on loopback ----------------------------------------------------------------


class _MockEngineHandler(http.server.BaseHTTPRequestHandler):
    """Serve `/version` (under any API prefix) as Docker 20.10 does, and 404 for every other path."""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        if self.path.rstrip("/").endswith("/version"):
            body = json.dumps({"Version": "mock-20.10", "ApiVersion": "1.41", "MinAPIVersion": "1.12"})
            self.send_body("application/json", body.encode())
        else:
            self.send_error(404)

    def send_body(self, content_type: str, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _WebPageHandler(_MockEngineHandler):
    """Serve an HTML page for every path, as a web server that is not Docker does."""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        self.send_body("text/html", b"<html>not docker</html>")


@contextlib.contextmanager
def _serving(server: http.server.ThreadingHTTPServer) -> Iterator[str]:
    """Run `server` on a thread and yield its tcp:// URL."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --- connecting: failures classified into one line -------------------------------------------


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A directory with a short path: unix socket paths are limited to 107 bytes."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dsc-") as directory:
        yield Path(directory)


def assert_one_line(error: EngineError) -> None:
    assert "\n" not in str(error)
    assert "Traceback" not in str(error)


def test_connect_missing_socket(short_dir: Path) -> None:
    path = short_dir / "missing.sock"

    with pytest.raises(EngineError) as raised:
        connect(Endpoint(url=f"unix://{path}", source="--host"), timeout=2)

    message = str(raised.value)
    assert str(path) in message
    assert "not found" in message
    assert "is dockerd running?" in message
    assert "--host/--context" in message
    assert raised.value.exit_code == EXIT_ENGINE
    assert_one_line(raised.value)


def test_connect_socket_without_listener(short_dir: Path) -> None:
    path = short_dir / "stale.sock"
    # A bound socket that never listens leaves the file in place, as a crashed dockerd does.
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    try:
        with pytest.raises(EngineError) as raised:
            connect(Endpoint(url=f"unix://{path}"), timeout=2)
    finally:
        stale.close()

    message = str(raised.value)
    assert "refused the connection" in message
    assert str(path) in message
    assert "is dockerd running?" in message
    assert_one_line(raised.value)


def test_connect_unix_socket_times_out(short_dir: Path) -> None:
    path = short_dir / "silent.sock"
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(str(path))
    silent.listen(1)  # connections wait in the backlog and are never accepted
    try:
        with pytest.raises(EngineError) as raised:
            connect(Endpoint(url=f"unix://{path}"), timeout=0.5)
    finally:
        silent.close()

    message = str(raised.value)
    assert "timed out after 0.5 s" in message
    assert str(path) in message
    assert_one_line(raised.value)


def test_connect_tcp_listener_times_out() -> None:
    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    port = silent.getsockname()[1]
    try:
        with pytest.raises(EngineError) as raised:
            connect(Endpoint(url=f"tcp://127.0.0.1:{port}"), timeout=0.5)
    finally:
        silent.close()

    assert f"tcp://127.0.0.1:{port} timed out after 0.5 s" in str(raised.value)


def _connect_as_nobody(path: Path) -> str:
    """Connect from a child process running as uid 65534; return the error message it got."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        message = "connected"
        try:
            os.setgid(65534)
            os.setuid(65534)
            connect(Endpoint(url=f"unix://{path}"), timeout=2)
        except EngineError as error:
            message = str(error)
        except BaseException as error:  # noqa: BLE001 - report anything to the parent
            message = f"unexpected {type(error).__name__}: {error}"
        os.write(write_end, message.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        output = stream.read().decode()
    os.waitpid(child, 0)
    return output


def test_connect_permission_denied(short_dir: Path) -> None:
    path = short_dir / "private.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)
    path.chmod(0o600)
    short_dir.chmod(0o755)
    try:
        if os.geteuid() == 0:
            # root bypasses file modes, so a child switches to uid 65534 (nobody) to be denied.
            message = _connect_as_nobody(path)
        else:
            path.chmod(0o000)
            with pytest.raises(EngineError) as raised:
                connect(Endpoint(url=f"unix://{path}"), timeout=2)
            message = str(raised.value)
    finally:
        listener.close()

    assert message.startswith(f"permission denied on {path}")
    assert "docker group" in message
    assert "rootless" in message


def test_connect_invalid_url() -> None:
    with pytest.raises(EngineError) as raised:
        connect(Endpoint(url="tcp://127.0.0.1:notaport", source="--host"))

    message = str(raised.value)
    assert message.startswith("invalid Docker endpoint 'tcp://127.0.0.1:notaport' from --host")
    assert "tcp://HOST:PORT" in message
    assert raised.value.exit_code == EXIT_USAGE


@pytest.fixture
def web_server() -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1 that returns an HTML page for every path."""
    with _serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), _WebPageHandler)) as url:
        yield url


def test_connect_to_non_docker_server(web_server: str) -> None:
    with pytest.raises(EngineError) as raised:
        connect(Endpoint(url=web_server), timeout=5)

    assert str(raised.value) == f"{web_server} did not respond like a Docker engine (its /version is not JSON): check the address"


def test_cli_reports_missing_docker_host(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], short_dir: Path
) -> None:
    path = short_dir / "nonexistent" / "docker.sock"
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")

    status = main(["capture"])

    captured = capsys.readouterr()
    assert status == EXIT_ENGINE
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert str(path) in captured.err


# --- classification of errors that are hard to provoke for real ------------------------------

ENDPOINT = Endpoint(url="tcp://192.0.2.20:2376")


def _wrapped(cause: BaseException) -> docker.errors.DockerException:
    """Wrap `cause` the way the SDK's version negotiation does."""
    try:
        try:
            raise requests.exceptions.ConnectionError(cause)
        except requests.exceptions.ConnectionError as inner:
            raise docker.errors.DockerException(f"Error while fetching server API version: {inner}") from inner
    except docker.errors.DockerException as outer:
        return outer


def test_classify_tls_failure() -> None:
    cause = ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed certificate")
    error = classify_error(_wrapped(requests.exceptions.SSLError(cause)), ENDPOINT)

    assert str(error).startswith("TLS handshake with tcp://192.0.2.20:2376 failed")
    assert "certificate verify failed" in str(error)
    assert "DOCKER_CERT_PATH" in str(error)
    assert_one_line(error)


def test_classify_old_api_version() -> None:
    cause = docker.errors.InvalidVersion("API versions below 1.24 are no longer supported by this library.")

    error = classify_error(cause, ENDPOINT)

    assert "older than 1.24" in str(error)
    assert "upgrade the engine" in str(error)


def test_classify_rejected_api_version() -> None:
    response = requests.Response()
    response.status_code = 400
    cause = docker.errors.APIError(
        "400 Client Error", response=response, explanation="client version 1.45 is too new. Maximum supported API version is 1.41"
    )

    error = classify_error(cause, ENDPOINT)

    assert "rejected the API version" in str(error)
    assert "client version 1.45 is too new" in str(error)


def test_classify_multiline_error_keeps_one_line() -> None:
    error = classify_error(RuntimeError("first line\nsecond line"), ENDPOINT)

    assert str(error) == "cannot use Docker engine at tcp://192.0.2.20:2376: first line"


# --- TLS against a mock engine on loopback ---------------------------------------------------

TLS_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tls"


@pytest.fixture
def tls_engine() -> Iterator[str]:
    """A mock engine on 127.0.0.1 that requires a client certificate signed by the test CA."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS_FIXTURES / "server-cert.pem", TLS_FIXTURES / "server-key.pem")
    context.load_verify_locations(TLS_FIXTURES / "ca.pem")
    context.verify_mode = ssl.CERT_REQUIRED
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _MockEngineHandler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with _serving(server) as url:
        yield url


def test_connect_with_client_certificate(tls_engine: str) -> None:
    tls = TLSSettings(
        ca=TLS_FIXTURES / "ca.pem", cert=TLS_FIXTURES / "cert.pem", key=TLS_FIXTURES / "key.pem", verify=True
    )

    with connect(Endpoint(url=tls_engine, tls=tls), timeout=5) as engine:
        assert engine.version["Version"] == "mock-20.10"
        assert engine.api_version == "1.41"


def test_connect_through_context_tls_files(
    tls_engine: str, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tls_dir = write_context(config_dir, "mock", tls_engine)
    tls_dir.mkdir(parents=True)
    for name in ("ca.pem", "cert.pem", "key.pem"):
        shutil.copy(TLS_FIXTURES / name, tls_dir / name)
    monkeypatch.setenv("DOCKER_CONFIG", str(config_dir))
    monkeypatch.delenv("DOCKER_HOST", raising=False)

    with open_engine(context="mock", timeout=5) as engine:
        assert engine.endpoint.context == "mock"
        assert engine.version["Version"] == "mock-20.10"


def test_connect_untrusted_server_certificate(tls_engine: str) -> None:
    # Without the test CA the server's certificate cannot be verified.
    tls = TLSSettings(cert=TLS_FIXTURES / "cert.pem", key=TLS_FIXTURES / "key.pem", verify=True)

    with pytest.raises(EngineError) as raised:
        connect(Endpoint(url=tls_engine, tls=tls), timeout=5)

    message = str(raised.value)
    assert message.startswith(f"TLS handshake with {tls_engine} failed")
    assert "certificate verify failed" in message
    assert_one_line(raised.value)
