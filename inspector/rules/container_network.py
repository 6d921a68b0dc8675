"""Container rules on networking: host network, published ports and network segmentation."""

from __future__ import annotations

from inspector.model.fields import as_dict
from inspector.model.objects import Container, Network
from inspector.rules.registry import EvaluationContext, Violation, check, lookup
from inspector.rules.semantics import PortBinding, published_ports, repository_name

DATABASE_NAMES = (
    "postgres", "mysql", "mariadb", "mongo", "redis", "elasticsearch", "opensearch",
    "cassandra", "couchdb", "memcached", "clickhouse", "influxdb",
)


def attached_network_names(container: Container, context: EvaluationContext) -> set[str] | None:
    """Return the names of the networks the container is attached to, or None if unknown.

    A stopped container still lists its networks in `NetworkSettings.Networks`; the networks'
    own container maps only list running members, so both sources are merged.
    """
    names: set[str] | None = None
    declared = lookup(container.inspect, "NetworkSettings", "Networks")
    if isinstance(declared, dict):
        names = set()
        for name, endpoint in declared.items():
            network_id = str(as_dict(endpoint).get("NetworkID") or "")
            network = context.networks_by_key.get(network_id) or context.networks_by_key.get(str(name))
            names.add(network.name if network else str(name))
    for network in context.snapshot.networks:
        if container.id in network.containers:
            names = (names or set()) | {network.name}
    return names


def attached_networks(container: Container, context: EvaluationContext) -> list[Network]:
    """Return the snapshot's networks the container is attached to."""
    names = attached_network_names(container, context) or set()
    return [network for network in context.snapshot.networks if network.name in names]


def ports_on_all_interfaces(container: Container) -> tuple[str, list[PortBinding]]:
    """Return the source field and the published ports that listen on every interface."""
    published = published_ports(container.inspect)
    if published is None:
        return "", []
    source, bindings = published
    return source, [binding for binding in bindings if binding.on_all_interfaces]


def _host_port_number(binding: PortBinding) -> int | None:
    # An empty HostPort means the engine picks an ephemeral port, which is never privileged.
    start = binding.host_port.partition("-")[0]
    return int(start) if start.isdigit() else None


@check("CTR-HOST-NETWORK", linux_only=True)
def check_host_network(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag `--network host`."""
    if lookup(container.inspect, "HostConfig", "NetworkMode") != "host":
        return None
    return Violation("the container shares the host's network stack", "HostConfig.NetworkMode=host")


@check("CTR-PORT-ALL-INTERFACES")
def check_port_all_interfaces(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag ports published on 0.0.0.0, :: or with no host address."""
    source, exposed = ports_on_all_interfaces(container)
    if not exposed:
        return None
    shown = ", ".join(binding.describe() for binding in exposed)
    return Violation(f"{len(exposed)} published port(s) listen on all host interfaces", f"{source}: {shown}")


@check("CTR-PRIVILEGED-PORT")
def check_privileged_port(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a host port below 1024."""
    published = published_ports(container.inspect)
    if published is None:
        return None
    source, bindings = published
    low = [b for b in bindings if (number := _host_port_number(b)) is not None and number < 1024]
    if not low:
        return None
    shown = ", ".join(binding.describe() for binding in low)
    return Violation("the container publishes a host port below 1024", f"{source}: {shown}")


@check("CTR-DEFAULT-BRIDGE")
def check_default_bridge(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a container attached to the default `bridge` network."""
    names = attached_network_names(container, context)
    if not names or "bridge" not in names:
        return None
    return Violation("the container is on the default bridge with every other default container", "NetworkSettings.Networks includes bridge")


def database_name(container: Container) -> str | None:
    """Return the database or cache the container's image or name refers to, if any."""
    image = repository_name(str(lookup(container.inspect, "Config", "Image") or container.image or "")).lower()
    name = container.name.lower()
    return next((db for db in DATABASE_NAMES if db in image or db in name), None)


@check("CTR-DATABASE-EXPOSED")
def check_database_exposed(container: Container, context: EvaluationContext) -> Violation | None:
    """Flag a database or cache that publishes a port on all interfaces or is on no internal network."""
    database = database_name(container)
    if database is None:
        return None
    source, exposed = ports_on_all_interfaces(container)
    if exposed:
        shown = ", ".join(binding.describe() for binding in exposed)
        return Violation(f"{database} publishes a port on all host interfaces", f"{source}: {shown}")
    names = attached_network_names(container, context)
    # With `--network none` there is no network to reach it through.
    if names is None or names == {"none"}:
        return None
    if any(network.internal for network in attached_networks(container, context)):
        return None
    shown = ", ".join(sorted(names)) or "none"
    return Violation(f"{database} is attached to no internal network", f"NetworkSettings.Networks: {shown} (none Internal)")
