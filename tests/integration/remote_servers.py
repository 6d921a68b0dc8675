"""Loopback stand-ins for remote engines: TLS and plain proxies to the local engine, and an sshd.

Everything listens on 127.0.0.1 only and forwards to the test engine's own socket, so the tests
reach the shared dockerd over TCP, TLS and SSH without restarting it.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import pytest

ENGINE_SOCKET = "/var/run/docker.sock"
SSHD = Path("/usr/sbin/sshd")


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


def _sign(directory: Path, name: str, subject: str, extensions: str, days: int, ca: str = "ca") -> None:
    """Write `<name>-key.pem` and `<name>.pem`, signed by the CA `<ca>.pem`; negative days make it expired."""
    (directory / f"{name}.ext").write_text(extensions)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", directory / f"{name}-key.pem",
             "-out", directory / f"{name}.csr", "-subj", subject)
    # `-days -1` gives a notAfter before notBefore: a certificate that expired as it was made.
    _openssl("x509", "-req", "-in", directory / f"{name}.csr", "-CA", directory / f"{ca}.pem",
             "-CAkey", directory / f"{ca}-key.pem", "-CAcreateserial", "-out", directory / f"{name}.pem",
             "-days", str(days), "-extfile", directory / f"{name}.ext")


def make_tls_material(directory: Path) -> Path:
    """Generate a CA, a server certificate for 127.0.0.1, a client certificate, expired variants and a stranger CA.

    The client files are named as DOCKER_CERT_PATH expects: `ca.pem`, `cert.pem`, `key.pem`.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for ca in ("ca", "other-ca"):
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", directory / f"{ca}-key.pem",
                 "-out", directory / f"{ca}.pem", "-days", "2", "-subj", f"/CN=dsc-tui test {ca}")
    server_ext = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
    client_ext = "extendedKeyUsage=clientAuth\n"
    _sign(directory, "server", "/CN=localhost", server_ext, 2)
    _sign(directory, "expired-server", "/CN=localhost", server_ext, -1)
    _sign(directory, "client", "/CN=dsc-tui test client", client_ext, 2)
    _sign(directory, "expired-client", "/CN=dsc-tui test client", client_ext, -1)
    shutil.copy(directory / "client.pem", directory / "cert.pem")
    shutil.copy(directory / "client-key.pem", directory / "key.pem")
    return directory


@pytest.fixture(scope="module")
def tls_material(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Certificates for one test module, from `make_tls_material`."""
    return make_tls_material(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_proxy(docker_client: Any, tls_material: Path) -> Iterator[EngineProxy]:
    """The test engine behind TLS that requires a client certificate signed by the test CA."""
    with EngineProxy(server_context(tls_material)) as proxy:
        yield proxy


def server_context(material: Path, certificate: str = "server", tls12_only: bool = False) -> ssl.SSLContext:
    """A server context that presents `<certificate>.pem` and requires a client certificate from the CA.

    In TLS 1.3 the client finishes its handshake before the server has judged its certificate, so the
    server's alert may come after the client has already given up on a closed socket. `tls12_only`
    makes the alert part of the handshake, for tests that check the error a rejected client reports.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if tls12_only:
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(material / f"{certificate}.pem", material / f"{certificate}-key.pem")
    context.load_verify_locations(material / "ca.pem")
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def _close_listener(listener: socket.socket) -> None:
    # close() alone leaves a thread blocked in accept(); shutdown() wakes it on Linux.
    try:
        listener.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    listener.close()


def _drain(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(5)
        while sock.recv(65536):
            pass
    except OSError:
        pass
    finally:
        sock.close()


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SilentListener:
    """A TCP listener on 127.0.0.1 that accepts connections and never sends a byte; subclasses serve them."""

    def __init__(self) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        _close_listener(self.listener)
        for sock in self._sockets:
            sock.close()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self._sockets.append(connection)
            self.serve(connection)

    def serve(self, connection: socket.socket) -> None:
        """Keep the connection open and send nothing."""


class EngineProxy(SilentListener):
    """A TCP listener on 127.0.0.1 that forwards each connection to the engine's unix socket.

    With `tls` it terminates TLS first, as a dockerd started with `--tlsverify` does.
    """

    def __init__(self, tls: ssl.SSLContext | None = None, target: str = ENGINE_SOCKET) -> None:
        super().__init__()
        self.tls = tls
        self.target = target

    def serve(self, connection: socket.socket) -> None:
        """Forward the connection on its own thread."""
        threading.Thread(target=self._forward, args=(connection,), daemon=True).start()

    def _forward(self, client: socket.socket) -> None:
        try:
            if self.tls is not None:
                client.settimeout(10)
                client = self.tls.wrap_socket(client, server_side=True)
                client.settimeout(None)
                self._sockets.append(client)
            engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            engine.connect(self.target)
        except (OSError, ssl.SSLError):
            # A failed handshake is the case under test. With TLS 1.3 the client may already have sent
            # its request, and closing with that unread would reset the connection and lose the alert
            # that gives the client the reason, so read until the client closes.
            _drain(client)
            return
        self._sockets.append(engine)
        threading.Thread(target=_pump, args=(engine, client), daemon=True).start()
        _pump(client, engine)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dsc-tui test", "-f", str(path)],
                   check=True, capture_output=True)
    return path


@dataclass
class SSHServer:
    """A running sshd on 127.0.0.1 and the files a client needs to reach it."""

    port: int
    user: str
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """The ssh:// endpoint of this server."""
        return f"ssh://{self.user}@127.0.0.1:{self.port}"

    def client_config(self, name: str, identity: Path, known_hosts: Path | None = None) -> Path:
        """Write an ssh_config using only `identity` and the given known_hosts; return its path."""
        path = self.directory / f"{name}.ssh_config"
        path.write_text(
            "Host *\n"
            f"  IdentityFile {identity}\n"
            "  IdentitiesOnly yes\n"
            "  IdentityAgent none\n"
            f"  UserKnownHostsFile {known_hosts or self.directory / 'known_hosts'}\n"
            "  GlobalKnownHostsFile /dev/null\n"
            "  StrictHostKeyChecking yes\n"
            "  LogLevel ERROR\n"
        )
        return path

    def ssh_command(self, config: Path) -> str:
        """The DSC_SSH_COMMAND value that makes dsc-tui use `config`."""
        return f"ssh -F {config}"


def start_sshd(directory: Path, extra_config: str = "") -> SSHServer:
    """Start sshd on a free loopback port with a generated host key and one authorized user key."""
    directory.mkdir(parents=True, exist_ok=True)
    host_key = _keygen(directory / "host_ed25519")
    user_key = _keygen(directory / "user_ed25519")
    _keygen(directory / "stranger_ed25519")
    (directory / "authorized_keys").write_text(Path(f"{user_key}.pub").read_text())
    port = _free_port()
    host_public = Path(f"{host_key}.pub").read_text().split()
    (directory / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_public[0]} {host_public[1]}\n")

    config = directory / "sshd_config"
    config.write_text(
        f"Port {port}\n"
        "ListenAddress 127.0.0.1\n"
        f"HostKey {host_key}\n"
        f"AuthorizedKeysFile {directory / 'authorized_keys'}\n"
        f"PidFile {directory / 'sshd.pid'}\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "PubkeyAuthentication yes\n"
        "PermitRootLogin prohibit-password\n"
        "StrictModes no\n"
        "UsePAM no\n"
        "LogLevel ERROR\n"
        + extra_config
    )

    # sshd refuses to start without its privilege separation directory, which the Debian service creates.
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    with open(directory / "sshd.log", "wb") as log_file:
        process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=log_file)

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sshd exited: {(directory / 'sshd.log').read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError("sshd did not start listening within 10 s")
    return SSHServer(port=port, user=pwd.getpwuid(os.getuid()).pw_name, directory=directory, process=process)


def stop_sshd(server: SSHServer) -> None:
    """Stop the sshd started by `start_sshd`."""
    server.process.terminate()
    try:
        server.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def write_context(config_dir: Path, name: str, host: str, tls_dir: Path | None = None) -> None:
    """Store a context as `docker context create` does, copying ca/cert/key.pem from `tls_dir` if given."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta_dir = config_dir / "contexts" / "meta" / digest
    meta_dir.mkdir(parents=True)
    meta = {"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": False}}}
    (meta_dir / "meta.json").write_text(json.dumps(meta))
    if tls_dir is not None:
        target = config_dir / "contexts" / "tls" / digest / "docker"
        target.mkdir(parents=True)
        for name in ("ca.pem", "cert.pem", "key.pem"):
            shutil.copy(tls_dir / name, target / name)
