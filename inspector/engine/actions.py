"""Container actions for remediation: stop, pause, unpause, restart, disconnect, isolate, commit.

Every function takes a `docker.APIClient` and a container id, calls the engine and raises
`ActionError` with a one-line message the user can act on when the engine rejects the call.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from inspector.model.fields import as_dict, dig

if TYPE_CHECKING:
    import docker

log = logging.getLogger(__name__)

DEFAULT_STOP_TIMEOUT = 10
FORENSIC_REPOSITORY = "dsc-forensic"
FORENSIC_LABEL_PREFIX = "dsc-tui.forensic"


class ActionError(Exception):
    """A container action the engine rejected, with a one-line message and a `reason` code.

    `reason` is one of `not_found`, `already_stopped`, `not_running`, `not_paused`,
    `not_connected` or `engine`.
    """

    def __init__(self, message: str, reason: str = "engine") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ForensicImage:
    """The image a forensic commit created."""

    reference: str
    image_id: str
    labels: dict[str, str]


def _first_line(text: object) -> str:
    lines = str(text or "").strip().splitlines()
    return lines[0] if lines else "no detail"


def _classify(error: Exception, container_id: str, verb: str) -> ActionError:
    """Turn an SDK or transport error into an ActionError with a plain message."""
    import docker.errors
    import requests

    short_id = container_id[:12]
    if isinstance(error, docker.errors.NotFound):
        explanation = _first_line(error.explanation)
        if "network" in explanation.lower() and "container" not in explanation.lower():
            return ActionError(f"Cannot {verb} {short_id}: {explanation}.", "not_found")
        return ActionError(f"Cannot {verb} {short_id}: the container no longer exists.", "not_found")
    if isinstance(error, docker.errors.APIError):
        explanation = _first_line(error.explanation)
        lowered = explanation.lower()
        if "is not running" in lowered:
            return ActionError(f"Cannot {verb} {short_id}: the container is not running.", "not_running")
        if "is not paused" in lowered:
            return ActionError(f"Cannot {verb} {short_id}: the container is not paused.", "not_paused")
        if "already paused" in lowered:
            return ActionError(f"Cannot {verb} {short_id}: the container is already paused.", "engine")
        if "is not connected to" in lowered:
            return ActionError(
                f"Cannot {verb} {short_id}: the network is already disconnected.", "not_connected"
            )
        if "no such container" in lowered:
            return ActionError(f"Cannot {verb} {short_id}: the container no longer exists.", "not_found")
        return ActionError(f"Cannot {verb} {short_id}: the engine returned an error: {explanation}", "engine")
    if isinstance(error, requests.exceptions.RequestException):
        return ActionError(f"Cannot {verb} {short_id}: the engine did not respond ({_first_line(error)}).", "engine")
    return ActionError(f"Cannot {verb} {short_id}: {_first_line(error)}", "engine")


@contextmanager
def _engine_call(container_id: str, verb: str) -> Iterator[None]:
    # The SDK is imported when an action runs, so the TUI starts without loading it.
    import docker.errors
    import requests

    try:
        yield
    except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
        action_error = _classify(error, container_id, verb)
        log.warning("%s %s failed: %s", verb, container_id, action_error)
        raise action_error from error


def inspect_container(api: docker.APIClient, container_id: str) -> dict[str, Any]:
    """Return the container's inspect JSON, raising ActionError when it no longer exists."""
    with _engine_call(container_id, "inspect"):
        return api.inspect_container(container_id)


def stop_timeout(inspect: dict[str, Any]) -> int:
    """Return the container's `StopTimeout` in seconds, else the engine default of 10."""
    value = dig(inspect, "Config", "StopTimeout")
    if isinstance(value, int) and value >= 0:
        return value
    return DEFAULT_STOP_TIMEOUT


def stop_container(api: docker.APIClient, container_id: str, timeout: int) -> None:
    """Stop the container: the engine sends SIGTERM, then SIGKILL after `timeout` seconds."""
    # The engine answers 304 to stopping a stopped container and the SDK treats that as
    # success, so the state is checked first to report "already stopped".
    state = dig(inspect_container(api, container_id), "State", default={})
    if not state.get("Running"):
        raise ActionError(f"Cannot stop {container_id[:12]}: the container is already stopped.", "already_stopped")
    with _engine_call(container_id, "stop"):
        api.stop(container_id, timeout=timeout)
    log.info("stopped container %s", container_id)


def pause_container(api: docker.APIClient, container_id: str) -> None:
    """Freeze every process of the container (cgroup freezer)."""
    with _engine_call(container_id, "pause"):
        api.pause(container_id)
    log.info("paused container %s", container_id)


def unpause_container(api: docker.APIClient, container_id: str) -> None:
    """Resume a paused container."""
    with _engine_call(container_id, "unpause"):
        api.unpause(container_id)
    log.info("unpaused container %s", container_id)


def restart_container(api: docker.APIClient, container_id: str, timeout: int) -> None:
    """Restart the container, stopping it first with SIGTERM then SIGKILL after `timeout` seconds."""
    with _engine_call(container_id, "restart"):
        api.restart(container_id, timeout=timeout)
    log.info("restarted container %s", container_id)


def connected_networks(inspect: dict[str, Any]) -> list[str]:
    """Return the names of the networks the container is attached to, sorted."""
    return sorted(as_dict(dig(inspect, "NetworkSettings", "Networks")))


def disconnect_network(api: docker.APIClient, container_id: str, network: str) -> None:
    """Disconnect the container from one network."""
    with _engine_call(container_id, f"disconnect from network {network}"):
        api.disconnect_container_from_network(container_id, network)
    log.info("disconnected container %s from network %s", container_id, network)


def isolate_container(api: docker.APIClient, container_id: str) -> list[str]:
    """Disconnect the container from every network it is attached to; return those networks.

    The list is read fresh from the engine. A network that vanished in between is skipped;
    any other failure raises ActionError after the networks already left.
    """
    disconnected: list[str] = []
    for network in connected_networks(inspect_container(api, container_id)):
        try:
            disconnect_network(api, container_id, network)
        except ActionError as error:
            if error.reason == "not_connected":
                continue
            error.args = (f"{error} Already disconnected: {', '.join(disconnected) or 'none'}.",)
            raise
        disconnected.append(network)
    return disconnected


def forensic_repository(container_name: str) -> str:
    """Return `dsc-forensic/<name>` with the name made a valid lower-case repository path."""
    name = container_name.lower().lstrip("/")
    # Repository components allow [a-z0-9] separated by one `.`, one or two `_`, or dashes.
    name = re.sub(r"[^a-z0-9._-]+", "-", name)
    name = re.sub(r"[._-]*([._-])[._-]*", r"\1", name).strip("._-")
    return f"{FORENSIC_REPOSITORY}/{name or 'container'}"


def forensic_tag(moment: datetime) -> str:
    """Return the UTC time as a tag like `20261204T193000Z`."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def commit_forensic_image(
    api: docker.APIClient,
    container_id: str,
    container_name: str,
    operator: str,
    moment: datetime,
) -> ForensicImage:
    """Commit the container to `dsc-forensic/<name>:<UTC time>`, paused while the commit runs.

    A container that was already paused stays paused; otherwise it is unpaused afterwards,
    also when the commit fails.
    """
    repository = forensic_repository(container_name)
    tag = forensic_tag(moment)
    labels = {
        f"{FORENSIC_LABEL_PREFIX}.source-id": container_id,
        f"{FORENSIC_LABEL_PREFIX}.time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        f"{FORENSIC_LABEL_PREFIX}.operator": operator,
    }
    state = dig(inspect_container(api, container_id), "State", default={})
    pause_here = bool(state.get("Running")) and not state.get("Paused")
    if pause_here:
        pause_container(api, container_id)
    try:
        with _engine_call(container_id, "commit"):
            # pause=False because this function pauses itself, so it knows whether to unpause.
            result = api.commit(container_id, repository=repository, tag=tag, conf={"Labels": labels}, pause=False)
    finally:
        if pause_here:
            unpause_container(api, container_id)
    reference = f"{repository}:{tag}"
    log.info("committed container %s to %s", container_id, reference)
    return ForensicImage(reference=reference, image_id=str(result.get("Id", "")), labels=labels)
