"""The detail panel's content: an object's attributes, marked where a rule flags them, and its findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text

from inspector.model import Container, Finding, Host, Image, Network, ObjectKind, Secret, Severity
from inspector.model.fields import as_dict, as_list, dig
from inspector.tui import attributes
from inspector.tui.state import Resource, ScanResult, object_id_of, worst_severity
from inspector.tui.text import clean

# The rules that flag each attribute, so the panel can mark the attribute a finding is about.
CONTAINER_ATTRIBUTE_RULES: dict[str, tuple[str, ...]] = {
    "image": ("CTR-IMAGE-LATEST",),
    "user": ("CTR-ROOT-USER",),
    "health": ("CTR-HEALTHCHECK-MISSING", "CTR-UNHEALTHY"),
    "ports": ("CTR-PORT-ALL-INTERFACES", "CTR-PRIVILEGED-PORT", "CTR-DATABASE-EXPOSED"),
    "networks": ("CTR-DEFAULT-BRIDGE", "CTR-HOST-NETWORK", "CTR-DATABASE-EXPOSED"),
    "mounts": ("CTR-DOCKER-SOCKET", "CTR-SENSITIVE-MOUNT", "CTR-MOUNT-PROPAGATION", "CTR-TMPFS-EXEC"),
    "capabilities": ("CTR-PRIVILEGED", "CTR-CAP-DROP", "CTR-CAP-ADD", "CTR-CAP-DANGEROUS", "CTR-DEVICES"),
    "security": ("CTR-NO-NEW-PRIVS", "CTR-SECCOMP-UNCONFINED", "CTR-APPARMOR-UNCONFINED", "CTR-READONLY-ROOTFS"),
    "namespaces": ("CTR-HOST-PID", "CTR-HOST-IPC", "CTR-HOST-UTS", "CTR-HOST-USERNS"),
    "limits": ("CTR-MEMORY-LIMIT", "CTR-CPU-LIMIT", "CTR-PIDS-LIMIT"),
    "restart": ("CTR-RESTART-POLICY",),
    "logging": ("CTR-LOG-ROTATION",),
    "env": ("CTR-ENV-SECRET", "CTR-ENV-TLS-DISABLED"),
}

IMAGE_ATTRIBUTE_RULES: dict[str, tuple[str, ...]] = {
    "tags": ("IMG-LATEST-TAG", "IMG-DANGLING"),
    "user": ("IMG-ROOT-USER", "IMG-NAMED-USER"),
    "health": ("IMG-HEALTHCHECK-MISSING",),
    "exposed": ("IMG-SSH-PORT",),
    "created": ("IMG-STALE",),
    "size": ("IMG-LARGE",),
}

NETWORK_ATTRIBUTE_RULES: dict[str, tuple[str, ...]] = {
    "options": ("NET-ICC-ENABLED", "NET-OVERLAY-UNENCRYPTED"),
    "attached": ("NET-MIXED-EXPOSURE",),
}

SECRET_ATTRIBUTE_RULES: dict[str, tuple[str, ...]] = {
    "updated": ("SEC-NOT-ROTATED",),
    "services": ("SEC-UNUSED",),
}


@dataclass(frozen=True)
class DetailStyles:
    """Styles the detail panel takes from the stylesheet."""

    label: Style
    heading: Style
    severity: Callable[[Severity | None], Style]


class _Builder:
    """Collects attribute rows into a grid so wrapped values stay indented under their column."""

    def __init__(self, styles: DetailStyles, findings: tuple[Finding, ...],
                 attribute_rules: dict[str, tuple[str, ...]]) -> None:
        self.styles = styles
        self.findings = findings
        self.attribute_rules = attribute_rules
        self.parts: list[RenderableType] = []
        self.grid: Table | None = None

    def _new_grid(self, label_width: int) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1, no_wrap=True)
        grid.add_column(width=label_width, no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        self.parts.append(grid)
        return grid

    def heading(self, value: str) -> None:
        self.parts.append(Text(clean(value), style=self.styles.heading))
        self.grid = None

    def attribute(self, key: str, label: str, values: str | list[str]) -> None:
        """Add `label: value`, marked with the worst severity of the findings about this attribute."""
        if self.grid is None:
            self.grid = self._new_grid(12)
        rules = self.attribute_rules.get(key, ())
        flagged = tuple(f for f in self.findings if f.rule in rules and not f.waived)
        worst = worst_severity(flagged)
        lines = values if isinstance(values, list) else [values]
        value = Text("\n".join(clean(line) for line in lines) or "none",
                     style=self.styles.severity(worst) if worst else "")
        marker = Text("✗" if worst else " ", style=self.styles.severity(worst))
        self.grid.add_row(marker, Text(label, style=self.styles.label), value)

    def finding_list(self) -> None:
        self.parts.append(Text(""))
        self.heading(f"Findings ({len(self.findings)})")
        if not self.findings:
            self.parts.append(Text("  no findings"))
            return
        grid = self._new_grid(8)
        for finding in self.findings:
            severity = None if finding.waived else finding.severity
            label = finding.severity.value.upper() + (" waived" if finding.waived else "")
            title = Text()
            title.append(clean(finding.rule), style=self.styles.label)
            title.append(f" {clean(finding.title)}")
            grid.add_row(Text("■", style=self.styles.severity(severity)),
                         Text(label, style=self.styles.severity(severity)), title)
            grid.add_row(Text(""), Text(""), Text(clean(finding.message)))
            grid.add_row(Text(""), Text("evidence", style=self.styles.label), Text(clean(finding.evidence)))
            grid.add_row(Text(""), Text("fix", style=self.styles.label), Text(clean(finding.remediation)))
            if finding.waiver_reason:
                grid.add_row(Text(""), Text("waiver", style=self.styles.label), Text(clean(finding.waiver_reason)))


def _container(builder: _Builder, container: Container, result: ScanResult) -> None:
    builder.heading(f"Container {container.name}")
    builder.attribute("id", "id", container.short_id)
    builder.attribute("image", "image", container.image)
    builder.attribute("state", "state", container.state)
    builder.attribute("health", "health", attributes.health_status(container))
    builder.attribute("user", "user", attributes.container_user(container))
    builder.attribute("ports", "ports", [str(p) for p in attributes.published_ports(container)])
    builder.attribute("networks", "networks", _container_networks(container, result))
    builder.attribute("mounts", "mounts", attributes.mount_lines(container))
    builder.attribute("capabilities", "capabilities", attributes.capability_summary(container))
    builder.attribute("security", "security", attributes.security_options(container))
    builder.attribute("namespaces", "namespaces", attributes.namespace_modes(container))
    builder.attribute("limits", "limits", attributes.limit_summary(container))
    builder.attribute("restart", "restart", attributes.restart_policy(container))
    builder.attribute("logging", "log config", attributes.log_config(container))
    builder.attribute("env", "env", attributes.env_lines(container))


def _container_networks(container: Container, result: ScanResult) -> list[str]:
    lines = []
    by_name = {network.name: network for network in result.snapshot.networks}
    for name in attributes.network_names(container):
        network = by_name.get(name)
        if network is None:
            lines.append(name)
            continue
        internal = ", internal" if network.internal else ""
        lines.append(f"{name} ({network.driver}{internal})")
    return lines


def _image(builder: _Builder, image: Image, result: ScanResult) -> None:
    config = as_dict(dig(image.inspect, "Config"))
    users = [c.name for c in result.snapshot.containers if c.image_id == image.id]
    test = as_list(dig(config, "Healthcheck", "Test"))
    builder.heading(f"Image {image.name}")
    builder.attribute("id", "id", image.short_id)
    builder.attribute("tags", "tags", image.tags or ["<none>"])
    builder.attribute("created", "created", attributes.short_date(image.created))
    builder.attribute("size", "size", attributes.human_size(image.size))
    builder.attribute("user", "user", str(config.get("User") or "root (default)"))
    builder.attribute("health", "healthcheck", " ".join(str(part) for part in test) if test else "none")
    builder.attribute("exposed", "exposed", sorted(str(port) for port in as_dict(config.get("ExposedPorts"))))
    builder.attribute("history", "history", f"{len(image.history)} steps")
    builder.attribute("used", "used by", sorted(users) or ["no container"])


def _network(builder: _Builder, network: Network, result: ScanResult) -> None:
    builder.heading(f"Network {network.name}")
    builder.attribute("id", "id", network.id[:12])
    builder.attribute("driver", "driver", f"{network.driver} ({network.scope})")
    builder.attribute("internal", "internal", "yes" if network.internal else "no")
    builder.attribute("options", "options", [f"{k}={v}" for k, v in sorted(network.options.items())])
    attached = []
    for container in attributes.containers_on_network(result.snapshot, network.id):
        ports = ", ".join(str(p) for p in attributes.published_ports(container)) or "publishes nothing"
        attached.append(f"{container.name}: {ports}")
    builder.attribute("attached", "containers", attached)


def _secret(builder: _Builder, secret: Secret, result: ScanResult) -> None:
    builder.heading(f"Secret {secret.name}")
    builder.attribute("id", "id", secret.id[:12])
    builder.attribute("created", "created", attributes.short_date(secret.created_at))
    builder.attribute("updated", "updated", attributes.short_date(secret.updated_at))
    builder.attribute("services", "services", attributes.services_using_secret(result.snapshot, secret.id))
    builder.attribute("labels", "labels", [f"{k}={v}" for k, v in sorted(secret.labels.items())])
    builder.attribute("value", "value", "never returned by the engine")


def _host(builder: _Builder, host: Host) -> None:
    builder.heading(f"Engine {host.name}")
    builder.attribute("endpoint", "endpoint", host.endpoint)
    builder.attribute("version", "version", f"{host.server_version} (API {host.api_version}, {host.os_type})")
    builder.attribute("swarm", "swarm", f"{host.swarm_state}{', manager' if host.swarm_manager else ''}")
    options = [str(option) for option in as_list(host.info.get("SecurityOptions"))]
    builder.attribute("security", "security", options)


def render_detail(kind: ObjectKind, item: Resource, result: ScanResult, styles: DetailStyles) -> Group:
    """Return the detail text for one object: attributes, marked violations, then findings."""
    findings = result.findings_for(kind, object_id_of(item))
    if isinstance(item, Container):
        builder = _Builder(styles, findings, CONTAINER_ATTRIBUTE_RULES)
        _container(builder, item, result)
    elif isinstance(item, Image):
        builder = _Builder(styles, findings, IMAGE_ATTRIBUTE_RULES)
        _image(builder, item, result)
    elif isinstance(item, Network):
        builder = _Builder(styles, findings, NETWORK_ATTRIBUTE_RULES)
        _network(builder, item, result)
    elif isinstance(item, Secret):
        builder = _Builder(styles, findings, SECRET_ATTRIBUTE_RULES)
        _secret(builder, item, result)
    else:
        builder = _Builder(styles, findings, {})
        _host(builder, item)
    builder.finding_list()
    return Group(*builder.parts)
