"""Building a HostSnapshot from the engine's JSON, redacting every object first.

No snapshot contains a secret value: each inspect JSON is redacted before its model is built.
An object whose JSON does not fit the model (a type no engine should send) is skipped with a
warning rather than ending the whole collection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import ValidationError

from inspector.engine.raw import RawHost
from inspector.model import Container, Host, HostSnapshot
from inspector.redaction import (
    redact_container_inspect,
    redact_host_info,
    redacted_container,
    redacted_image,
    redacted_network,
    redacted_secret,
    redacted_service,
)

log = logging.getLogger(__name__)

_Model = TypeVar("_Model")
_Raw = TypeVar("_Raw")


def build_or_none(kind: str, object_id: str, raw: _Raw, build: Callable[[_Raw], _Model]) -> _Model | None:
    """Return `build(raw)`, or None with a warning when the JSON does not fit the model."""
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


def _object_id(raw: Any) -> str:
    data = raw[0] if isinstance(raw, tuple) else raw
    return str(data.get("Id") or data.get("ID") or "?") if isinstance(data, dict) else "?"


_BUILDERS: dict[str, Callable[[Any], Any]] = {
    "container": redacted_container,
    "image": lambda pair: redacted_image(*pair),
    "network": redacted_network,
}


def build_object(kind: str, raw: Any) -> Any:
    """Redact and model one container, image (inspect and history) or network; None if it does not fit."""
    return build_or_none(kind, _object_id(raw), raw, _BUILDERS[kind])


def reusing_builder(previous: HostSnapshot | None) -> Callable[[str, Any], Any]:
    """Return a `read_host` build function that keeps `previous`'s container where its JSON is unchanged.

    A full refresh then keeps one copy of each unchanged container instead of two, so the TUI's
    memory does not double while it runs, and unchanged rows keep their identity (and render).
    """
    old_containers = {container.id: container for container in previous.containers} if previous else {}

    def build(kind: str, raw: Any) -> Any:
        old = old_containers.get(str(raw.get("Id"))) if kind == "container" and isinstance(raw, dict) else None
        if old is None:
            return build_object(kind, raw)
        redacted = redact_container_inspect(raw)
        if redacted == old.inspect:
            return old
        return build_or_none(kind, old.id, redacted, Container.from_inspect)

    return build


def _built(kind: str, items: list[Any], already_built: bool) -> list[Any]:
    if already_built:
        return items
    return [item for item in (build_object(kind, raw) for raw in items) if item is not None]


def _host(raw: RawHost, endpoint: str, context: str | None) -> Host:
    return Host.from_engine(
        redact_host_info(raw.info),
        raw.version,
        endpoint=endpoint,
        context=context,
        swarm_reason=raw.swarm_reason,
    )


def networks_snapshot(raw: RawHost, endpoint: str, context: str | None) -> HostSnapshot:
    """Return a snapshot of only the host and networks of `raw`: what container rules read besides the container."""
    return HostSnapshot(
        host=_host(raw, endpoint, context),
        collected_at=raw.collected_at,
        networks=_built("network", raw.networks, raw.built),
    )


def snapshot_from_raw(raw: RawHost, endpoint: str, context: str | None) -> HostSnapshot:
    """Redact and model every object of `raw`; `endpoint` and `context` describe where it came from."""
    snapshot = HostSnapshot(
        host=_host(raw, endpoint, context),
        collected_at=raw.collected_at,
        containers=_built("container", raw.containers, raw.built),
        images=_built("image", raw.images, raw.built),
        networks=_built("network", raw.networks, raw.built),
        secrets=[redacted_secret(s) for s in raw.secrets if isinstance(s, dict)],
        services=[redacted_service(s) for s in raw.services if isinstance(s, dict)],
    )
    log.info(
        "collected %d containers, %d images, %d networks, %d secrets, %d services from %s in %.2f s",
        len(snapshot.containers),
        len(snapshot.images),
        len(snapshot.networks),
        len(snapshot.secrets),
        len(snapshot.services),
        endpoint,
        raw.read_seconds,
    )
    return snapshot
