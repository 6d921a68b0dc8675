"""Listing and removing every object that carries a label, for `dsc-tui lab status|down`."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import docker

from inspector.engine.provision import engine_call, inspect_container
from inspector.engine.provision_swarm import service_task_counts, swarm_state

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LabObject:
    """One labelled object found on the engine: its kind, name, id and state in a word or two."""

    kind: str
    name: str
    id: str
    state: str


def _container_state(data: dict[str, Any]) -> str:
    state = data.get("State") or {}
    status = str(state.get("Status") or "unknown")
    if status == "exited":
        return f"exited ({state.get('ExitCode')})"
    health = (state.get("Health") or {}).get("Status")
    return f"{status} ({health})" if health else status


def _service_state(api: docker.APIClient, service: dict[str, Any]) -> str:
    running, replicas = service_task_counts(api, service)
    return f"{running}/{replicas} running"


def list_labelled(api: docker.APIClient, label: str) -> list[LabObject]:
    """List every service, container, secret, volume, network and image carrying `label`."""
    found: list[LabObject] = []
    label_filter = {"label": label}
    with engine_call("listing lab objects"):
        manager = swarm_state(api) == ("active", True)
        if manager:
            for service in api.services(filters=label_filter):
                name = str(service["Spec"]["Name"])
                found.append(LabObject("service", name, service["ID"], _service_state(api, service)))
        for summary in api.containers(all=True, filters=label_filter):
            data = inspect_container(api, summary["Id"])
            if data is not None:
                found.append(
                    LabObject("container", str(data["Name"]).lstrip("/"), data["Id"], _container_state(data))
                )
        if manager:
            for secret in api.secrets(filters=label_filter):
                found.append(LabObject("secret", str(secret["Spec"]["Name"]), secret["ID"], "present"))
        for volume in api.volumes(filters=label_filter).get("Volumes") or []:
            found.append(LabObject("volume", str(volume["Name"]), str(volume["Name"]), "present"))
        for network in api.networks(filters=label_filter):
            driver = str(network.get("Driver") or "unknown")
            state = f"{driver}, internal" if network.get("Internal") else driver
            found.append(LabObject("network", str(network["Name"]), network["Id"], state))
        for image in api.images(filters=label_filter):
            tags = [tag for tag in image.get("RepoTags") or [] if tag != "<none>:<none>"]
            for name in tags or [str(image["Id"])]:
                found.append(LabObject("image", name, image["Id"], "present"))
    return found


def remove_object(api: docker.APIClient, item: LabObject) -> bool:
    """Remove one labelled object; return False when it was already gone."""
    with engine_call(f"removing {item.kind} {item.name}"):
        try:
            if item.kind == "service":
                api.remove_service(item.id)
            elif item.kind == "container":
                api.remove_container(item.id, force=True, v=False)
            elif item.kind == "secret":
                api.remove_secret(item.id)
            elif item.kind == "volume":
                api.remove_volume(item.id)
            elif item.kind == "network":
                api.remove_network(item.id)
            elif item.kind == "image":
                # By tag, so an image that also has a tag outside the lab keeps that tag.
                api.remove_image(item.name, force=False, noprune=False)
            else:
                raise ValueError(f"unknown lab object kind {item.kind!r}")
        except docker.errors.NotFound:
            return False
    return True


def wait_for_service_containers(api: docker.APIClient, service_ids: list[str], timeout: float) -> None:
    """Wait until swarm has removed the task containers of the given (removed) services."""
    deadline = time.monotonic() + timeout
    with engine_call("waiting for service containers to stop"):
        while time.monotonic() < deadline:
            remaining = [
                service_id
                for service_id in service_ids
                if api.containers(all=True, filters={"label": f"com.docker.swarm.service.id={service_id}"})
            ]
            if not remaining:
                return
            time.sleep(0.5)
    log.warning(
        "task containers of removed services still exist after %.0f seconds; removing them directly", timeout
    )
