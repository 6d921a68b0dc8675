"""Cheap change detection from the engine's list endpoints, for healing missed events.

Three list calls (`GET /containers/json?all=1`, `/images/json`, `/networks`) give, per object,
the fields whose change matters to the view: a container's name, state, image, networks and
labels; an image's tags; a network's name. Comparing these states with the same states derived
from a snapshot finds objects created, removed or changed while the event stream was down or
lost an event, without inspecting every object again.
"""

from __future__ import annotations

from typing import Any

import docker

from inspector.engine.connection import Engine
from inspector.errors import EngineError
from inspector.model import HostSnapshot, ObjectKind
from inspector.model.fields import as_dict, as_list, dig

ObjectState = tuple[Any, ...]
ObjectStates = dict[tuple[ObjectKind, str], ObjectState]


def _container_state(name: str, state: str, image_id: str, networks: Any, labels: Any) -> ObjectState:
    return (
        name.lstrip("/"),
        state,
        image_id,
        tuple(sorted(as_dict(networks))),
        tuple(sorted((str(k), str(v)) for k, v in as_dict(labels).items())),
    )


def _image_state(tags: Any) -> ObjectState:
    return tuple(sorted(str(tag) for tag in as_list(tags) if tag and tag != "<none>:<none>"))


def list_object_states(engine: Engine) -> ObjectStates:
    """Return the listed state of every container, image and network; raise EngineError on failure."""
    api = engine.api
    try:
        containers = api.containers(all=True)
        images = api.images()
        networks = api.networks()
    except docker.errors.APIError as error:
        raise EngineError(f"listing objects failed: {error.explanation or error}", engine.endpoint.display) from error
    except Exception as error:  # noqa: BLE001 - requests and socket errors mean the engine went away
        raise EngineError(f"cannot reach {engine.endpoint.display}: {error}", engine.endpoint.display) from error

    states: ObjectStates = {}
    for entry in containers:
        names = as_list(entry.get("Names"))
        states[(ObjectKind.CONTAINER, str(entry.get("Id")))] = _container_state(
            str(names[0]) if names else "",
            str(entry.get("State") or ""),
            str(entry.get("ImageID") or ""),
            dig(entry, "NetworkSettings", "Networks"),
            entry.get("Labels"),
        )
    for entry in images:
        states[(ObjectKind.IMAGE, str(entry.get("Id")))] = _image_state(entry.get("RepoTags"))
    for entry in networks:
        states[(ObjectKind.NETWORK, str(entry.get("Id")))] = (str(entry.get("Name") or ""),)
    return states


def snapshot_object_states(snapshot: HostSnapshot) -> ObjectStates:
    """Return the same states as `list_object_states`, derived from a snapshot's inspect JSON."""
    states: ObjectStates = {}
    for container in snapshot.containers:
        states[(ObjectKind.CONTAINER, container.id)] = _container_state(
            container.name,
            container.state,
            container.image_id,
            dig(container.inspect, "NetworkSettings", "Networks"),
            container.labels,
        )
    for image in snapshot.images:
        states[(ObjectKind.IMAGE, image.id)] = _image_state(image.inspect.get("RepoTags"))
    for network in snapshot.networks:
        states[(ObjectKind.NETWORK, network.id)] = (network.name,)
    return states


def changed_objects(before: ObjectStates, after: ObjectStates) -> list[tuple[ObjectKind, str]]:
    """Return the objects created, removed or changed between two sets of states."""
    return [key for key in before.keys() | after.keys() if before.get(key) != after.get(key)]
