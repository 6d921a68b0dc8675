"""Connecting to the Docker engine and explaining connection failures.

The SDK client negotiates the API version with the engine. Every connection failure becomes one
`EngineError` line that names the endpoint and gives the next step. Endpoint resolution lives in
`inspector.engine.endpoint` and is re-exported here.
"""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import docker
import docker.constants
import docker.errors
import docker.tls
import docker.utils
import requests.exceptions
import requests.models

from inspector.engine.endpoint import (
    DEFAULT_CONTEXT,
    SYSTEM_SOCKET,
    Endpoint,
    InvalidEndpointError,
    TLSOptions,
    TLSSettings,
    known_contexts,
    resolve_endpoint,
)
from inspector.engine.socket_client import SocketAPIError, SocketGetter
from inspector.engine.ssh import SSHFailure, open_ssh_client, parse_ssh_url
from inspector.errors import EngineError
from inspector.rules.secrets import mask_url_passwords

__all__ = [
    "DEFAULT_CONTEXT",
    "SYSTEM_SOCKET",
    "Endpoint",
    "Engine",
    "InvalidEndpointError",
    "TLSOptions",
    "TLSSettings",
    "check_endpoint_url",
    "classify_error",
    "connect",
    "known_contexts",
    "open_engine",
    "resolve_endpoint",
]

log = logging.getLogger(__name__)

NEXT_STEP = "is dockerd running? start it, or pick another endpoint with --host/--context"


class _APIClient(docker.APIClient):
    """The SDK's low-level client, keeping the endpoint's CA even when REQUESTS_CA_BUNDLE is set."""

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any) -> Any:
        # requests replaces a session's CA file with REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE whenever
        # a request passes no `verify` of its own, so a context's CA would be ignored on hosts that
        # set those variables. Passing the session's value keeps the CA. Proxies from the
        # environment still apply.
        if verify is None:
            verify = self.verify
        return super().merge_environment_settings(url, proxies, stream, verify, cert)

    _socket_getter: SocketGetter | None = None

    def inspect_over_socket(self, socket_path: Path) -> None:
        """Send container inspects over plain connections on this unix socket, not through requests."""
        self._socket_getter = SocketGetter(socket_path, self.timeout)

    def inspect_container(self, container: Any) -> Any:
        """Return `GET /containers/{id}/json`, like the SDK's method (a full collection sends one per container)."""
        getter = self._socket_getter
        if getter is None:
            return super().inspect_container(container)
        container_id = container.get("Id") if isinstance(container, dict) else container
        if not container_id:
            raise docker.errors.NullResource("Resource ID was not provided")
        path = f"/v{self.api_version}/containers/{quote(str(container_id), safe='')}/json"
        try:
            return getter.get_json(path)
        except SocketAPIError as error:
            raise sdk_api_error(error) from None

    def close(self) -> None:
        """Close the SDK's connection pool and any socket connections."""
        if self._socket_getter is not None:
            self._socket_getter.close()
        super().close()


def sdk_api_error(error: SocketAPIError) -> docker.errors.APIError:
    """Return the SDK exception a request through the SDK would raise for the same response."""
    # The SDK builds its exceptions from a requests response; a minimal one gives the same class
    # (NotFound for 404), status code and explanation.
    response = requests.models.Response()
    response.status_code = error.status
    response.reason = error.reason
    response.url = f"http+docker://localhost{error.path}"
    response._content = error.body
    try:
        docker.errors.create_api_error_from_http_exception(requests.exceptions.HTTPError(response=response))
    except docker.errors.APIError as api_error:
        return api_error
    raise AssertionError("unreachable: the SDK always raises an APIError here")


@dataclass
class Engine:
    """A connected engine: the SDK client (API version negotiated), its endpoint and its `/version`."""

    api: docker.APIClient
    endpoint: Endpoint
    version: dict[str, Any] = field(default_factory=dict)

    @property
    def api_version(self) -> str:
        """The API version negotiated with the engine."""
        return str(self.api.api_version)

    def close(self) -> None:
        """Close the client's connection pool."""
        self.api.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _exception_chain(error: BaseException) -> Iterator[BaseException]:
    """Yield `error` and every exception it wraps (causes, contexts, urllib3 reasons, args)."""
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        wrapped.extend(arg for arg in current.args if isinstance(arg, BaseException))
        pending.extend(e for e in wrapped if isinstance(e, BaseException))


def _find(error: BaseException, kind: type[BaseException] | tuple[type[BaseException], ...]) -> BaseException | None:
    return next((e for e in _exception_chain(error) if isinstance(e, kind)), None)


# The next step for each kind of `SSHFailure`.
_SSH_NEXT_STEPS = {
    "authentication": "load the key into ssh-agent or set IdentityFile in ~/.ssh/config "
    "(dsc-tui runs ssh with BatchMode=yes, so it never asks for a password)",
    "host-key": "check the host's key, then add it to known_hosts, e.g. by running ssh to the host once",
    "no-docker": "install the docker CLI on the remote host: dsc-tui runs `docker system dial-stdio` there",
    "timeout": "check the host name and port, or raise --timeout",
    "unreachable": "check the host name, port and network, and that sshd runs there",
    "no-client": "install the OpenSSH client, or set DSC_SSH_COMMAND to the ssh program",
    "remote": "check that dockerd runs on the remote host and that the ssh user may use its socket",
}
_SSH_PROBLEMS = {
    "authentication": "SSH authentication to {where} failed",
    "host-key": "SSH host key check for {where} failed",
    "no-docker": "the docker CLI was not found on {where}",
    "timeout": "SSH connection to {where} timed out",
    "unreachable": "cannot reach {where} over SSH",
    "no-client": "cannot run ssh for {where}",
    "remote": "the remote docker CLI at {where} failed",
}
# OpenSSL's reasons when a TLS client meets a plain-HTTP server, which replies to the handshake
# with an HTTP error page.
_PLAIN_HTTP_REASONS = ("wrong version number", "record layer failure", "packet length too long", "http request")


def _classify_ssh(failure: SSHFailure, where: str) -> EngineError:
    problem = _SSH_PROBLEMS.get(failure.problem, _SSH_PROBLEMS["remote"]).format(where=where)
    next_step = _SSH_NEXT_STEPS.get(failure.problem, _SSH_NEXT_STEPS["remote"])
    return EngineError(f"{problem} ({_first_line(failure.detail)}): {next_step}", endpoint=where)


def _classify_tls(error: BaseException, where: str) -> EngineError:
    reason = _first_line(_find(error, ssl.SSLError) or error)
    lowered = reason.lower()
    if any(marker in lowered for marker in _PLAIN_HTTP_REASONS):
        next_step = "the endpoint does not speak TLS; drop --tlsverify and the TLS files, or use its TLS port"
    elif "alert certificate expired" in lowered:
        # The engine sent this alert: it judged our client certificate.
        next_step = "the engine rejected the client certificate as expired; renew it (--tlscert, --tlskey)"
    elif "expired" in lowered:
        next_step = "the engine's certificate has expired; renew it on the engine"
    elif "eof occurred" in lowered:
        # With TLS 1.3 an engine that rejects the client certificate may close before its alert is read.
        next_step = "the engine closed the connection during TLS setup, as it does when it rejects the client certificate: check --tlscert and --tlskey, and that their CA is the one the engine trusts"
    else:
        next_step = "check the CA and client certificates (--tlscacert, --tlscert, --tlskey, DOCKER_CERT_PATH or the context's TLS files)"
    return EngineError(f"TLS handshake with {where} failed ({reason}): {next_step}", endpoint=where)


def classify_error(error: BaseException, endpoint: Endpoint, timeout: float | None = None) -> EngineError:
    """Turn an SDK or socket error into a one-line EngineError naming the endpoint and the next step."""
    where = endpoint.display
    socket_path = endpoint.socket_path

    ssh_failure = _find(error, SSHFailure)
    if isinstance(ssh_failure, SSHFailure):
        return _classify_ssh(ssh_failure, where)

    if _find(error, FileNotFoundError) is not None and socket_path is not None:
        return EngineError(f"Docker socket {socket_path} not found: {NEXT_STEP}", endpoint=where)
    if _find(error, PermissionError) is not None:
        target = socket_path or where
        return EngineError(
            f"permission denied on {target}: add your user to the docker group and log in again, "
            "or use the rootless socket with --host unix://$XDG_RUNTIME_DIR/docker.sock",
            endpoint=where,
        )
    if _find(error, (ssl.SSLError, requests.exceptions.SSLError)) is not None:
        return _classify_tls(error, where)
    if _find(error, (TimeoutError, requests.exceptions.Timeout)) is not None:
        seconds = f" after {timeout:g} s" if timeout else ""
        if endpoint.url.startswith("ssh://"):
            return EngineError(
                f"SSH connection to {where} timed out{seconds}: {_SSH_NEXT_STEPS['timeout']}", endpoint=where
            )
        return EngineError(
            f"Docker engine at {where} timed out{seconds}: check that dockerd is healthy, "
            "or raise --timeout",
            endpoint=where,
        )
    if _find(error, ConnectionRefusedError) is not None:
        return EngineError(f"Docker engine at {where} refused the connection: {NEXT_STEP}", endpoint=where)
    if _find(error, docker.errors.InvalidVersion) is not None:
        return EngineError(
            f"Docker engine at {where} uses an API version older than "
            f"{docker.constants.MINIMUM_DOCKER_API_VERSION}, which dsc-tui does not support: upgrade the engine",
            endpoint=where,
        )
    api_error = _find(error, docker.errors.APIError)
    if isinstance(api_error, docker.errors.APIError):
        explanation = _first_line(api_error.explanation or api_error)
        if api_error.status_code == 400 and "version" in explanation.lower():
            return EngineError(
                f"Docker engine at {where} rejected the API version ({explanation}): "
                "upgrade the engine or dsc-tui",
                endpoint=where,
            )
        return EngineError(f"Docker engine at {where} returned an error: {explanation}", endpoint=where)
    if _find(error, json.JSONDecodeError) is not None:
        return EngineError(
            f"{where} did not respond like a Docker engine (its /version is not JSON): check the address",
            endpoint=where,
        )
    if _find(error, (OSError, requests.exceptions.ConnectionError)) is not None:
        reason = _find(error, OSError) or error
        return EngineError(f"cannot connect to Docker engine at {where} ({_first_line(reason)}): {NEXT_STEP}", endpoint=where)
    return EngineError(f"cannot use Docker engine at {where}: {_first_line(error)}", endpoint=where)


def _first_line(error: object) -> str:
    text = mask_url_passwords(str(error)).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _tls_config(tls: TLSSettings) -> docker.tls.TLSConfig:
    client_cert = (str(tls.cert), str(tls.key)) if tls.cert and tls.key else None
    ca_cert = str(tls.ca) if tls.ca else None
    # Without a CA file, verification falls back to the system trust store.
    return docker.tls.TLSConfig(client_cert=client_cert, ca_cert=ca_cert, verify=tls.verify)


def check_endpoint_url(endpoint: Endpoint) -> None:
    """Raise InvalidEndpointError when the endpoint URL cannot name a Docker engine."""
    try:
        if endpoint.url.startswith("ssh://"):
            parse_ssh_url(endpoint.url)
        else:
            docker.utils.parse_host(endpoint.url, docker.constants.IS_WINDOWS_PLATFORM, tls=endpoint.tls is not None)
    except (docker.errors.DockerException, ValueError) as error:
        origin = f" from {endpoint.source}" if endpoint.source else ""
        raise InvalidEndpointError(
            f"invalid Docker endpoint {endpoint.display!r}{origin} ({_first_line(error)}): "
            "use unix:///path/to/docker.sock, tcp://HOST:PORT or ssh://USER@HOST",
            endpoint=endpoint.display,
        ) from None


def connect(endpoint: Endpoint, timeout: float = 5.0) -> Engine:
    """Connect to the engine, negotiating the API version; raise EngineError within about `timeout`."""
    check_endpoint_url(endpoint)
    log.info("connecting to Docker engine at %s (%s)", endpoint.display, endpoint.source)
    try:
        if endpoint.url.startswith("ssh://"):
            # The system ssh client carries the connection, as with the docker CLI, so keys,
            # the agent and ~/.ssh/config apply.
            api = open_ssh_client(_APIClient, endpoint.url, timeout)
        else:
            tls = _tls_config(endpoint.tls) if endpoint.tls else False
            api = _APIClient(base_url=endpoint.url, version="auto", timeout=timeout, tls=tls)
            if endpoint.socket_path is not None:
                api.inspect_over_socket(endpoint.socket_path)
        version = api.version()
    except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as error:
        engine_error = classify_error(error, endpoint, timeout)
        log.info("connecting to %s failed: %s", endpoint.display, engine_error)
        raise engine_error from error
    log.info(
        "connected to Docker engine %s at %s (API %s)",
        version.get("Version", "?"),
        endpoint.display,
        api.api_version,
    )
    return Engine(api=api, endpoint=endpoint, version=version)


def open_engine(
    host: str | None = None, context: str | None = None, timeout: float = 5.0, tls: TLSOptions | None = None
) -> Engine:
    """Resolve the endpoint from options and environment, then connect to it."""
    return connect(resolve_endpoint(host=host, context=context, tls=tls), timeout=timeout)
