"""Reaching a Docker engine over SSH with the system ssh client, as the docker CLI does.

Each HTTP connection runs `ssh ... -- HOST docker system dial-stdio` with its stdin and stdout on
one end of a socket pair, so urllib3 reads and writes a real socket with real timeouts. The user's
ssh config, keys and agent apply. `BatchMode=yes` stops ssh from asking for a password or a
passphrase, and the process runs in its own session, so it has no terminal to prompt on. The SDK's
own ssh transport is not used: it needs paramiko even when it shells out, and its reads have no
timeout.
"""

from __future__ import annotations

import logging
import math
import os
import shlex
import socket
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

import docker
import docker.constants
import docker.errors
import docker.utils
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
from docker.transport.basehttpadapter import BaseHTTPAdapter

from inspector.rules.secrets import mask_url_passwords

log = logging.getLogger(__name__)

# The ssh program and extra options, split like a shell would (`ssh -F ~/.ssh/docker_config`).
SSH_COMMAND_ENV = "DSC_SSH_COMMAND"
# The maximum number of ssh processes per engine. Further requests wait for a free one, so a
# scan's thread pool does not run into sshd's MaxStartups limit on unauthenticated connections.
MAX_SSH_CONNECTIONS = 4
# ssh exits with 255 for its own errors; a shell exits with 127 when the command is not found.
SSH_ERROR_STATUS = 255
COMMAND_NOT_FOUND_STATUS = 127
# How long to wait for ssh to exit after it closed its end of the socket pair.
EXIT_WAIT_SECONDS = 2.0


@dataclass(frozen=True)
class SSHTarget:
    """The parts of an `ssh://[user@]host[:port]` URL that ssh needs."""

    host: str
    user: str | None = None
    port: int | None = None


def parse_ssh_url(url: str) -> SSHTarget:
    """Split an ssh:// URL; raise ValueError for a password, a path or a missing host."""
    parts = urlsplit(url)
    if parts.scheme != "ssh":
        raise ValueError(f"not an ssh:// URL: {mask_url_passwords(url)}")
    if parts.password is not None:
        raise ValueError("a password in an ssh:// URL is not supported; use a key or ssh-agent")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("an ssh:// URL takes no path, query or fragment")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"invalid port in {url}") from None
    if not parts.hostname:
        raise ValueError(f"no host in {url}")
    return SSHTarget(host=parts.hostname, user=parts.username or None, port=port)


def ssh_command(target: SSHTarget, connect_timeout: float | None, environ: Mapping[str, str] | None = None) -> list[str]:
    """Return the argv that runs `docker system dial-stdio` on the target."""
    environ = os.environ if environ is None else environ
    command = shlex.split(environ.get(SSH_COMMAND_ENV) or "ssh")
    # Options on the command line win over ~/.ssh/config, so these hold whatever the config says.
    command += ["-o", "BatchMode=yes", "-T"]
    if connect_timeout:
        command += ["-o", f"ConnectTimeout={max(1, math.ceil(connect_timeout))}"]
    if target.user:
        command += ["-l", target.user]
    if target.port:
        command += ["-p", str(target.port)]
    return [*command, "--", target.host, "docker", "system", "dial-stdio"]


class SSHFailure(ConnectionError):
    """ssh or the remote docker CLI failed; `problem` names the kind, `detail` is ssh's last stderr line."""

    def __init__(self, problem: str, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail
        self.status = status


def diagnose(status: int | None, stderr: str) -> SSHFailure:
    """Classify a failed ssh run by its exit status and its stderr."""
    lines = [
        line.strip()
        for line in stderr.splitlines()
        # ssh adds this on a first connection with StrictHostKeyChecking=accept-new; it is no error.
        if line.strip() and not line.startswith("Warning: Permanently added")
    ]
    detail = mask_url_passwords(lines[-1]) if lines else f"ssh exited with status {status}"
    text = stderr.lower()
    if "host key verification failed" in text or "remote host identification has changed" in text:
        problem = "host-key"
    elif status == SSH_ERROR_STATUS and "permission denied" in text:
        problem = "authentication"
    elif status == COMMAND_NOT_FOUND_STATUS or "command not found" in text or "docker: not found" in text:
        problem = "no-docker"
    elif status == SSH_ERROR_STATUS and "timed out" in text:
        problem = "timeout"
    elif status == SSH_ERROR_STATUS:
        problem = "unreachable"
    else:
        problem = "remote"
    return SSHFailure(problem, detail, status)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=EXIT_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _DialSocket(socket.socket):
    """Our end of the socket pair; when ssh has failed, reads and writes raise its `SSHFailure`."""

    process: subprocess.Popen[bytes] | None = None
    stderr: IO[bytes] | None = None

    # ssh closing its end shows up as end of stream, or as a reset when it left our request unread.
    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        try:
            data = super().recv(bufsize, flags)
        except ConnectionResetError:
            self._raise_if_failed()
            raise
        if not data:
            self._raise_if_failed()
        return data

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        try:
            count = super().recv_into(buffer, nbytes, flags)
        except ConnectionResetError:
            self._raise_if_failed()
            raise
        if count == 0:
            self._raise_if_failed()
        return count

    def sendall(self, data: Any, flags: int = 0) -> None:
        try:
            super().sendall(data, flags)
        except (BrokenPipeError, ConnectionResetError):
            self._raise_if_failed()
            raise

    def _raise_if_failed(self) -> None:
        if self.process is None or self.stderr is None:
            return
        try:
            status = self.process.wait(timeout=EXIT_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            return
        if status == 0:
            return
        self.stderr.seek(0)
        stderr = self.stderr.read().decode("utf-8", "replace")
        failure = diagnose(status, stderr)
        log.debug("ssh exited with status %s: %s", status, failure.detail)
        raise failure


class SSHConnection(urllib3.connection.HTTPConnection):
    """One HTTP connection carried by one ssh process."""

    def __init__(self, command: list[str], timeout: float | None) -> None:
        super().__init__("localhost", timeout=timeout)
        self.command = command
        self.timeout = timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    def connect(self) -> None:
        ours, theirs = socket.socketpair()
        stderr = tempfile.TemporaryFile()
        try:
            process = subprocess.Popen(
                self.command, stdin=theirs, stdout=theirs, stderr=stderr, start_new_session=True
            )
        except FileNotFoundError:
            ours.close()
            stderr.close()
            raise SSHFailure("no-client", f"{self.command[0]} not found") from None
        finally:
            theirs.close()
        log.debug("started ssh (pid %d) for %s", process.pid, self.command[-4])
        sock = _DialSocket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=ours.detach())
        sock.process = process
        sock.stderr = stderr
        sock.settimeout(self.timeout)
        self._process, self._stderr = process, stderr
        self.sock = sock

    def close(self) -> None:
        super().close()
        process, self._process = self._process, None
        if process is not None:
            _stop(process)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


class SSHConnectionPool(urllib3.connectionpool.HTTPConnectionPool):
    """A blocking pool of at most `maxsize` ssh connections to one engine."""

    def __init__(self, command: list[str], timeout: float | None, maxsize: int) -> None:
        super().__init__("localhost", timeout=timeout, maxsize=maxsize, block=True)
        self.command = command
        self.ssh_timeout = timeout

    def _new_conn(self) -> SSHConnection:
        return SSHConnection(self.command, self.ssh_timeout)

    def _get_conn(self, timeout: float | None = None) -> Any:
        # Wait at most the request timeout for a free connection, so streams that were never closed
        # end in an error instead of blocking every later request.
        wait = timeout if timeout is not None else self.ssh_timeout
        try:
            return super()._get_conn(timeout=wait)
        except urllib3.exceptions.EmptyPoolError:
            # An OSError, unlike EmptyPoolError, becomes a requests ConnectionError the callers handle.
            raise TimeoutError(f"no free ssh connection within {wait} s") from None


class SSHAdapter(BaseHTTPAdapter):
    """A requests adapter sending every request through one pool of ssh connections."""

    def __init__(self, command: list[str], timeout: float | None, maxsize: int = MAX_SSH_CONNECTIONS) -> None:
        self.pool = SSHConnectionPool(command, timeout, maxsize)
        super().__init__()

    def get_connection(self, url: Any, proxies: Any = None) -> SSHConnectionPool:
        return self.pool

    def request_url(self, request: Any, proxies: Any) -> str:
        # The URL's host is a placeholder, so proxies never apply: send the path only.
        return str(request.path_url)

    def close(self) -> None:
        super().close()
        self.pool.close()


def open_ssh_client(client_class: type[docker.APIClient], url: str, timeout: float) -> docker.APIClient:
    """Return an APIClient of `client_class` that reaches `url` through ssh, API version negotiated."""
    command = ssh_command(parse_ssh_url(url), timeout)
    # The SDK builds its transport from the URL, so the client starts on a placeholder unix URL that
    # is never dialled, with a fixed version so construction sends no request, and the ssh adapter
    # then replaces the unix one.
    api = client_class(
        base_url="unix:///var/run/docker.sock", version=docker.constants.DEFAULT_DOCKER_API_VERSION, timeout=timeout
    )
    adapter = SSHAdapter(command, timeout)
    api.mount("http+docker://", adapter)
    api._custom_adapter = adapter
    try:
        # The same negotiation as `version="auto"`: ask the engine for its API version.
        version = api._retrieve_server_version()
        if docker.utils.version_lt(version, docker.constants.MINIMUM_DOCKER_API_VERSION):
            raise docker.errors.InvalidVersion(
                f"API versions below {docker.constants.MINIMUM_DOCKER_API_VERSION} are no longer supported"
            )
    except BaseException:
        api.close()
        raise
    api._version = version
    return api
