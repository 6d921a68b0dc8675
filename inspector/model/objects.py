"""The objects of one Docker host, each built from the engine's inspect JSON.

Every model keeps the inspect JSON it came from in `inspect`, so a capture file can store exactly
what the engine returned and rebuild the same models. The typed fields are conveniences read from
that JSON, tolerant of missing keys and nulls.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from inspector.model.fields import as_dict, as_list, dig


class Container(BaseModel):
    """A container, running or not."""

    id: str
    name: str
    image: str
    image_id: str
    state: str
    labels: dict[str, str] = Field(default_factory=dict)
    inspect: dict[str, Any]

    @classmethod
    def from_inspect(cls, data: dict[str, Any]) -> Container:
        """Build a container from `GET /containers/{id}/json` output."""
        return cls(
            id=str(data.get("Id") or ""),
            name=str(data.get("Name") or "").lstrip("/"),
            image=str(dig(data, "Config", "Image", default="") or data.get("ImageName") or ""),
            image_id=str(data.get("Image") or ""),
            state=str(dig(data, "State", "Status", default="unknown")),
            labels={str(k): str(v) for k, v in as_dict(dig(data, "Config", "Labels")).items()},
            inspect=data,
        )

    @property
    def short_id(self) -> str:
        """The first 12 hex digits of the id, as the docker CLI shows it."""
        return self.id[:12]


class Image(BaseModel):
    """An image with its history (one entry a layer step, newest first as the engine returns it)."""

    id: str
    tags: list[str] = Field(default_factory=list)
    digests: list[str] = Field(default_factory=list)
    created: str | None = None
    size: int = 0
    labels: dict[str, str] = Field(default_factory=dict)
    inspect: dict[str, Any]
    history: list[dict[str, Any]] = Field(default_factory=list)

    @classmethod
    def from_inspect(cls, data: dict[str, Any], history: list[dict[str, Any]] | None = None) -> Image:
        """Build an image from `GET /images/{id}/json` and `GET /images/{id}/history` output."""
        return cls(
            id=str(data.get("Id") or ""),
            tags=[str(t) for t in as_list(data.get("RepoTags")) if t and t != "<none>:<none>"],
            digests=[str(d) for d in as_list(data.get("RepoDigests")) if d],
            created=data.get("Created") or None,
            size=int(data.get("Size") or 0),
            labels={str(k): str(v) for k, v in as_dict(dig(data, "Config", "Labels")).items()},
            inspect=data,
            history=[entry for entry in as_list(history) if isinstance(entry, dict)],
        )

    @property
    def name(self) -> str:
        """The first tag, else the first digest reference, else the short id."""
        if self.tags:
            return self.tags[0]
        if self.digests:
            return self.digests[0]
        return self.short_id

    @property
    def short_id(self) -> str:
        """The first 12 hex digits of the id, without the `sha256:` prefix."""
        return self.id.removeprefix("sha256:")[:12]


class Network(BaseModel):
    """A network with the containers attached to it (keyed by container id)."""

    id: str
    name: str
    driver: str
    scope: str
    internal: bool
    labels: dict[str, str] = Field(default_factory=dict)
    options: dict[str, str] = Field(default_factory=dict)
    containers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    inspect: dict[str, Any]

    @classmethod
    def from_inspect(cls, data: dict[str, Any]) -> Network:
        """Build a network from `GET /networks/{id}` output."""
        return cls(
            id=str(data.get("Id") or data.get("ID") or ""),
            name=str(data.get("Name") or ""),
            driver=str(data.get("Driver") or ""),
            scope=str(data.get("Scope") or ""),
            internal=bool(data.get("Internal")),
            labels={str(k): str(v) for k, v in as_dict(data.get("Labels")).items()},
            options={str(k): str(v) for k, v in as_dict(data.get("Options")).items()},
            containers={str(k): as_dict(v) for k, v in as_dict(data.get("Containers")).items()},
            inspect=data,
        )


class Secret(BaseModel):
    """A swarm secret's metadata; the engine never returns a secret's data."""

    id: str
    name: str
    created_at: str | None = None
    updated_at: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    inspect: dict[str, Any]

    @classmethod
    def from_inspect(cls, data: dict[str, Any]) -> Secret:
        """Build a secret from `GET /secrets/{id}` output."""
        return cls(
            id=str(data.get("ID") or ""),
            name=str(dig(data, "Spec", "Name", default="")),
            created_at=data.get("CreatedAt") or None,
            updated_at=data.get("UpdatedAt") or None,
            labels={str(k): str(v) for k, v in as_dict(dig(data, "Spec", "Labels")).items()},
            inspect=data,
        )


class Service(BaseModel):
    """A swarm service, kept for the secrets it references."""

    id: str
    name: str
    secret_ids: list[str] = Field(default_factory=list)
    inspect: dict[str, Any]

    @classmethod
    def from_inspect(cls, data: dict[str, Any]) -> Service:
        """Build a service from `GET /services/{id}` output."""
        references = as_list(dig(data, "Spec", "TaskTemplate", "ContainerSpec", "Secrets"))
        return cls(
            id=str(data.get("ID") or ""),
            name=str(dig(data, "Spec", "Name", default="")),
            secret_ids=[str(r["SecretID"]) for r in references if isinstance(r, dict) and r.get("SecretID")],
            inspect=data,
        )


class Host(BaseModel):
    """The engine: `/info`, `/version`, and how dsc-tui reached it."""

    name: str
    endpoint: str
    context: str | None = None
    engine_id: str
    server_version: str
    api_version: str
    os_type: str
    swarm_state: str
    swarm_manager: bool
    swarm_reason: str | None = None
    info: dict[str, Any]
    version: dict[str, Any]

    @classmethod
    def from_engine(
        cls,
        info: dict[str, Any],
        version: dict[str, Any],
        endpoint: str,
        context: str | None = None,
        swarm_reason: str | None = None,
    ) -> Host:
        """Build the host from `GET /info` and `GET /version` output."""
        return cls(
            name=str(info.get("Name") or ""),
            endpoint=endpoint,
            context=context,
            engine_id=str(info.get("ID") or ""),
            server_version=str(version.get("Version") or info.get("ServerVersion") or ""),
            api_version=str(version.get("ApiVersion") or ""),
            os_type=str(info.get("OSType") or version.get("Os") or ""),
            swarm_state=str(dig(info, "Swarm", "LocalNodeState", default="inactive") or "inactive"),
            swarm_manager=bool(dig(info, "Swarm", "ControlAvailable", default=False)),
            swarm_reason=swarm_reason,
            info=info,
            version=version,
        )


class HostSnapshot(BaseModel):
    """Everything dsc-tui read from one host at one moment; secret values already redacted."""

    host: Host
    collected_at: datetime
    containers: list[Container] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    networks: list[Network] = Field(default_factory=list)
    secrets: list[Secret] = Field(default_factory=list)
    services: list[Service] = Field(default_factory=list)

    def container(self, container_id: str) -> Container | None:
        """Return the container with this full id, or None."""
        return next((c for c in self.containers if c.id == container_id), None)

    def image(self, image_id: str) -> Image | None:
        """Return the image with this full id, or None."""
        return next((i for i in self.images if i.id == image_id), None)

    def network(self, network_id: str) -> Network | None:
        """Return the network with this full id, or None."""
        return next((n for n in self.networks if n.id == network_id), None)
