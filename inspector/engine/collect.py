"""Reading a whole host into a HostSnapshot, and single objects for live updates.

Lists are read first, then every object is inspected on a bounded thread pool. An object removed
between the list and its inspect (404) is skipped. Every inspect JSON is redacted before a model
is built from it, so no snapshot contains a secret value. No call here requests sizes, because
`size=True` makes the engine walk each container's filesystem to compute `SizeRw` and `SizeRootFs`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

import docker.constants
import docker.errors
import requests.exceptions
from pydantic import ValidationError

from inspector.engine.connection import Engine, classify_error
from inspector.errors import EngineError
from inspector.model import Container, Host, HostSnapshot, Image, Network, Secret, Service
from inspector.model.fields import dig
from inspector.redaction import (
    redact_host_info,
    redacted_container,
    redacted_image,
    redacted_network,
    redacted_secret,
    redacted_service,
)

log = logging.getLogger(__name__)

# The SDK keeps at most this many connections per pool; more threads than that would open and
# discard extra connections on every request.
MAX_WORKERS = docker.constants.DEFAULT_MAX_POOL_SIZE

_Model = TypeVar("_Model")
_Raw = TypeVar("_Raw")
_ENGINE_FAILURES = (docker.errors.DockerException, requests.exceptions.RequestException, OSError)


def _engine_error(engine: Engine, error: BaseException) -> EngineError:
    timeout = engine.api.timeout if isinstance(engine.api.timeout, int | float) else None
    classified = classify_error(error, engine.endpoint, timeout)
    log.info("reading from %s failed: %s", engine.endpoint.display, classified)
    return classified


def _inspect_or_none(
    kind: str, object_id: str, fetch: Callable[[], _Raw], build: Callable[[_Raw], _Model]
) -> _Model | None:
    """Inspect one object and build its model; None when it was removed since it was listed.

    An object whose JSON does not fit the model (a type no engine should send) is skipped with a
    warning rather than ending the whole collection.
    """
    try:
        raw = fetch()
    except docker.errors.NotFound:
        log.info("%s %s was removed while being read; skipped", kind, object_id)
        return None
    try:
        return build(raw)
    except (ValidationError, ValueError, TypeError, AttributeError) as error:
        # The error's text may quote input values, so only its type and field locations are logged.
        detail = type(error).__name__
        if isinstance(error, ValidationError):
            fields = ", ".join(".".join(map(str, problem["loc"])) for problem in error.errors())
            detail = f"{detail} in {fields}"
        log.warning("%s %s has inspect JSON that cannot be read (%s); skipped", kind, object_id, detail)
        return None


def _read_container(engine: Engine, container_id: str) -> Container | None:
    return _inspect_or_none(
        "container", container_id, lambda: engine.api.inspect_container(container_id), redacted_container
    )


def _read_image(engine: Engine, image_id: str) -> Image | None:
    def fetch() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return engine.api.inspect_image(image_id), engine.api.history(image_id)

    return _inspect_or_none("image", image_id, fetch, lambda raw: redacted_image(*raw))


def _read_network(engine: Engine, network_id: str) -> Network | None:
    # GET /networks/{id} lists the attached containers; the list endpoint leaves them out.
    return _inspect_or_none(
        "network", network_id, lambda: engine.api.inspect_network(network_id), redacted_network
    )


def swarm_reason(info: dict[str, Any]) -> str | None:
    """Say why secrets and services cannot be read from this node, or None on a swarm manager."""
    state = str(dig(info, "Swarm", "LocalNodeState", default="inactive") or "inactive")
    if state == "inactive":
        return "swarm is inactive: run `docker swarm init` to use secrets and services"
    if state == "locked":
        return "swarm is locked: run `docker swarm unlock` on this node"
    if state != "active":
        detail = dig(info, "Swarm", "Error", default="")
        return f"swarm is {state}" + (f": {detail}" if detail else "")
    if not dig(info, "Swarm", "ControlAvailable", default=False):
        return "this node is a swarm worker: secrets and services are readable only on a manager"
    return None


def _read_swarm(engine: Engine, info: dict[str, Any]) -> tuple[list[Secret], list[Service], str | None]:
    reason = swarm_reason(info)
    if reason is not None:
        return [], [], reason
    try:
        # The list endpoints return the same objects as the inspect endpoints.
        raw_secrets = engine.api.secrets()
        raw_services = engine.api.services()
    except docker.errors.APIError as error:
        # 503: the node stopped being a manager, or the swarm lost quorum, since /info was read.
        if error.status_code != 503:
            raise
        reason = f"swarm manager unavailable: {error.explanation or error}"
        log.info("not reading secrets and services from %s: %s", engine.endpoint.display, reason)
        return [], [], reason
    secrets = [redacted_secret(s) for s in raw_secrets if isinstance(s, dict)]
    services = [redacted_service(s) for s in raw_services if isinstance(s, dict)]
    return secrets, services, None


def _ids(listing: Iterable[Any], key: str = "Id") -> list[str]:
    return [str(item[key]) for item in listing if isinstance(item, dict) and item.get(key)]


def collect_snapshot(engine: Engine, *, workers: int = 8) -> HostSnapshot:
    """Read the host, every container, image and network, and swarm secrets and services."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    started = time.monotonic()
    try:
        collected_at = datetime.now(UTC)
        info = engine.api.info()
        version = engine.api.version()
        container_ids = _ids(engine.api.containers(all=True))
        image_ids = _ids(engine.api.images())
        network_ids = _ids(engine.api.networks())
        secrets, services, reason = _read_swarm(engine, info)

        pool = ThreadPoolExecutor(max_workers=min(workers, MAX_WORKERS), thread_name_prefix="dsc-collect")
        try:
            container_results = [pool.submit(_read_container, engine, i) for i in container_ids]
            image_results = [pool.submit(_read_image, engine, i) for i in image_ids]
            network_results = [pool.submit(_read_network, engine, i) for i in network_ids]
            containers = [c for c in (f.result() for f in container_results) if c is not None]
            images = [i for i in (f.result() for f in image_results) if i is not None]
            networks = [n for n in (f.result() for f in network_results) if n is not None]
        finally:
            # After a failure the queued inspects would only fail the same way, one timeout each.
            pool.shutdown(wait=True, cancel_futures=True)
    except _ENGINE_FAILURES as error:
        raise _engine_error(engine, error) from error

    host = Host.from_engine(
        redact_host_info(info),
        version,
        endpoint=engine.endpoint.display,
        context=engine.endpoint.context,
        swarm_reason=reason,
    )
    snapshot = HostSnapshot(
        host=host,
        collected_at=collected_at,
        containers=containers,
        images=images,
        networks=networks,
        secrets=secrets,
        services=services,
    )
    log.info(
        "collected %d containers, %d images, %d networks, %d secrets, %d services from %s in %.2f s",
        len(containers),
        len(images),
        len(networks),
        len(secrets),
        len(services),
        engine.endpoint.display,
        time.monotonic() - started,
    )
    return snapshot


def _refresh(engine: Engine, read: Callable[[Engine, str], _Model | None], object_id: str) -> _Model | None:
    try:
        return read(engine, object_id)
    except _ENGINE_FAILURES as error:
        raise _engine_error(engine, error) from error


def collect_container(engine: Engine, container_id: str) -> Container | None:
    """Read one container by id or name; None when it no longer exists."""
    return _refresh(engine, _read_container, container_id)


def collect_image(engine: Engine, image_id: str) -> Image | None:
    """Read one image and its history by id or reference; None when it no longer exists."""
    return _refresh(engine, _read_image, image_id)


def collect_network(engine: Engine, network_id: str) -> Network | None:
    """Read one network with its attached containers by id or name; None when it no longer exists."""
    return _refresh(engine, _read_network, network_id)
