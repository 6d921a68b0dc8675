"""Finding the Docker engine the way the docker CLI does.

Resolution order: `--host`, `--context`, `DOCKER_HOST` (with `DOCKER_TLS_VERIFY` and
`DOCKER_CERT_PATH`), `DOCKER_CONTEXT`, the CLI's `currentContext`, the system socket, the rootless
socket. Contexts are read from the CLI's context store under `$DOCKER_CONFIG/contexts`.

TLS for a tcp:// URL from `--host` or `DOCKER_HOST` comes from the `--tlsverify`, `--tlscacert`,
`--tlscert` and `--tlskey` options, else from `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH`. A context
brings its own TLS files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from inspector.errors import EXIT_USAGE, EngineError
from inspector.rules.secrets import mask_url_passwords

log = logging.getLogger(__name__)

SYSTEM_SOCKET = Path("/var/run/docker.sock")
DEFAULT_CONTEXT = "default"


@dataclass(frozen=True)
class TLSSettings:
    """Client TLS material for a tcp:// endpoint. A path is None when that file is not provided."""

    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None
    verify: bool = True


@dataclass(frozen=True)
class TLSOptions:
    """TLS material from the command line; giving any of it turns TLS on with verification."""

    verify: bool = False
    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None

    @property
    def requested(self) -> bool:
        """Whether any TLS option was given."""
        return self.verify or any(path is not None for path in (self.ca, self.cert, self.key))


def tls_options(args: object) -> TLSOptions:
    """Return the TLS options of parsed command-line arguments; an absent option is off."""
    return TLSOptions(
        verify=bool(getattr(args, "tlsverify", False)),
        ca=getattr(args, "tlscacert", None),
        cert=getattr(args, "tlscert", None),
        key=getattr(args, "tlskey", None),
    )


class InvalidEndpointError(EngineError):
    """An endpoint that cannot name a Docker engine, or TLS files that are missing: invalid usage (exit 2).

    It stays an EngineError so callers that handle an unreachable engine handle this too.
    """

    exit_code = EXIT_USAGE


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


def _require_file(path: Path, option: str, url: str) -> Path:
    if not path.is_file():
        raise InvalidEndpointError(f"{option} file {path} for {url} not found: check the path", endpoint=url)
    return path


def _tls_from_options(options: TLSOptions, url: str, environ: Mapping[str, str]) -> TLSSettings:
    """Return TLS settings from the options; files not given default to DOCKER_CERT_PATH or ~/.docker."""
    cert_path = environ.get("DOCKER_CERT_PATH")
    directory = Path(cert_path) if cert_path else docker_config_dir(environ)
    # As in the docker CLI, the CA is required and a missing default client certificate means "none".
    ca = options.ca or directory / "ca.pem"
    if not ca.is_file():
        raise InvalidEndpointError(
            f"TLS for {url} needs a CA certificate, but {ca} does not exist: "
            "pass --tlscacert FILE or set DOCKER_CERT_PATH to the directory holding ca.pem",
            endpoint=url,
        )
    cert = _require_file(options.cert, "--tlscert", url) if options.cert else None
    key = _require_file(options.key, "--tlskey", url) if options.key else None
    if cert is None and key is None:
        default_cert, default_key = directory / "cert.pem", directory / "key.pem"
        if default_cert.is_file() and default_key.is_file():
            cert, key = default_cert, default_key
    if (cert is None) != (key is None):
        raise InvalidEndpointError(
            f"TLS for {url} needs both --tlscert and --tlskey, or neither", endpoint=url
        )
    return TLSSettings(ca=ca, cert=cert, key=key, verify=True)


def _with_tls(
    url: str, source: str, environ: Mapping[str, str], options: TLSOptions | None
) -> Endpoint:
    if not url.startswith("tcp://"):
        if options is not None and options.requested:
            log.warning("TLS options apply only to tcp:// endpoints; ignoring them for %s", mask_url_passwords(url))
        return Endpoint(url=url, source=source)
    if options is not None and options.requested:
        tls: TLSSettings | None = _tls_from_options(options, mask_url_passwords(url), environ)
    else:
        tls = _tls_from_environ(environ)
        if tls is not None and tls.verify and tls.ca is None:
            directory = environ.get("DOCKER_CERT_PATH") or str(docker_config_dir(environ))
            raise InvalidEndpointError(
                f"DOCKER_TLS_VERIFY is set for {mask_url_passwords(url)}, but {directory} has no ca.pem: "
                "set DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem",
                endpoint=mask_url_passwords(url),
            )
    return Endpoint(url=url, tls=tls, source=source)


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
    tls: TLSOptions | None = None,
    system_socket: Path = SYSTEM_SOCKET,
) -> Endpoint:
    """Choose the engine endpoint as the docker CLI would; raise EngineError for an unknown context."""
    if environ is None:
        environ = os.environ
    config_dir = docker_config_dir(environ)

    if host:
        return _with_tls(host, "--host", environ, tls)
    if context and context != DEFAULT_CONTEXT:
        if tls is not None and tls.requested:
            raise InvalidEndpointError(
                f"TLS options apply to --host or DOCKER_HOST, not to context {context!r}, "
                "which brings its own TLS files: drop the --tls options",
            )
        return _context_endpoint(context, config_dir, "--context")

    docker_host = environ.get("DOCKER_HOST")
    if docker_host:
        return _with_tls(docker_host, "DOCKER_HOST", environ, tls)

    # `--context default` means "no context", so DOCKER_CONTEXT and currentContext are skipped.
    if not context:
        env_context = environ.get("DOCKER_CONTEXT")
        if env_context:
            name, source = env_context, "DOCKER_CONTEXT"
        else:
            name, source = _current_context(config_dir), f"currentContext in {config_dir / 'config.json'}"
        if name and name != DEFAULT_CONTEXT:
            return _ignoring_tls_options(_context_endpoint(name, config_dir, source), tls)

    return _ignoring_tls_options(_local_socket(environ, system_socket), tls)


def _local_socket(environ: Mapping[str, str], system_socket: Path) -> Endpoint:
    if system_socket.exists():
        return Endpoint(url=f"unix://{system_socket}", source="system socket")
    runtime_dir = environ.get("XDG_RUNTIME_DIR")
    if runtime_dir:
        rootless_socket = Path(runtime_dir) / "docker.sock"
        if rootless_socket.exists():
            return Endpoint(url=f"unix://{rootless_socket}", source="rootless socket")
    # Nothing found: try the system socket anyway, so the error names the socket that is missing.
    return Endpoint(url=f"unix://{system_socket}", source="default socket")


def _ignoring_tls_options(endpoint: Endpoint, options: TLSOptions | None) -> Endpoint:
    if options is not None and options.requested:
        log.warning(
            "TLS options apply to --host or DOCKER_HOST; ignoring them for %s from %s",
            endpoint.display, endpoint.source,
        )
    return endpoint
