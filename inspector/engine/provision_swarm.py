"""Swarm calls for the lab fleet: initialise a single-node swarm, create secrets and a service."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import docker

from inspector.engine.provision import engine_call, slow_calls
from inspector.errors import EngineError


@dataclass(frozen=True)
class ServiceSpec:
    """A swarm service of one replica that mounts the named swarm secrets."""

    name: str
    image: str
    command: list[str]
    labels: dict[str, str]
    secrets: tuple[str, ...] = ()


def swarm_state(api: docker.APIClient) -> tuple[str, bool]:
    """Return the node's swarm state (`inactive`, `active`, ...) and whether it is a manager."""
    with engine_call("reading engine info"):
        swarm = api.info().get("Swarm") or {}
    return str(swarm.get("LocalNodeState") or "inactive"), bool(swarm.get("ControlAvailable"))


def init_swarm(api: docker.APIClient, advertise_addr: str) -> None:
    """Make this engine a single-node swarm manager listening on `advertise_addr` only."""
    with engine_call("initialising swarm"), slow_calls(api):
        api.init_swarm(advertise_addr=advertise_addr, listen_addr=f"{advertise_addr}:2377")


def _find_by_name(kind: str, listing: Callable[..., list[dict[str, Any]]], name: str) -> dict[str, Any] | None:
    """Return the swarm object whose spec has exactly this name; the engine's name filter matches prefixes."""
    with engine_call(f"listing {kind}s named {name}"):
        for item in listing(filters={"name": name}):
            if (item.get("Spec") or {}).get("Name") == name:
                return item
    return None


def find_secret(api: docker.APIClient, name: str) -> dict[str, Any] | None:
    """Return the swarm secret with exactly this name, or None."""
    return _find_by_name("secret", api.secrets, name)


def create_secret(api: docker.APIClient, name: str, data: str, labels: dict[str, str]) -> str:
    """Create a swarm secret; return its id."""
    with engine_call(f"creating secret {name}"):
        created = api.create_secret(name, data.encode("utf-8"), labels=labels)
    return str(created["ID"])


def find_service(api: docker.APIClient, name: str) -> dict[str, Any] | None:
    """Return the swarm service with exactly this name, or None."""
    return _find_by_name("service", api.services, name)


def create_service(api: docker.APIClient, spec: ServiceSpec) -> str:
    """Create a one-replica service; its task containers carry the service's labels too."""
    with engine_call(f"creating service {spec.name}"):
        references = []
        for secret_name in spec.secrets:
            secret = find_secret(api, secret_name)
            if secret is None:
                raise EngineError(f"creating service {spec.name} failed: secret {secret_name} not found")
            references.append(docker.types.SecretReference(secret["ID"], secret_name))
        container_spec = docker.types.ContainerSpec(
            spec.image, command=spec.command, labels=dict(spec.labels), secrets=references
        )
        task_template = docker.types.TaskTemplate(container_spec)
        created = api.create_service(task_template, name=spec.name, labels=dict(spec.labels))
    return str(created["ID"])


def service_task_counts(api: docker.APIClient, service: dict[str, Any]) -> tuple[int, int]:
    """Return how many of the service's tasks run and how many replicas its spec requests."""
    tasks = api.tasks(filters={"service": service["ID"], "desired-state": "running"})
    running = sum(1 for task in tasks if (task.get("Status") or {}).get("State") == "running")
    replicated = ((service.get("Spec") or {}).get("Mode") or {}).get("Replicated") or {}
    return running, int(replicated.get("Replicas", 1))


def wait_for_service_tasks(api: docker.APIClient, name: str, timeout: float) -> tuple[int, int]:
    """Poll until every replica of the service runs or `timeout` seconds pass.

    Returns (running tasks, replicas); (0, 0) when the service has gone.
    """
    deadline = time.monotonic() + timeout
    with engine_call(f"waiting for service {name}"):
        while True:
            service = find_service(api, name)
            if service is None:
                return 0, 0
            running, replicas = service_task_counts(api, service)
            if running >= replicas or time.monotonic() >= deadline:
                return running, replicas
            time.sleep(0.5)
