"""`dsc-tui lab up|down|status`: create the missing part of the fleet, remove it, or list it."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import Any

from inspector.engine import labelled, provision, provision_swarm
from inspector.engine.labelled import LabObject
from inspector.engine.provision import ConflictError, ContainerSpec
from inspector.errors import EXIT_OK, EngineError, UsageError
from inspector.lab.fleet import (
    BACKEND_NETWORK,
    DB_SECRET,
    FRONTEND_NETWORK,
    LAB_CONTAINERS,
    LAB_LABEL,
    LAB_LABEL_KEY,
    LAB_LABELS,
    POSTGRES_VOLUME,
    READY_WAIT_SECONDS,
    SWARM_ADVERTISE_ADDR,
    SWARM_DB_PASSWORD,
    SWARM_OLD_TOKEN,
    UNUSED_SECRET,
    lab_containers,
    lab_images,
    lab_service,
)

log = logging.getLogger(__name__)

# `api` parameters below are the `docker.APIClient` of an `inspector.engine.Engine`; they are typed
# `Any` because only `inspector.engine` may import docker.

Emit = Callable[[str, str, str], None]


def _print_line(verb: str, kind: str, name: str) -> None:
    print(f"{verb:<8} {kind:<9} {name}", flush=True)


def _progress(message: str) -> None:
    print(f"dsc-tui: {message}", file=sys.stderr, flush=True)


def _require_lab_label(kind: str, name: str, labels: dict[str, Any] | None) -> None:
    """Reject reusing an object of a lab name that `down` would not remove."""
    if (labels or {}).get(LAB_LABEL_KEY) != "true":
        raise UsageError(
            f"a {kind} named {name} exists without the label {LAB_LABEL}: "
            f"remove or rename it, then run `dsc-tui lab up` again"
        )


def ensure_base_image(api: Any, base_image: str) -> None:
    """Make sure the base image is present, pulling it if possible; raise UsageError otherwise."""
    if provision.inspect_image(api, base_image) is not None:
        return
    _progress(f"base image {base_image} is missing; trying to pull it")
    if provision.pull_image(api, base_image):
        return
    raise UsageError(
        f"base image {base_image} is missing and cannot be pulled: import one with "
        f"`scripts/import-base-image {base_image}` from the dsc-tui source tree (it builds the image "
        f"from Debian's busybox-static), or pass --base-image REF of a local image"
    )


def _up_networks(api: Any, emit: Emit) -> None:
    for name, internal in ((FRONTEND_NETWORK, False), (BACKEND_NETWORK, True)):
        existing = provision.inspect_network(api, name)
        if existing is not None:
            _require_lab_label("network", name, existing.get("Labels"))
            emit("exists", "network", name)
            continue
        try:
            provision.create_network(api, name, LAB_LABELS, internal=internal)
        except ConflictError:
            emit("exists", "network", name)  # another `lab up` created it after the lookup
            continue
        emit("created", "network", name)


def _up_volumes(api: Any, emit: Emit) -> None:
    existing = provision.inspect_volume(api, POSTGRES_VOLUME)
    if existing is not None:
        _require_lab_label("volume", POSTGRES_VOLUME, existing.get("Labels"))
        emit("exists", "volume", POSTGRES_VOLUME)
        return
    provision.create_volume(api, POSTGRES_VOLUME, LAB_LABELS)
    emit("created", "volume", POSTGRES_VOLUME)


def _up_images(api: Any, base_image: str, emit: Emit) -> None:
    # Building again is cheap because the engine's build cache returns the same image. Comparing
    # ids distinguishes an unchanged image from one rebuilt on a different base.
    for tag, dockerfile in lab_images(base_image):
        before = provision.inspect_image(api, tag)
        if before is None:
            _progress(f"building image {tag}")
        image_id = provision.build_image(api, tag, dockerfile, LAB_LABELS)
        unchanged = before is not None and before.get("Id") == image_id
        emit("exists" if unchanged else "built", "image", tag)


def _start(api: Any, spec: ContainerSpec, container_id: str) -> bool:
    """Start a lab container; return False when a privileged one cannot start on this engine."""
    try:
        provision.start_container(api, container_id, spec.name)
    except EngineError as error:
        # Engines whose own capability bounding set is reduced (nested in a sandbox or another
        # container) cannot grant a privileged container every capability, so runc refuses to
        # start it. Kept created, it still shows every setting the container rules read.
        if not spec.privileged:
            raise
        log.warning("container %s stays created because it cannot start here: %s", spec.name, error)
        return False
    return True


def _up_containers(api: Any, base_image: str, emit: Emit) -> None:
    # NOTE: an existing lab container is kept as it is, even when its image was rebuilt since.
    # Run `dsc-tui lab down` first to recreate the fleet on a new base image.
    started: list[tuple[str, str]] = []
    for spec in lab_containers(base_image):
        existing = provision.inspect_container(api, spec.name)
        if existing is not None:
            _require_lab_label("container", spec.name, (existing.get("Config") or {}).get("Labels"))
            running = (existing.get("State") or {}).get("Running")
            if running or spec.run_to_exit:
                emit("exists", "container", spec.name)
                continue
            if _start(api, spec, existing["Id"]):
                started.append((existing["Id"], spec.name))
                emit("started", "container", spec.name)
            else:
                emit("exists", "container", spec.name)
            continue

        try:
            container_id = provision.create_container(api, spec)
        except ConflictError:
            emit("exists", "container", spec.name)  # another `lab up` created it after the lookup
            continue
        if not _start(api, spec, container_id):
            emit("created", "container", spec.name)
            continue
        if spec.run_to_exit:
            provision.wait_container(api, container_id, spec.name)
        else:
            started.append((container_id, spec.name))
        emit("created", "container", spec.name)

    # Wait for health so that scans right after `lab up` see the hardened container healthy.
    for container_id, name in started:
        if name == LAB_CONTAINERS["api"]:
            _progress(f"waiting for {name} to become healthy")
            status = provision.wait_until_healthy(api, container_id, name, READY_WAIT_SECONDS)
            if status != "healthy":
                log.warning("container %s is %s after %.0f seconds", name, status, READY_WAIT_SECONDS)


def _up_swarm(api: Any, base_image: str, want_swarm: bool, emit: Emit) -> None:
    state, manager = provision_swarm.swarm_state(api)
    if state == "inactive":
        if not want_swarm:
            return
        _progress(f"initialising a single-node swarm advertised on {SWARM_ADVERTISE_ADDR}")
        try:
            provision_swarm.init_swarm(api, SWARM_ADVERTISE_ADDR)
            emit("created", "swarm", SWARM_ADVERTISE_ADDR)
        except EngineError:
            # Another `lab up` may have initialised it first; only a still inactive swarm is an error.
            if provision_swarm.swarm_state(api)[0] == "inactive":
                raise
        state, manager = provision_swarm.swarm_state(api)
    if state != "active":
        message = f"swarm is {state} on this engine; fix it with `docker swarm` commands, then run again"
        if want_swarm:
            raise UsageError(message)
        _progress(f"{message} (skipping the swarm secret and service)")
        return
    if not manager:
        if want_swarm:
            raise UsageError("this engine is a swarm worker; run `dsc-tui lab up --swarm` on a manager")
        _progress("this engine is a swarm worker; skipping the swarm secret and service")
        return

    for name, value in ((DB_SECRET, SWARM_DB_PASSWORD), (UNUSED_SECRET, SWARM_OLD_TOKEN)):
        existing = provision_swarm.find_secret(api, name)
        if existing is not None:
            _require_lab_label("secret", name, (existing.get("Spec") or {}).get("Labels"))
            emit("exists", "secret", name)
            continue
        try:
            provision_swarm.create_secret(api, name, value, LAB_LABELS)
        except ConflictError:
            emit("exists", "secret", name)  # another `lab up` created it after the lookup
            continue
        emit("created", "secret", name)

    service = lab_service(base_image)
    existing = provision_swarm.find_service(api, service.name)
    if existing is not None:
        _require_lab_label("service", service.name, (existing.get("Spec") or {}).get("Labels"))
        emit("exists", "service", service.name)
    else:
        try:
            provision_swarm.create_service(api, service)
            emit("created", "service", service.name)
        except ConflictError:
            emit("exists", "service", service.name)  # another `lab up` created it after the lookup
    # An existing service's task may be restarting, e.g. after dockerd restarted, so wait for it too.
    running, replicas = provision_swarm.wait_for_service_tasks(api, service.name, READY_WAIT_SECONDS)
    if running < replicas:
        log.warning(
            "service %s runs %d of %d tasks after %.0f seconds",
            service.name, running, replicas, READY_WAIT_SECONDS,
        )


def lab_up(api: Any, base_image: str, want_swarm: bool, emit: Emit = _print_line) -> None:
    """Create whatever part of the fleet is missing; report each object as created or existing."""
    ensure_base_image(api, base_image)
    _up_networks(api, emit)
    _up_volumes(api, emit)
    _up_images(api, base_image, emit)
    _up_containers(api, base_image, emit)
    _up_swarm(api, base_image, want_swarm, emit)


# Dependents go first: services before their secrets and task containers, containers before the
# networks, volumes and images they use.
REMOVAL_ORDER = ("service", "container", "secret", "volume", "network", "image")


def _removal_key(item: LabObject) -> tuple[int, str]:
    return REMOVAL_ORDER.index(item.kind), item.name


def lab_down(api: Any, emit: Emit = _print_line) -> int:
    """Remove every object labelled `dsc-tui.lab=true`; return how many were removed."""
    removed = 0
    services = [item for item in labelled.list_labelled(api, LAB_LABEL) if item.kind == "service"]
    for item in services:
        if labelled.remove_object(api, item):
            removed += 1
            emit("removed", item.kind, item.name)
    if services:
        # Swarm stops task containers asynchronously; removing them under it would race.
        labelled.wait_for_service_containers(api, [item.id for item in services], timeout=30.0)

    remaining = [item for item in labelled.list_labelled(api, LAB_LABEL) if item.kind != "service"]
    conflicts: list[ConflictError] = []
    for item in sorted(remaining, key=_removal_key):
        try:
            gone = labelled.remove_object(api, item)
        except ConflictError as error:
            # Still in use, e.g. an image whose container another `lab up` created meanwhile.
            # Removing the rest first leaves as little of the fleet behind as possible.
            log.warning("%s %s kept: %s", item.kind, item.name, error)
            conflicts.append(error)
            continue
        if gone:
            removed += 1
            emit("removed", item.kind, item.name)
    if conflicts:
        raise EngineError(f"{len(conflicts)} lab objects are still in use and were kept; first: {conflicts[0]}")
    # NOTE: a swarm initialised by `lab up --swarm` stays active; leaving it is the operator's call.
    return removed


def lab_status(api: Any) -> list[LabObject]:
    """List the lab objects on the engine, in removal order."""
    return sorted(labelled.list_labelled(api, LAB_LABEL), key=_removal_key)


def run_lab(args: argparse.Namespace) -> int:
    """Run `dsc-tui lab up|down|status` and return the exit code."""
    from inspector.engine import open_engine
    from inspector.engine.endpoint import tls_options

    with open_engine(args.host, args.context, args.timeout, tls=tls_options(args)) as engine:
        if args.action == "up":
            lab_up(engine.api, args.base_image, args.swarm)
        elif args.action == "down":
            if lab_down(engine.api) == 0:
                _progress("no lab objects found")
        else:
            objects = lab_status(engine.api)
            if not objects:
                _progress("no lab objects found; create them with `dsc-tui lab up`")
            for item in objects:
                print(f"{item.kind:<9} {item.name:<32} {item.state}")
    return EXIT_OK
