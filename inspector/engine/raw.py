"""Reading every object of a host as the engine's JSON, before any model is built.

`read_host` runs the same sequence over any `Reader`: the SDK's client (`collect.SdkReader`) or
plain GETs on a local unix socket (`SocketReader`). The socket reader and this module use the
standard library only. So `dsc-tui scan` can start reading a local engine in a thread
(`prefetch_for_args`) while pydantic and the rules are still being imported, and dockerd serves
the inspects on the other core meanwhile. Building models from the JSON is the job of
`inspector.engine.snapshot`.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from inspector.engine.socket_client import SocketAPIError, SocketGetter

log = logging.getLogger(__name__)

# Inspects in flight at once: more threads than this only contend for the interpreter lock.
WORKERS = 8
# How long `Prefetch.progress` lets objects gather before it hands out a batch.
PROGRESS_WAIT_SECONDS = 0.03
# The oldest API version dsc-tui speaks (the SDK's minimum). The early read rejects older engines.
MINIMUM_API_VERSION = (1, 24)


@dataclass
class RawHost:
    """One host as the engine returned it; objects removed between list and inspect are absent."""

    collected_at: datetime
    info: dict[str, Any]
    version: dict[str, Any]
    containers: list[dict[str, Any]] = field(default_factory=list)
    images: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    networks: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[Any] = field(default_factory=list)
    services: list[Any] = field(default_factory=list)
    swarm_reason: str | None = None
    # True when `read_host` was given a `build` function: the lists then hold its results.
    built: bool = False
    # Seconds from the first request to the last response.
    read_seconds: float = 0.0


# Turns one object's JSON into what `RawHost` keeps (a model), or None to leave it out.
Build = Callable[[str, Any], Any]


class Reader(Protocol):
    """The engine calls that a full read makes. Each raises the reader's own errors."""

    def info(self) -> dict[str, Any]: ...
    def version(self) -> dict[str, Any]: ...
    def containers(self) -> list[Any]: ...
    def images(self) -> list[Any]: ...
    def networks(self) -> list[Any]: ...
    def inspect_container(self, container_id: str) -> dict[str, Any]: ...
    def inspect_image(self, image_id: str) -> dict[str, Any]: ...
    def history(self, image_id: str) -> list[dict[str, Any]]: ...
    def inspect_network(self, network_id: str) -> dict[str, Any]: ...
    def secrets(self) -> list[Any]: ...
    def services(self) -> list[Any]: ...

    def status_of(self, error: Exception) -> tuple[int, str] | None:
        """Return the HTTP status and explanation of an error response from the engine, else None."""
        ...


def _dig(data: Any, *path: str) -> Any:
    # `inspector.model.fields.dig` would load the model package, and with it pydantic, which this
    # module must not wait for.
    for step in path:
        if not isinstance(data, dict):
            return None
        data = data.get(step)
    return data


def swarm_reason(info: dict[str, Any]) -> str | None:
    """Say why secrets and services cannot be read from this node, or None on a swarm manager."""
    state = str(_dig(info, "Swarm", "LocalNodeState") or "inactive")
    if state == "inactive":
        return "swarm is inactive: run `docker swarm init` to use secrets and services"
    if state == "locked":
        return "swarm is locked: run `docker swarm unlock` on this node"
    if state != "active":
        detail = _dig(info, "Swarm", "Error") or ""
        return f"swarm is {state}" + (f": {detail}" if detail else "")
    if not _dig(info, "Swarm", "ControlAvailable"):
        return "this node is a swarm worker: secrets and services are readable only on a manager"
    return None


def _ids(listing: Iterable[Any], key: str = "Id") -> list[str]:
    return [str(item[key]) for item in listing if isinstance(item, dict) and item.get(key)]


def _or_none(reader: Reader, kind: str, object_id: str, fetch: Callable[[str], Any], build: Build | None) -> Any:
    """Return `fetch(object_id)` (through `build`), or None when the object was removed since it was listed."""
    try:
        data = fetch(object_id)
    except Exception as error:
        status = reader.status_of(error)
        if status is not None and status[0] == 404:
            log.info("%s %s was removed while being read; skipped", kind, object_id)
            return None
        raise
    return build(kind, data) if build is not None else data


def _read_swarm(reader: Reader, reason: str | None) -> tuple[list[Any], list[Any], str | None]:
    if reason is not None:
        return [], [], reason
    try:
        # The list endpoints return the same objects as the inspect endpoints.
        return list(reader.secrets()), list(reader.services()), None
    except Exception as error:
        status = reader.status_of(error)
        # 503: the node stopped being a manager, or the swarm lost quorum, since /info was read.
        if status is None or status[0] != 503:
            raise
        reason = f"swarm manager unavailable: {status[1] or error}"
        log.info("not reading secrets and services: %s", reason)
        return [], [], reason


def read_host(
    reader: Reader,
    workers: int = WORKERS,
    build: Build | None = None,
    on_networks: Callable[[RawHost], None] | None = None,
) -> RawHost:
    """Read the host, every container, image and network, and swarm secrets and services.

    With `build`, each container, image and network goes through it on the thread that read it,
    so building models overlaps the engine's work on the next inspects. `on_networks` gets a
    `RawHost` with the host and networks (no other objects) as soon as those are read, while
    the containers are still being inspected.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    collected_at = datetime.now(UTC)
    started = time.monotonic()
    # The version comes first: the socket reader takes its API version for every later path.
    version = reader.version()

    def image(image_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return reader.inspect_image(image_id), reader.history(image_id)

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dsc-collect")
    try:
        # The lists are read at once, and images and networks are inspected while the engine
        # still lists the containers, the slowest list on a large host.
        info_read = pool.submit(reader.info)
        container_list = pool.submit(reader.containers)
        image_list = pool.submit(reader.images)
        network_list = pool.submit(reader.networks)
        images = pool.map(lambda i: _or_none(reader, "image", i, image, build), _ids(image_list.result()))
        networks = pool.map(lambda i: _or_none(reader, "network", i, reader.inspect_network, build),
                            _ids(network_list.result()))
        containers = pool.map(lambda i: _or_none(reader, "container", i, reader.inspect_container, build),
                              _ids(container_list.result()))
        info = info_read.result()
        if on_networks is not None:
            networks = [n for n in networks if n is not None]
            on_networks(RawHost(collected_at=collected_at, info=info, version=version, networks=networks,
                                built=build is not None))
        secrets, services, reason = _read_swarm(reader, swarm_reason(info))
        return RawHost(
            collected_at=collected_at,
            info=info,
            version=version,
            containers=[c for c in containers if c is not None],
            images=[i for i in images if i is not None],
            networks=[n for n in networks if n is not None],
            secrets=secrets,
            services=services,
            swarm_reason=reason,
            built=build is not None,
            read_seconds=time.monotonic() - started,
        )
    finally:
        # After a failure the queued inspects would only fail the same way, one timeout each.
        pool.shutdown(wait=True, cancel_futures=True)


class SocketReader:
    """A `Reader` of plain GETs on a unix socket, speaking the API version the engine reports."""

    def __init__(self, socket_path: Path, timeout: float | None) -> None:
        self.getter = SocketGetter(socket_path, timeout)
        self.prefix = ""

    def _get(self, path: str) -> Any:
        return self.getter.get_json(f"{self.prefix}{path}")

    def version(self) -> dict[str, Any]:
        """Read `/version` and use its API version for every later call, as the SDK's `auto` does."""
        version = self.getter.get_json("/version")
        api_version = str(version.get("ApiVersion") or "") if isinstance(version, dict) else ""
        try:
            parsed = tuple(int(part) for part in api_version.split("."))
        except ValueError:
            parsed = ()
        if not parsed or parsed < MINIMUM_API_VERSION:
            # The SDK path reports this to the user; here it only ends the early read.
            raise ValueError(f"unsupported API version {api_version!r}")
        self.prefix = f"/v{api_version}"
        return version

    def info(self) -> dict[str, Any]:
        """Return `GET /info`."""
        return dict(self._get("/info"))

    def containers(self) -> list[Any]:
        """Return `GET /containers/json?all=1`."""
        return list(self._get("/containers/json?all=1"))

    def images(self) -> list[Any]:
        """Return `GET /images/json`."""
        return list(self._get("/images/json"))

    def networks(self) -> list[Any]:
        """Return `GET /networks`."""
        return list(self._get("/networks"))

    def inspect_container(self, container_id: str) -> dict[str, Any]:
        """Return `GET /containers/{id}/json`."""
        return dict(self._get(f"/containers/{quote(container_id, safe='')}/json"))

    def inspect_image(self, image_id: str) -> dict[str, Any]:
        """Return `GET /images/{id}/json`."""
        return dict(self._get(f"/images/{quote(image_id, safe='')}/json"))

    def history(self, image_id: str) -> list[dict[str, Any]]:
        """Return `GET /images/{id}/history`."""
        return list(self._get(f"/images/{quote(image_id, safe='')}/history"))

    def inspect_network(self, network_id: str) -> dict[str, Any]:
        """Return `GET /networks/{id}`."""
        return dict(self._get(f"/networks/{quote(network_id, safe='')}"))

    def secrets(self) -> list[Any]:
        """Return `GET /secrets`."""
        return list(self._get("/secrets"))

    def services(self) -> list[Any]:
        """Return `GET /services`."""
        return list(self._get("/services"))

    def status_of(self, error: Exception) -> tuple[int, str] | None:
        """Return the status and explanation of a `SocketAPIError`, else None."""
        if isinstance(error, SocketAPIError):
            return error.status, error.explanation
        return None

    def close(self) -> None:
        """Close every connection."""
        self.getter.close()


def _build_model(kind: str, data: Any) -> Any:
    # Imported on first use: the main thread is importing the models at the same time.
    from inspector.engine.snapshot import build_object

    return build_object(kind, data)


class Prefetch:
    """A `read_host` of a local socket endpoint running in a thread; `result()` waits for it.

    With `stream`, `progress()` hands out the host and networks, then each container, while the
    read goes on, so containers can be judged before the last one is read.
    """

    def __init__(self, endpoint: Any, timeout: float | None, stream: bool = False) -> None:
        if endpoint.socket_path is None:
            raise ValueError(f"{endpoint.display} is not a unix socket")
        self.endpoint = endpoint
        self.socket_path: Path = endpoint.socket_path
        # Unix time the read began: changes after it may be missing from the result.
        self.started_at = time.time()
        self._timeout = timeout
        self._result: RawHost | None = None
        self._progress: queue.SimpleQueue[tuple[str, Any]] | None = queue.SimpleQueue() if stream else None
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dsc-prefetch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        reader = SocketReader(self.socket_path, self._timeout)
        progress = self._progress
        build: Build = _build_model
        on_networks: Callable[[RawHost], None] | None = None
        if progress is not None:
            def build(kind: str, data: Any) -> Any:
                item = _build_model(kind, data)
                if kind == "container" and item is not None:
                    progress.put(("container", item))
                return item

            def on_networks(host: RawHost) -> None:
                progress.put(("networks", host))

        try:
            self._result = read_host(reader, build=build, on_networks=on_networks)
        except Exception as error:  # noqa: BLE001 - the regular path reads again and reports the error
            log.debug("early read of %s failed (%s: %s); reading through the SDK", self.socket_path,
                      type(error).__name__, error)
        finally:
            reader.close()
            if progress is not None:
                progress.put(("done", None))
            self._finished.set()

    def progress(self) -> Iterator[list[tuple[str, Any]]]:
        """Yield what the read built since the last batch until it ends, or nothing without `stream`.

        Each entry is `("networks", RawHost)` once, with only the host and the networks, or
        `("container", model)`. Containers may come before the networks. Whether the read
        succeeded is known from `result()` afterwards.
        """
        progress = self._progress
        if progress is None:
            return
        while True:
            batch = [progress.get()]
            # Each wake-up takes the interpreter lock from the reading threads, so a consumer
            # wakes for a batch of objects rather than for each one, or once the read ends.
            self._finished.wait(PROGRESS_WAIT_SECONDS)
            while not progress.empty():
                batch.append(progress.get())
            done = batch[-1][0] == "done"
            yield [entry for entry in batch if entry[0] != "done"]
            if done:
                return

    def result(self) -> RawHost | None:
        """Wait for the read; return the host, or None when it failed (the caller reads again)."""
        self._thread.join()
        return self._result

    def snapshot(self) -> Any:
        """Wait for the read; return it as a HostSnapshot, or None when it failed (the caller reads again).

        The read is handed over once: callers keep this object for the whole session, and the
        JSON of every object it contains would otherwise outlive the snapshot built from it.
        """
        raw = self.result()
        self._result = None
        if raw is None:
            return None
        from inspector.engine.snapshot import snapshot_from_raw

        return snapshot_from_raw(raw, self.endpoint.display, self.endpoint.context)


def prefetch_for_args(args: Any) -> Prefetch | None:
    """Start reading the engine that a scan or the TUI will read first, if it is a local unix socket.

    Return the running read, or None (the demo, a capture, several contexts, a
    TCP or SSH endpoint, or an endpoint that does not resolve): the caller then reads through the
    SDK, which also reports any error.
    """
    from inspector.engine.endpoint import resolve_endpoint, tls_options
    from inspector.errors import DscError

    if getattr(args, "demo", False) or getattr(args, "snapshot", None) is not None:
        return None
    if len(getattr(args, "contexts", None) or []) > 1:
        return None
    try:
        endpoint = resolve_endpoint(host=getattr(args, "host", None), context=getattr(args, "context", None),
                                    tls=tls_options(args))
    except DscError:
        return None
    if endpoint.socket_path is None or endpoint.tls is not None:
        return None
    return Prefetch(endpoint, getattr(args, "timeout", None), stream=True)
