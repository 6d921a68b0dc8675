"""Finding the Docker engine the way the docker CLI does, connecting to it, and explaining failures.

Resolution order: `--host`, `--context`, `DOCKER_HOST` (with `DOCKER_TLS_VERIFY` and
`DOCKER_CERT_PATH`), `DOCKER_CONTEXT`, the CLI's `currentContext`, the system socket, the rootless
socket. Every connection failure becomes one `EngineError` line that names the endpoint and gives
the next step.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import docker.constants
import docker.errors
import docker.tls
import docker.utils
import requests.exceptions

from inspector.errors import EXIT_USAGE, EngineError
from inspector.rules.secrets import mask_url_passwords

log = logging.getLogger(__name__)

SYSTEM_SOCKET = Path("/var/run/docker.sock")
DEFAULT_CONTEXT = "default"
NEXT_STEP = "is dockerd running? start it, or pick another endpoint with --host/--context"


class InvalidEndpointError(EngineError):
    """An endpoint URL that cannot name a Docker engine: invalid usage (exit code 2).

    It stays an EngineError so callers that handle an unreachable engine handle this too.
    """

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class TLSSettings:
    """Client TLS material for a tcp:// endpoint. A path is None when that file is not provided."""

    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None
    verify: bool = True


@dataclass(frozen=True)
class Endpoint:
    """An engine address with its TLS settings and the `source` that chose it (shown in messages)."""

    url: str
    context: str | None = None
    tls: TLSSettings | None = None
    source: str = ""

    @property
    def socket_path(self) -> Path | None:
        """The socket file of a unix:// endpoint, else None."""
        if self.url.startswith("unix://"):
            return Path(self.url.removeprefix("unix://"))
        return None

    @property
    def display(self) -> str:
        """The URL with any password masked, for messages and logs."""
        return mask_url_passwords(self.url)


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


# --- endpoint resolution ---------------------------------------------------------------------


def docker_config_dir(environ: Mapping[str, str]) -> Path:
    """Return `$DOCKER_CONFIG`, else `~/.docker`."""
    configured = environ.get("DOCKER_CONFIG")
    if configured:
        return Path(configured)
    home = environ.get("HOME")
    return (Path(home) if home else Path.home()) / ".docker"


def _context_digest(name: str) -> str:
    # The docker CLI stores each context under the hex SHA-256 of its name.
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def known_contexts(config_dir: Path) -> list[str]:
    """Return the names of the contexts in the CLI's context store, with `default` first."""
    names: set[str] = set()
    meta_root = config_dir / "contexts" / "meta"
    try:
        meta_files = sorted(meta_root.glob("*/meta.json"))
    except OSError:
        meta_files = []
    for meta_file in meta_files:
        try:
            name = json.loads(meta_file.read_text(encoding="utf-8")).get("Name")
        except (OSError, ValueError, AttributeError):
            log.debug("skipping unreadable context metadata %s", meta_file)
            continue
        if isinstance(name, str):
            names.add(name)
    names.discard(DEFAULT_CONTEXT)
    return [DEFAULT_CONTEXT, *sorted(names)]


def _unknown_context(name: str, config_dir: Path, problem: str = "not found") -> EngineError:
    known = ", ".join(known_contexts(config_dir))
    return EngineError(
        f"docker context {name!r} {problem} in {config_dir / 'contexts'}. Known contexts: {known}",
        endpoint=None,
    )


def _context_endpoint(name: str, config_dir: Path, source: str) -> Endpoint:
    """Read a named context's docker endpoint and TLS material from the CLI's context store."""
    digest = _context_digest(name)
    meta_file = config_dir / "contexts" / "meta" / digest / "meta.json"
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _unknown_context(name, config_dir) from None
    except (OSError, ValueError) as error:
        raise _unknown_context(name, config_dir, f"has unreadable metadata ({error})") from None

    docker_endpoint = meta.get("Endpoints", {}).get("docker") if isinstance(meta, dict) else None
    url = docker_endpoint.get("Host") if isinstance(docker_endpoint, dict) else None
    if not isinstance(url, str) or not url:
        raise _unknown_context(name, config_dir, "has no docker endpoint")
    skip_verify = bool(docker_endpoint.get("SkipTLSVerify"))

    tls_dir = config_dir / "contexts" / "tls" / digest / "docker"
    files = {part: tls_dir / f"{part}.pem" for part in ("ca", "cert", "key")}
    present = {part: path if path.is_file() else None for part, path in files.items()}
    tls: TLSSettings | None = None
    # As in the docker CLI, a context uses TLS when it has TLS files or sets SkipTLSVerify.
    if any(present.values()) or skip_verify:
        tls = TLSSettings(ca=present["ca"], cert=present["cert"], key=present["key"], verify=not skip_verify)
    return Endpoint(url=url, context=name, tls=tls, source=source)


def _tls_from_environ(environ: Mapping[str, str]) -> TLSSettings | None:
    """Return TLS settings from `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH`, as docker-py reads them."""
    verify = bool(environ.get("DOCKER_TLS_VERIFY"))
    cert_path = environ.get("DOCKER_CERT_PATH")
    if not verify and not cert_path:
        return None
    directory = Path(cert_path) if cert_path else docker_config_dir(environ)

    def existing(name: str) -> Path | None:
        path = directory / name
        return path if path.is_file() else None

    return TLSSettings(ca=existing("ca.pem"), cert=existing("cert.pem"), key=existing("key.pem"), verify=verify)


def _with_env_tls(url: str, context: str | None, source: str, environ: Mapping[str, str]) -> Endpoint:
    tls = _tls_from_environ(environ) if url.startswith("tcp://") else None
    return Endpoint(url=url, context=context, tls=tls, source=source)


def _current_context(config_dir: Path) -> str | None:
    config_file = config_dir / "config.json"
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.warning("ignoring unreadable docker CLI config %s: %s", config_file, error)
        return None
    name = config.get("currentContext") if isinstance(config, dict) else None
    return name if isinstance(name, str) and name else None


def resolve_endpoint(
    host: str | None = None,
    context: str | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    system_socket: Path = SYSTEM_SOCKET,
) -> Endpoint:
    """Choose the engine endpoint as the docker CLI would; raise EngineError for an unknown context."""
    if environ is None:
        environ = os.environ
    config_dir = docker_config_dir(environ)

    if host:
        return _with_env_tls(host, None, "--host", environ)
    if context and context != DEFAULT_CONTEXT:
        return _context_endpoint(context, config_dir, "--context")

    docker_host = environ.get("DOCKER_HOST")
    if docker_host:
        return _with_env_tls(docker_host, None, "DOCKER_HOST", environ)

    # `--context default` means "no context", so DOCKER_CONTEXT and currentContext are skipped.
    if not context:
        env_context = environ.get("DOCKER_CONTEXT")
        if env_context:
            name, source = env_context, "DOCKER_CONTEXT"
        else:
            name, source = _current_context(config_dir), f"currentContext in {config_dir / 'config.json'}"
        if name and name != DEFAULT_CONTEXT:
            return _context_endpoint(name, config_dir, source)

    if system_socket.exists():
        return Endpoint(url=f"unix://{system_socket}", source="system socket")
    runtime_dir = environ.get("XDG_RUNTIME_DIR")
    if runtime_dir:
        rootless_socket = Path(runtime_dir) / "docker.sock"
        if rootless_socket.exists():
            return Endpoint(url=f"unix://{rootless_socket}", source="rootless socket")
    # Nothing found: try the system socket anyway, so the error names the socket that is missing.
    return Endpoint(url=f"unix://{system_socket}", source="default socket")


# --- connecting ------------------------------------------------------------------------------


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


def classify_error(error: BaseException, endpoint: Endpoint, timeout: float | None = None) -> EngineError:
    """Turn an SDK or socket error into a one-line EngineError naming the endpoint and the next step."""
    where = endpoint.display
    socket_path = endpoint.socket_path

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
        reason = _find(error, ssl.SSLError) or error
        return EngineError(
            f"TLS handshake with {where} failed ({_first_line(reason)}): check the CA and client "
            "certificates (DOCKER_CERT_PATH, DOCKER_TLS_VERIFY or the context's TLS files)",
            endpoint=where,
        )
    if _find(error, (TimeoutError, requests.exceptions.Timeout)) is not None:
        seconds = f" after {timeout:g} s" if timeout else ""
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
        tls = _tls_config(endpoint.tls) if endpoint.tls else False
        # ssh:// goes through the system ssh client, as the docker CLI does, so keys and
        # ~/.ssh/config apply and paramiko is not needed.
        # NOTE: ssh:// has not been run against a remote engine, and its errors fall through to
        # the generic "cannot connect" message.
        api = _APIClient(
            base_url=endpoint.url,
            version="auto",
            timeout=timeout,
            tls=tls,
            use_ssh_client=endpoint.url.startswith("ssh://"),
        )
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


def open_engine(host: str | None = None, context: str | None = None, timeout: float = 5.0) -> Engine:
    """Resolve the endpoint from options and environment, then connect to it."""
    return connect(resolve_endpoint(host=host, context=context), timeout=timeout)
