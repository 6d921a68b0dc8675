"""Docker calls that build the lab fleet's images, networks, volumes and containers.

The fleet itself (names, images, settings) is defined in `inspector.lab`. This module and its
siblings `provision_swarm` and `labelled` turn those plain specs into Engine API calls, so that
`docker` stays inside `inspector.engine`. Every engine failure leaves them as an `EngineError`
naming the operation and the object.
"""

from __future__ import annotations

import io
import logging
import tarfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import docker
import requests

from inspector.errors import EngineError

log = logging.getLogger(__name__)

# Builds, swarm init and waiting for a container can outlast the short timeout a scan uses.
SLOW_CALL_TIMEOUT = 120.0


@dataclass(frozen=True)
class ContainerSpec:
    """Settings one lab container is created with; empty fields keep the engine's default."""

    name: str
    image: str
    labels: dict[str, str]
    command: list[str] | None = None
    user: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    # The container is created on the first network and connected to the others before it starts.
    networks: tuple[str, ...] = ("bridge",)
    # Container TCP port to the host address it is published on (host port chosen by the engine).
    ports: dict[int, str] = field(default_factory=dict)
    privileged: bool = False
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    read_only: bool = False
    tmpfs: dict[str, str] = field(default_factory=dict)
    security_opt: tuple[str, ...] = ()
    memory: str | None = None
    nano_cpus: int | None = None
    pids_limit: int | None = None
    # Host path or volume name to (container path, "rw" or "ro").
    binds: dict[str, tuple[str, str]] = field(default_factory=dict)
    log_driver: str | None = None
    log_options: dict[str, str] = field(default_factory=dict)
    restart_policy: dict[str, Any] | None = None
    # A one-shot job: started and waited for, so it is exited when `lab up` returns.
    run_to_exit: bool = False


class ConflictError(EngineError):
    """The engine rejected a create because an object of that name exists (HTTP 409)."""


@contextmanager
def engine_call(action: str) -> Iterator[None]:
    """Turn any SDK or transport failure inside the block into an EngineError naming `action`."""
    try:
        yield
    except docker.errors.APIError as error:
        detail = error.explanation or str(error)
        if error.status_code == 409:
            raise ConflictError(f"{action} failed: {detail}") from error
        raise EngineError(f"{action} failed: {detail}") from error
    except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
        raise EngineError(f"{action} failed: {error}") from error


@contextmanager
def slow_calls(api: docker.APIClient) -> Iterator[None]:
    """Raise the client's per-request timeout for calls that legitimately take long."""
    previous = api.timeout
    api.timeout = max(previous or 0, SLOW_CALL_TIMEOUT)
    try:
        yield
    finally:
        api.timeout = previous


# --- images -------------------------------------------------------------------------------


def _inspect_or_none(kind: str, inspect: Callable[[str], dict[str, Any]], ref: str) -> dict[str, Any] | None:
    """Return `inspect(ref)`, or None when the engine has no such object."""
    with engine_call(f"inspecting {kind} {ref}"):
        try:
            return inspect(ref)
        except docker.errors.NotFound:
            return None


def inspect_image(api: docker.APIClient, ref: str) -> dict[str, Any] | None:
    """Return the image's inspect JSON, or None when the engine has no such image."""
    return _inspect_or_none("image", api.inspect_image, ref)


def pull_image(api: docker.APIClient, ref: str) -> bool:
    """Try to pull `ref`; return whether the engine has it afterwards (no registry is not an error)."""
    # A digest comes back as the tag, and the pull endpoint accepts a digest in its tag parameter.
    repository, tag = docker.utils.parse_repository_tag(ref)
    try:
        with slow_calls(api):
            for message in api.pull(repository, tag=tag or "latest", stream=True, decode=True):
                if "error" in message:
                    log.info("pulling %s failed: %s", ref, message["error"])
                    return False
    except (docker.errors.APIError, requests.exceptions.RequestException) as error:
        log.info("pulling %s failed: %s", ref, error)
        return False
    return inspect_image(api, ref) is not None


def _build_context(dockerfile: str) -> io.BytesIO:
    """Pack a Dockerfile into an in-memory tar, the build context the Engine API expects."""
    data = dockerfile.encode("utf-8")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        info.mode = 0o644
        archive.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return buffer


def build_image(api: docker.APIClient, tag: str, dockerfile: str, labels: dict[str, str]) -> str:
    """Build `dockerfile` (no other context files, never pulling) as `tag`; return the image id."""
    image_id = ""
    with engine_call(f"building image {tag}"), slow_calls(api):
        stream = api.build(
            fileobj=_build_context(dockerfile),
            custom_context=True,
            tag=tag,
            labels=labels,
            pull=False,
            rm=True,
            forcerm=True,
            decode=True,
        )
        for message in stream:
            if "error" in message:
                raise EngineError(f"building image {tag} failed: {str(message['error']).strip()}")
            if "aux" in message and isinstance(message["aux"], dict):
                image_id = str(message["aux"].get("ID") or image_id)
    if not image_id:
        found = inspect_image(api, tag)
        image_id = str(found["Id"]) if found else ""
    if not image_id:
        raise EngineError(f"building image {tag} failed: the engine reported no image id")
    return image_id


# --- networks and volumes -----------------------------------------------------------------


def inspect_network(api: docker.APIClient, name: str) -> dict[str, Any] | None:
    """Return the network's inspect JSON, or None when no network has exactly this name."""
    with engine_call(f"listing networks named {name}"):
        for network in api.networks(names=[name]):
            if network.get("Name") == name:
                return network
    return None


def create_network(api: docker.APIClient, name: str, labels: dict[str, str], internal: bool) -> str:
    """Create a bridge network; return its id."""
    with engine_call(f"creating network {name}"):
        # The engine accepts duplicate network names unless asked to check, and a duplicate would
        # make every later reference by name ambiguous.
        created = api.create_network(
            name, driver="bridge", internal=internal, labels=labels, check_duplicate=True
        )
    return str(created["Id"])


def inspect_volume(api: docker.APIClient, name: str) -> dict[str, Any] | None:
    """Return the volume's inspect JSON, or None when there is no such volume."""
    return _inspect_or_none("volume", api.inspect_volume, name)


def create_volume(api: docker.APIClient, name: str, labels: dict[str, str]) -> str:
    """Create a local volume; return its name."""
    with engine_call(f"creating volume {name}"):
        created = api.create_volume(name, driver="local", labels=labels)
    return str(created["Name"])


# --- containers ---------------------------------------------------------------------------


def inspect_container(api: docker.APIClient, name: str) -> dict[str, Any] | None:
    """Return the container's inspect JSON, or None when there is no such container."""
    return _inspect_or_none("container", api.inspect_container, name)


def create_container(api: docker.APIClient, spec: ContainerSpec) -> str:
    """Create the container `spec` describes, attached to all its networks; return its id."""
    log_config = None
    if spec.log_driver:
        log_config = docker.types.LogConfig(type=spec.log_driver, config=dict(spec.log_options))
    with engine_call(f"creating container {spec.name}"):
        host_config = api.create_host_config(
            network_mode=spec.networks[0],
            port_bindings={port: (host_ip,) for port, host_ip in spec.ports.items()} or None,
            privileged=spec.privileged,
            cap_add=list(spec.cap_add) or None,
            cap_drop=list(spec.cap_drop) or None,
            read_only=spec.read_only,
            tmpfs=dict(spec.tmpfs) or None,
            security_opt=list(spec.security_opt) or None,
            mem_limit=spec.memory,
            nano_cpus=spec.nano_cpus,
            pids_limit=spec.pids_limit,
            binds={source: {"bind": target, "mode": mode} for source, (target, mode) in spec.binds.items()}
            or None,
            log_config=log_config,
            restart_policy=spec.restart_policy,
        )
        created = api.create_container(
            spec.image,
            command=spec.command,
            name=spec.name,
            user=spec.user or "",
            environment=dict(spec.env) or None,
            labels=dict(spec.labels),
            ports=list(spec.ports) or None,
            host_config=host_config,
        )
        container_id = str(created["Id"])
        for network in spec.networks[1:]:
            api.connect_container_to_network(container_id, network)
    return container_id


def start_container(api: docker.APIClient, container_id: str, name: str) -> None:
    """Start a created or stopped container."""
    with engine_call(f"starting container {name}"):
        api.start(container_id)


def wait_container(api: docker.APIClient, container_id: str, name: str) -> int:
    """Wait for the container to exit; return its exit code."""
    with engine_call(f"waiting for container {name}"), slow_calls(api):
        result = api.wait(container_id, timeout=SLOW_CALL_TIMEOUT)
    return int(result.get("StatusCode", -1))


def wait_until_healthy(api: docker.APIClient, container_id: str, name: str, timeout: float) -> str:
    """Poll the container's health until it leaves `starting` or `timeout` seconds pass; return it."""
    deadline = time.monotonic() + timeout
    status = "starting"
    while True:
        data = inspect_container(api, container_id)
        health = ((data or {}).get("State") or {}).get("Health") or {}
        status = str(health.get("Status") or "none")
        if status != "starting" or time.monotonic() >= deadline:
            return status
        time.sleep(0.5)
