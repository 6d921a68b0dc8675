"""Interpretations several rules share: root users, capability names, image references, ports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from inspector.model.fields import as_dict, as_list

_IMAGE_ID = re.compile(r"^(?:sha256:)?[0-9a-f]{12,64}$")
_NUMERIC_UID = re.compile(r"^\d+$")

ALL_INTERFACES = frozenset({"0.0.0.0", "::", ""})


def is_root_user(user: str) -> bool:
    """Return whether a `User` value means root: empty, `root`, `0`, or a `root:`/`0:` user:group."""
    user = user.strip()
    return user in ("", "root", "0") or user.startswith(("root:", "0:"))


def is_named_user(user: str) -> bool:
    """Return whether a non-root `User` value names its user rather than giving a numeric uid."""
    name = user.strip().partition(":")[0]
    return not is_root_user(user) and not _NUMERIC_UID.match(name)


def capability_name(name: str) -> str:
    """Return a capability name upper-cased without its `CAP_` prefix (`cap_sys_admin` gives `SYS_ADMIN`)."""
    return name.strip().upper().removeprefix("CAP_")


def is_latest_reference(reference: str) -> bool:
    """Return whether an image reference means `latest`: no tag or the `latest` tag.

    A digest reference (`name@sha256:...`) and a bare image id are pinned. A registry port
    (`localhost:5000/app`) is not a tag, because a tag only follows the last `/`.
    """
    reference = reference.strip()
    if not reference or "@" in reference or _IMAGE_ID.match(reference):
        return False
    last_component = reference.rsplit("/", 1)[-1]
    _, separator, tag = last_component.partition(":")
    return not separator or tag == "latest"


def repository_name(reference: str) -> str:
    """Return the repository path of an image reference, without registry host, tag or digest."""
    components = reference.strip().partition("@")[0].split("/")
    components[-1] = components[-1].partition(":")[0]
    first = components[0]
    if len(components) > 1 and ("." in first or ":" in first or first == "localhost"):
        components = components[1:]
    return "/".join(components)


@dataclass(frozen=True)
class PortBinding:
    """One published port: the container port (`80/tcp`) and where the host listens."""

    container_port: str
    host_ip: str
    host_port: str

    @property
    def on_all_interfaces(self) -> bool:
        """Whether the host listens on every interface (`0.0.0.0`, `::` or no address)."""
        return self.host_ip in ALL_INTERFACES

    def describe(self) -> str:
        """Return the binding as `docker port` prints it (`80/tcp -> 0.0.0.0:8080`); no host address shows as `*`."""
        host = f"[{self.host_ip}]" if ":" in self.host_ip else self.host_ip or "*"
        return f"{self.container_port} -> {host}:{self.host_port}"


def _bindings(ports: Any) -> list[PortBinding]:
    bindings: list[PortBinding] = []
    for container_port, entries in as_dict(ports).items():
        for entry in as_list(entries):
            if isinstance(entry, dict):
                bindings.append(
                    PortBinding(str(container_port), str(entry.get("HostIp") or ""), str(entry.get("HostPort") or ""))
                )
    return bindings


def published_ports(inspect: dict[str, Any]) -> tuple[str, list[PortBinding]] | None:
    """Return the container's published ports and the field they came from, or None if unknown.

    A running container lists them in `NetworkSettings.Ports`. A stopped or created container
    lists them only in `HostConfig.PortBindings`, which is therefore the fallback.
    """
    runtime = _bindings(as_dict(inspect.get("NetworkSettings")).get("Ports"))
    if runtime:
        return "NetworkSettings.Ports", runtime
    host_config = inspect.get("HostConfig")
    configured = as_dict(host_config).get("PortBindings") if isinstance(host_config, dict) else None
    if configured is None and not isinstance(inspect.get("NetworkSettings"), dict):
        return None
    return "HostConfig.PortBindings", _bindings(configured)
