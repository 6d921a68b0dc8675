"""Reading a whole host into a HostSnapshot through the SDK, and single objects for live updates.

Lists are read first, then every object is inspected on a bounded thread pool (`raw.read_host`).
An object removed between the list and its inspect (404) is skipped. Every inspect JSON is
redacted before a model is built from it (`snapshot.snapshot_from_raw`), so no snapshot contains
a secret value. No call here requests sizes, because `size=True` makes the engine walk each
container's filesystem to compute `SizeRw` and `SizeRootFs`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import docker.constants
import docker.errors
import requests.exceptions

from inspector.engine.connection import Engine, classify_error
from inspector.engine.raw import WORKERS, read_host
from inspector.engine.snapshot import build_object, reusing_builder, snapshot_from_raw
from inspector.errors import EngineError
from inspector.model import Container, HostSnapshot, Image, Network

__all__ = ["SdkReader", "collect_container", "collect_image", "collect_network", "collect_snapshot"]

log = logging.getLogger(__name__)

# The SDK keeps at most this many connections per pool; more threads than that would open and
# discard extra connections on every request.
MAX_WORKERS = min(WORKERS, docker.constants.DEFAULT_MAX_POOL_SIZE)

_ENGINE_FAILURES = (docker.errors.DockerException, requests.exceptions.RequestException, OSError)


class SdkReader:
    """The `raw.Reader` over an engine's SDK client (container inspects go over the plain socket)."""

    def __init__(self, engine: Engine) -> None:
        self.api = engine.api

    def info(self) -> dict[str, Any]:
        """Return `GET /info`."""
        return dict(self.api.info())

    def version(self) -> dict[str, Any]:
        """Return `GET /version`."""
        return dict(self.api.version())

    def containers(self) -> list[Any]:
        """List every container, stopped ones included."""
        return list(self.api.containers(all=True))

    def images(self) -> list[Any]:
        """List the top-level images."""
        return list(self.api.images())

    def networks(self) -> list[Any]:
        """List the networks."""
        return list(self.api.networks())

    def inspect_container(self, container_id: str) -> dict[str, Any]:
        """Return one container's inspect JSON."""
        return dict(self.api.inspect_container(container_id))

    def inspect_image(self, image_id: str) -> dict[str, Any]:
        """Return one image's inspect JSON."""
        return dict(self.api.inspect_image(image_id))

    def history(self, image_id: str) -> list[dict[str, Any]]:
        """Return one image's history."""
        return list(self.api.history(image_id))

    def inspect_network(self, network_id: str) -> dict[str, Any]:
        """Return one network with its attached containers (the list endpoint leaves them out)."""
        return dict(self.api.inspect_network(network_id))

    def secrets(self) -> list[Any]:
        """List the swarm secrets."""
        return list(self.api.secrets())

    def services(self) -> list[Any]:
        """List the swarm services."""
        return list(self.api.services())

    def status_of(self, error: Exception) -> tuple[int, str] | None:
        """Return the status and explanation of an SDK `APIError`, else None."""
        if isinstance(error, docker.errors.APIError) and error.status_code is not None:
            return int(error.status_code), str(error.explanation or error)
        return None


def _engine_error(engine: Engine, error: BaseException) -> EngineError:
    timeout = engine.api.timeout if isinstance(engine.api.timeout, int | float) else None
    classified = classify_error(error, engine.endpoint, timeout)
    log.info("reading from %s failed: %s", engine.endpoint.display, classified)
    return classified


def collect_snapshot(engine: Engine, *, workers: int = WORKERS, previous: HostSnapshot | None = None) -> HostSnapshot:
    """Read the host, every container, image and network, and swarm secrets and services.

    Containers whose redacted inspect JSON equals their model in `previous` are that same model.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    try:
        raw = read_host(SdkReader(engine), workers=min(workers, MAX_WORKERS), build=reusing_builder(previous))
    except _ENGINE_FAILURES as error:
        raise _engine_error(engine, error) from error
    return snapshot_from_raw(raw, engine.endpoint.display, engine.endpoint.context)


def _refresh(engine: Engine, kind: str, object_id: str, fetch: Callable[[str], Any]) -> Any:
    try:
        raw = fetch(object_id)
    except docker.errors.NotFound:
        log.info("%s %s was removed while being read; skipped", kind, object_id)
        return None
    except _ENGINE_FAILURES as error:
        raise _engine_error(engine, error) from error
    return build_object(kind, raw)


def collect_container(engine: Engine, container_id: str) -> Container | None:
    """Read one container by id or name; None when it no longer exists."""
    return _refresh(engine, "container", container_id, engine.api.inspect_container)


def collect_image(engine: Engine, image_id: str) -> Image | None:
    """Read one image and its history by id or reference; None when it no longer exists."""
    def fetch(ref: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return engine.api.inspect_image(ref), engine.api.history(ref)

    return _refresh(engine, "image", image_id, fetch)


def collect_network(engine: Engine, network_id: str) -> Network | None:
    """Read one network with its attached containers by id or name; None when it no longer exists."""
    return _refresh(engine, "network", network_id, engine.api.inspect_network)
